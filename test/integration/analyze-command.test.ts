import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadResults } from "../../lib/analysis/results-loader";
import { summarize, summaryToCsv } from "../../lib/analysis/summary";
import { runCli } from "../helpers/cli";

const ANALYSIS = join(__dirname, "..", "fixtures", "analysis");
const FIXTURE = join(ANALYSIS, "runs", "20250708_120000_fixture");
const AWS_FILE = join(ANALYSIS, "aws-notebook", "invocations_20250708_111100.csv");

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "bb-analyze-cli-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("analyze --help names the inputs, every option, examples and the exit codes", async () => {
  const r = await runCli(["analyze", "--help"]);
  assert.equal(r.code, 0);
  for (const text of ["[inputs...]", "--group-by", "--include-warmup", "--results-dir", "--min-samples", "--seed", "--out", "--no-csv", "--json", "invocations_*.csv", "Exit codes: 0 done; 2 bad input"]) {
    assert.ok(r.stdout.includes(text), text);
  }
});

test("analyze prints the table, the comparisons and fallbacks, and writes the summary CSV", async () => {
  const out = join(dir, "text");
  const r = await runCli(["analyze", FIXTURE, "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /\u001b\[/, "no colour when NO_COLOR is set");
  assert.match(r.stdout, /^Analysed 12 records from 1 file: 11 requests, 7 successful \(70\.0%\), 3 failed, 1 aborted; 1 warm-up counted apart; 2 groups; estimated cost \$0\.0115\./);
  // the standard group's line: 5 requests, 4 ok, 20% errors, TTFT p50/p90 450/570, total 1,450/2,270 (hand values)
  assert.match(r.stdout, /claude-3-5-haiku-20241022-v1:0 · standard\s+5\s+4\s+20\.0%\s+450\s+570\s+1,450\s+2,270\s+101\s+74\.7\s+\$0\.0176/);
  assert.match(r.stdout, /optimized vs standard \(us\.anthropic\.claude-3-5-haiku-20241022-v1:0, us-east-1, concurrency 2, tags short\)/);
  assert.match(r.stdout, /TTFT: median −250 ms \[−?[\d,.]+ ms, −?[\d,.]+ ms\], p90 −330 ms, p = 0\.057, n 3\/4 → too few samples/);
  assert.match(r.stdout, /performance-config optimized asked, 1 of 5 served otherwise \(20\.0%: standard ×1\)/);
  const files = await readdir(out);
  assert.equal(files.length, 1);
  assert.match(files[0]!, /^analysis_summary_\d{8}_\d{6}\.csv$/);
  assert.match(r.stdout, new RegExp(`Summary CSV: .*${files[0]!.replace(/\./g, "\\.")}\\n$`));
  assert.equal(await readFile(join(out, files[0]!), "utf8"), summaryToCsv(summarize(await loadResults(FIXTURE))));
});

test("analyze --json prints one JSON document with every summary column at full precision", async () => {
  const r = await runCli(["analyze", FIXTURE, AWS_FILE, "--json", "--no-csv"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    summaryCsv: string | null;
    groups: { performance_config: string; source: string; TTFT_std: number; requests: number }[];
    comparisons: { kind: string; verdict: string; metrics: { metric: string; outcome: string; verdict: string; text: string }[] }[];
    overview: { files: number };
    notes: string[];
  };
  assert.equal(doc.summaryCsv, null);
  assert.equal(doc.overview.files, 2);
  const standard = doc.groups.find((g) => g.source === "bedrock-bench" && g.performance_config === "standard")!;
  assert.equal(standard.TTFT_std, Math.sqrt(50000 / 3) / 1000);
  assert.equal(doc.groups.length, 6);
  assert.ok(doc.comparisons.some((c) => c.kind === "model"));
  // Each metric: the outcome (also under its earlier name `verdict`) and its sentence, which the comparison's verdict joins.
  for (const c of doc.comparisons) {
    for (const m of c.metrics) {
      assert.ok(["candidate-faster", "candidate-slower", "no-clear-difference", "too-few-samples"].includes(m.outcome), m.outcome);
      assert.equal(m.verdict, m.outcome);
      assert.ok(c.verdict.includes(m.text), `${c.verdict} / ${m.text}`);
    }
  }
  assert.ok(doc.notes.some((n) => n.startsWith("Imported from the AWS latency-benchmarking notebook")));
});

test("without inputs, analyze takes the latest run under results/, and says so", async () => {
  const cwd = join(dir, "project");
  for (const run of ["20250101_000000_old", "20250708_120000_latest"]) {
    await mkdir(join(cwd, "results", run), { recursive: true });
    await copyFile(join(FIXTURE, "requests.csv"), join(cwd, "results", run, "requests.csv"));
  }
  const r = await runCli(["analyze", "--json"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /No input given: analysing the latest run, results\/20250708_120000_latest/);
  const doc = JSON.parse(r.stdout) as { files: { runId: string }[]; summaryCsv: string };
  assert.deepEqual(doc.files.map((f) => f.runId), ["20250708_120000_latest"]);
  assert.ok(doc.summaryCsv.startsWith(join(cwd, "results-analysis", "analysis_summary_")));
  const empty = await runCli(["analyze"], { cwd: join(dir, "project", "results-analysis") });
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /^bedrock-bench: No run found under .*results \(a folder holding requests\.csv\)/);
});

test("bad input exits 2 with one line naming the file, line, column and value", async () => {
  const missing = await runCli(["analyze", "no/such/run"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^bedrock-bench: 'no\/such\/run' does not exist/);
  const badCell = await runCli(["analyze", join(ANALYSIS, "bad", "bad-number"), "--no-csv"]);
  assert.equal(badCell.code, 2);
  assert.equal(badCell.stderr, `bedrock-bench: ${join(ANALYSIS, "bad", "bad-number", "requests.csv")}:6: column 'ttftMs' is 'fast'; expected a number\n`);
  assert.equal(badCell.stdout, "");
  const badOption = await runCli(["analyze", FIXTURE, "--group-by", "model,colour"]);
  assert.equal(badOption.code, 2);
  assert.match(badOption.stderr, /'colour' is not a grouping dimension; expected some of model, region/);
  const badNumber = await runCli(["analyze", FIXTURE, "--min-samples", "1"]);
  assert.equal(badNumber.code, 2);
  assert.match(badNumber.stderr, /--min-samples <n>' argument '1' is invalid\. expected an integer ≥ 2, got '1'/);
});

test("an output folder that cannot be created (a file, a path under a file) exits 2 with one line naming it, before any work (issue 18)", async () => {
  const file = join(dir, "a-file");
  await writeFile(file, "not a folder");
  for (const [out, problem] of [
    [file, "it exists and is not a folder"],
    [join(file, "summaries"), "a part of its path is a file, not a folder"],
  ] as const) {
    const r = await runCli(["analyze", FIXTURE, "--out", out]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, `bedrock-bench: --out ${out} cannot be used: ${problem}; expected a folder that can be created (nothing was done)\n`);
    assert.equal(r.stdout, "");
  }
  // Without the summary CSV there is no output folder to check.
  const noCsv = await runCli(["analyze", FIXTURE, "--out", file, "--no-csv"]);
  assert.equal(noCsv.code, 0, noCsv.stderr);
  assert.equal(await readFile(file, "utf8"), "not a folder");
});

test("analyze reads the AWS notebook's invocations files and colours only when asked", async () => {
  const r = await runCli(["analyze", AWS_FILE, "--no-csv", "--group-by", "model,performanceConfig"], { env: { NO_COLOR: "", FORCE_COLOR: "1" } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\u001b\[1mAnalysed\u001b\[22m 20 records from 1 file: 20 requests, 19 successful \(95\.0%\)/);
  assert.match(r.stdout, /llama3-1-70b-instruct-v1:0 · optimized\s+5\s+5\s+0\.0%\s+400\s+446\s+700\s+726\s+—\s+71\.4\s+—/);
  assert.match(r.stdout, /Imported from the AWS latency-benchmarking notebook/);
});

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli";

const ANALYSIS = join(__dirname, "..", "fixtures", "analysis");
const FIXTURE = join(ANALYSIS, "runs", "20250708_120000_fixture");
const AWS_FOLDER = join(ANALYSIS, "aws-notebook");

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "bb-report-cli-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("report --help names the formats, the output folder and the exit codes", async () => {
  const r = await runCli(["report", "--help"]);
  assert.equal(r.code, 0);
  for (const text of ["[inputs...]", "--format <formats>", "any of html, md, simple-csv", "simple_summary_<timestamp>.csv", "(default: html,md)", "--out <dir>", "--title <title>", "--distribution", "--json", "opens offline", "Exit codes"]) {
    assert.ok(r.stdout.includes(text), text);
  }
  const top = await runCli(["--help"]);
  assert.match(top.stdout, /analyze \[options\] \[inputs\.\.\.\]/);
  assert.match(top.stdout, /report \[options\] \[inputs\.\.\.\]/);
});

test("report writes the HTML and Markdown reports and the summary CSV, and prints their paths", async () => {
  const out = join(dir, "both");
  const r = await runCli(["report", FIXTURE, AWS_FOLDER, "--out", out, "--title", "Haiku <and> Llama"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^HTML report: .*analysis_report_\d{8}_\d{6}\.html$/);
  assert.match(lines[1]!, /^Markdown report: .*analysis_report_\d{8}_\d{6}\.md$/);
  assert.match(lines[2]!, /^Summary CSV: .*analysis_summary_\d{8}_\d{6}\.csv$/);
  const files = (await readdir(out)).sort();
  assert.equal(files.length, 3);
  const html = await readFile(join(out, files.find((f) => f.endsWith(".html"))!), "utf8");
  assert.match(html, /<title>Haiku &lt;and&gt; Llama<\/title>/);
  const md = await readFile(join(out, files.find((f) => f.endsWith(".md"))!), "utf8");
  assert.match(md, /^# Haiku &lt;and&gt; Llama\n/);
});

test("report --format md --json writes only what is asked and prints the paths as JSON", async () => {
  const out = join(dir, "md");
  const r = await runCli(["report", FIXTURE, "--out", out, "--format", "md", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { html: string | null; markdown: string; summaryCsv: string; files: string[] };
  assert.equal(doc.html, null);
  assert.ok(doc.markdown.startsWith(out));
  assert.deepEqual(doc.files, [join(FIXTURE, "requests.csv")]);
  assert.deepEqual((await readdir(out)).map((f) => f.replace(/\d{8}_\d{6}/, "T")).sort(), ["analysis_report_T.md", "analysis_summary_T.csv"]);
});

test("report --format simple-csv writes the simple CLI benchmark layout, one row per model, and prints its path", async () => {
  const out = join(dir, "simple");
  const r = await runCli(["report", FIXTURE, "--out", out, "--format", "simple-csv"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^Summary CSV: .*analysis_summary_\d{8}_\d{6}\.csv$/);
  assert.match(lines[1]!, /^Simple summary CSV: .*simple_summary_\d{8}_\d{6}\.csv$/);
  assert.deepEqual((await readdir(out)).map((f) => f.replace(/\d{8}_\d{6}/, "T")).sort(), ["analysis_summary_T.csv", "simple_summary_T.csv"]);
  const csv = await readFile(join(out, (await readdir(out)).find((f) => f.startsWith("simple_summary_"))!), "utf8");
  const [header, ...rows] = csv.trim().split("\n");
  assert.equal(
    header,
    "model_name,total_calls,successful_calls,error_rate,avg_response_time,min_response_time,max_response_time,total_input_tokens,total_output_tokens,total_cost,cost_per_call,errors_timeout,errors_rate_limit,errors_service",
  );
  const haiku = rows.find((row) => row.startsWith("us.anthropic.claude-3-5-haiku-20241022-v1:0,"))!.split(",");
  assert.deepEqual([...haiku.slice(0, 4), ...haiku.slice(5, 9), ...haiku.slice(11)], [
    "us.anthropic.claude-3-5-haiku-20241022-v1:0", "10", "7", "0.3", "0.65", "2.6", "160", "632", "1", "1", "1",
  ]);
  assert.equal(rows.length, 1, "one row per model: the fixture's two groups of Haiku pooled");
  const json = await runCli(["report", FIXTURE, "--out", out, "--format", "html,simple-csv", "--json"]);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout) as { html: string; markdown: null; simpleCsv: string };
  assert.equal(doc.markdown, null);
  assert.match(doc.simpleCsv, /simple_summary_\d{8}_\d{6}(_2)?\.csv$/);
});

test("report refuses bad formats and bad inputs with exit code 2", async () => {
  const format = await runCli(["report", FIXTURE, "--format", "pdf"]);
  assert.equal(format.code, 2);
  assert.match(format.stderr, /Unknown report format "pdf"; expected html, md or simple-csv/);
  const input = await runCli(["report", join(ANALYSIS, "bad", "missing-column"), "--out", join(dir, "never")]);
  assert.equal(input.code, 2);
  assert.match(input.stderr, /missing-column\/requests\.csv:1: the header lacks the record columns 'warmup', 'costUsd'/);
  await assert.rejects(readdir(join(dir, "never")), /ENOENT/, "nothing is written for bad input");
});

test("an output folder that cannot be created (a file, a path under a file) exits 2 with one line naming it, before any work (issue 18)", async () => {
  const file = join(dir, "a-file");
  await writeFile(file, "not a folder");
  for (const [out, problem] of [
    [file, "it exists and is not a folder"],
    [join(file, "reports"), "a part of its path is a file, not a folder"],
  ] as const) {
    // A bad input too: the folder is refused before the inputs are even read.
    const r = await runCli(["report", FIXTURE, "--out", out]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, `bedrock-bench: --out ${out} cannot be used: ${problem}; expected a folder that can be created (nothing was done)\n`);
    assert.equal(r.stdout, "");
  }
  assert.equal(await readFile(file, "utf8"), "not a folder");
});

test("report --svg: listed in --help, writes every chart as an SVG into a folder beside the reports", async () => {
  const help = await runCli(["report", "--help"]);
  assert.equal(help.code, 0);
  for (const text of ["--svg", "analysis_report_<timestamp>_charts/", "BEDROCK_BENCH_CHROMIUM", "apt-get install chromium"]) {
    assert.ok(help.stdout.includes(text), text);
  }
  const out = join(dir, "svg");
  const r = await runCli(["report", FIXTURE, "--out", out, "--format", "html", "--svg"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^SVG charts: .*analysis_report_\d{8}_\d{6}_charts$/m);
  const entries = (await readdir(out)).map((f) => f.replace(/\d{8}_\d{6}/, "T")).sort();
  assert.deepEqual(entries, ["analysis_report_T.html", "analysis_report_T_charts", "analysis_summary_T.csv"]);
  const folder = (await readdir(out)).find((f) => f.endsWith("_charts"))!;
  const svgs = await readdir(join(out, folder));
  assert.ok(svgs.includes("ttft-box.svg") && svgs.length >= 5, svgs.join(", "));
  assert.ok(svgs.every((f) => f.endsWith(".svg")));
  assert.match(await readFile(join(out, folder, "ttft-box.svg"), "utf8"), /^<svg[\s>][\s\S]*Time to first token/);
});

test("report --svg without a browser fails with exit 1 and one clear line, and writes nothing", async () => {
  const out = join(dir, "svg-no-browser");
  const r = await runCli(["report", FIXTURE, "--out", out, "--svg"], { env: { BEDROCK_BENCH_CHROMIUM: "/nonexistent" } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /BEDROCK_BENCH_CHROMIUM=\/nonexistent is not an executable file\. Install Chromium \(Debian\/Ubuntu: apt-get install chromium\)/);
  assert.equal(r.stdout, "");
  await assert.rejects(readdir(out), { code: "ENOENT" });
});

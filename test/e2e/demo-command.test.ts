// `bedrock-bench demo` (what `npm run demo` runs) as a user runs it: both notebooks headless against the emulator,
// here on the small notebook-test dataset so the suite stays quick; the demo's own inputs are checked for validity.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { DEMO_DATASET, DEMO_EXPERIMENT, DEMO_NOTEBOOKS } from "../../lib/app/demo";
import { readRequestsCsv } from "../../lib/records/record-reader";
import { estimateRun } from "../../lib/engine/run-plan";
import { runCli } from "../helpers/cli";
import { withTempDir } from "../helpers/temp-dir";

const ROOT = join(__dirname, "..", "..");
const FIXTURE = join(__dirname, "..", "fixtures", "notebook-run");

describe("bedrock-bench demo", () => {
  test("--help says what it runs, what it leaves and the exit codes", async () => {
    const r = await runCli(["demo", "--help"]);
    assert.equal(r.code, 0);
    for (const flag of ["--dataset <file>", "--config <file>", "--results-dir <dir>", "--out <dir>", "--verbose", "--json", "--no-color"]) {
      assert.ok(r.stdout.includes(flag), `help mentions ${flag}`);
    }
    assert.match(r.stdout, /01_run_benchmark\.ipynb/);
    assert.match(r.stdout, /02_analyze_results\.ipynb/);
    assert.match(r.stdout, /Exit codes: 0 done; 2 bad input/);
    const top = await runCli(["--help"]);
    assert.match(top.stdout, /demo \[options\]/);
  });

  test("the demo's inputs: several models, standard and optimized, two tiers, one throttle burst, within its budget", async () => {
    const e = await estimateRun({ dataset: join(ROOT, DEMO_DATASET), experiment: join(ROOT, DEMO_EXPERIMENT) });
    assert.equal(e.target, "emulator");
    assert.ok(e.models.length >= 3, "several models");
    const configs = new Set(e.estimate.byConfiguration.map((c) => `${c.performanceConfig}/${c.serviceTier}`));
    assert.ok(configs.has("standard/default") && configs.has("optimized/default") && configs.has("standard/priority"));
    assert.equal(e.withinBudget, true);
    const experiment = JSON.parse(readFileSync(join(ROOT, DEMO_EXPERIMENT), "utf8")) as { emulator: { faults: { kind: string }[] } };
    assert.deepEqual(experiment.emulator.faults.map((f) => f.kind), ["throttling"]);
  });

  test("runs 01 then 02 on the run 01 made, writes the reports and both notebooks in --out, and prints where they are (--json)", async () => {
    await withTempDir(async (dir) => {
      const results = join(dir, "results");
      const out = join(dir, "results-analysis");
      const r = await runCli([
        "demo",
        "--dataset", join(FIXTURE, "scenarios.jsonl"),
        "--config", join(FIXTURE, "experiment.json"),
        "--results-dir", results,
        "--out", out,
        "--json",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /running 01_run_benchmark\.ipynb …\nrunning 02_analyze_results\.ipynb …/);
      const summary = JSON.parse(r.stdout) as {
        runFolder: string;
        report: string;
        markdownReport: string;
        summaryCsv: string;
        notebooks: { html: string }[];
      };
      assert.deepEqual(readdirSync(results), [basename(summary.runFolder)], "one run folder");
      assert.equal(readRequestsCsv(join(summary.runFolder, "requests.csv")).length, 15);
      assert.deepEqual(
        summary.notebooks.map((n) => basename(n.html).replace(/_\d{8}_\d{6}\.html$/, "")),
        DEMO_NOTEBOOKS.map((n) => n.replace(/\.ipynb$/, "")),
      );
      for (const file of [summary.report, summary.markdownReport, summary.summaryCsv, ...summary.notebooks.map((n) => n.html)]) {
        assert.ok(existsSync(file), file);
        assert.equal(join(out, basename(file)), file, "written in --out");
      }
      assert.match(basename(summary.report), /^analysis_report_\d{8}_\d{6}\.html$/);
      // The report analyses exactly the run 01 made.
      assert.ok(readFileSync(summary.report, "utf8").includes(basename(summary.runFolder)));
    });
  });

  test("a malformed dataset exits 2 naming file, line and field, before any notebook runs", async () => {
    await withTempDir(async (dir) => {
      const bad = join(dir, "bad.jsonl");
      writeFileSync(bad, `${JSON.stringify({ text_prompt: "hi", expected_output_tokens: 10, model_id: "us.amazon.nova-micro-v1:0", region: "us-east-1", inference_profile: "fast" })}\n`);
      const results = join(dir, "results");
      const out = join(dir, "out");
      const r = await runCli(["demo", "--dataset", bad, "--results-dir", results, "--out", out]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^bedrock-bench: /);
      assert.ok(r.stderr.includes(`${bad}:1`), r.stderr);
      assert.match(r.stderr, /inference_profile/);
      assert.doesNotMatch(r.stderr, /running 01_run_benchmark/);
      assert.deepEqual(readdirSync(results), [], "no run folder");
      assert.deepEqual(readdirSync(out), [], "no report");
    });
  });

  test("a configuration naming an endpoint is refused: the demo only runs its own emulator", async () => {
    await withTempDir(async (dir) => {
      const config = join(dir, "remote.json");
      writeFileSync(config, JSON.stringify({ target: "aws", endpoint: "https://bedrock-runtime.us-east-1.amazonaws.com" }));
      const results = join(dir, "results");
      const r = await runCli(["demo", "--config", config, "--results-dir", results, "--out", join(dir, "out")]);
      assert.equal(r.code, 2);
      assert.ok(r.stderr.startsWith(`bedrock-bench: ${config}: the demo runs the built-in emulator only (nothing was run)\n`), r.stderr);
      assert.match(r.stderr, /field 'endpoint' is "https:\/\/bedrock-runtime\.us-east-1\.amazonaws\.com" \(string\); expected no endpoint/);
      assert.deepEqual(readdirSync(results), []);
    });
  });
});

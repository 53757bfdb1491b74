import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeResults, analyzeResultSet, latestRunInput } from "../../lib/analysis/analyze-results";
import { compareResults } from "../../lib/analysis/comparison";
import { loadResults, resultSetFromRecords, ResultsInputError } from "../../lib/analysis/results-loader";
import { summarize } from "../../lib/analysis/summary";
import { failedRecord, successRecord } from "../fixtures/analysis/synthetic-records";
import { chartsOf } from "../../lib/report/analysis-charts";

const ANALYSIS = join(__dirname, "..", "fixtures", "analysis");
const FIXTURE = join(ANALYSIS, "runs", "20250708_120000_fixture");
const AWS_FOLDER = join(ANALYSIS, "aws-notebook");

test("one call gives the summary, comparisons, fallbacks, charts and an overview computed by hand", async () => {
  const now = new Date("2025-07-09T08:00:00Z");
  const analysis = await analyzeResults(FIXTURE, { now: () => now });
  assert.equal(analysis.createdAt, now);
  assert.deepEqual(analysis.inputs, [FIXTURE]);
  const set = await loadResults(FIXTURE);
  assert.deepEqual(analysis.summary, summarize(set));
  assert.deepEqual(analysis.comparisons, compareResults(set));
  assert.equal(analysis.comparisons.length, 1);
  assert.equal(analysis.comparisons[0]!.kind, "performance-config");
  // Served is known for the 8 requests that got a response (7 successes and the mid-stream fault): optimized asked
  // 5 times (one served standard), standard 3 times; tier priority asked once (served default), default 7 times.
  assert.deepEqual(
    analysis.fallbacks.map((f) => [f.kind, f.asked, f.requests, f.fallbacks]),
    [
      ["performance-config", "optimized", 5, 1],
      ["performance-config", "standard", 3, 0],
      ["service-tier", "default", 7, 0],
      ["service-tier", "priority", 1, 1],
    ],
  );
  // By hand from the fixture (see test/unit/summary.test.ts): 11 requests apart from the warm-up, 7 successes, 3 failures
  // (a throttle, a mid-stream fault, a client timeout), 1 abort; the first send at 12:00:03.000, the last completion
  // 12:00:04.000 + 2,600 ms; cost .008 + .0035.
  const o = analysis.overview;
  assert.deepEqual(
    [o.files, o.records, o.groups, o.requests, o.warmups, o.successes, o.failures, o.aborted, o.throttles, o.retriedRequests],
    [1, 12, 2, 11, 1, 7, 3, 1, 1, 1],
  );
  assert.equal(o.successRate, 0.7);
  assert.equal(o.firstSendIso, "2025-07-08T12:00:03.000Z");
  assert.equal(o.lastCompletionIso, "2025-07-08T12:00:06.600Z");
  assert.equal(o.spanS, 3.6);
  assert.ok(Math.abs(o.costUsd! - 0.0115) < 1e-12);
  assert.equal(o.warmupCostUsd, 0.005);
  assert.deepEqual(o.models, ["us.anthropic.claude-3-5-haiku-20241022-v1:0"]);
  assert.deepEqual(
    [o.performanceConfigFallbacks, o.serviceTierFallbacks],
    [1, 1],
  );
  // every chart the issue names is there for a run with failures, cost, two configurations and input sizes in two
  // power-of-two buckets (20 and 40 tokens); a single concurrency level leaves out that heatmap
  assert.deepEqual(
    chartsOf(analysis).charts.map((c) => c.id),
    [
      "ttft-box",
      "total-box",
      "ttft-ecdf",
      "otps-decode",
      "otps-e2e",
      "ttft-over-time",
      "throughput-over-time",
      "errors-by-class",
      "cost-vs-latency",
      "ttft-p90-heatmap-config",
      "ttft-p90-heatmap-input-size",
    ],
  );
  assert.deepEqual(chartsOf(analysis).omitted, [{ id: "ttft-p90-heatmap-concurrency", title: "p90 TTFT by concurrency heatmap", section: "latency", reason: "a single concurrency level" }]);
  for (const chart of chartsOf(analysis).charts) {
    const options = chart.figure.config?.["toImageButtonOptions"] as { format: string; filename: string };
    assert.deepEqual([options.format, options.filename], ["svg", chart.id]);
  }
  assert.deepEqual(analysis.warnings, [
    "1 of 1 comparisons rest on fewer than 30 successful requests per side: their verdicts say so and give the sample size that would support a conclusion.",
  ]);
  assert.deepEqual(analysis.settings.dimensions, set.dimensions);
  assert.equal(analysis.settings.minSamples, 30);
});

test("options reach the grouping, the comparisons and the charts", async () => {
  const analysis = await analyzeResults([FIXTURE], {
    dimensions: ["model"],
    includeWarmup: true,
    minSamples: 3,
    seed: 4,
    distribution: "violin",
  });
  assert.equal(analysis.summary.length, 1);
  assert.equal(analysis.summary[0]!.requests, 12);
  assert.equal(analysis.settings.includeWarmup, true);
  assert.equal(analysis.settings.seed, 4);
  assert.deepEqual(analysis.comparisons, []);
  assert.ok(analysis.notes.some((n) => /Warm-up requests are included/.test(n)));
  assert.equal(chartsOf(analysis).charts[0]!.id, "ttft-violin");
  assert.equal((chartsOf(analysis).charts[0]!.figure.data[0] as { type: string }).type, "violin");
});

test("bad options are refused before any file is read", async () => {
  await assert.rejects(analyzeResults("does/not/exist", { minSamples: 1 }), /minSamples to be an integer ≥ 2, got 1/);
  await assert.rejects(analyzeResults("does/not/exist", { distribution: "pie" as never }), /distribution to be "box" or "violin", got "pie"/);
  await assert.rejects(analyzeResults("does/not/exist", { dimensions: ["colour" as never] }), /Unknown group dimension 'colour'/);
  await assert.rejects(analyzeResults("does/not/exist", { dimensions: [] }), /at least one group dimension/);
  await assert.rejects(analyzeResults("does/not/exist"), ResultsInputError);
});

test("a result set in memory, and AWS-notebook files, analyse the same way", async () => {
  const records = [
    ...Array.from({ length: 3 }, (_, i) => successRecord({ ttftMs: 100 + i, totalMs: 500 })),
    failedRecord({ errorClass: "ThrottlingException" }),
  ];
  const memory = await analyzeResults(resultSetFromRecords(records));
  assert.deepEqual(memory.inputs, []);
  assert.equal(memory.overview.requests, 4);
  assert.equal(memory.overview.throttles, 1);
  assert.deepEqual(analyzeResultSet(resultSetFromRecords(records)).summary, memory.summary);
  const aws = await analyzeResults(AWS_FOLDER);
  assert.equal(aws.overview.requests, 20);
  assert.equal(aws.overview.costUsd, null);
  assert.deepEqual(aws.fallbacks, []);
  assert.ok(aws.notes.some((n) => n.startsWith("Imported from the AWS latency-benchmarking notebook")));
  assert.equal(aws.comparisons.filter((c) => c.kind === "performance-config").length, 2);
});

test("the default input is the latest run under results/, or an error that says there is none", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bb-analysis-"));
  try {
    await assert.rejects(latestRunInput("results", { cwd: dir }), /No run found under .*results \(a folder holding requests\.csv\): run a benchmark first/);
    for (const run of ["20250101_000000_old", "20250708_120000_new"]) {
      await mkdir(join(dir, "results", run), { recursive: true });
      await copyFile(join(FIXTURE, "requests.csv"), join(dir, "results", run, "requests.csv"));
    }
    assert.equal(await latestRunInput("results", { cwd: dir }), join(dir, "results", "20250708_120000_new"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

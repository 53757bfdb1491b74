import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadResults, resultSetFromRecords } from "../../lib/analysis/results-loader";
import { analyzeResults } from "../../lib/analysis/analyze-results";
import { SIMPLE_SUMMARY_COLUMNS, simpleSummary, simpleSummaryToCsv } from "../../lib/analysis/simple-summary";
import { writeReports } from "../../lib/report/report-files";
import { failedRecord, successRecord } from "../fixtures/analysis/synthetic-records";

const ANALYSIS = join(__dirname, "..", "fixtures", "analysis");
const FIXTURE = join(ANALYSIS, "runs", "20250708_120000_fixture");
const AWS_SAMPLE = join(ANALYSIS, "aws-notebook", "invocations_20250708_111100.csv");
const HAIKU = "us.anthropic.claude-3-5-haiku-20241022-v1:0";

/**
 * The fixture by hand (see summary.test.ts for every request). One model in two groups (served standard, served
 * optimized): pooled into one row.
 *   non-warm-up calls: s1–s4, f1 (throttle), o1–o3, f2 (mid-stream ModelStreamErrorException), t1 (timeout), a1 (aborted)
 *   total_calls = 11 − 1 aborted = 10; successful 7; failed 3 → error_rate 0.3
 *   total ms of the successes: 1400 1500 2600 1300 | 700 1250 650 → Σ 9400, mean 1342.857… ms, min 650, max 2600
 *   input tokens 20+20+40+20 | 20+20+20 = 160; output 101+51+201+101 | 51+101+26 = 632
 *   cost .002+.001+.003+.002 | .001+.002+.0005 = .0115 (the warm-up's .005 is not counted); per call .0115 / 10
 *   timeout 1 (t1), rate limit 1 (f1, 429), service 1 (f2, in the stream)
 */
test("the simple summary of the fixture, by hand: one row for the model, its groups pooled", async () => {
  const set = await loadResults(FIXTURE);
  assert.equal(set.groups.length, 2, "the fixture's model is in two groups");
  const rows = simpleSummary(set.groups);
  assert.equal(rows.length, 1);
  const row = rows[0]!;
  const close = (actual: number | null, expected: number, name: string) => {
    assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${name}: ${actual} ≠ ${expected}`);
  };
  close(row.avg_response_time, 9400 / 7 / 1000, "avg_response_time");
  close(row.total_cost, 0.0115, "total_cost");
  close(row.cost_per_call, 0.00115, "cost_per_call");
  assert.deepEqual(
    { ...row, avg_response_time: 0, total_cost: 0, cost_per_call: 0 },
    {
      model_name: HAIKU,
      total_calls: 10,
      successful_calls: 7,
      error_rate: 0.3,
      avg_response_time: 0,
      min_response_time: 0.65,
      max_response_time: 2.6,
      total_input_tokens: 160,
      total_output_tokens: 632,
      total_cost: 0,
      cost_per_call: 0,
      errors_timeout: 1,
      errors_rate_limit: 1,
      errors_service: 1,
    },
  );
  const csv = simpleSummaryToCsv(rows).trim().split("\n");
  assert.equal(
    csv[0],
    "model_name,total_calls,successful_calls,error_rate,avg_response_time,min_response_time,max_response_time,total_input_tokens,total_output_tokens,total_cost,cost_per_call,errors_timeout,errors_rate_limit,errors_service",
  );
  assert.deepEqual(csv[0]!.split(","), [...SIMPLE_SUMMARY_COLUMNS]);
  assert.equal(csv.length, 2);
  assert.deepEqual(csv[1]!.split(",").slice(0, 4), [HAIKU, "10", "7", "0.3"]);
  assert.deepEqual(csv[1]!.split(",").slice(5, 9), ["0.65", "2.6", "160", "632"]);
  assert.deepEqual(csv[1]!.split(",").slice(11), ["1", "1", "1"]);
});

test("one row per model in order of appearance; no cost recorded is an empty cell, not 0", async () => {
  const set = await loadResults([FIXTURE, AWS_SAMPLE]);
  const rows = simpleSummary(set.groups);
  assert.deepEqual(rows.map((r) => r.model_name).sort(), [HAIKU, "us.meta.llama3-1-70b-instruct-v1:0"]);
  const llama = rows.find((r) => r.model_name !== HAIKU)!;
  assert.equal(llama.total_cost, null);
  assert.equal(llama.cost_per_call, null);
  const line = simpleSummaryToCsv([llama]).trim().split("\n")[1]!.split(",");
  assert.deepEqual(line.slice(9, 11), ["", ""]);
});

test("errors by kind: timeouts, throttles (also mid-stream), service errors (5xx, in-stream); 4xx and client failures in none", () => {
  const records = [
    successRecord({ ttftMs: 100, totalMs: 500 }),
    failedRecord({ errorClass: "TimeoutError", status: "timeout", faultSide: "client", httpStatus: null }),
    failedRecord({ errorClass: "ThrottlingException", httpStatus: 429 }),
    failedRecord({ errorClass: "ThrottlingException", faultSide: "mid-stream", httpStatus: 200 }),
    failedRecord({ errorClass: "ServiceUnavailableException", httpStatus: 503 }),
    failedRecord({ errorClass: "InternalServerException", httpStatus: 500 }),
    failedRecord({ errorClass: "ModelStreamErrorException", faultSide: "mid-stream", httpStatus: 200 }),
    failedRecord({ errorClass: "ValidationException", httpStatus: 400 }),
    failedRecord({ errorClass: "AccessDeniedException", httpStatus: 403 }),
    failedRecord({ errorClass: "ECONNREFUSED", faultSide: "client", httpStatus: null }),
    failedRecord({ errorClass: "AbortError", status: "aborted", faultSide: "client", httpStatus: null }),
  ];
  const [row] = simpleSummary(resultSetFromRecords(records).groups);
  assert.deepEqual(
    [row!.total_calls, row!.successful_calls, row!.error_rate, row!.errors_timeout, row!.errors_rate_limit, row!.errors_service],
    [10, 1, 0.9, 1, 2, 3],
  );
  assert.deepEqual([row!.avg_response_time, row!.min_response_time, row!.max_response_time], [0.5, 0.5, 0.5]);
  const none = simpleSummary(resultSetFromRecords([records[1]!]).groups)[0]!;
  assert.deepEqual([none.avg_response_time, none.min_response_time, none.max_response_time, none.error_rate], [null, null, null, 1]);
});

test("writeReports writes the simple CSV on request (format simple-csv), beside the others, never overwriting", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bb-simple-csv-"));
  try {
    const analysis = await analyzeResults(FIXTURE);
    const now = () => new Date(2025, 6, 9, 8, 30, 5);
    const none = await writeReports(analysis, { outputDir: dir, now, formats: ["md"] });
    assert.equal(none.simpleCsv, null, "not written unless asked for");
    const first = await writeReports(analysis, { outputDir: dir, now, formats: ["simple-csv"] });
    assert.deepEqual([first.html, first.markdown, first.summaryCsv, first.simpleCsv], [
      null,
      null,
      join(dir, "analysis_summary_20250709_083005_2.csv"),
      join(dir, "simple_summary_20250709_083005_2.csv"),
    ]);
    assert.equal(await readFile(first.simpleCsv!, "utf8"), simpleSummaryToCsv(simpleSummary(analysis.results.groups)));
    const second = await writeReports(analysis, { outputDir: dir, now, formats: ["simple-csv"], summaryCsv: false });
    assert.equal(second.simpleCsv, join(dir, "simple_summary_20250709_083005.csv"), "the first free name of the files asked for");
    const third = await writeReports(analysis, { outputDir: dir, now, formats: ["simple-csv"], summaryCsv: false });
    assert.equal(third.simpleCsv, join(dir, "simple_summary_20250709_083005_3.csv"));
    assert.equal((await readdir(dir)).filter((f) => f.startsWith("simple_summary_")).length, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

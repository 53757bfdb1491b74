import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DataFrame } from "danfojs-node";
import { analyzeResults } from "../../lib/analysis/analyze-results";
import { recordsFrame, recordsFrameDtype } from "../../lib/analysis/records-frame";
import { loadResults, resultSetFromRecords } from "../../lib/analysis/results-loader";
import { readRequestsCsv } from "../../lib/records/record-reader";
import { RECORD_COLUMNS, RECORD_COLUMN_NAMES, type RequestRecord } from "../../lib/records/request-record";

const FIXTURE = join(__dirname, "..", "fixtures", "analysis", "runs", "20250708_120000_fixture");
const AWS_SAMPLE = join(__dirname, "..", "fixtures", "analysis", "aws-notebook", "invocations_20250708_111100.csv");

const rowsOf = (frame: DataFrame) => frame.values as unknown[][];
const cell = (frame: DataFrame, row: number, column: keyof RequestRecord) => rowsOf(frame)[row]![frame.columns.indexOf(column)];

test("recordsFrame: one row per record, the requests.csv columns in order, each with its dtype", async () => {
  const records = readRequestsCsv(join(FIXTURE, "requests.csv"));
  const frame = await recordsFrame(FIXTURE);
  assert.equal(records.length, 12);
  assert.deepEqual(frame.shape, [records.length, RECORD_COLUMNS.length]);
  assert.deepEqual(frame.columns, RECORD_COLUMN_NAMES);
  assert.deepEqual(
    frame.dtypes,
    RECORD_COLUMNS.map((c) => recordsFrameDtype(c)),
  );
  const dtypeOf = (name: keyof RequestRecord) => frame.dtypes[frame.columns.indexOf(name)];
  assert.equal(dtypeOf("ttftMs"), "float32"); // danfo's name for any float column: the values are doubles (below)
  assert.equal(dtypeOf("sequence"), "int32");
  assert.equal(dtypeOf("inputTokens"), "int32");
  assert.equal(dtypeOf("warmup"), "boolean");
  assert.equal(dtypeOf("startTimeIso"), "datetime");
  assert.equal(dtypeOf("modelId"), "string");
  // Every cell is the record's value: numbers exact (null → NaN), strings as read, the start time as a Date.
  records.forEach((record, i) => {
    for (const c of RECORD_COLUMNS) {
      const value = cell(frame, i, c.name);
      const expected = record[c.name];
      if (c.name === "startTimeIso") assert.deepEqual(value, new Date(expected as string), `row ${i} ${c.name}`);
      else if (expected === null) assert.ok(Number.isNaN(value), `row ${i} ${c.name}: NaN where the cell is empty, got ${String(value)}`);
      else assert.equal(value, expected, `row ${i} ${c.name}`);
    }
  });
});

test("recordsFrame: exact cells, NaN where missing, warm-ups flagged, full precision (not float32)", async () => {
  const frame = await recordsFrame(FIXTURE);
  // Row 0 is the warm-up; its decode rate has every digit of the CSV.
  assert.equal(cell(frame, 0, "warmup"), true);
  assert.equal(cell(frame, 0, "outputTokensPerSecond"), 48.095238095238095);
  assert.notEqual(Math.fround(48.095238095238095), 48.095238095238095, "the value would change if stored as float32");
  assert.equal(cell(frame, 5, "outputTokensPerSecondE2E"), 77.3076923076923);
  assert.equal(cell(frame, 1, "ttftMs"), 400);
  assert.equal(cell(frame, 1, "cacheWriteInputTokens"), 5);
  assert.deepEqual(cell(frame, 1, "startTimeIso"), new Date("2025-07-08T12:00:03.000Z"));
  assert.equal(cell(frame, 6, "costUsd"), 0.0005);
  // Row 8 failed mid-stream after a first token; row 9 was throttled before the stream.
  assert.equal(cell(frame, 8, "status"), "error");
  assert.equal(cell(frame, 8, "ttftMs"), 180);
  assert.ok(Number.isNaN(cell(frame, 8, "generationMs")));
  assert.ok(Number.isNaN(cell(frame, 8, "costUsd")));
  assert.equal(cell(frame, 8, "chunksBeforeFault"), 5);
  assert.equal(cell(frame, 8, "errorMessage"), "The model stream failed, please retry");
  assert.ok(Number.isNaN(cell(frame, 9, "ttftMs")));
  assert.equal(cell(frame, 9, "httpStatus"), 429);
  assert.equal(cell(frame, 9, "performanceConfigServed"), "", "empty strings stay empty strings");
  assert.ok(Number.isNaN(cell(frame, 10, "httpStatus")));
  // Column reads, series arithmetic, query and groupby keep the doubles.
  const decode = frame.column("outputTokensPerSecond");
  assert.equal(decode.values[0], 48.095238095238095);
  assert.equal(frame.column("outputTokensPerSecondE2E").add(0).values[5], 77.3076923076923);
  const ok = frame.query(frame.column("status").map((s) => s === "success").and(frame.column("warmup").map((w) => !w)));
  assert.equal(ok.shape[0], 7);
  const ttft = ok.groupby(["performanceConfigServed"]).agg({ ttftMs: "median", outputTokensPerSecondE2E: "mean" });
  const byConfig = new Map((ttft.values as unknown[][]).map((r) => [r[0], r.slice(1)]));
  assert.deepEqual(byConfig.get("standard")?.[0], 450); // 300 400 500 600, as summary.test.ts's R-7 p50
  assert.deepEqual(byConfig.get("optimized")?.[0], 200); // 150 200 250
  const e2e = [72.85714285714286, 80.8, 40];
  assert.equal(byConfig.get("optimized")?.[1], e2e.reduce((a, b) => a + b) / e2e.length);
});

test("recordsFrame: options choose the columns and leave warm-ups out", async () => {
  const frame = await recordsFrame(FIXTURE, { columns: ["status", "ttftMs", "warmup"], includeWarmup: false });
  assert.deepEqual(frame.columns, ["status", "ttftMs", "warmup"]);
  assert.deepEqual(frame.dtypes, ["string", "float32", "boolean"]);
  assert.deepEqual(frame.shape, [11, 3]);
  assert.deepEqual(frame.column("warmup").unique().values, [false]);
  assert.deepEqual(rowsOf(frame)[0], ["success", 400, false]);
  await assert.rejects(recordsFrame(FIXTURE, { columns: ["ttft" as keyof RequestRecord] }), /Unknown record column 'ttft'/);
  await assert.rejects(recordsFrame(FIXTURE, { columns: ["ttftMs", "ttftMs"] }), /listed twice/);
  await assert.rejects(recordsFrame(FIXTURE, { columns: [] }), /at least one/);
});

test("recordsFrame: several inputs, AWS-notebook files, an Analysis or a ResultSet", async () => {
  const both = await recordsFrame([FIXTURE, AWS_SAMPLE]);
  const set = await loadResults([FIXTURE, AWS_SAMPLE]);
  assert.equal(both.shape[0], set.recordCount);
  assert.equal(both.shape[0], 32);
  const runs = both.column("runId").unique().values;
  assert.deepEqual([...runs].sort(), ["20250708_120000_fixture", "invocations_20250708_111100"]);
  const aws = await recordsFrame(AWS_SAMPLE, { columns: ["runId", "ttftMs", "totalMs", "startTimeIso", "generationMs"] });
  assert.deepEqual(rowsOf(aws)[0], ["invocations_20250708_111100", 400, 670, new Date("2025-07-08T11:11:00.000Z"), Number.NaN]);

  // Loaded without records: the files are read again, to the same rows.
  const fromAnalysis = await recordsFrame(await analyzeResults(FIXTURE));
  assert.deepEqual(rowsOf(fromAnalysis), rowsOf(await recordsFrame(FIXTURE)));
  const kept = await loadResults(FIXTURE, { keepRecords: true });
  assert.deepEqual(rowsOf(await recordsFrame(kept)), rowsOf(fromAnalysis));
  const three = resultSetFromRecords(kept.records!.slice(0, 3));
  assert.deepEqual((await recordsFrame(three, { columns: ["sequence"] })).values, [[0], [1], [2]]);
});

test("recordsFrame: a run without records gives an empty frame with every column", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bb-records-frame-"));
  try {
    await writeFile(join(dir, "requests.csv"), `${RECORD_COLUMN_NAMES.join(",")}\n`);
    const frame = await recordsFrame(dir);
    assert.deepEqual(frame.shape, [0, RECORD_COLUMNS.length]);
    assert.deepEqual(frame.columns, RECORD_COLUMN_NAMES);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

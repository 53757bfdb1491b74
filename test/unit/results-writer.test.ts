import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { LOG_FILE, REQUESTS_FILE, RecordWriteError, ResultsStoreError, ResultsWriter, readAnswers, readAnswersFile } from "../../lib/engine/results-writer";
import { answerRows } from "../../lib/notebook/run-display";
import { errorKind } from "../../lib/base/errors";
import { exitCodeOf } from "../../lib/cli/cli-error";
import { readRequestsCsv } from "../../lib/records/record-reader";
import { MANIFEST_FILE, writeManifestJson } from "../../lib/records/run-manifest";
import { RECORD_COLUMN_NAMES, type RequestRecord } from "../../lib/records/request-record";
import { failedRecord, successRecord } from "../fixtures/analysis/synthetic-records";
import { withTempDir } from "../helpers/temp-dir";

const HAIKU = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
const ARN = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0";
const STARTED = new Date(2025, 6, 8, 12, 30, 5); // local time

function records(runId: string): RequestRecord[] {
  return [
    { ...successRecord({ ttftMs: 300.123456789, totalMs: 1200.5, outputTokens: 50 }), runId, sequence: 0, modelId: HAIKU },
    { ...failedRecord({ errorClass: "ThrottlingException", errorMessage: 'Too many, "quoted", with\nnewline' }), runId, sequence: 1, modelId: ARN },
    { ...successRecord({ ttftMs: 280, totalMs: 1100, outputTokens: 40 }), runId, sequence: 2, modelId: HAIKU },
  ];
}

describe("ResultsWriter.create", () => {
  test("makes results/<YYYYMMDD_HHMMSS>_<name>/ and never reuses an existing folder", async () => {
    await withTempDir((dir) => {
      const a = ResultsWriter.create(join(dir, "results"), "my run", STARTED, [HAIKU]);
      const b = ResultsWriter.create(join(dir, "results"), "my run", STARTED, [HAIKU]);
      const c = ResultsWriter.create(join(dir, "results"), "", STARTED, [HAIKU]);
      assert.equal(a.runId, "20250708_123005_my_run");
      assert.equal(b.runId, "20250708_123005_my_run_2");
      assert.equal(c.runId, "20250708_123005");
      for (const s of [a, b, c]) s.close();
      // The header is written once; a second store on the same folder would fail rather than overwrite.
      assert.deepEqual(readRequestsCsv(join(a.folder, REQUESTS_FILE)), []);
    });
  });

  test("every append is on disk at once (crash-safe), CSV-quoted, full precision, and answers per model", async () => {
    await withTempDir((dir) => {
      const store = ResultsWriter.create(dir, "", STARTED, [HAIKU, ARN]);
      const rows = records(store.runId);
      store.append(rows[0]!, "Machine learning is…");
      store.append(rows[1]!, "");
      // Before close: another reader sees the rows and an open-ended answers array it can still read.
      assert.deepEqual(readRequestsCsv(join(store.folder, REQUESTS_FILE)), rows.slice(0, 2));
      const haikuFile = join(store.folder, "answers_us.anthropic.claude-3-5-haiku-20241022-v1_0.json");
      const arnFile = join(store.folder, "answers_arn_aws_bedrock_us-east-1_123456789012_inference-profile_us.amazon.nova-pro-v1_0.json");
      assert.deepEqual(readAnswersFile(haikuFile).map((a) => [a.callId, a.responseText, a.success]), [[`${store.runId}/0`, "Machine learning is…", true]]);
      store.append(rows[2]!, "Second");
      store.log("info", "line one\nline two");
      store.close();
      store.close(); // idempotent

      const csv = readFileSync(join(store.folder, REQUESTS_FILE), "utf8");
      assert.equal(csv.split("\n")[0], RECORD_COLUMN_NAMES.join(","));
      assert.match(csv, /300\.123456789/);
      assert.deepEqual(readRequestsCsv(join(store.folder, REQUESTS_FILE)), rows);
      type File<E> = { model_name: string; run_id: string; timestamp: string; responses: E[] };
      const haikuDoc = JSON.parse(readFileSync(haikuFile, "utf8")) as File<{ sequence: number; error: unknown; timings: { ttftMs: number } }>;
      assert.deepEqual(Object.keys(haikuDoc), ["model_name", "run_id", "timestamp", "responses"]);
      assert.equal(haikuDoc.model_name, HAIKU);
      assert.equal(haikuDoc.run_id, store.runId);
      assert.equal(haikuDoc.timestamp, STARTED.toISOString());
      const haiku = haikuDoc.responses;
      assert.deepEqual(haiku.map((a) => a.sequence), [0, 2]);
      assert.equal(haiku[0]!.timings.ttftMs, 300.123456789);
      const arnDoc = JSON.parse(readFileSync(arnFile, "utf8")) as File<{ success: boolean; error: { class: string; side: string; httpStatus: number } }>;
      assert.equal(arnDoc.model_name, ARN);
      const arn = arnDoc.responses;
      assert.deepEqual(arn[0]!.error, { class: "ThrottlingException", message: 'Too many, "quoted", with\nnewline', side: "before-stream", httpStatus: 429, chunksBeforeFault: null });
      assert.match(readFileSync(join(store.folder, LOG_FILE), "utf8"), /^\d{4}-\d{2}-\d{2}T[\d:.]+Z info  line one line two\n$/);
    });
  });

  test("a model not declared at creation is an error, not a silently lost answer (nor a record without its answer)", async () => {
    await withTempDir((dir) => {
      const store = ResultsWriter.create(dir, "", STARTED, [HAIKU]);
      assert.throws(() => store.append({ ...records(store.runId)[1]! }, ""), {
        name: "RecordWriteError",
        message: `model ${ARN} was not declared when the results folder was opened`,
      });
      store.close();
      assert.deepEqual(readRequestsCsv(join(store.folder, REQUESTS_FILE)), []);
    });
  });

  test("a record that cannot be written during a run is a runtime failure (exit 1), not unreadable results (exit 2)", async (t) => {
    await withTempDir((dir) => {
      const store = ResultsWriter.create(dir, "", STARTED, [HAIKU]);
      const row = records(store.runId)[0]!;
      // The disk refuses the write: the system's error is the cause.
      const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      const write = t.mock.method(fs, "writeSync", () => {
        throw full;
      });
      let thrown: unknown;
      assert.throws(
        () => store.append(row, ""),
        (err: unknown) => {
          thrown = err;
          return true;
        },
      );
      write.mock.restore();
      assert.ok(thrown instanceof RecordWriteError);
      assert.deepEqual(
        [thrown.name, thrown.message, thrown.cause, errorKind(thrown), exitCodeOf(thrown)],
        ["RecordWriteError", `cannot write to ${join(store.folder, REQUESTS_FILE)}: ENOSPC: no space left on device, write`, full, "runtime", 1],
      );
      // A closed folder.
      store.close();
      assert.throws(() => store.append(row, ""), (err: unknown) => {
        assert.ok(err instanceof RecordWriteError);
        assert.deepEqual([err.message, err.kind, exitCodeOf(err)], ["the results folder is closed", "runtime", 1]);
        return true;
      });
    });
  });
});

describe("ResultsWriter.open (resume)", () => {
  test("returns what was written, repairs a torn last line, keeps answers of recorded requests only", async () => {
    await withTempDir((dir) => {
      const store = ResultsWriter.create(dir, "resume", STARTED, [HAIKU, ARN]);
      const rows = records(store.runId);
      writeManifestJson(store.folder, { runId: store.runId });
      store.append(rows[0]!, "first");
      store.append(rows[1]!, "");
      // Simulate a crash: no close(), a torn CSV row and an answer whose record never made it.
      appendFileSync(join(store.folder, REQUESTS_FILE), `${store.runId},2,0,0,s1,1,qa`);
      const haikuFile = join(store.folder, "answers_us.anthropic.claude-3-5-haiku-20241022-v1_0.json");
      appendFileSync(haikuFile, `,\n${JSON.stringify({ ...JSON.parse(JSON.stringify(readAnswersFile(haikuFile)[0])), sequence: 2 })}\n,{"torn`);

      const { store: reopened, records: found } = ResultsWriter.open(store.folder, [HAIKU]);
      assert.deepEqual(found, rows.slice(0, 2));
      reopened.append(rows[2]!, "third");
      reopened.close();
      assert.deepEqual(readRequestsCsv(join(store.folder, REQUESTS_FILE)), rows);
      const doc = JSON.parse(readFileSync(haikuFile, "utf8")) as { model_name: string; run_id: string; timestamp: string; responses: { sequence: number; responseText: string }[] };
      assert.deepEqual(doc.responses.map((a) => [a.sequence, a.responseText]), [[0, "first"], [2, "third"]]);
      assert.equal(doc.model_name, HAIKU);
      assert.equal(doc.run_id, store.runId);
      const arnAnswers = readdirSync(store.folder).filter((f) => f.startsWith("answers_arn"));
      assert.equal(JSON.parse(readFileSync(join(store.folder, arnAnswers[0]!), "utf8")).responses.length, 1, "the other model's answers are kept");
      assert.match(readFileSync(join(store.folder, LOG_FILE), "utf8"), /warn  dropped a torn last line of requests\.csv/);
      const csvRows = parse(readFileSync(join(store.folder, REQUESTS_FILE), "utf8"), { columns: true }) as unknown[];
      assert.equal(csvRows.length, 3);
    });
  });

  test("refuses folders that are not runs, and requests.csv files with other columns: bad input (exit 2), nothing sent", async () => {
    await withTempDir((dir) => {
      const refused = (message: string) => (err: unknown) => {
        assert.ok(err instanceof ResultsStoreError);
        assert.deepEqual([err.message, err.kind, exitCodeOf(err)], [message, "results", 2]);
        return true;
      };
      assert.throws(() => ResultsWriter.open(dir, [HAIKU]), refused(`${dir} is not a run folder (no run.json)`));
      writeFileSync(join(dir, MANIFEST_FILE), "{}");
      writeFileSync(join(dir, REQUESTS_FILE), "runId,sequence\n");
      assert.throws(
        () => ResultsWriter.open(dir, [HAIKU]),
        refused(`${join(dir, REQUESTS_FILE)} has different columns than this version of bedrock-bench writes; it cannot be resumed by this version`),
      );
    });
  });
});

describe("answers files: which model and run they belong to, earlier files still read", () => {
  const ARRAY_FORM = join(__dirname, "..", "fixtures", "answers", "array-form");
  const ARRAY_FORM_OPEN = join(__dirname, "..", "fixtures", "answers", "array-form-open.json");

  test("the object form: model, run id and start time first, then the responses; each state of the file readable", async () => {
    await withTempDir((dir) => {
      const store = ResultsWriter.create(dir, "heads", STARTED, [HAIKU, ARN]);
      const rows = records(store.runId);
      const haikuFile = join(store.folder, "answers_us.anthropic.claude-3-5-haiku-20241022-v1_0.json");
      const head = { model_name: HAIKU, run_id: store.runId, timestamp: STARTED.toISOString() };
      store.append(rows[0]!, "first");
      // Killed before close: the head and every whole entry are read back.
      assert.equal(readFileSync(haikuFile, "utf8").split("\n")[0], `${JSON.stringify(head).slice(0, -1)},"responses":[`);
      assert.deepEqual(readAnswers(haikuFile), { head, responses: readAnswersFile(haikuFile) });
      assert.deepEqual(readAnswersFile(haikuFile).map((a) => a.sequence), [0]);
      appendFileSync(haikuFile, ',\n{"callId":"torn');
      assert.deepEqual(readAnswers(haikuFile).head, head);
      assert.deepEqual(readAnswersFile(haikuFile).map((a) => a.sequence), [0], "a torn last entry is dropped");
      writeFileSync(haikuFile, readFileSync(haikuFile, "utf8").replace(/,\n\{"callId":"torn$/, ""));
      store.append(rows[2]!, "second");
      store.close();
      const closed = JSON.parse(readFileSync(haikuFile, "utf8")) as Record<string, unknown>;
      assert.deepEqual({ ...closed, responses: undefined }, { ...head, responses: undefined });
      assert.deepEqual(readAnswers(haikuFile), { head, responses: closed["responses"] });
      assert.deepEqual(readAnswersFile(haikuFile).map((a) => [a.sequence, a.responseText]), [[0, "first"], [2, "second"]]);
    });
  });

  test("a file created when nothing was answered yet, killed at once, reads as no responses with its head", async () => {
    await withTempDir((dir) => {
      const store = ResultsWriter.create(dir, "", STARTED, [HAIKU]);
      store.append(records(store.runId)[0]!, "x");
      const file = join(store.folder, "answers_us.anthropic.claude-3-5-haiku-20241022-v1_0.json");
      const first = readFileSync(file, "utf8").split("\n")[0]!;
      writeFileSync(file, first);
      assert.deepEqual(readAnswers(file), { head: { model_name: HAIKU, run_id: store.runId, timestamp: STARTED.toISOString() }, responses: [] });
      writeFileSync(file, first.slice(0, 20));
      assert.deepEqual(readAnswers(file), { head: null, responses: [] }, "a torn first line: nothing to read, no throw");
      store.close();
    });
  });

  test("today's array form (fixture) is still read: closed, and left open by a crash", () => {
    const file = join(ARRAY_FORM, "answers_us.anthropic.claude-3-5-haiku-20241022-v1_0.json");
    const read = readAnswers(file);
    assert.equal(read.head, null);
    assert.deepEqual(read.responses.map((a) => [a.callId, a.success, a.responseText]), [
      ["20250708_120000_fixture/1", true, "Machine learning is a field of AI."],
      ["20250708_120000_fixture/2", false, ""],
    ]);
    assert.deepEqual(readAnswersFile(ARRAY_FORM_OPEN).map((a) => a.sequence), [1, 2]);
    assert.deepEqual(readAnswers(ARRAY_FORM_OPEN).head, null);
    // The notebook's first answers read it as before.
    assert.deepEqual(
      answerRows(ARRAY_FORM, { perModel: 2 }).map((r) => [r.sequence, r.model, r.status, r.response]),
      [
        [1, HAIKU, "success", "Machine learning is a field of AI."],
        [2, HAIKU, "error", "ThrottlingException: Too many requests"],
      ],
    );
  });

  test("resume reopens an array-form run folder and completes its answers in the object form, nothing lost", async () => {
    await withTempDir((dir) => {
      const store = ResultsWriter.create(dir, "old", STARTED, [HAIKU]);
      const rows = records(store.runId);
      writeManifestJson(store.folder, { runId: store.runId, startedAt: "2025-07-08T10:30:05.000Z" });
      store.append(rows[0]!, "first");
      store.close();
      const haikuFile = join(store.folder, "answers_us.anthropic.claude-3-5-haiku-20241022-v1_0.json");
      // As an earlier version left it: a bare array.
      writeFileSync(haikuFile, `[\n${JSON.stringify(readAnswersFile(haikuFile)[0])}\n]\n`);
      const { store: reopened } = ResultsWriter.open(store.folder, [HAIKU]);
      reopened.append(rows[2]!, "third");
      reopened.close();
      const doc = JSON.parse(readFileSync(haikuFile, "utf8")) as { model_name: string; run_id: string; timestamp: string; responses: { sequence: number }[] };
      assert.deepEqual([doc.model_name, doc.run_id, doc.timestamp], [HAIKU, store.runId, "2025-07-08T10:30:05.000Z"], "the run's start from run.json");
      assert.deepEqual(doc.responses.map((a) => a.sequence), [0, 2]);
    });
  });
});

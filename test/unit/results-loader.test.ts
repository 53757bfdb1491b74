import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { latestRunFolder, loadResults, resolveResultFiles, resultSetFromRecords, ResultsInputError } from "../../lib/analysis/results-loader";
import { RECORD_COLUMNS, RecordParseError, type RequestRecord } from "../../lib/records/request-record";

const ANALYSIS = join(__dirname, "..", "fixtures", "analysis");
const RUN = join(ANALYSIS, "runs", "20250708_120000_fixture");
const AWS_FILE = join(ANALYSIS, "aws-notebook", "invocations_20250708_111100.csv");
const BAD = join(ANALYSIS, "bad");

/**
 * The reference the loader is checked against: one parsed CSV row (header → cell) as a typed record, column by column
 * from RECORD_COLUMNS, written plainly (the loader's reader, lib/records/record-reader.ts, is the fast one).
 * `where` names the file and line for error messages.
 */
function recordFromCells(cells: Readonly<Record<string, string | undefined>>, where: string): RequestRecord {
  const out: Record<string, unknown> = {};
  for (const c of RECORD_COLUMNS) {
    const raw = cells[c.name];
    if (raw === undefined) throw new RecordParseError(`${where}: column '${c.name}' is missing`);
    if (raw === "") {
      if (c.type === "string") out[c.name] = "";
      else if (c.nullable) out[c.name] = null;
      else throw new RecordParseError(`${where}: column '${c.name}' is empty; expected ${c.type}`);
      continue;
    }
    switch (c.type) {
      case "string":
        out[c.name] = raw;
        break;
      case "boolean":
        if (raw !== "true" && raw !== "false") {
          throw new RecordParseError(`${where}: column '${c.name}' is '${raw}'; expected true or false`);
        }
        out[c.name] = raw === "true";
        break;
      case "number":
      case "integer": {
        const n = Number(raw);
        if (!Number.isFinite(n) || (c.type === "integer" && !Number.isInteger(n))) {
          throw new RecordParseError(`${where}: column '${c.name}' is '${raw}'; expected ${c.type === "integer" ? "an integer" : "a number"}`);
        }
        out[c.name] = n;
        break;
      }
    }
  }
  return out as unknown as RequestRecord;
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bb-loader-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("a run folder loads with its run.json, and records equal what the reference recordFromCells (above) reads", async () => {
  const set = await loadResults(RUN, { keepRecords: true });
  assert.equal(set.runs.length, 1);
  const run = set.runs[0]!;
  assert.equal(run.runId, "20250708_120000_fixture");
  assert.equal(run.source, "bedrock-bench");
  assert.equal(run.file, join(RUN, "requests.csv"));
  assert.equal(run.records, 12);
  assert.equal(run.experimentName, "fixture <b>haiku</b> standard vs optimized");
  assert.equal((run.manifest?.["dataset"] as { sha256: string }).sha256, "0f1e2d3c");
  assert.deepEqual(run.notes, []);
  assert.equal(set.recordCount, 12);
  const rows = parse(await readFile(join(RUN, "requests.csv"), "utf8"), { columns: true }) as Record<string, string>[];
  const expected = rows.map((cells, i) => recordFromCells(cells, `requests.csv:${i + 2}`));
  assert.deepEqual(set.records, expected);
  assert.deepEqual(
    set.groups.map((g) => [g.label, g.requests, g.successes]),
    [
      ["claude-3-5-haiku-20241022-v1:0 · standard", 5, 4],
      ["claude-3-5-haiku-20241022-v1:0 · optimized", 6, 3],
    ],
  );
  assert.equal((await loadResults(RUN)).records, undefined, "records are kept only on request");
});

test("folders of runs, several inputs and glob patterns resolve to sorted files without duplicates", async () => {
  assert.deepEqual(await resolveResultFiles([join(ANALYSIS, "runs")]), [join(RUN, "requests.csv")]);
  assert.deepEqual(await resolveResultFiles(["runs/*", "runs/20250708_120000_fixture", "aws-notebook/*.csv"], { cwd: ANALYSIS }), [
    AWS_FILE,
    join(RUN, "requests.csv"),
  ]);
  assert.deepEqual(await resolveResultFiles([join(ANALYSIS, "aws-notebook")]), [AWS_FILE]);
  const set = await loadResults([RUN, AWS_FILE]);
  assert.deepEqual(
    set.runs.map((r) => [r.runId, r.source]),
    [
      ["invocations_20250708_111100", "aws-notebook"],
      ["20250708_120000_fixture", "bedrock-bench"],
    ],
  );
  assert.deepEqual([...new Set(set.groups.map((g) => g.key.source))].sort(), ["aws-notebook", "bedrock-bench"]);
  assert.equal(set.recordCount, 32);
});

test("inputs that designate nothing are rejected with the input named", async () => {
  await assert.rejects(resolveResultFiles(["nope/never"], { cwd: ANALYSIS }), (e: Error) => {
    assert.ok(e instanceof ResultsInputError);
    assert.match(e.message, /'nope\/never' does not exist/);
    return true;
  });
  await assert.rejects(resolveResultFiles(["zzz*/requests.csv"], { cwd: ANALYSIS }), /No files or folders match 'zzz\*\/requests.csv'/);
  await assert.rejects(resolveResultFiles([join(RUN, "run.json")]), /is not a \.csv file/);
  await withTempDir(async (dir) => {
    await assert.rejects(resolveResultFiles([dir]), /holds no results/);
  });
  await assert.rejects(resolveResultFiles([]), /No results given/);
});

test("bad cells are reported with file, line, column, value and what was expected", async () => {
  const cases: [string, RegExp][] = [
    // the second data row's errorMessage spans two lines, so the fourth data row starts on line 6
    ["bad-number", /bad-number\/requests\.csv:6: column 'ttftMs' is 'fast'; expected a number$/],
    ["bad-boolean", /bad-boolean\/requests\.csv:3: column 'warmup' is 'yes'; expected true or false$/],
    ["missing-column", /missing-column\/requests\.csv:1: the header lacks the record columns 'warmup', 'costUsd'$/],
    ["field-count", /field-count\/requests\.csv:4: expected 50 fields as in the header, found 47$/],
    ["aws-bad-time", /invocations_20250708_000000\.csv:3: column 'job_timestamp_iso' is 'yesterday'; expected an ISO 8601 time$/],
  ];
  for (const [folder, message] of cases) {
    await assert.rejects(loadResults(join(BAD, folder)), message, folder);
  }
  await assert.rejects(loadResults(join(BAD, "unknown-format.csv")), /unknown-format\.csv:1: not a bedrock-bench requests\.csv .* nor an AWS-notebook invocations file/);
});

test("empty files, CRLF line endings, a byte-order mark and blank lines", async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, "empty.csv"), "");
    await assert.rejects(loadResults(join(dir, "empty.csv")), /empty\.csv:1: the file is empty; expected a header line/);
    const text = await readFile(join(RUN, "requests.csv"), "utf8");
    await writeFile(join(dir, "crlf.csv"), "\uFEFF" + text.replace(/\n/g, "\r\n") + "\r\n\r\n");
    const crlf = await loadResults(join(dir, "crlf.csv"), { keepRecords: true });
    const plain = await loadResults(RUN, { keepRecords: true });
    assert.deepEqual(crlf.records, plain.records);
  });
});

test("run.json is optional; an unreadable one becomes a note instead of stopping the analysis", async () => {
  await withTempDir(async (dir) => {
    const run = join(dir, "20250101_000000");
    await mkdir(run);
    await copyFile(join(RUN, "requests.csv"), join(run, "requests.csv"));
    const bare = await loadResults(run);
    assert.equal(bare.runs[0]!.manifest, null);
    assert.equal(bare.runs[0]!.experimentName, null);
    await writeFile(join(run, "run.json"), "{ not json");
    const broken = await loadResults(run);
    assert.equal(broken.runs[0]!.manifest, null);
    assert.match(broken.runs[0]!.notes[0]!, /run\.json: not valid JSON/);
    await writeFile(join(run, "run.json"), JSON.stringify({ name: "plain name" }));
    assert.equal((await loadResults(run)).runs[0]!.experimentName, "plain name");
  });
});

test("the latest run is the greatest run id among folders holding a requests.csv", async () => {
  await withTempDir(async (dir) => {
    assert.equal(await latestRunFolder(join(dir, "missing")), null);
    assert.equal(await latestRunFolder(dir), null);
    for (const name of ["20250101_000000_a", "20250102_000000_b", "20250103_000000_empty"]) await mkdir(join(dir, name));
    await copyFile(join(RUN, "requests.csv"), join(dir, "20250101_000000_a", "requests.csv"));
    await copyFile(join(RUN, "requests.csv"), join(dir, "20250102_000000_b", "requests.csv"));
    assert.equal(await latestRunFolder(dir), join(dir, "20250102_000000_b"));
  });
});

test("a result set can be built from records in memory, with a chosen grouping", async () => {
  const { records } = await loadResults(RUN, { keepRecords: true });
  const byRun = resultSetFromRecords(records!, { dimensions: ["model", "runId"] });
  assert.equal(byRun.groups.length, 1);
  assert.equal(byRun.groups[0]!.requests, 11);
  assert.equal(byRun.groups[0]!.warmups, 1);
  assert.equal(byRun.groups[0]!.key.runId, "20250708_120000_fixture");
  assert.equal(byRun.groups[0]!.key.performanceConfig, "");
  assert.throws(() => resultSetFromRecords(records!, { dimensions: ["colour" as never] }), /Unknown group dimension 'colour'/);
});

test("a resumed run: aborted rows that a later session re-sent are left out (and said so), unresumed aborted rows stay", async () => {
  await withTempDir(async (dir) => {
    const folder = join(dir, "20250708_120000_fixture");
    await mkdir(folder);
    const manifest = JSON.parse(await readFile(join(RUN, "run.json"), "utf8")) as Record<string, unknown>;
    const text = await readFile(join(RUN, "requests.csv"), "utf8");
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const aborted = rows.find((r) => r.status === "aborted")!;
    const success = rows.find((r) => r.status === "success" && r.warmup !== "true" && r.modelId === aborted.modelId && r.performanceConfigAsked === aborted.performanceConfigAsked)!;
    // The resumed session re-sent the aborted request (same sequence) and it succeeded.
    const resent = stringify([{ ...success, sequence: aborted.sequence, requestId: "resent-1" }], { columns: Object.keys(success), header: false });
    await writeFile(join(folder, "requests.csv"), text + resent);

    // One session: nothing was re-sent by bedrock-bench's resume; the appended row is just another record.
    await writeFile(join(folder, "run.json"), JSON.stringify(manifest));
    const single = await loadResults(folder);
    assert.equal(single.runs[0]!.records, 13);
    assert.equal(single.runs[0]!.supersededAborted, 0);

    await writeFile(join(folder, "run.json"), JSON.stringify({ ...manifest, sessions: [{ pid: 1 }, { pid: 2 }] }));
    const set = await loadResults(folder, { keepRecords: true });
    const run = set.runs[0]!;
    assert.equal(run.supersededAborted, 1);
    assert.equal(run.records, 12, "each scheduled request once");
    assert.equal(set.records!.filter((r) => r.sequence === Number(aborted.sequence)).map((r) => r.status).join(), "success");
    assert.deepEqual(run.notes, [
      "20250708_120000_fixture: 1 aborted request was sent again when the run was resumed; the aborted row stays in requests.csv but only the later record is analysed.",
    ]);
    const aborts = set.groups.reduce((n, g) => n + g.aborted, 0);
    assert.equal(aborts, 0);
    assert.equal(await readFile(join(folder, "requests.csv"), "utf8"), text + resent, "the file is left as it was");
  });
});

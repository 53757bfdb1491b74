/**
 * A run's folder on disk, `results/<YYYYMMDD_HHMMSS>[_name]/`, never overwritten:
 * - `requests.csv`: one row per request (columns of `lib/records/request-record.ts`), appended with a synchronous write as each
 *   request completes, so a crash of the process loses nothing that completed;
 * - `answers_<model>.json`: per model, `{ "model_name", "run_id", "timestamp", "responses": [ … ] }`: which model and
 *   run the file belongs to, when the run started, and what each call answered (call id, success, timings, tokens,
 *   response text, error), appended entry by entry and closed at the end of the run (files of earlier versions are a
 *   bare JSON array of the entries: {@link readAnswersFile} reads both);
 * - `run.json`: the manifest (resolved configuration, dataset hash, versions, transport, host, start/end, state);
 * - `run.log`: a human-readable log.
 */

import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync, writeSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { stringify } from "csv-stringify/sync";
import { csvLine } from "../records/csv-line";
import { completeLines, parseRequestsCsv } from "../records/record-reader";
import { MANIFEST_FILE } from "../records/run-manifest";
import { BenchError } from "../base/errors";
import { RECORD_COLUMN_NAMES, type RequestRecord, recordToCells } from "../records/request-record";
import { modelFileNames, runIdFor } from "./run-id";

export const REQUESTS_FILE = "requests.csv";
export const LOG_FILE = "run.log";

/** What one call answered, as written to `answers_<model>.json`. */
export interface AnswerEntry {
  /** `<runId>/<sequence>`: unique across runs. */
  readonly callId: string;
  readonly sequence: number;
  readonly scenarioId: string;
  readonly modelId: string;
  readonly region: string;
  readonly performanceConfigAsked: string;
  readonly performanceConfigServed: string;
  readonly serviceTierAsked: string;
  readonly serviceTierServed: string;
  readonly warmup: boolean;
  readonly success: boolean;
  readonly status: RequestRecord["status"];
  readonly startTimeIso: string;
  readonly timings: {
    readonly ttftMs: number | null;
    readonly totalMs: number | null;
    readonly generationMs: number | null;
    readonly queueWaitMs: number;
    readonly serverLatencyMs: number | null;
  };
  readonly tokens: {
    readonly input: number | null;
    readonly output: number | null;
    readonly cacheRead: number | null;
    readonly cacheWrite: number | null;
  };
  readonly stopReason: string;
  readonly responseText: string;
  readonly error: null | {
    readonly class: string;
    readonly message: string;
    readonly side: string;
    readonly httpStatus: number | null;
    readonly chunksBeforeFault: number | null;
  };
  readonly requestId: string;
}

/** The answer entry for a record and the text the model returned. */
export function answerFor(record: RequestRecord, responseText: string): AnswerEntry {
  return {
    callId: `${record.runId}/${record.sequence}`,
    sequence: record.sequence,
    scenarioId: record.scenarioId,
    modelId: record.modelId,
    region: record.region,
    performanceConfigAsked: record.performanceConfigAsked,
    performanceConfigServed: record.performanceConfigServed,
    serviceTierAsked: record.serviceTierAsked,
    serviceTierServed: record.serviceTierServed,
    warmup: record.warmup,
    success: record.status === "success",
    status: record.status,
    startTimeIso: record.startTimeIso,
    timings: {
      ttftMs: record.ttftMs,
      totalMs: record.totalMs,
      generationMs: record.generationMs,
      queueWaitMs: record.queueWaitMs,
      serverLatencyMs: record.serverLatencyMs,
    },
    tokens: {
      input: record.inputTokens,
      output: record.outputTokens,
      cacheRead: record.cacheReadInputTokens,
      cacheWrite: record.cacheWriteInputTokens,
    },
    stopReason: record.stopReason,
    responseText,
    error:
      record.status === "success"
        ? null
        : {
            class: record.errorClass,
            message: record.errorMessage,
            side: record.faultSide,
            httpStatus: record.httpStatus,
            chunksBeforeFault: record.chunksBeforeFault,
          },
    requestId: record.requestId,
  };
}

/**
 * A folder refused as a run's folder before anything is sent: not a run folder, `requests.csv` written with other
 * columns, no free run folder name.
 */
export class ResultsStoreError extends BenchError {
  override name = "ResultsStoreError";
  override readonly kind = "results";
}

/**
 * A record (or its answer) that cannot be written to the run folder while the run sends requests (disk full, the
 * folder closed, a model not declared when it was opened): a failure while working, not bad input.
 */
export class RecordWriteError extends BenchError {
  override name = "RecordWriteError";
  override readonly kind = "runtime";
}

/** Which model and run an answers file belongs to: the head of the file's object form. */
export interface AnswersFileHead {
  /** The model ID the entries were sent to. */
  readonly model_name: string;
  /** The run's folder name (`YYYYMMDD_HHMMSS[_name]`). */
  readonly run_id: string;
  /** When the run started, ISO 8601 (UTC). */
  readonly timestamp: string;
}

/** An answers file as read: its head (null for a file of an earlier version, a bare array) and its entries. */
export interface AnswersFileContent {
  readonly head: AnswersFileHead | null;
  readonly responses: AnswerEntry[];
}

/** The first line of an answers file: the head's fields, then the open `responses` array. */
function answersHeadLine(head: AnswersFileHead): string {
  const fields = JSON.stringify({ model_name: head.model_name, run_id: head.run_id, timestamp: head.timestamp });
  return `${fields.slice(0, -1)},"responses":[`;
}

/**
 * An answers file being appended to: the head and `"responses":[` on the first line, then one entry per line, `]}`
 * when closed. A file cut off anywhere is read back by {@link readAnswersFile} up to its last whole entry.
 */
class AnswersFile {
  private fd: number;
  private entries: number;
  constructor(
    readonly path: string,
    head: AnswersFileHead,
    existing: readonly AnswerEntry[],
  ) {
    // (Re)written once in its open-ended form, then appended to.
    const first = answersHeadLine(head);
    writeFileSync(path, existing.length === 0 ? first : `${first}\n${existing.map((e) => JSON.stringify(e)).join(",\n")}`);
    this.fd = openSync(path, "a");
    this.entries = existing.length;
  }
  append(entry: AnswerEntry): void {
    writeSync(this.fd, `${this.entries === 0 ? "\n" : ",\n"}${JSON.stringify(entry)}`);
    this.entries++;
  }
  close(): void {
    writeSync(this.fd, "\n]}\n");
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}

function isHead(value: unknown): value is Record<string, unknown> & { responses: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "responses" in value;
}

function headOf(value: Record<string, unknown>): AnswersFileHead {
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  return { model_name: text(value["model_name"]), run_id: text(value["run_id"]), timestamp: text(value["timestamp"]) };
}

/**
 * Reads an answers file in either form, complete or left open-ended by a crash (a torn last entry is dropped): the
 * object form `{ model_name, run_id, timestamp, responses: [...] }` written since the answers files say which model
 * and run they belong to, and the bare array of entries of earlier versions (head null).
 */
export function readAnswers(path: string): AnswersFileContent {
  const text = readFileSync(path, "utf8");
  try {
    const value = JSON.parse(text) as unknown;
    if (Array.isArray(value)) return { head: null, responses: value as AnswerEntry[] };
    if (isHead(value)) return { head: headOf(value), responses: Array.isArray(value.responses) ? (value.responses as AnswerEntry[]) : [] };
  } catch {
    // open-ended: read line by line below
  }
  const lines = text.split("\n");
  let head: AnswersFileHead | null = null;
  const first = lines[0] ?? "";
  if (first.startsWith("{")) {
    try {
      const value = JSON.parse(`${first}]}`) as unknown;
      if (isHead(value)) head = headOf(value);
    } catch {
      // a torn first line: no head, no entries
      return { head: null, responses: [] };
    }
  }
  const out: AnswerEntry[] = [];
  for (const line of lines.slice(1)) {
    const candidate = line.replace(/,$/, "").trim();
    if (candidate === "" || candidate === "]" || candidate === "]}") continue;
    try {
      out.push(JSON.parse(candidate) as AnswerEntry);
    } catch {
      break; // a torn last entry
    }
  }
  return { head, responses: out };
}

/** The entries of an answers file, either form (see {@link readAnswers}), complete or left open-ended by a crash. */
export function readAnswersFile(path: string): AnswerEntry[] {
  return readAnswers(path).responses;
}

/** Runs a write to `path`; a failure is a {@link RecordWriteError} (the system's error its `cause`). */
function writing(path: string, write: () => void): void {
  try {
    write();
  } catch (err) {
    throw new RecordWriteError(`cannot write to ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** The `startedAt` of a run folder's `run.json` (the time now when it cannot be read). */
function manifestStartedAt(folder: string): string {
  try {
    const value = JSON.parse(readFileSync(join(folder, MANIFEST_FILE), "utf8")) as { startedAt?: unknown };
    if (typeof value.startedAt === "string" && value.startedAt !== "") return value.startedAt;
  } catch {
    // unreadable: fall through
  }
  return new Date().toISOString();
}

/** The folder of one run, open for appending. Create with `ResultsWriter.create`, reopen with `ResultsWriter.open`. */
export class ResultsWriter {
  readonly runId: string;
  private readonly requestsFd: number;
  private readonly logFd: number;
  private readonly answers = new Map<string, AnswersFile>();
  private readonly answerNames: ReadonlyMap<string, string>;
  private closed = false;

  private constructor(
    readonly folder: string,
    modelIds: readonly string[],
    existingAnswers: ReadonlyMap<string, AnswerEntry[]>,
    /** When the run started, ISO 8601: the answers files' `timestamp`. */
    private readonly startedAtIso: string,
  ) {
    this.runId = basename(folder);
    this.answerNames = modelFileNames(modelIds, "answers_", ".json");
    const requestsPath = join(folder, REQUESTS_FILE);
    if (!existsSync(requestsPath)) writeFileSync(requestsPath, stringify([RECORD_COLUMN_NAMES as string[]]), { flag: "wx" });
    this.requestsFd = openSync(requestsPath, "a");
    this.logFd = openSync(join(folder, LOG_FILE), "a");
    for (const [modelId, entries] of existingAnswers) this.answersFile(modelId, entries);
  }

  /**
   * Creates `<outputDir>/<YYYYMMDD_HHMMSS>[_name]` (suffix `_2`, `_3`, … if it exists: never reuses a folder).
   * `modelIds` are the models the run may call (for the answers file names).
   */
  static create(outputDir: string, name: string, startedAt: Date, modelIds: readonly string[]): ResultsWriter {
    const root = resolve(outputDir);
    mkdirSync(root, { recursive: true });
    const base = runIdFor(startedAt, name);
    for (let n = 1; n < 10_000; n++) {
      const folder = join(root, n === 1 ? base : `${base}_${n}`);
      try {
        mkdirSync(folder); // not recursive: fails if it exists, atomically
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") continue;
        throw err;
      }
      return new ResultsWriter(folder, modelIds, new Map(), startedAt.toISOString());
    }
    throw new ResultsStoreError(`cannot find a free run folder name for ${base} in ${root}`);
  }

  /**
   * Reopens an existing run folder to complete it: returns the writer and the records already written.
   * A torn last CSV line (the process died mid-write) is cut off and logged; answers without a record are dropped.
   */
  static open(folder: string, modelIds: readonly string[]): { store: ResultsWriter; records: RequestRecord[] } {
    const dir = resolve(folder);
    const requestsPath = join(dir, REQUESTS_FILE);
    if (!existsSync(join(dir, MANIFEST_FILE))) throw new ResultsStoreError(`${dir} is not a run folder (no ${MANIFEST_FILE})`);
    let repaired = "";
    let records: RequestRecord[] = [];
    if (existsSync(requestsPath)) {
      const text = readFileSync(requestsPath, "utf8");
      const complete = completeLines(text);
      const otherColumns = (): ResultsStoreError =>
        new ResultsStoreError(`${requestsPath} has different columns than this version of bedrock-bench writes; it cannot be resumed by this version`);
      if (complete === "") throw otherColumns(); // not even a whole header line
      records = parseRequestsCsv(complete, requestsPath, (header) => {
        if (header.join(",") !== RECORD_COLUMN_NAMES.join(",")) throw otherColumns();
      });
      if (complete.length < text.length) {
        const fd = openSync(requestsPath, "r+");
        ftruncateSync(fd, Buffer.byteLength(complete));
        closeSync(fd);
        repaired = `dropped a torn last line of ${REQUESTS_FILE} (${JSON.stringify(text.slice(complete.length, complete.length + 60))}…)`;
      }
    }
    const recorded = new Set(records.map((r) => r.sequence));
    const existing = new Map<string, AnswerEntry[]>();
    for (const file of readdirSync(dir)) {
      if (!/^answers_.*\.json$/.test(file)) continue;
      for (const entry of readAnswersFile(join(dir, file))) {
        if (!recorded.has(entry.sequence)) continue;
        const list = existing.get(entry.modelId) ?? [];
        list.push(entry);
        existing.set(entry.modelId, list);
      }
    }
    const store = new ResultsWriter(dir, [...new Set([...modelIds, ...existing.keys()])], existing, manifestStartedAt(dir));
    if (repaired !== "") store.log("warn", repaired);
    return { store, records };
  }

  private answersFile(modelId: string, existing: readonly AnswerEntry[] = []): AnswersFile {
    let file = this.answers.get(modelId);
    if (!file) {
      const name = this.answerNames.get(modelId);
      if (!name) throw new RecordWriteError(`model ${modelId} was not declared when the results folder was opened`);
      file = new AnswersFile(join(this.folder, name), { model_name: modelId, run_id: this.runId, timestamp: this.startedAtIso }, existing);
      this.answers.set(modelId, file);
    }
    return file;
  }

  /**
   * Appends one record to `requests.csv` (synchronously written) and its answer to the model's answers file.
   * @throws RecordWriteError when either cannot be written (disk full, …), the folder is closed, or the model was not
   *   declared when it was opened.
   */
  append(record: RequestRecord, responseText: string): void {
    if (this.closed) throw new RecordWriteError("the results folder is closed");
    const name = this.answerNames.get(record.modelId);
    if (!name) throw new RecordWriteError(`model ${record.modelId} was not declared when the results folder was opened`);
    writing(join(this.folder, REQUESTS_FILE), () => writeSync(this.requestsFd, csvLine(recordToCells(record))));
    writing(join(this.folder, name), () => this.answersFile(record.modelId).append(answerFor(record, responseText)));
  }

  /** Appends a line to `run.log`: `<ISO time> <level> <message>`. */
  log(level: "info" | "warn" | "error", message: string, at: Date = new Date()): void {
    if (this.closed) return;
    writeSync(this.logFd, `${at.toISOString()} ${level.padEnd(5)} ${message.replace(/\r?\n/g, " ")}\n`);
  }

  /** Closes the answers files (`]}`) and flushes everything to disk. Idempotent. */
  close(): void {
    if (this.closed) return;
    for (const file of this.answers.values()) file.close();
    fsyncSync(this.requestsFd);
    closeSync(this.requestsFd);
    fsyncSync(this.logFd);
    closeSync(this.logFd);
    this.closed = true;
  }
}

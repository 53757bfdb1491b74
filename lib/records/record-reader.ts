/**
 * Fast typed reading of `requests.csv` rows: the header is matched against {@link RECORD_COLUMNS} once, then each row
 * (an array of cells) becomes a {@link RequestRecord} by position, by the columns' types (empty cell → null for
 * nullable columns, strict booleans, integers checked; test/unit/results-loader.test.ts holds a plain reference parser).
 *
 * This is the hot path of a million-record analysis: each field has its own converter (no per-cell dispatch on the
 * column type), the error location string is built only when there is an error, and {@link RecordReader.readInto}
 * refills one record object instead of allocating fifty-field objects a million times.
 *
 * The one reading of `requests.csv`: the analysis streams files through `readCsvFile` and a {@link RecordReader};
 * {@link readRequestsCsv} reads a run folder's file whole (a resumed run, tests), through the same parser and reader.
 */
import { readFileSync } from "node:fs";
import { readCsvText } from "./csv-reader";
import { RECORD_COLUMNS, RecordParseError, type RequestRecord, type RequestStatus } from "./request-record";

const STATUSES: ReadonlySet<string> = new Set<RequestStatus>(["success", "error", "aborted", "timeout"]);

/** Index of each field in {@link RECORD_COLUMNS}. */
const AT = Object.freeze(Object.fromEntries(RECORD_COLUMNS.map((c, i) => [c.name, i])) as Record<keyof RequestRecord, number>);

/** Whether a header is a bedrock-bench `requests.csv` header (it has every record column). */
export function isRecordHeader(header: readonly string[]): boolean {
  const names = new Set(header);
  return RECORD_COLUMNS.every((c) => names.has(c.name));
}

/** An empty record, to be filled by {@link RecordReader.readInto}. */
export function blankRecord(): RequestRecord {
  return {
    runId: "",
    sequence: 0,
    repeat: 0,
    invocation: 0,
    scenarioId: "",
    scenarioLine: 0,
    taskType: "",
    tags: "",
    target: "emulator",
    modelId: "",
    region: "",
    performanceConfigAsked: "",
    performanceConfigServed: "",
    serviceTierAsked: "",
    serviceTierServed: "",
    loadModel: "closed",
    concurrency: 0,
    warmup: false,
    startTimeIso: "",
    scheduledOffsetMs: 0,
    sendOffsetMs: 0,
    queueWaitMs: 0,
    scheduleLagMs: 0,
    ttftMs: null,
    totalMs: null,
    generationMs: null,
    outputTokensPerSecond: null,
    outputTokensPerSecondE2E: null,
    interTokenLatencyMs: null,
    serverLatencyMs: null,
    inputTokens: null,
    outputTokens: null,
    cacheReadInputTokens: null,
    cacheWriteInputTokens: null,
    chunkCount: 0,
    maxTokens: null,
    temperature: null,
    topP: null,
    stopReason: "",
    status: "success",
    errorClass: "",
    errorMessage: "",
    faultSide: "",
    chunksBeforeFault: null,
    httpStatus: null,
    attempts: 0,
    retryDelayMs: 0,
    requestId: "",
    costUsd: null,
    responseChars: 0,
  };
}

/** Reads rows of one `requests.csv` whose header was given to the constructor. */
export class RecordReader {
  /** Position in the row of each record column, in {@link RECORD_COLUMNS} order. */
  private readonly positions: Int32Array;
  private cells: readonly string[] = [];
  private line = 0;

  /** @throws RecordParseError naming the file when a record column is missing from the header. */
  constructor(
    header: readonly string[],
    private readonly file: string,
  ) {
    const index = new Map<string, number>();
    header.forEach((name, i) => {
      if (!index.has(name)) index.set(name, i);
    });
    const missing = RECORD_COLUMNS.filter((c) => !index.has(c.name)).map((c) => c.name);
    if (missing.length > 0) {
      throw new RecordParseError(`${file}:1: the header lacks the record column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")}`);
    }
    this.positions = Int32Array.from(RECORD_COLUMNS, (c) => index.get(c.name)!);
  }

  private fail(k: number, detail: string): never {
    throw new RecordParseError(`${this.file}:${this.line}: column '${RECORD_COLUMNS[k]!.name}' ${detail}`);
  }

  private raw(k: number): string {
    return this.cells[this.positions[k]!] ?? "";
  }

  private str(k: number): string {
    return this.raw(k);
  }

  private number(k: number): number {
    const raw = this.raw(k);
    if (raw === "") this.fail(k, `is empty; expected ${RECORD_COLUMNS[k]!.type}`);
    const n = Number(raw);
    if (!Number.isFinite(n)) this.fail(k, `is '${raw}'; expected a number`);
    return n;
  }

  private integer(k: number): number {
    const raw = this.raw(k);
    if (raw === "") this.fail(k, `is empty; expected ${RECORD_COLUMNS[k]!.type}`);
    const n = Number(raw);
    if (!Number.isInteger(n)) this.fail(k, `is '${raw}'; expected an integer`);
    return n;
  }

  private numberOrNull(k: number): number | null {
    const raw = this.raw(k);
    if (raw === "") return null;
    const n = Number(raw);
    if (!Number.isFinite(n)) this.fail(k, `is '${raw}'; expected a number`);
    return n;
  }

  private integerOrNull(k: number): number | null {
    const raw = this.raw(k);
    if (raw === "") return null;
    const n = Number(raw);
    if (!Number.isInteger(n)) this.fail(k, `is '${raw}'; expected an integer`);
    return n;
  }

  private boolean(k: number): boolean {
    const raw = this.raw(k);
    if (raw === "true") return true;
    if (raw === "false") return false;
    return this.fail(k, raw === "" ? "is empty; expected boolean" : `is '${raw}'; expected true or false`);
  }

  /**
   * Fills `target` with the typed values of one row and returns it; `line` is the row's line in the file, for error
   * messages. Reusing one target across rows avoids an allocation per row; pass a fresh object to keep records.
   */
  readInto(cells: readonly string[], line: number, target: RequestRecord): RequestRecord {
    this.cells = cells;
    this.line = line;
    const t = target;
    t.runId = this.str(AT.runId);
    t.sequence = this.integer(AT.sequence);
    t.repeat = this.integer(AT.repeat);
    t.invocation = this.integer(AT.invocation);
    t.scenarioId = this.str(AT.scenarioId);
    t.scenarioLine = this.integer(AT.scenarioLine);
    t.taskType = this.str(AT.taskType);
    t.tags = this.str(AT.tags);
    t.target = this.str(AT.target) as RequestRecord["target"];
    t.modelId = this.str(AT.modelId);
    t.region = this.str(AT.region);
    t.performanceConfigAsked = this.str(AT.performanceConfigAsked);
    t.performanceConfigServed = this.str(AT.performanceConfigServed);
    t.serviceTierAsked = this.str(AT.serviceTierAsked);
    t.serviceTierServed = this.str(AT.serviceTierServed);
    t.loadModel = this.str(AT.loadModel) as RequestRecord["loadModel"];
    t.concurrency = this.integer(AT.concurrency);
    t.warmup = this.boolean(AT.warmup);
    t.startTimeIso = this.str(AT.startTimeIso);
    t.scheduledOffsetMs = this.number(AT.scheduledOffsetMs);
    t.sendOffsetMs = this.number(AT.sendOffsetMs);
    t.queueWaitMs = this.number(AT.queueWaitMs);
    t.scheduleLagMs = this.number(AT.scheduleLagMs);
    t.ttftMs = this.numberOrNull(AT.ttftMs);
    t.totalMs = this.numberOrNull(AT.totalMs);
    t.generationMs = this.numberOrNull(AT.generationMs);
    t.outputTokensPerSecond = this.numberOrNull(AT.outputTokensPerSecond);
    t.outputTokensPerSecondE2E = this.numberOrNull(AT.outputTokensPerSecondE2E);
    t.interTokenLatencyMs = this.numberOrNull(AT.interTokenLatencyMs);
    t.serverLatencyMs = this.numberOrNull(AT.serverLatencyMs);
    t.inputTokens = this.integerOrNull(AT.inputTokens);
    t.outputTokens = this.integerOrNull(AT.outputTokens);
    t.cacheReadInputTokens = this.integerOrNull(AT.cacheReadInputTokens);
    t.cacheWriteInputTokens = this.integerOrNull(AT.cacheWriteInputTokens);
    t.chunkCount = this.integer(AT.chunkCount);
    t.maxTokens = this.integerOrNull(AT.maxTokens);
    t.temperature = this.numberOrNull(AT.temperature);
    t.topP = this.numberOrNull(AT.topP);
    t.stopReason = this.str(AT.stopReason);
    const status = this.str(AT.status);
    if (!STATUSES.has(status)) this.fail(AT.status, `is '${status}'; expected success, error, timeout or aborted`);
    t.status = status as RequestStatus;
    t.errorClass = this.str(AT.errorClass);
    t.errorMessage = this.str(AT.errorMessage);
    t.faultSide = this.str(AT.faultSide) as RequestRecord["faultSide"];
    t.chunksBeforeFault = this.integerOrNull(AT.chunksBeforeFault);
    t.httpStatus = this.integerOrNull(AT.httpStatus);
    t.attempts = this.integer(AT.attempts);
    t.retryDelayMs = this.number(AT.retryDelayMs);
    t.requestId = this.str(AT.requestId);
    t.costUsd = this.numberOrNull(AT.costUsd);
    t.responseChars = this.integer(AT.responseChars);
    this.cells = [];
    return t;
  }

  /** The typed record of one row (a new object); `line` is the row's line in the file, for error messages. */
  read(cells: readonly string[], line: number): RequestRecord {
    return this.readInto(cells, line, blankRecord());
  }
}

/** `text` up to its last line break: what a process that died mid-write had completely written. */
export function completeLines(text: string): string {
  return text.endsWith("\n") ? text : text.slice(0, text.lastIndexOf("\n") + 1);
}

/**
 * The records of a `requests.csv` held in memory (`file` names it in errors); no records when `text` is empty.
 * `checkHeader` sees the header before any row is read, and may throw to refuse the file.
 * @throws CsvFormatError or RecordParseError naming the file, line and column.
 */
export function parseRequestsCsv(text: string, file: string, checkHeader?: (header: readonly string[]) => void): RequestRecord[] {
  if (text === "") return [];
  const records: RequestRecord[] = [];
  let reader: RecordReader;
  readCsvText(text, file, {
    header(cells) {
      checkHeader?.(cells);
      reader = new RecordReader(cells, file);
    },
    row(cells, line) {
      records.push(reader.read(cells, line));
    },
  });
  return records;
}

/** The records of a `requests.csv` file; a torn last line (the writer died mid-write) is left out. */
export function readRequestsCsv(path: string): RequestRecord[] {
  return parseRequestsCsv(completeLines(readFileSync(path, "utf8")), path);
}

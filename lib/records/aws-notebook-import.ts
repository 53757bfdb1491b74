/**
 * Reading the per-request CSVs of the AWS latency-benchmarking notebook (amazon-bedrock-samples,
 * `invocations_<timestamp>.csv`, and the `run_<timestamp>.csv` of its earlier script) as request records, so its users
 * can analyse their history with this tool.
 *
 * Its columns: `time_to_first_byte`, `time_to_last_byte` (seconds, wall clock, rounded to 2 decimals),
 * `job_timestamp_iso` (to the second), `configured_output_tokens_for_request`, `model_input_tokens`,
 * `model_output_tokens`, `model`, `region`, `invocation_id`, `api_call_status` (`Success` or the AWS error code),
 * `full_error_message`, `TEMPERATURE`, `TOP_P`, `TOP_K`, `EXPERIMENT_NAME`, `task_type`, `inference_profile`
 * (`performance_config` in the earlier script).
 */
import { basename, extname } from "node:path";
import { RecordParseError, type RequestRecord } from "./request-record";

/** The `source` of results imported from the AWS notebook (bedrock-bench's own are {@link BEDROCK_BENCH_SOURCE}). */
export const AWS_NOTEBOOK_SOURCE = "aws-notebook";
export const BEDROCK_BENCH_SOURCE = "bedrock-bench";

/** What an analysis of imported AWS-notebook results must say about them (shown in reports). */
export const AWS_NOTEBOOK_NOTES: readonly string[] = Object.freeze([
  "Imported from the AWS latency-benchmarking notebook: its times are wall-clock (time.time()) differences rounded to 10 ms, and its start timestamps are to the second.",
  "Its time to first byte is the first contentBlockDelta; its total is the end of the event stream.",
  "Its OTPS is output tokens / total time (end to end); decode OTPS, inter-token latency and generation time are not derivable from its rounded first-byte times and are left empty.",
  "It records only failures raised as botocore ClientError; other failures were dropped by the notebook and cannot be counted.",
  "It does not record the performance configuration or tier actually served, server latency, retries, concurrency or cost: groups use the inference profile asked for, concurrency shows as 0 (not recorded) and fallbacks cannot be counted.",
  "Its TEMPERATURE and TOP_P columns hold the experiment configuration, not the values sent (the notebook sends temperature 0), so they are not imported.",
]);

const REQUIRED = [
  "time_to_first_byte",
  "time_to_last_byte",
  "job_timestamp_iso",
  "model_input_tokens",
  "model_output_tokens",
  "model",
  "region",
  "api_call_status",
] as const;

/** Whether a CSV header is an AWS-notebook per-request file. */
export function isAwsNotebookHeader(header: readonly string[]): boolean {
  const names = new Set(header);
  return REQUIRED.every((c) => names.has(c)) && (names.has("inference_profile") || names.has("performance_config"));
}

/** The run id given to an imported file: its name without extension (`invocations_20250708_111100`). */
export function awsNotebookRunId(file: string): string {
  return basename(file, extname(file));
}

/**
 * Converts the rows of one AWS-notebook file into records. Rows are collected, because send offsets are measured from
 * the file's earliest timestamp, which is only known at the end (the notebook writes rows in completion order per
 * scenario); these files hold hundreds of rows, not millions.
 */
export class AwsNotebookReader {
  private readonly index = new Map<string, number>();
  private readonly collected: { record: RequestRecord; startEpochMs: number }[] = [];
  private readonly profileColumn: string;
  readonly runId: string;
  /** The EXPERIMENT_NAME of the first row that has one. */
  experimentName: string | null = null;

  constructor(
    header: readonly string[],
    private readonly file: string,
  ) {
    header.forEach((name, i) => {
      if (!this.index.has(name)) this.index.set(name, i);
    });
    const missing = REQUIRED.filter((c) => !this.index.has(c));
    if (missing.length > 0) {
      throw new RecordParseError(`${file}:1: not an AWS-notebook invocations file: the header lacks ${missing.map((m) => `'${m}'`).join(", ")}`);
    }
    this.profileColumn = this.index.has("inference_profile") ? "inference_profile" : "performance_config";
    if (!this.index.has(this.profileColumn)) {
      throw new RecordParseError(`${file}:1: not an AWS-notebook invocations file: the header lacks 'inference_profile'`);
    }
    this.runId = awsNotebookRunId(file);
  }

  private cell(cells: readonly string[], name: string): string {
    const at = this.index.get(name);
    return at === undefined ? "" : (cells[at] ?? "").trim();
  }

  private number(cells: readonly string[], name: string, where: string, integer: boolean): number | null {
    const raw = this.cell(cells, name);
    if (raw === "" || raw.toLowerCase() === "nan") return null;
    const n = Number(raw);
    // pandas writes integer columns holding blanks as floats ("26.0"): accept integral values.
    if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
      throw new RecordParseError(`${where}: column '${name}' is '${raw}'; expected ${integer ? "a whole number" : "a number"} ≥ 0`);
    }
    return n;
  }

  /** Converts and keeps one row. */
  add(cells: readonly string[], line: number): void {
    const where = `${this.file}:${line}`;
    const status = this.cell(cells, "api_call_status");
    if (status === "") throw new RecordParseError(`${where}: column 'api_call_status' is empty; expected Success or an AWS error code`);
    const success = status === "Success";
    const timestamp = this.cell(cells, "job_timestamp_iso");
    const startEpochMs = Date.parse(timestamp);
    if (Number.isNaN(startEpochMs)) {
      throw new RecordParseError(`${where}: column 'job_timestamp_iso' is '${timestamp}'; expected an ISO 8601 time`);
    }
    const firstByteS = this.number(cells, "time_to_first_byte", where, false);
    const lastByteS = this.number(cells, "time_to_last_byte", where, false);
    const inputTokens = this.number(cells, "model_input_tokens", where, true);
    const outputTokens = this.number(cells, "model_output_tokens", where, true);
    const invocationId = this.number(cells, "invocation_id", where, true);
    const model = this.cell(cells, "model");
    if (model === "") throw new RecordParseError(`${where}: column 'model' is empty; expected a model ID`);
    if (this.experimentName === null) {
      const experiment = this.cell(cells, "EXPERIMENT_NAME") || this.cell(cells, "experiment_name");
      if (experiment !== "") this.experimentName = experiment;
    }
    const sequence = this.collected.length;
    const record: RequestRecord = {
      runId: this.runId,
      sequence,
      repeat: 0,
      invocation: invocationId ?? sequence,
      scenarioId: "",
      scenarioLine: 0,
      taskType: this.cell(cells, "task_type"),
      tags: "",
      target: "aws",
      modelId: model,
      region: this.cell(cells, "region"),
      performanceConfigAsked: this.cell(cells, this.profileColumn),
      performanceConfigServed: "",
      serviceTierAsked: "",
      serviceTierServed: "",
      loadModel: "closed",
      concurrency: 0,
      warmup: false,
      startTimeIso: new Date(startEpochMs).toISOString(),
      scheduledOffsetMs: 0,
      sendOffsetMs: 0,
      queueWaitMs: 0,
      scheduleLagMs: 0,
      ttftMs: firstByteS === null ? null : firstByteS * 1000,
      totalMs: lastByteS === null ? null : lastByteS * 1000,
      generationMs: null,
      outputTokensPerSecond: null,
      // As the notebook computes OTPS: model_output_tokens / time_to_last_byte, in seconds.
      outputTokensPerSecondE2E: success && outputTokens !== null && lastByteS !== null && lastByteS > 0 ? outputTokens / lastByteS : null,
      interTokenLatencyMs: null,
      serverLatencyMs: null,
      inputTokens,
      outputTokens,
      cacheReadInputTokens: null,
      cacheWriteInputTokens: null,
      chunkCount: 0,
      maxTokens: this.number(cells, "configured_output_tokens_for_request", where, true),
      temperature: null,
      topP: null,
      stopReason: "",
      status: success ? "success" : "error",
      errorClass: success ? "" : status,
      errorMessage: success ? "" : this.cell(cells, "full_error_message"),
      faultSide: "",
      chunksBeforeFault: null,
      httpStatus: null,
      attempts: 1,
      retryDelayMs: 0,
      requestId: "",
      costUsd: null,
      responseChars: 0,
    };
    this.collected.push({ record, startEpochMs });
  }

  /** The file's records, send offsets measured from its earliest timestamp. */
  records(): RequestRecord[] {
    let first = Number.POSITIVE_INFINITY;
    for (const c of this.collected) first = Math.min(first, c.startEpochMs);
    return this.collected.map(({ record, startEpochMs }) => ({
      ...record,
      scheduledOffsetMs: startEpochMs - first,
      sendOffsetMs: startEpochMs - first,
    }));
  }
}

/**
 * The per-request record: one flat row per request the benchmark scheduled, successes and failures alike.
 * This is the contract between the engine (which writes `requests.csv`) and the analysis (which reads it).
 * Times are milliseconds from a monotonic clock, full precision; rounding happens only when rendering.
 */

import { BenchError } from "../base/errors";

export type RequestStatus = "success" | "error" | "aborted" | "timeout";
export type FaultSide = "" | "before-stream" | "mid-stream" | "client";
export type LoadModel = "closed" | "open";

export interface RequestRecord {
  runId: string;
  /** 0-based position in the run's (shuffled) schedule. */
  sequence: number;
  /** 0-based experiment repeat. */
  repeat: number;
  /** 0-based invocation index of this scenario within the repeat. */
  invocation: number;
  scenarioId: string;
  /** 1-based line of the scenario in its dataset file. */
  scenarioLine: number;
  taskType: string;
  /** Scenario tags joined with `;`. */
  tags: string;
  target: "emulator" | "aws";
  modelId: string;
  region: string;
  performanceConfigAsked: string;
  /** What Bedrock said it served (`metadata.performanceConfig.latency`); empty when no metadata arrived. */
  performanceConfigServed: string;
  serviceTierAsked: string;
  serviceTierServed: string;
  loadModel: LoadModel;
  concurrency: number;
  warmup: boolean;
  /** Wall-clock ISO time just before `send()`. */
  startTimeIso: string;
  /** Monotonic offset from run start at which the request was due to be sent. */
  scheduledOffsetMs: number;
  /** Monotonic offset from run start just before `send()`. */
  sendOffsetMs: number;
  /** Time spent waiting for a concurrency slot we impose (not service latency). */
  queueWaitMs: number;
  /** Open loop: actual send − scheduled send (includes `queueWaitMs`). 0 in closed loop. */
  scheduleLagMs: number;
  /** First `contentBlockDelta` with non-empty text − start. Empty when none arrived. */
  ttftMs: number | null;
  /** End of the event stream (after `metadata`) − start; for failures, time until the failure was seen. */
  totalMs: number | null;
  /** totalMs − ttftMs. */
  generationMs: number | null;
  /** Decode rate: outputTokens / generation seconds. */
  outputTokensPerSecond: number | null;
  /** outputTokens / total seconds (what the AWS notebook calls OTPS). */
  outputTokensPerSecondE2E: number | null;
  /** generationMs / (outputTokens − 1). */
  interTokenLatencyMs: number | null;
  /** `metadata.metrics.latencyMs` as reported by the server. */
  serverLatencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadInputTokens: number | null;
  cacheWriteInputTokens: number | null;
  /** Number of `contentBlockDelta` events with text. */
  chunkCount: number;
  maxTokens: number | null;
  temperature: number | null;
  topP: number | null;
  stopReason: string;
  status: RequestStatus;
  /** Error class name (`ThrottlingException`, `TimeoutError`, `AbortError`, …); empty on success. */
  errorClass: string;
  errorMessage: string;
  faultSide: FaultSide;
  /** Mid-stream faults: text chunks received before the fault (no usage arrives after a fault). */
  chunksBeforeFault: number | null;
  httpStatus: number | null;
  attempts: number;
  retryDelayMs: number;
  requestId: string;
  costUsd: number | null;
  responseChars: number;
}

export type ColumnType = "string" | "number" | "integer" | "boolean";

export interface ColumnSpec {
  name: keyof RequestRecord;
  type: ColumnType;
  nullable: boolean;
  unit: string;
  description: string;
}

function col(name: keyof RequestRecord, type: ColumnType, nullable: boolean, unit: string, description: string): ColumnSpec {
  return Object.freeze({ name, type, nullable, unit, description });
}

/** Column order of `requests.csv`, with what each column means. */
export const RECORD_COLUMNS: readonly ColumnSpec[] = Object.freeze([
  col("runId", "string", false, "", "Run identifier (the results folder name)."),
  col("sequence", "integer", false, "", "0-based position in the run's shuffled schedule."),
  col("repeat", "integer", false, "", "0-based experiment repeat."),
  col("invocation", "integer", false, "", "0-based invocation of the scenario within the repeat."),
  col("scenarioId", "string", false, "", "Scenario identifier (from the dataset, or derived from its line)."),
  col("scenarioLine", "integer", false, "", "1-based line of the scenario in the dataset file."),
  col("taskType", "string", false, "", "Scenario task type."),
  col("tags", "string", false, "", "Scenario tags joined with ';'."),
  col("target", "string", false, "", "'emulator' or 'aws'."),
  col("modelId", "string", false, "", "Model or inference-profile ID as sent."),
  col("region", "string", false, "", "AWS region the request was sent to."),
  col("performanceConfigAsked", "string", false, "", "performanceConfig.latency requested: standard or optimized."),
  col("performanceConfigServed", "string", false, "", "performanceConfig.latency Bedrock reported serving (empty without metadata)."),
  col("serviceTierAsked", "string", false, "", "serviceTier.type requested (empty when not set)."),
  col("serviceTierServed", "string", false, "", "serviceTier.type Bedrock reported serving."),
  col("loadModel", "string", false, "", "'closed' (N workers) or 'open' (scheduled arrivals)."),
  col("concurrency", "integer", false, "", "Configured concurrency (in-flight limit)."),
  col("warmup", "boolean", false, "", "Warm-up request: recorded, excluded from latency summaries."),
  col("startTimeIso", "string", false, "", "Wall-clock time just before send(), ISO 8601."),
  col("scheduledOffsetMs", "number", false, "ms", "When the request was due, from run start (monotonic)."),
  col("sendOffsetMs", "number", false, "ms", "When send() was called, from run start (monotonic)."),
  col("queueWaitMs", "number", false, "ms", "Wait for a concurrency slot imposed by the client; not service latency."),
  col("scheduleLagMs", "number", false, "ms", "Open loop: actual send minus scheduled send (includes queueWaitMs); 0 in closed loop."),
  col("ttftMs", "number", true, "ms", "Time to first token: first contentBlockDelta with text minus start."),
  col("totalMs", "number", true, "ms", "Time to last byte: end of the event stream minus start (failures: until the error)."),
  col("generationMs", "number", true, "ms", "totalMs minus ttftMs (successes only, like the rates below)."),
  col("outputTokensPerSecond", "number", true, "tokens/s", "Decode rate: outputTokens / (generationMs/1000)."),
  col("outputTokensPerSecondE2E", "number", true, "tokens/s", "outputTokens / (totalMs/1000), the AWS notebook's OTPS."),
  col("interTokenLatencyMs", "number", true, "ms", "generationMs / (outputTokens - 1)."),
  col("serverLatencyMs", "number", true, "ms", "metadata.metrics.latencyMs reported by the server."),
  col("inputTokens", "integer", true, "tokens", "usage.inputTokens."),
  col("outputTokens", "integer", true, "tokens", "usage.outputTokens."),
  col("cacheReadInputTokens", "integer", true, "tokens", "usage.cacheReadInputTokens (0 when usage arrived without it)."),
  col("cacheWriteInputTokens", "integer", true, "tokens", "usage.cacheWriteInputTokens (0 when usage arrived without it)."),
  col("chunkCount", "integer", false, "", "contentBlockDelta events that carried text."),
  col("maxTokens", "integer", true, "tokens", "inferenceConfig.maxTokens as sent."),
  col("temperature", "number", true, "", "inferenceConfig.temperature as sent."),
  col("topP", "number", true, "", "inferenceConfig.topP as sent."),
  col("stopReason", "string", false, "", "messageStop.stopReason."),
  col("status", "string", false, "", "success, error, timeout or aborted."),
  col("errorClass", "string", false, "", "Error class (ThrottlingException, ModelStreamErrorException, TimeoutError, …)."),
  col("errorMessage", "string", false, "", "Error message."),
  col("faultSide", "string", false, "", "Where a failure happened: before-stream (no response event yet: an error response, or a timeout/abort while waiting), mid-stream (after the stream started), client (no HTTP response at all: connection refused, DNS, credentials)."),
  col("chunksBeforeFault", "integer", true, "", "Mid-stream failures (faults, timeouts, aborts): contentBlockDelta chunks with text received before it (Bedrock sends no usage after a fault, so tokens are not known)."),
  col("httpStatus", "integer", true, "", "HTTP status of the response: the error's before the stream, 200 once the stream started; empty when no response arrived."),
  col("attempts", "integer", false, "", "SDK attempts ($metadata.attempts; 1 when the SDK reported none, e.g. a client-side failure)."),
  col("retryDelayMs", "number", false, "ms", "Total SDK retry delay ($metadata.totalRetryDelay)."),
  col("requestId", "string", false, "", "x-amzn-requestid of the (last) attempt."),
  col("costUsd", "number", true, "USD", "Cost from usage and the pricing table, at the served performance config and tier (empty without usage or price)."),
  col("responseChars", "integer", false, "", "Characters of response text received."),
]);

export const RECORD_COLUMN_NAMES: readonly (keyof RequestRecord)[] = Object.freeze(RECORD_COLUMNS.map((c) => c.name));

/** A record as CSV cells, in column order. null becomes an empty cell; numbers keep full precision. */
export function recordToCells(record: RequestRecord): string[] {
  return RECORD_COLUMNS.map((c) => {
    const value = record[c.name];
    if (value === null || value === undefined) return "";
    if (typeof value === "boolean") return value ? "true" : "false";
    return String(value);
  });
}

export class RecordParseError extends BenchError {
  override name = "RecordParseError";
  override readonly kind = "results";
}

/** A throttled request: Bedrock's ThrottlingException, or any failure with HTTP status 429 (Too Many Requests). */
export function isThrottle(errorClass: string, httpStatus: number | null): boolean {
  return errorClass === "ThrottlingException" || httpStatus === 429;
}

/**
 * A failure on the service's side that is not a throttle: an error response with a 5xx status (InternalServerException,
 * ServiceUnavailableException, ModelNotReadyException, …) or an exception in the event stream after it started
 * (ModelStreamErrorException, …). Timeouts (status `timeout`), throttles, 4xx refusals (validation, access) and client
 * failures with no response are not service errors.
 */
export function isServiceError(
  status: RequestStatus,
  errorClass: string,
  faultSide: FaultSide,
  httpStatus: number | null,
): boolean {
  if (status !== "error" || isThrottle(errorClass, httpStatus) || faultSide === "client") return false;
  return faultSide === "mid-stream" || (httpStatus !== null && httpStatus >= 500);
}

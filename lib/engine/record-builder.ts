/**
 * Turns a measured call (`RequestMeasurement`) and where it sat in the run into the flat `RequestRecord` written to
 * `requests.csv`. The derived metrics are defined once, here (docs/measurement.md):
 * generation = total − TTFT; OTPS (decode) = output tokens / generation s; E2E tokens/s = output tokens / total s;
 * ITL = generation / (output tokens − 1). Tokens come from Bedrock's `usage`, never re-tokenized.
 */

import type { Clock } from "../base/clock";
import type { ConverseInput } from "./converse-input";
import { requestCostUsd } from "../inputs/cost";
import type { Experiment } from "../inputs/experiment";
import type { PriceTable } from "../inputs/pricing";
import type { RequestRecord } from "../records/request-record";
import type { RequestMeasurement } from "./request-executor";
import type { Scenario } from "../inputs/scenarios";
import type { PlannedRequest } from "./schedule";

export interface DerivedMetrics {
  readonly generationMs: number | null;
  readonly outputTokensPerSecond: number | null;
  readonly outputTokensPerSecondE2E: number | null;
  readonly interTokenLatencyMs: number | null;
}

/** The metrics derived from TTFT, total and output tokens; null wherever an input is missing or a division is undefined. */
export function derivedMetrics(ttftMs: number | null, totalMs: number | null, outputTokens: number | null): DerivedMetrics {
  const generationMs = ttftMs !== null && totalMs !== null ? totalMs - ttftMs : null;
  const tokens = outputTokens;
  return {
    generationMs,
    outputTokensPerSecond: tokens !== null && generationMs !== null && generationMs > 0 ? tokens / (generationMs / 1000) : null,
    outputTokensPerSecondE2E: tokens !== null && totalMs !== null && totalMs > 0 ? tokens / (totalMs / 1000) : null,
    interTokenLatencyMs: tokens !== null && tokens > 1 && generationMs !== null ? generationMs / (tokens - 1) : null,
  };
}

/** Where a request sat in the run. */
export interface RequestPlacement {
  readonly runId: string;
  readonly planned: PlannedRequest;
  readonly scenario: Scenario;
  readonly input: ConverseInput;
  readonly experiment: Pick<Experiment, "target" | "loadModel" | "concurrency">;
  /** Monotonic ms of the run's start (offsets are measured from it). */
  readonly runStartMs: number;
  /** Open loop: monotonic ms at which the request was due. null in closed loop (due when sent). */
  readonly dueMs: number | null;
  /** Wait for an in-flight slot imposed by the client. */
  readonly queueWaitMs: number;
}

/** The record of one request. Derived metrics and cost only for complete answers; failures keep their timing. */
export function recordFor(placement: RequestPlacement, outcome: RequestMeasurement, clock: Clock, pricing: PriceTable | null): RequestRecord {
  const { planned, scenario, input } = placement;
  const success = outcome.status === "success";
  const ttftMs = outcome.firstTokenMs === null ? null : outcome.firstTokenMs - outcome.startMs;
  const totalMs = outcome.endMs - outcome.startMs;
  const usage = outcome.usage;
  const derived = success
    ? derivedMetrics(ttftMs, totalMs, usage?.outputTokens ?? null)
    : { generationMs: null, outputTokensPerSecond: null, outputTokensPerSecondE2E: null, interTokenLatencyMs: null };
  const sendOffsetMs = outcome.startMs - placement.runStartMs;
  const scheduledOffsetMs = placement.dueMs === null ? sendOffsetMs : placement.dueMs - placement.runStartMs;
  const costUsd =
    pricing === null || usage === null
      ? null
      : requestCostUsd(pricing, {
          modelId: scenario.modelId,
          performanceConfig: outcome.performanceConfigServed || input.performanceConfig,
          serviceTier: outcome.serviceTierServed || input.serviceTier,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          cacheReadInputTokens: usage.cacheReadInputTokens,
          cacheWriteInputTokens: usage.cacheWriteInputTokens,
        });
  const failure = outcome.failure;
  return {
    runId: placement.runId,
    sequence: planned.sequence,
    repeat: planned.repeat,
    invocation: planned.invocation,
    scenarioId: scenario.id,
    scenarioLine: scenario.line,
    taskType: scenario.taskType,
    tags: scenario.tags.join(";"),
    target: placement.experiment.target,
    modelId: scenario.modelId,
    region: scenario.region,
    performanceConfigAsked: input.performanceConfig,
    performanceConfigServed: outcome.performanceConfigServed,
    serviceTierAsked: input.serviceTier,
    serviceTierServed: outcome.serviceTierServed,
    loadModel: placement.experiment.loadModel,
    concurrency: placement.experiment.concurrency,
    warmup: planned.warmup,
    startTimeIso: new Date(clock.epochMsAt(outcome.startMs)).toISOString(),
    scheduledOffsetMs,
    sendOffsetMs,
    queueWaitMs: placement.queueWaitMs + outcome.admitWaitMs,
    scheduleLagMs: placement.dueMs === null ? 0 : sendOffsetMs - scheduledOffsetMs,
    ttftMs,
    totalMs,
    ...derived,
    serverLatencyMs: outcome.serverLatencyMs,
    inputTokens: usage?.inputTokens ?? null,
    outputTokens: usage?.outputTokens ?? null,
    cacheReadInputTokens: usage?.cacheReadInputTokens ?? null,
    cacheWriteInputTokens: usage?.cacheWriteInputTokens ?? null,
    chunkCount: outcome.chunkCount,
    maxTokens: input.maxTokens,
    temperature: input.temperature,
    topP: input.topP,
    stopReason: outcome.stopReason,
    status: outcome.status,
    errorClass: failure?.errorClass ?? "",
    errorMessage: failure?.message ?? "",
    faultSide: failure?.side ?? "",
    chunksBeforeFault: failure?.chunksBeforeFault ?? null,
    httpStatus: outcome.httpStatus,
    attempts: outcome.attempts,
    retryDelayMs: outcome.retryDelayMs,
    requestId: outcome.requestId,
    costUsd,
    responseChars: outcome.text.length,
  };
}

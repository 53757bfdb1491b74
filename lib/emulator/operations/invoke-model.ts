import { BedrockError, ERROR_MESSAGES } from "../errors";
import { encodeEventJson, encodeException, PADDING_VALUES, type StreamExceptionType } from "../event-stream";
import type { GenerationPlan } from "../generation";
import type { GenerationRequest } from "../generation-request";
import type { OutgoingHeaders } from "../http-exchange";
import { NATIVE_FORMATS } from "../native/formats";
import { invocationMetrics, randomBase62, type NativeFormat, type NativeResult } from "../native/native-format";
import type { ModelProfile } from "../profiles";
import type { SeededRandom } from "../../base/random";
import type { StreamFormat } from "../response-stream";
import { parseJsonObject } from "../validation";
import { exceptionPayload } from "./converse";
import { parseLatencyName, parseTierName } from "./converse-request";

/**
 * InvokeModel and InvokeModelWithResponseStream: a model-native JSON body (see `native/`), the served configuration in
 * headers `X-Amzn-Bedrock-PerformanceConfig-Latency` / `X-Amzn-Bedrock-Service-Tier`, and for InvokeModel the
 * `X-Amzn-Bedrock-*-Token-Count` / `-Invocation-Latency` response headers. The stream wraps each native chunk in a
 * `chunk` event `{"bytes": "<base64 JSON>", "p": …}`.
 */
export function parseInvokeRequest(
  body: Buffer,
  model: ModelProfile,
  header: (name: string) => string | undefined,
): { request: GenerationRequest; format: NativeFormat } {
  const format = NATIVE_FORMATS[model.format];
  const latencyHeader = header("x-amzn-bedrock-performanceconfig-latency");
  const tierHeader = header("x-amzn-bedrock-service-tier");
  const performanceLatency = latencyHeader === undefined ? "standard" : parseLatencyName(latencyHeader, "performanceConfigLatency");
  const serviceTier = tierHeader === undefined ? undefined : parseTierName(tierHeader, "serviceTier");
  const json = parseJsonObject(body, (detail) => new BedrockError("ValidationException", ERROR_MESSAGES.malformedInput(detail)));
  const native = format.parse(json, model);
  return { request: { ...native, performanceLatency, serviceTier }, format };
}

/** The native view of a plan. */
export function nativeResult(plan: GenerationPlan, cacheRequested: boolean, random: SeededRandom): NativeResult {
  return {
    model: plan.resolved.profile,
    inputTokens: plan.inputTokens,
    outputTokens: plan.outputTokens,
    cacheReadInputTokens: plan.cacheReadInputTokens,
    cacheWriteInputTokens: plan.cacheWriteInputTokens,
    cacheRequested,
    stopReason: plan.stopReason,
    messageId: `msg_bdrk_${randomBase62(24, random)}`,
  };
}

export function invokeResponseHeaders(plan: GenerationPlan, requestId: string, latencyMs: number, cacheRequested: boolean, body: Buffer): OutgoingHeaders {
  const headers: OutgoingHeaders = {
    "content-type": "application/json",
    "content-length": body.length,
    "x-amzn-requestid": requestId,
    "x-amzn-bedrock-invocation-latency": latencyMs,
    "x-amzn-bedrock-output-token-count": plan.outputTokens,
    "x-amzn-bedrock-input-token-count": plan.inputTokens,
    "x-amzn-bedrock-performanceconfig-latency": plan.performanceServed,
    "x-amzn-bedrock-service-tier": plan.tierServed,
  };
  if (cacheRequested) {
    headers["x-amzn-bedrock-cache-read-input-token-count"] = plan.cacheReadInputTokens;
    headers["x-amzn-bedrock-cache-write-input-token-count"] = plan.cacheWriteInputTokens;
  }
  return headers;
}

export function invokeStreamHeaders(plan: GenerationPlan, requestId: string): OutgoingHeaders {
  return {
    "content-type": "application/vnd.amazon.eventstream",
    "x-amzn-requestid": requestId,
    "x-amzn-bedrock-content-type": "application/json",
    "x-amzn-bedrock-performanceconfig-latency": plan.performanceServed,
    "x-amzn-bedrock-service-tier": plan.tierServed,
  };
}

export class InvokeStreamFormat implements StreamFormat {
  constructor(
    private readonly native: NativeFormat,
    private readonly result: NativeResult,
    private readonly random: SeededRandom,
  ) {}

  private chunk(payload: unknown): Uint8Array {
    const bytes = Buffer.from(JSON.stringify(payload), "utf8").toString("base64");
    const pad = PADDING_VALUES[this.random.integer(0, PADDING_VALUES.length - 1)] as string;
    return encodeEventJson("chunk", `{"bytes":"${bytes}","p":"${pad}"}`);
  }

  start(): Uint8Array[] {
    return this.native.streamStart(this.result).map((c) => this.chunk(c));
  }

  delta(text: string, tokensSoFar: number, first: boolean): Uint8Array {
    return this.chunk(this.native.streamDelta(text, tokensSoFar, first, this.result));
  }

  end(latencyMs: number, firstByteLatencyMs: number): Uint8Array[] {
    return this.native.streamEnd(this.result, invocationMetrics(this.result, latencyMs, firstByteLatencyMs)).map((c) => this.chunk(c));
  }

  exception(type: StreamExceptionType, message: string): Uint8Array {
    return encodeException(type, exceptionPayload(type, message));
  }
}

import { checkCachePoints, type CacheUsage, type PromptCache } from "./caching";
import { countPromptTokens, type PromptTokens } from "./conversation";
import { BedrockError } from "./errors";
import type { GenerationRequest } from "./generation-request";
import { ChunkSchedule, drawDecodeRate, drawOutputLength, drawTtft, type LatencyContext } from "./latency-model";
import type { ResolvedModel } from "./model-resolver";
import type { PerformanceLatency, ProfilesDocument, ServiceTierName } from "./profiles";
import type { QuotaLease, QuotaManager } from "./quotas";
import type { SeededRandom } from "../base/random";
import { TokenText } from "./text-generator";

/**
 * What one admitted request will produce and when: served configuration, token counts, TTFT, chunk timing and text.
 * Times are emulated milliseconds; the response writer scales them by `timeScale`.
 */
export type PerformanceFallbackReason = "not-offered" | "optimized-quota" | "max-total-tokens";

export interface GenerationPlan {
  resolved: ResolvedModel;
  performanceServed: PerformanceLatency;
  performanceFallbackReason: PerformanceFallbackReason | null;
  tierServed: ServiceTierName;
  /** Input tokens of the whole prompt (what CountTokens reports). */
  promptTokens: number;
  /** usage.inputTokens: prompt tokens neither read from nor written to the cache. */
  inputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
  maxTokens: number;
  outputTokens: number;
  stopReason: "end_turn" | "max_tokens";
  emulatedQueueMs: number;
  /** Emulated TTFT (queue + model latency). */
  emulatedTtftMs: number;
  /** Chunks of the answer, drawn as they are written; offsets are emulated ms after the first chunk. */
  chunks: ChunkSchedule;
  /** The answer's text, drawn as it is written. */
  text: TokenText;
  /** Frees the quota reservation; call once with the output tokens actually produced. */
  lease: QuotaLease;
}

/** Checks a request against the model's limits (before faults and quotas, like Bedrock's validation). */
export interface CheckedRequest {
  request: GenerationRequest;
  resolved: ResolvedModel;
  tokens: PromptTokens;
  maxTokens: number;
  tierAsked: ServiceTierName | undefined;
}

export const GENERATION_MESSAGES = Object.freeze({
  maxTokensAboveLimit: (limit: number) =>
    `The maximum tokens you requested exceeds the model limit of ${limit}. Try again with a maximum tokens value that is lower than ${limit}.`,
  inputTooLong: "Input is too long for requested model.",
  tierNotSupported: (tier: string, modelId: string) =>
    `The provided service tier (${tier}) is not supported for model ${modelId}. Try again with a supported service tier.`,
});

export function checkGenerationRequest(request: GenerationRequest, resolved: ResolvedModel): CheckedRequest {
  const model = resolved.profile;
  const maxTokens = request.maxTokens ?? model.defaultMaxTokens;
  if (maxTokens > model.maxOutputTokens) {
    throw new BedrockError("ValidationException", GENERATION_MESSAGES.maxTokensAboveLimit(model.maxOutputTokens));
  }
  if (request.serviceTier !== undefined && !model.serviceTiers.includes(request.serviceTier)) {
    throw new BedrockError("ValidationException", GENERATION_MESSAGES.tierNotSupported(request.serviceTier, model.modelId));
  }
  const tokens = countPromptTokens(request.conversation);
  checkCachePoints(model, tokens.checkpoints.length);
  if (tokens.total + maxTokens > model.contextWindowTokens) throw new BedrockError("ValidationException", GENERATION_MESSAGES.inputTooLong);
  return { request, resolved, tokens, maxTokens, tierAsked: request.serviceTier };
}

export interface PlannerDeps {
  profiles: ProfilesDocument;
  quotas: QuotaManager;
  cache: PromptCache;
}

/** Quota key of a model in a region, per inference-profile geography (Bedrock counts cross-region quotas apart). */
export function quotaKey(resolved: ResolvedModel): string {
  return `${resolved.profile.modelId}|${resolved.region}|${resolved.geography ?? "on-demand"}`;
}

/**
 * Admits a checked request against its quotas (RPM, TPM, concurrency), picks the served latency configuration, applies
 * the prompt cache, and draws latencies, length and text. A refusal is returned as the Bedrock error to send.
 */
/** Independent random streams of one request, so lazily drawn chunks and text never shift the other draws. */
export interface GenerationRandom {
  /** Latency, length and padding draws. */
  request: SeededRandom;
  chunks: SeededRandom;
  text: SeededRandom;
}

export function planGeneration(checked: CheckedRequest, deps: PlannerDeps, randoms: GenerationRandom, extraTtftMs = 0): GenerationPlan | BedrockError {
  const random = randoms.request;
  const { request, resolved, tokens, maxTokens } = checked;
  const model = resolved.profile;
  const reserved = tokens.total + maxTokens;
  const admitted = deps.quotas.admit(quotaKey(resolved), resolved.quotas, reserved);
  if (admitted instanceof BedrockError) return admitted;

  let performanceServed: PerformanceLatency = "standard";
  let fallback: PerformanceFallbackReason | null = null;
  const optimized = model.latency.optimized;
  if (request.performanceLatency === "optimized") {
    const offered =
      optimized !== undefined &&
      optimized.regions.includes(resolved.region) &&
      (resolved.geography === undefined ? optimized.profileGeographies.length === 0 : optimized.profileGeographies.length === 0 || optimized.profileGeographies.includes(resolved.geography));
    if (!offered) fallback = "not-offered";
    else if (optimized.maxTotalTokens !== undefined && reserved > optimized.maxTotalTokens) fallback = "max-total-tokens";
    else if (!deps.quotas.tryTakeCapacity(`${quotaKey(resolved)}|optimized`, optimized.requestsPerMinute, optimized.tokensPerMinute, reserved)) {
      fallback = "optimized-quota";
    } else performanceServed = "optimized";
  }
  const latency = performanceServed === "optimized" && optimized !== undefined ? optimized : model.latency.standard;
  const tierServed: ServiceTierName = checked.tierAsked ?? "default";

  let cache: CacheUsage;
  try {
    cache = deps.cache.apply(`${model.modelId}|${resolved.region}`, model, tokens.checkpoints);
  } catch (err) {
    admitted.release(0);
    if (err instanceof BedrockError) return err;
    throw err;
  }
  const context: LatencyContext = {
    latency,
    regionTtftMultiplier: resolved.regionTtftMultiplier,
    regionDecodeMultiplier: resolved.regionDecodeMultiplier,
    tier: deps.profiles.serviceTiers[tierServed],
  };
  const ttft = drawTtft(context, tokens.total - cache.cacheReadInputTokens, cache.cacheReadInputTokens, random);
  const rate = drawDecodeRate(context, random);
  const length = drawOutputLength(model, maxTokens, random);
  const chunks = new ChunkSchedule(length.tokens, model.chunking, rate, latency.decode.chunkJitterSigma, randoms.chunks);
  const text = new TokenText(length.tokens, randoms.text);
  return {
    resolved,
    performanceServed,
    performanceFallbackReason: fallback,
    tierServed,
    promptTokens: tokens.total,
    inputTokens: tokens.total - cache.cacheReadInputTokens - cache.cacheWriteInputTokens,
    cacheReadInputTokens: cache.cacheReadInputTokens,
    cacheWriteInputTokens: cache.cacheWriteInputTokens,
    maxTokens,
    outputTokens: length.tokens,
    stopReason: length.truncated ? "max_tokens" : "end_turn",
    emulatedQueueMs: ttft.queueMs,
    emulatedTtftMs: ttft.ttftMs + extraTtftMs,
    chunks,
    text,
    lease: admitted,
  };
}

/** Emulated ms from the first chunk to the last, drawing the remaining chunks (for responses written in one piece). */
export function drawGenerationSpanMs(plan: Pick<GenerationPlan, "chunks">): number {
  while (plan.chunks.advance()) {
    // only the last offset matters
  }
  return Math.max(0, plan.chunks.offsetMs);
}

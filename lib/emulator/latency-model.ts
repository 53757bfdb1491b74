import type { LatencyProfile, ModelProfile, TierBehaviour } from "./profiles";
import type { RandomSource } from "./random";

/**
 * The emulator's latency model. All times are emulated milliseconds (the emulator divides nothing here; the server
 * multiplies by `timeScale` when it schedules writes).
 *
 * - Queueing (service tier): `queueMs ~ Exponential(mean = tier.queueDelayMeanMs)` (0 for tiers without queueing).
 * - TTFT: `queueMs + (base + prefill) × regionTtft × tierTtft`, where `base ~ LogNormal(median = ttft.medianMs, σ = ttft.sigma)`
 *   and `prefill = ttft.prefillMsPerThousandTokens × uncachedInputTokens / 1000 + ttft.cacheReadMsPerThousandTokens × cacheReadTokens / 1000`
 *   — so TTFT grows linearly with the prompt, and a prompt-cache hit is cheaper.
 * - Decode rate: one draw per request, `rate ~ LogNormal(median = decode.medianTokensPerSecond, σ = decode.sigma) × regionDecode × tierDecode` tokens/s.
 * - Chunks: each `contentBlockDelta` carries `Uniform{chunking.minTokens … chunking.maxTokens}` tokens. The first chunk is
 *   written at TTFT; each next chunk follows after `tokens / rate × J` with `J ~ LogNormal(σ = decode.chunkJitterSigma)`
 *   scaled to mean 1 (so the mean rate is preserved).
 * - Output length: the natural answer length `~ LogNormal(median = output.medianTokens, σ = output.sigma)`, at least 1;
 *   longer than `maxTokens` → cut at maxTokens with stopReason `max_tokens`, else `end_turn`.
 */

export interface LatencyContext {
  latency: LatencyProfile;
  regionTtftMultiplier: number;
  regionDecodeMultiplier: number;
  tier: TierBehaviour;
}

export interface TtftDraw {
  queueMs: number;
  /** Includes the queueing delay. */
  ttftMs: number;
}

export function drawTtft(context: LatencyContext, uncachedInputTokens: number, cacheReadInputTokens: number, random: RandomSource): TtftDraw {
  const { ttft } = context.latency;
  const queueMs = context.tier.queueDelayMeanMs > 0 ? random.exponential(context.tier.queueDelayMeanMs) : 0;
  const base = random.logNormal(ttft.medianMs, ttft.sigma);
  const prefill =
    (ttft.prefillMsPerThousandTokens * uncachedInputTokens) / 1000 + (ttft.cacheReadMsPerThousandTokens * cacheReadInputTokens) / 1000;
  return { queueMs, ttftMs: queueMs + (base + prefill) * context.regionTtftMultiplier * context.tier.ttftMultiplier };
}

/** Decode rate of one request, tokens per second. */
export function drawDecodeRate(context: LatencyContext, random: RandomSource): number {
  const { decode } = context.latency;
  return random.logNormal(decode.medianTokensPerSecond, decode.sigma) * context.regionDecodeMultiplier * context.tier.decodeMultiplier;
}

export interface OutputLength {
  tokens: number;
  /** The natural length the model "wanted" before maxTokens. */
  naturalTokens: number;
  truncated: boolean;
}

export function drawOutputLength(model: Pick<ModelProfile, "output">, maxTokens: number, random: RandomSource): OutputLength {
  const naturalTokens = Math.max(1, Math.round(random.logNormal(model.output.medianTokens, model.output.sigma)));
  return naturalTokens > maxTokens
    ? { tokens: maxTokens, naturalTokens, truncated: true }
    : { tokens: naturalTokens, naturalTokens, truncated: false };
}

export interface ChunkTiming {
  tokens: number;
  /** Emulated ms after the first chunk. */
  offsetMs: number;
}

/** Splits `outputTokens` into chunks and times them relative to the first chunk (offset 0). */
export function planChunks(
  outputTokens: number,
  chunking: ModelProfile["chunking"],
  tokensPerSecond: number,
  jitterSigma: number,
  random: RandomSource,
): ChunkTiming[] {
  const chunks: ChunkTiming[] = [];
  const jitterMedian = Math.exp((-jitterSigma * jitterSigma) / 2);
  let remaining = outputTokens;
  let offsetMs = 0;
  while (remaining > 0) {
    const tokens = Math.min(remaining, random.integer(chunking.minTokens, chunking.maxTokens));
    if (chunks.length > 0) offsetMs += ((tokens / tokensPerSecond) * 1000) * random.logNormal(jitterMedian, jitterSigma);
    chunks.push({ tokens, offsetMs });
    remaining -= tokens;
  }
  return chunks;
}

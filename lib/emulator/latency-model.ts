import type { LatencyProfile, ModelProfile, TierBehaviour } from "./profiles";
import type { SeededRandom } from "../base/random";

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

export function drawTtft(context: LatencyContext, uncachedInputTokens: number, cacheReadInputTokens: number, random: SeededRandom): TtftDraw {
  const { ttft } = context.latency;
  const queueMs = context.tier.queueDelayMeanMs > 0 ? random.exponential(context.tier.queueDelayMeanMs) : 0;
  const base = random.logNormal(ttft.medianMs, ttft.sigma);
  const prefill =
    (ttft.prefillMsPerThousandTokens * uncachedInputTokens) / 1000 + (ttft.cacheReadMsPerThousandTokens * cacheReadInputTokens) / 1000;
  return { queueMs, ttftMs: queueMs + (base + prefill) * context.regionTtftMultiplier * context.tier.ttftMultiplier };
}

/** Decode rate of one request, tokens per second. */
export function drawDecodeRate(context: LatencyContext, random: SeededRandom): number {
  const { decode } = context.latency;
  return random.logNormal(decode.medianTokensPerSecond, decode.sigma) * context.regionDecodeMultiplier * context.tier.decodeMultiplier;
}

export interface OutputLength {
  tokens: number;
  /** The natural length the model "wanted" before maxTokens. */
  naturalTokens: number;
  truncated: boolean;
}

export function drawOutputLength(model: Pick<ModelProfile, "output">, maxTokens: number, random: SeededRandom): OutputLength {
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

/**
 * The chunks of an answer, drawn one at a time as they are written (an in-flight stream holds no plan in memory).
 * The schedule draws one chunk ahead, so the writer knows when the next chunk is due: after `advance()` returns true,
 * `tokens` and `offsetMs` describe the current chunk and `nextOffsetMs` the one after it (`last` when there is none).
 * The draws, in order, are exactly those of `planChunks`.
 */
export class ChunkSchedule {
  /** Tokens of the current chunk. */
  tokens = 0;
  /** Emulated ms of the current chunk after the first chunk. */
  offsetMs = 0;
  /** Index of the current chunk (−1 before the first `advance()`). */
  index = -1;
  private remaining: number;
  private nextTokens = 0;
  private nextOffset = 0;
  private readonly jitterMedian: number;

  constructor(
    outputTokens: number,
    private readonly chunking: ModelProfile["chunking"],
    private readonly tokensPerSecond: number,
    private readonly jitterSigma: number,
    private readonly random: SeededRandom,
  ) {
    this.remaining = outputTokens;
    this.jitterMedian = Math.exp((-jitterSigma * jitterSigma) / 2);
    this.drawNext(true);
  }

  private drawNext(first: boolean): void {
    if (this.remaining <= 0) {
      this.nextTokens = 0;
      return;
    }
    const tokens = Math.min(this.remaining, this.random.integer(this.chunking.minTokens, this.chunking.maxTokens));
    this.nextOffset = first ? 0 : this.offsetMs + ((tokens / this.tokensPerSecond) * 1000) * this.random.logNormal(this.jitterMedian, this.jitterSigma);
    this.nextTokens = tokens;
    this.remaining -= tokens;
  }

  /** Moves to the next chunk; false when the answer is complete. */
  advance(): boolean {
    if (this.nextTokens === 0) return false;
    this.index++;
    this.tokens = this.nextTokens;
    this.offsetMs = this.nextOffset;
    this.drawNext(false);
    return true;
  }

  /** True when the current chunk is the last one. */
  get last(): boolean {
    return this.nextTokens === 0;
  }

  /** Emulated offset of the chunk after the current one (the current offset when it is the last). */
  get nextOffsetMs(): number {
    return this.nextTokens === 0 ? this.offsetMs : this.nextOffset;
  }
}

/** Splits `outputTokens` into chunks and times them relative to the first chunk (offset 0). */
export function planChunks(
  outputTokens: number,
  chunking: ModelProfile["chunking"],
  tokensPerSecond: number,
  jitterSigma: number,
  random: SeededRandom,
): ChunkTiming[] {
  const schedule = new ChunkSchedule(outputTokens, chunking, tokensPerSecond, jitterSigma, random);
  const chunks: ChunkTiming[] = [];
  while (schedule.advance()) chunks.push({ tokens: schedule.tokens, offsetMs: schedule.offsetMs });
  return chunks;
}

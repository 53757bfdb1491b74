import { BedrockError } from "./errors";
import type { CacheCheckpoint } from "./conversation";
import type { ModelProfile } from "./profiles";

/**
 * Prompt caching (`cachePoint` blocks): the prefix up to a checkpoint is written to the cache on first use and read on
 * later requests to the same model and region within its TTL (refreshed by each hit; emulated time, so scaled by
 * `timeScale`). Checkpoints whose prefix is shorter than the model's minimum are ignored, as Bedrock does.
 * `usage.inputTokens` then counts only the tokens neither read nor written.
 */
export interface CacheUsage {
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
}

/** Bedrock's answer to cache points on a model without prompt caching, or too many of them. */
export function checkCachePoints(model: ModelProfile, count: number): void {
  if (count === 0) return;
  const caching = model.promptCaching;
  if (caching === null) {
    throw new BedrockError("ValidationException", "You invoked an unsupported model or your request did not allow prompt caching. See the documentation for more information.");
  }
  if (count > caching.maxCheckpoints) {
    throw new BedrockError("ValidationException", `The number of cache points (${count}) exceeds the maximum of ${caching.maxCheckpoints} for this model.`);
  }
}

export class PromptCache {
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly timeScale: number,
    private readonly now: () => number,
  ) {}

  apply(scope: string, model: ModelProfile, checkpoints: readonly CacheCheckpoint[]): CacheUsage {
    if (checkpoints.length === 0) return { cacheReadInputTokens: 0, cacheWriteInputTokens: 0 };
    checkCachePoints(model, checkpoints.length);
    const caching = model.promptCaching as NonNullable<ModelProfile["promptCaching"]>;
    const now = this.now();
    const ttlMs = caching.ttlSeconds * 1000 * this.timeScale;
    const eligible = checkpoints.filter((c) => c.tokens >= caching.minTokens);
    let read = 0;
    for (let i = eligible.length - 1; i >= 0; i--) {
      const checkpoint = eligible[i] as CacheCheckpoint;
      const key = `${scope}|${checkpoint.key}`;
      const expiry = this.expiries.get(key);
      if (expiry !== undefined && expiry > now) {
        read = checkpoint.tokens;
        this.expiries.set(key, now + ttlMs);
        break;
      }
    }
    let written = read;
    for (const checkpoint of eligible) {
      if (checkpoint.tokens > read) {
        this.expiries.set(`${scope}|${checkpoint.key}`, now + ttlMs);
        written = Math.max(written, checkpoint.tokens);
      }
    }
    this.collect(now);
    return { cacheReadInputTokens: read, cacheWriteInputTokens: written - read };
  }

  private collect(now: number): void {
    if (this.expiries.size < 10_000) return;
    for (const [key, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(key);
  }
}

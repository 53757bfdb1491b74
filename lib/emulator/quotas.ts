import { BedrockError, ERROR_MESSAGES } from "./errors";
import type { QuotaProfile } from "./profiles";

/**
 * Bedrock's per-model, per-region quotas: requests per minute and tokens per minute as token buckets, plus a cap on
 * concurrent requests.
 *
 * Each bucket refills continuously at `perMinute / 60 s` (emulated time, so `timeScale` speeds it up) and holds at most
 * `perMinute × burstSeconds / 60` (≥ 1): a burst of that size passes at once, and over a long overload exactly the quota
 * passes per minute. A request whose reservation alone exceeds the tokens-per-minute quota can never pass:
 * ServiceQuotaExceededException (400). A request costs 1 request token and `input tokens + maxTokens` tokens (Bedrock reserves maxTokens
 * up front); the unused part of maxTokens is returned when the request ends. A request larger than the bucket needs a
 * full bucket and leaves it in debt. Exceeding RPM or TPM → ThrottlingException (429); exceeding the concurrency cap →
 * ServiceUnavailableException (503).
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    readonly capacity: number,
    /** Tokens added per real millisecond. */
    private readonly refillPerMs: number,
    nowMs: number,
  ) {
    this.tokens = capacity;
    this.lastMs = nowMs;
  }

  level(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  tryTake(cost: number, nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < Math.min(cost, this.capacity)) return false;
    this.tokens -= cost;
    return true;
  }

  give(amount: number, nowMs: number): void {
    this.refill(nowMs);
    this.tokens = Math.min(this.capacity, this.tokens + amount);
  }

  private refill(nowMs: number): void {
    if (nowMs > this.lastMs) {
      this.tokens = Math.min(this.capacity, this.tokens + (nowMs - this.lastMs) * this.refillPerMs);
      this.lastMs = nowMs;
    }
  }
}

export interface QuotaLease {
  /** Ends the request: frees its concurrency slot and returns unused reserved tokens. Idempotent. */
  release(tokensUsed: number): void;
}

interface QuotaState {
  requests: TokenBucket;
  tokens: TokenBucket;
  active: number;
}

export interface QuotaManagerOptions {
  burstSeconds: number;
  timeScale: number;
  now: () => number;
}

export class QuotaManager {
  private readonly states = new Map<string, QuotaState>();

  constructor(private readonly options: QuotaManagerOptions) {}

  /** Admits a request or returns the Bedrock error refusing it. */
  admit(key: string, quotas: QuotaProfile, reservedTokens: number): QuotaLease | BedrockError {
    if (reservedTokens > quotas.tokensPerMinute) return new BedrockError("ServiceQuotaExceededException", ERROR_MESSAGES.quotaExceeded);
    const state = this.state(key, quotas.requestsPerMinute, quotas.tokensPerMinute);
    const now = this.options.now();
    if (state.active >= quotas.maxConcurrency) return new BedrockError("ServiceUnavailableException", ERROR_MESSAGES.concurrency);
    if (!state.requests.tryTake(1, now)) return new BedrockError("ThrottlingException", ERROR_MESSAGES.throttledRequests);
    if (!state.tokens.tryTake(reservedTokens, now)) {
      state.requests.give(1, now);
      return new BedrockError("ThrottlingException", ERROR_MESSAGES.throttledTokens);
    }
    state.active++;
    let released = false;
    return {
      release: (tokensUsed: number) => {
        if (released) return;
        released = true;
        state.active--;
        if (tokensUsed < reservedTokens) state.tokens.give(reservedTokens - tokensUsed, this.options.now());
      },
    };
  }

  /** Takes optimized-capacity tokens if available (no concurrency cap); false means "serve at standard". */
  tryTakeCapacity(key: string, requestsPerMinute: number, tokensPerMinute: number, reservedTokens: number): boolean {
    const state = this.state(key, requestsPerMinute, tokensPerMinute);
    const now = this.options.now();
    if (!state.requests.tryTake(1, now)) return false;
    if (!state.tokens.tryTake(reservedTokens, now)) {
      state.requests.give(1, now);
      return false;
    }
    return true;
  }

  /** Concurrent requests currently admitted under `key`. */
  activeRequests(key: string): number {
    return this.states.get(key)?.active ?? 0;
  }

  private state(key: string, requestsPerMinute: number, tokensPerMinute: number): QuotaState {
    let state = this.states.get(key);
    if (state === undefined) {
      const now = this.options.now();
      const minuteMs = 60_000 * this.options.timeScale;
      const burst = this.options.burstSeconds / 60;
      state = {
        requests: new TokenBucket(Math.max(1, requestsPerMinute * burst), requestsPerMinute / minuteMs, now),
        tokens: new TokenBucket(Math.max(1, tokensPerMinute * burst), tokensPerMinute / minuteMs, now),
        active: 0,
      };
      this.states.set(key, state);
    }
    return state;
  }
}

import type { Clock } from "../../lib/clock";

/**
 * A clock that moves only when told to: `advanceTo(t)` fires every timer due by `t` in order, so tests of timeouts,
 * pacing and measurements are exact and never sleep. `sleep()` resolves when the clock passes its deadline.
 */
export class ManualClock implements Clock {
  private time = 0;
  private nextId = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(private readonly epochOriginMs = Date.UTC(2025, 0, 1)) {}

  now(): number {
    return this.time;
  }

  epochMsAt(monotonicMs: number): number {
    return this.epochOriginMs + monotonicMs;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return () => this.timers.delete(id);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.setTimer(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        cancel();
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Moves time forward to `t`, firing due timers in time order (each sees `now()` = its due time). */
  advanceTo(t: number): void {
    for (;;) {
      let nextId = -1;
      let next: { at: number; fn: () => void } | undefined;
      for (const [id, timer] of this.timers) {
        if (timer.at <= t && (next === undefined || timer.at < next.at)) {
          next = timer;
          nextId = id;
        }
      }
      if (next === undefined) break;
      this.timers.delete(nextId);
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = Math.max(this.time, t);
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.time + ms);
  }

  /** Timers still waiting. */
  get pendingTimers(): number {
    return this.timers.size;
  }
}

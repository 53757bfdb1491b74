import type { Clock, ClockReadings } from "../../lib/base/clock";

/** Clock readings that follow an injected monotonic `now` (e.g. real time plus a jump), dated `epochOriginMs + now`. */
export function clockFromNow(now: () => number, epochOriginMs: number = performance.timeOrigin): ClockReadings {
  return Object.freeze({ now, epochMsAt: (monotonicMs: number) => epochOriginMs + monotonicMs });
}

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

  /** Due time of the earliest timer, or null when none is waiting. */
  nextTimerAt(): number | null {
    let at: number | null = null;
    for (const timer of this.timers.values()) if (at === null || timer.at < at) at = timer.at;
    return at;
  }

  /**
   * Drives `work` to completion: whenever nothing else is ready to run (I/O and microtasks idle), jumps to the next
   * timer. While no timer waits (the work is reading a file, say), real time passes; `stuckAfterMs` of that is an error.
   * Timers set before the work starts would fire while it is still loading its inputs: set them from the work's events.
   */
  async run<T>(work: Promise<T>, stuckAfterMs = 10_000): Promise<T> {
    let settled = false;
    const tracked = work.finally(() => {
      settled = true;
    });
    tracked.catch(() => {});
    let idleSince = Date.now();
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (settled) return tracked;
      const at = this.nextTimerAt();
      if (at === null) {
        if (Date.now() - idleSince > stuckAfterMs) throw new Error(`stuck at t=${this.time} with no timer waiting`);
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      idleSince = Date.now();
      this.advanceTo(at);
    }
  }

  /** Timers still waiting. */
  get pendingTimers(): number {
    return this.timers.size;
  }
}

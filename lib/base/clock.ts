/**
 * Time as the engine sees it, injectable so tests are exact: a monotonic clock for measurements, the wall clock for
 * timestamps people read, timers for timeouts, and an abortable sleep for pacing.
 */

export interface Clock {
  /** Monotonic milliseconds (`performance.now()`), full precision. */
  now(): number;
  /** Wall-clock milliseconds since the epoch at a monotonic instant (so a record needs one clock reading, not two). */
  epochMsAt(monotonicMs: number): number;
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
  /** Resolves after `ms` (immediately when ≤ 0), or early when `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A clock's readings without its timers: what code that only reads the time takes (the emulator times its writes with real timers). */
export type ClockReadings = Pick<Clock, "now" | "epochMsAt">;

export const realClock: Clock = Object.freeze({
  now: () => performance.now(),
  epochMsAt: (monotonicMs: number) => performance.timeOrigin + monotonicMs,
  setTimer(fn: () => void, ms: number): () => void {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    });
  },
});

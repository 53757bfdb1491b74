/**
 * Dispatching planned requests under a load model (docs/measurement.md, "Load models"):
 * - closed loop: N workers, each sends its next request when its last one finished (and after `sleepBetweenMs`);
 *   requests are taken in schedule order;
 * - open loop: request n is due at `pacer.dueMs(n)` from the start of pacing, whatever the completions; an in-flight
 *   cap is a queue we impose, and the wait for it is reported (`queueWaitMs`) apart from the lag of the send behind its
 *   due time (`scheduleLagMs`, which includes that wait).
 * Scheduling stops when `shouldStop()` says so (abort, duration, budget); what was sent is awaited.
 */

import type { Clock } from "../base/clock";
import type { Pacer } from "./schedule";

/** When and how a request was sent, for its record. */
export interface DispatchTiming {
  /** Open loop: monotonic ms the request was due. null in closed loop. */
  readonly dueMs: number | null;
  /** Wait for an in-flight slot (open loop with a saturated cap), ms. */
  readonly queueWaitMs: number;
}

export interface DispatchOptions<T> {
  readonly items: readonly T[];
  readonly clock: Clock;
  /** Checked before each send; true stops scheduling. */
  readonly shouldStop: () => boolean;
  /** Wakes sleeps early when aborted (scheduling then stops through `shouldStop`). */
  readonly signal: AbortSignal;
  /** Sends and records one request; must not reject (failures are records). */
  readonly execute: (item: T, timing: DispatchTiming) => Promise<void>;
}

export interface ClosedLoopOptions<T> extends DispatchOptions<T> {
  readonly concurrency: number;
  readonly sleepBetweenMs: number;
}

/** Closed loop. Resolves when every sent request completed. Returns how many were sent. */
export async function runClosedLoop<T>(options: ClosedLoopOptions<T>): Promise<number> {
  const { items, clock, shouldStop, signal, execute } = options;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (next >= items.length || shouldStop()) return;
      const item = items[next++]!;
      await execute(item, { dueMs: null, queueWaitMs: 0 });
      if (options.sleepBetweenMs > 0 && next < items.length && !shouldStop()) await clock.sleep(options.sleepBetweenMs, signal);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return Math.min(next, items.length);
}

export interface OpenLoopOptions<T> extends DispatchOptions<T> {
  readonly pacer: Pacer;
  /** Cap on requests in flight. */
  readonly maxInFlight: number;
  /** Monotonic ms from which the pacer's due times count. */
  readonly startMs: number;
  /** Monotonic ms from which nothing new is sent (duration bound: requests due in [start, deadline)); null for none. */
  readonly deadlineMs: number | null;
}

/** Open loop. Resolves when every sent request completed. Returns how many were sent. */
export async function runOpenLoop<T>(options: OpenLoopOptions<T>): Promise<number> {
  const { items, clock, shouldStop, signal, execute, pacer } = options;
  const inFlight = new Set<Promise<void>>();
  let slotFreed: (() => void) | null = null;
  let sent = 0;
  for (let n = 0; n < items.length; n++) {
    const dueMs = options.startMs + pacer.dueMs(n);
    if (options.deadlineMs !== null && dueMs >= options.deadlineMs) break;
    // Timers may fire up to a millisecond early against the monotonic clock: sleep until really due.
    for (let waitMs = dueMs - clock.now(); waitMs > 0 && !signal.aborted; waitMs = dueMs - clock.now()) await clock.sleep(waitMs, signal);
    if (shouldStop()) break;
    let queueWaitMs = 0;
    if (inFlight.size >= options.maxInFlight) {
      const queuedAt = clock.now();
      while (inFlight.size >= options.maxInFlight && !signal.aborted) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            signal.removeEventListener("abort", done);
            slotFreed = null;
            resolve();
          };
          slotFreed = done;
          signal.addEventListener("abort", done, { once: true });
        });
      }
      queueWaitMs = clock.now() - queuedAt;
      if (shouldStop()) break;
    }
    const p: Promise<void> = execute(items[n]!, { dueMs, queueWaitMs }).finally(() => {
      inFlight.delete(p);
      slotFreed?.();
    });
    inFlight.add(p);
    sent++;
  }
  await Promise.all(inFlight);
  return sent;
}

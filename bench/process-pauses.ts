/**
 * Why a scheduled write can be late, apart from the server's own work: for `bench/emulator.bench.ts`.
 *
 * - **GC pauses** of this process's heap (`PerformanceObserver` `gc` entries: start and duration, main thread);
 * - **run-queue wait**: time the main thread was ready to run but the kernel ran something else (the load generator,
 *   other processes on a shared machine, the hypervisor's neighbours), read from Linux's
 *   `/proc/self/task/<tid>/schedstat` (run time, wait time, time slices, in ns);
 * - the **machine's baseline**: how late a plain timer fires in an otherwise idle Node process.
 */
import { readFileSync } from "node:fs";
import { PerformanceObserver, performance } from "node:perf_hooks";
import { quantile } from "../lib/analysis/stats";

export interface Pause {
  startMs: number;
  endMs: number;
}

/** Records this process's GC pauses (`performance.now()` ms) until `stop()`. */
export function recordGcPauses(): { pauses: Pause[]; stop(): void } {
  const pauses: Pause[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push({ startMs: e.startTime, endMs: e.startTime + e.duration });
  });
  observer.observe({ entryTypes: ["gc"] });
  return {
    pauses,
    stop: () => {
      for (const e of observer.takeRecords()) pauses.push({ startMs: e.startTime, endMs: e.startTime + e.duration });
      observer.disconnect();
    },
  };
}

/** Whether the interval [fromMs, toMs] overlaps one of `pauses`. */
export function overlapsPause(pauses: readonly Pause[], fromMs: number, toMs: number): boolean {
  return pauses.some((p) => p.startMs <= toMs && p.endMs >= fromMs);
}

/** Main-thread scheduler statistics (ms), or undefined where `/proc` does not have them (not Linux). */
export function mainThreadSchedStat(): { runMs: number; waitMs: number } | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").trim().split(/\s+/).map(Number);
    if (run === undefined || wait === undefined || !Number.isFinite(run) || !Number.isFinite(wait)) return undefined;
    return { runMs: run / 1e6, waitMs: wait / 1e6 };
  } catch {
    return undefined;
  }
}

/** Lateness of a plain `setTimeout(…, intervalMs)` in this process while it does nothing else (ms). */
export async function idleTimerLateness(samples: number, intervalMs = 2): Promise<{ p50: number; p99: number; p999: number; max: number }> {
  const late: number[] = [];
  for (let i = 0; i < samples; i++) {
    const due = performance.now() + intervalMs;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    late.push(performance.now() - due);
  }
  return { p50: quantile(late, 0.5), p99: quantile(late, 0.99), p999: quantile(late, 0.999), max: Math.max(...late) };
}

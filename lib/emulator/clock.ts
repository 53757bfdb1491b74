import { performance } from "node:perf_hooks";

/**
 * The emulator's clock. `monotonicMs` orders and measures (it never jumps); `epochMs` dates events for people.
 * Both are fractional milliseconds. Inject a fake one in tests that need exact timestamps.
 */
export interface EmulatorClock {
  monotonicMs(): number;
  epochMs(): number;
}

/** `performance.now()` and the epoch time derived from it (`timeOrigin + now`), so the two never disagree. */
export const systemClock: EmulatorClock = Object.freeze({
  monotonicMs: () => performance.now(),
  epochMs: () => performance.timeOrigin + performance.now(),
});

/** A clock whose epoch time follows an injected monotonic `now` (epoch = origin + now). */
export function clockFromNow(now: () => number, epochOriginMs: number = performance.timeOrigin): EmulatorClock {
  return Object.freeze({ monotonicMs: now, epochMs: () => epochOriginMs + now() });
}

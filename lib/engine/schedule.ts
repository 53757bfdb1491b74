/**
 * The schedule of a run: which scenario each request uses and in what order (seeded, pure), and, for open-loop
 * runs, when each request is due (pacers, pure functions of elapsed time and requests sent — vegeta style).
 */

import { SeededRandom } from "../base/random";
import type { Experiment } from "../inputs/experiment";
import type { Scenario } from "../inputs/scenarios";
import { configurationKey } from "../inputs/scenarios";

export interface PlannedRequest {
  /** 0-based position in the run's schedule (warm-ups first); the key for resume. */
  readonly sequence: number;
  /** Index of the scenario in its dataset (file order). */
  readonly scenarioIndex: number;
  readonly repeat: number;
  /** 0-based invocation of the scenario within the repeat (warm-ups: within the configuration's warm-up). */
  readonly invocation: number;
  readonly warmup: boolean;
}

export type ScheduleOptions = Pick<Experiment, "invocationsPerScenario" | "repeats" | "order" | "seed" | "warmupRequests">;

/** A seeded source of uniform doubles in (0, 1] ({@link SeededRandom.uniformPositive}). */
export function uniformSource(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.uniformPositive();
}

/**
 * Builds the whole schedule. Warm-ups come first: `warmupRequests` per configuration
 * (model × region × performance config × tier), using the configuration's first scenario, round-robin over
 * configurations. Then each repeat holds every scenario × `invocationsPerScenario`, ordered per `order`
 * (`shuffled` draws a fresh seeded permutation per repeat, so configurations interleave).
 * The same inputs always give the same schedule: resume rebuilds it to find what is missing.
 */
export function buildSchedule(scenarios: readonly Scenario[], options: ScheduleOptions): readonly PlannedRequest[] {
  const out: PlannedRequest[] = [];
  const firstOfConfiguration = new Map<string, number>();
  scenarios.forEach((s, i) => {
    const key = configurationKey(s);
    if (!firstOfConfiguration.has(key)) firstOfConfiguration.set(key, i);
  });
  for (let w = 0; w < options.warmupRequests; w++) {
    for (const scenarioIndex of firstOfConfiguration.values()) {
      out.push({ sequence: out.length, scenarioIndex, repeat: 0, invocation: w, warmup: true });
    }
  }
  const random = new SeededRandom(options.seed);
  for (let repeat = 0; repeat < options.repeats; repeat++) {
    let block: { scenarioIndex: number; invocation: number }[] = [];
    if (options.order === "sequential") {
      scenarios.forEach((_, scenarioIndex) => {
        for (let invocation = 0; invocation < options.invocationsPerScenario; invocation++) block.push({ scenarioIndex, invocation });
      });
    } else {
      for (let invocation = 0; invocation < options.invocationsPerScenario; invocation++) {
        scenarios.forEach((_, scenarioIndex) => block.push({ scenarioIndex, invocation }));
      }
      if (options.order === "shuffled") block = random.shuffle(block);
    }
    for (const item of block) out.push({ sequence: out.length, ...item, repeat, warmup: false });
  }
  return Object.freeze(out.map((p) => Object.freeze(p)));
}

/** Open-loop pacing: when the n-th request (0-based) is due, and how long to wait before sending it. */
export interface Pacer {
  /** Offset from the start of pacing at which request `n` is due, ms. */
  dueMs(n: number): number;
  /** How long to wait, at `elapsedMs` after the start with `sent` requests sent, before sending the next (0 = now). */
  pace(elapsedMs: number, sent: number): number;
}

/** Requests every 1000/rate ms, the first at 0. */
export function constantPacer(ratePerSec: number): Pacer {
  if (!(ratePerSec > 0) || !Number.isFinite(ratePerSec)) throw new RangeError(`ratePerSec must be a finite number > 0, got ${ratePerSec}`);
  const intervalMs = 1000 / ratePerSec;
  const dueMs = (n: number): number => n * intervalMs;
  return { dueMs, pace: (elapsedMs, sent) => Math.max(0, dueMs(sent) - elapsedMs) };
}

/**
 * A Poisson process of the given mean rate: exponentially distributed gaps (mean 1000/rate ms), seeded, the first
 * request at 0. Due times are drawn once and remembered, so `dueMs(n)` is a fixed sequence for a seed.
 */
export function poissonPacer(ratePerSec: number, seed: number): Pacer {
  if (!(ratePerSec > 0) || !Number.isFinite(ratePerSec)) throw new RangeError(`ratePerSec must be a finite number > 0, got ${ratePerSec}`);
  const uniform = uniformSource(seed);
  const meanGapMs = 1000 / ratePerSec;
  const due: number[] = [0];
  const dueMs = (n: number): number => {
    while (due.length <= n) due.push(due[due.length - 1]! - Math.log(uniform()) * meanGapMs);
    return due[n]!;
  };
  return { dueMs, pace: (elapsedMs, sent) => Math.max(0, dueMs(sent) - elapsedMs) };
}

/** The pacer an experiment's `arrivals` describe (seeded with the experiment's seed). */
export function pacerFor(arrivals: NonNullable<Experiment["arrivals"]>, seed: number): Pacer {
  return arrivals.distribution === "poisson" ? poissonPacer(arrivals.ratePerSec, seed) : constantPacer(arrivals.ratePerSec);
}

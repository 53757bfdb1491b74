/**
 * Comparisons people can defend: optimized vs standard per model (and tier vs tier, model vs model) as a difference
 * of medians and of p90s with bootstrap confidence intervals, a rank-sum p-value, the sample size a chosen precision
 * needs, and a machine-readable outcome (faster, slower, no clear difference, too few samples). Numbers only: the
 * verdict in plain words is the report layer's (`lib/report/verdicts.ts`).
 */
import {
  bootstrapQuantileDifferenceCi,
  permutationPValue,
  quantileSorted,
  rankSumTest,
  samplesForHalfWidth,
  type ConfidenceInterval,
  type RankSumResult,
} from "./stats";
import { seededRandom, type RandomSource } from "../base/random";
import { compareGroupKeys, shortModelName, sortedSample, type GroupKey, type RequestGroup } from "./request-groups";
import type { ResultSet } from "./results-loader";

/** What differs between the two groups compared. */
export type ComparisonKind = "performance-config" | "service-tier" | "model";

/** Latency metrics compared. */
export type ComparedMetric = "ttftMs" | "totalMs";

/**
 * What the numbers of one metric support: the candidate faster or slower (p < alpha and the median difference's CI
 * excludes 0), no clear difference (either criterion fails), or too few samples (either side below `minSamples`,
 * whatever the p-value).
 */
export type ComparisonOutcome = "candidate-faster" | "candidate-slower" | "no-clear-difference" | "too-few-samples";
/** @deprecated The earlier name of {@link ComparisonOutcome}. */
export type VerdictKind = ComparisonOutcome;

export interface MetricComparison {
  metric: ComparedMetric;
  baselineCount: number;
  candidateCount: number;
  baselineMedianMs: number;
  candidateMedianMs: number;
  baselineP90Ms: number;
  candidateP90Ms: number;
  /** candidate median − baseline median (negative: the candidate is faster), with its bootstrap CI. */
  medianDifferenceMs: ConfidenceInterval;
  /** candidate p90 − baseline p90, with its bootstrap CI. */
  p90DifferenceMs: ConfidenceInterval;
  /** medianDifference / baseline median. */
  relativeMedianChange: number | null;
  rankSum: RankSumResult;
  /**
   * The rank-sum p-value adjusted (Holm–Bonferroni) over every test of the set `compareResults` made, so that many
   * comparisons do not turn chance into findings; null for a comparison made alone (`compareGroups`).
   */
  holmPValue: number | null;
  /** Permutation-test p-value (difference of means), when permutations were asked for. */
  permutationPValue: number | null;
  /** Target ± half-width of the median difference's CI used for `samplesForPrecision`, ms. */
  precisionMs: number;
  /** Requests per configuration for the median difference's CI to be ±precisionMs wide. */
  samplesForPrecision: number | null;
  /**
   * Requests per configuration to advise: `samplesForPrecision`, but never fewer than `minSamples` when either side
   * has fewer (below it the bootstrap half-width is itself unreliable); null when no precision target could be set.
   */
  suggestedSamples: number | null;
  /** Both sides have enough samples and already pin the median difference to ±precisionMs or better. */
  precisionReached: boolean;
  /** The rank-sum p-value is below alpha. */
  rankSumSignificant: boolean;
  /** The median difference's confidence interval excludes 0. */
  intervalExcludesZero: boolean;
  outcome: ComparisonOutcome;
  /** Tests in the family `holmPValue` was adjusted over; null for a comparison made alone. */
  holmTests: number | null;
  /** A faster or slower outcome whose Holm-adjusted p-value is not below alpha: it stands, but wants confirming. */
  tentative: boolean;
}

export interface ComparisonSide {
  id: string;
  label: string;
  key: GroupKey;
  /** The value of the compared dimension (e.g. `optimized`, or a model ID). */
  value: string;
  /** How verdicts name this side: the value, a short model name, or `tier <name>`. */
  name: string;
  /** Successful requests of the group (with or without a latency). */
  successes: number;
}

export interface Comparison {
  kind: ComparisonKind;
  /** What the two groups share, in words (e.g. the model and region). */
  context: string;
  baseline: ComparisonSide;
  candidate: ComparisonSide;
  /** One per metric with a latency on both sides (none when a side has no successful request with a latency). */
  metrics: MetricComparison[];
  /** Fewest successful requests per side for a faster / slower / no-clear-difference outcome. */
  minSamples: number;
  /** Significance level of the rank-sum test. */
  alpha: number;
  /** Either side has fewer successful requests than `minSamples`: no conclusion. */
  tooFewSamples: boolean;
}

export interface ComparisonOptions {
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Seed of the bootstrap's random source (default 1); ignored when `random` is given. */
  seed?: number;
  random?: RandomSource;
  /** Fewest successful requests per side for a verdict (default 30). */
  minSamples?: number;
  /** Significance level of the rank-sum test (default 0.05). */
  alpha?: number;
  /** Precision target for the sample size, as a share of the baseline median (default 0.05 = ±5%). */
  relativePrecision?: number;
  /** Precision target in ms (overrides relativePrecision). */
  precisionMs?: number;
  /** Permutation-test permutations (default 0: not run). */
  permutations?: number;
  /** Which comparisons {@link compareResults} makes (default all three kinds). */
  kinds?: readonly ComparisonKind[];
}

/** Comparison options validated, with every default filled in (what reports state). */
export interface ComparisonSettings {
  resamples: number;
  level: number;
  /** Seed of the bootstrap's random source (meaningless when a `random` source was given). */
  seed: number;
  minSamples: number;
  alpha: number;
  relativePrecision: number;
  /** Precision target in ms, when given instead of `relativePrecision`. */
  precisionMs: number | null;
  permutations: number;
}

interface Resolved extends ComparisonSettings {
  random: RandomSource;
}

/** Validates comparison options and fills in the defaults; throws a RangeError quoting a bad value. */
export function comparisonSettings(options: ComparisonOptions = {}): ComparisonSettings {
  const minSamples = options.minSamples ?? 30;
  const alpha = options.alpha ?? 0.05;
  const relativePrecision = options.relativePrecision ?? 0.05;
  const permutations = options.permutations ?? 0;
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(minSamples) || minSamples < 2) throw new RangeError(`Expected minSamples to be an integer ≥ 2, got ${String(minSamples)}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`Expected alpha between 0 and 1, got ${String(alpha)}`);
  if (!(relativePrecision > 0)) throw new RangeError(`Expected relativePrecision > 0, got ${String(relativePrecision)}`);
  if (options.precisionMs !== undefined && !(options.precisionMs > 0)) {
    throw new RangeError(`Expected precisionMs > 0, got ${String(options.precisionMs)}`);
  }
  if (!Number.isInteger(permutations) || permutations < 0) throw new RangeError(`Expected permutations to be an integer ≥ 0, got ${String(permutations)}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`Expected resamples to be an integer ≥ 1, got ${String(resamples)}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`Expected the confidence level between 0 and 1, got ${String(level)}`);
  if (!Number.isInteger(seed)) throw new RangeError(`Expected the seed to be an integer, got ${String(seed)}`);
  return Object.freeze({ resamples, level, seed, minSamples, alpha, relativePrecision, precisionMs: options.precisionMs ?? null, permutations });
}

function resolve(options: ComparisonOptions): Resolved {
  const settings = comparisonSettings(options);
  return { ...settings, random: options.random ?? seededRandom(settings.seed) };
}

const DIMENSION: Record<ComparisonKind, keyof GroupKey> = {
  "performance-config": "performanceConfig",
  "service-tier": "serviceTier",
  model: "model",
};

function sideValue(kind: ComparisonKind, key: GroupKey): string {
  return String(key[DIMENSION[kind]]);
}

function compareMetric(metric: ComparedMetric, baseline: RequestGroup, candidate: RequestGroup, o: Resolved): MetricComparison | null {
  const a = sortedSample(baseline, metric);
  const b = sortedSample(candidate, metric);
  if (a.length === 0 || b.length === 0) return null;
  const bootstrap = { resamples: o.resamples, level: o.level, random: o.random };
  const medianDifferenceMs = bootstrapQuantileDifferenceCi(a, b, 0.5, bootstrap);
  const p90DifferenceMs = bootstrapQuantileDifferenceCi(a, b, 0.9, bootstrap);
  const baselineMedianMs = quantileSorted(a, 0.5);
  const candidateMedianMs = quantileSorted(b, 0.5);
  const rankSum = rankSumTest(a, b);
  const permutation = o.permutations > 0 ? permutationPValue(a, b, { permutations: o.permutations, random: o.random }) : null;
  const precisionMs = o.precisionMs ?? o.relativePrecision * Math.abs(baselineMedianMs);
  const halfWidth = (medianDifferenceMs.upper - medianDifferenceMs.lower) / 2;
  const samplesForPrecision = precisionMs > 0 ? samplesForHalfWidth(Math.min(a.length, b.length), halfWidth, precisionMs) : null;
  const relativeMedianChange = baselineMedianMs !== 0 ? medianDifferenceMs.estimate / baselineMedianMs : null;
  const fewest = Math.min(a.length, b.length);
  const tooFew = fewest < o.minSamples;
  // Below minSamples the bootstrap half-width is itself unreliable: never suggest fewer than minSamples.
  const suggestedSamples = samplesForPrecision === null ? null : tooFew ? Math.max(samplesForPrecision, o.minSamples) : samplesForPrecision;
  const rankSumSignificant = rankSum.pValue < o.alpha;
  const intervalExcludesZero = medianDifferenceMs.lower > 0 || medianDifferenceMs.upper < 0;
  const outcome: ComparisonOutcome = tooFew
    ? "too-few-samples"
    : rankSumSignificant && intervalExcludesZero
      ? medianDifferenceMs.estimate < 0
        ? "candidate-faster"
        : "candidate-slower"
      : "no-clear-difference";
  return {
    metric,
    baselineCount: a.length,
    candidateCount: b.length,
    baselineMedianMs,
    candidateMedianMs,
    baselineP90Ms: quantileSorted(a, 0.9),
    candidateP90Ms: quantileSorted(b, 0.9),
    medianDifferenceMs,
    p90DifferenceMs,
    relativeMedianChange,
    rankSum,
    holmPValue: null,
    permutationPValue: permutation,
    precisionMs,
    samplesForPrecision,
    suggestedSamples,
    precisionReached: suggestedSamples !== null && !tooFew && suggestedSamples <= fewest,
    rankSumSignificant,
    intervalExcludesZero,
    outcome,
    holmTests: null,
    tentative: false,
  };
}

function describeContext(kind: ComparisonKind, key: GroupKey): string {
  const parts: string[] = [];
  if (kind !== "model" && key.model !== "") parts.push(key.model);
  if (key.region !== "") parts.push(key.region);
  if (kind !== "performance-config" && key.performanceConfig !== "") parts.push(key.performanceConfig);
  if (kind !== "service-tier" && key.serviceTier !== "" && key.serviceTier !== "default") parts.push(`tier ${key.serviceTier}`);
  if (key.concurrency !== null && key.concurrency > 0) parts.push(`concurrency ${key.concurrency}`);
  if (key.taskType !== "") parts.push(key.taskType);
  if (key.tags !== "") parts.push(`tags ${key.tags}`);
  if (key.runId !== "") parts.push(`run ${key.runId}`);
  return parts.join(", ");
}

/** Compares a candidate group with a baseline group on TTFT and total time. */
export function compareGroups(baseline: RequestGroup, candidate: RequestGroup, kind: ComparisonKind, options: ComparisonOptions = {}): Comparison {
  const o = resolve(options);
  const value = (g: RequestGroup) => sideValue(kind, g.key);
  const display = (g: RequestGroup) => (kind === "model" ? shortModelName(g.key.model) : kind === "service-tier" ? `tier ${value(g)}` : value(g));
  const side = (g: RequestGroup): ComparisonSide => ({ id: g.id, label: g.label, key: g.key, value: value(g), name: display(g), successes: g.successes });
  const metrics = (["ttftMs", "totalMs"] as const).map((m) => compareMetric(m, baseline, candidate, o)).filter((m): m is MetricComparison => m !== null);
  return {
    kind,
    context: describeContext(kind, baseline.key),
    baseline: side(baseline),
    candidate: side(candidate),
    metrics,
    minSamples: o.minSamples,
    alpha: o.alpha,
    tooFewSamples: baseline.successes < o.minSamples || candidate.successes < o.minSamples,
  };
}

const BASELINES: Partial<Record<ComparisonKind, readonly string[]>> = {
  "performance-config": ["standard"],
  "service-tier": ["default", "standard", "priority", "flex"],
};

/** Pairs of groups equal in every dimension but the compared one. */
function pairs(groups: readonly RequestGroup[], kind: ComparisonKind): [RequestGroup, RequestGroup][] {
  const dimension = DIMENSION[kind];
  const partitions = new Map<string, RequestGroup[]>();
  for (const g of groups) {
    const rest = JSON.stringify({ ...g.key, [dimension]: null });
    const list = partitions.get(rest) ?? [];
    list.push(g);
    partitions.set(rest, list);
  }
  const out: [RequestGroup, RequestGroup][] = [];
  for (const list of partitions.values()) {
    if (list.length < 2) continue;
    list.sort((x, y) => compareGroupKeys(x.key, y.key));
    const preferred = BASELINES[kind];
    if (preferred) {
      const baseline = preferred.map((v) => list.find((g) => String(g.key[dimension]) === v)).find((g) => g !== undefined) ?? list[0]!;
      for (const g of list) if (g !== baseline) out.push([baseline, g]);
    } else {
      for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) out.push([list[i]!, list[j]!]);
    }
  }
  return out;
}

/**
 * Every comparison the groups allow: optimized vs standard for each model (everything else equal), each tier vs the
 * default tier, and each pair of models. Deterministic for a given seed.
 */
export function compareResults(input: ResultSet | readonly RequestGroup[], options: ComparisonOptions = {}): Comparison[] {
  const groups = Array.isArray(input) ? (input as readonly RequestGroup[]) : (input as ResultSet).groups;
  const resolved = { ...options, random: options.random ?? seededRandom(options.seed ?? 1) };
  const kinds = options.kinds ?? (["performance-config", "service-tier", "model"] as const);
  const out: Comparison[] = [];
  for (const kind of kinds) for (const [baseline, candidate] of pairs(groups, kind)) out.push(compareGroups(baseline, candidate, kind, resolved));
  const { alpha } = resolve(resolved);
  const tests = out.flatMap((c) => c.metrics);
  const adjusted = holmAdjusted(tests.map((m) => m.rankSum.pValue));
  tests.forEach((m, i) => {
    m.holmPValue = adjusted[i]!;
    m.holmTests = tests.length;
    // An outcome that rests on p < alpha alone, when the family of tests is large, is flagged rather than reversed:
    // the CI criterion still held, and the reader sees both numbers.
    m.tentative = (m.outcome === "candidate-faster" || m.outcome === "candidate-slower") && m.holmPValue >= alpha;
  });
  return out;
}

/**
 * Holm–Bonferroni adjusted p-values, in the input's order: the i-th smallest of m p-values becomes
 * max over j ≤ i of min(1, (m − j + 1) · p(j)). Controls the family-wise error rate at α without assuming independence.
 */
export function holmAdjusted(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p || x.i - y.i);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}

/** How often Bedrock served something else than what was asked, per model and region. */
export interface FallbackRate {
  model: string;
  region: string;
  /** Requests that asked for `asked` and whose served value is known. */
  asked: string;
  requests: number;
  /** Of those, served something else. */
  fallbacks: number;
  rate: number;
  /** What they were served instead, with counts (e.g. `{ standard: 3 }`). */
  servedInstead: Record<string, number>;
  /** `performance-config` or `service-tier`. */
  kind: "performance-config" | "service-tier";
}

/**
 * Served vs asked: for each model × region and each asked performance config or tier, the share of requests served
 * something else (e.g. optimized asked, standard served past the optimized quota). Only requests whose served value is
 * known count (AWS-notebook imports record none).
 */
export function fallbackRates(input: ResultSet | readonly RequestGroup[]): FallbackRate[] {
  const groups = Array.isArray(input) ? (input as readonly RequestGroup[]) : (input as ResultSet).groups;
  const table = new Map<string, FallbackRate>();
  const add = (kind: FallbackRate["kind"], g: RequestGroup, transitions: Map<string, number>) => {
    for (const [transition, count] of transitions) {
      const [asked, served] = transition.split("→") as [string, string];
      const id = JSON.stringify([kind, g.key.model, g.key.region, asked]);
      let row = table.get(id);
      if (!row) {
        row = { model: g.key.model, region: g.key.region, asked, requests: 0, fallbacks: 0, rate: 0, servedInstead: {}, kind };
        table.set(id, row);
      }
      row.requests += count;
      if (served !== asked) {
        row.fallbacks += count;
        row.servedInstead[served] = (row.servedInstead[served] ?? 0) + count;
      }
    }
  };
  for (const g of groups) {
    add("performance-config", g, g.performanceConfigTransitions);
    add("service-tier", g, g.serviceTierTransitions);
  }
  return [...table.values()]
    .map((r) => ({ ...r, rate: r.requests > 0 ? r.fallbacks / r.requests : 0 }))
    .sort((x, y) => x.kind.localeCompare(y.kind) || x.model.localeCompare(y.model) || x.region.localeCompare(y.region) || x.asked.localeCompare(y.asked));
}

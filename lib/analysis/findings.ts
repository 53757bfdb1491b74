/**
 * What a report says first, as numbers: per model the fastest configuration (lowest median TTFT, with its bootstrap
 * confidence interval) and the cheapest (lowest cost per successful request); the comparisons whose outcome is a clear
 * difference, and those that are not; the fallbacks, error classes above a threshold and throttling; and what the
 * sample cannot tell (comparisons on too few requests, with the sample size that would settle them). Selection only:
 * the sentences are the report layer's (`lib/report/findings.ts`).
 *
 * ```ts
 * const f = findingsOf(analysis);
 * for (const m of f.models) console.log(m.model, m.fastest?.group.label, m.fastest?.ttftMedianMs);
 * ```
 */
import type { Analysis } from "./analyze-results";
import type { Comparison, ComparedMetric, ComparisonOutcome, FallbackRate, MetricComparison } from "./comparison";
import { GROUP_DIMENSIONS, sortedSample, type GroupDimension, type GroupKey, type RequestGroup } from "./request-groups";
import { bootstrapQuantileCi, type ConfidenceInterval } from "./stats";
import type { SummaryRow } from "./summary";
import { seededRandom } from "../base/random";

/** Default share of a configuration's requests above which an error class is worth knowing (5%). */
export const ERROR_RATE_THRESHOLD = 0.05;

/** The error class that throttling carries; throttles are reported apart from the other classes. */
const THROTTLING_CLASS = "ThrottlingException";

export interface FindingsOptions {
  /** An error class is listed when its share of a configuration's requests reaches this (default 0.05). */
  errorRateThreshold?: number;
}

/** One configuration (group) a finding names. */
export interface FindingGroup {
  id: string;
  label: string;
  key: GroupKey;
  /** Successful non-warm-up requests of the group. */
  successes: number;
}

/** The configuration with the lowest median TTFT among a model's configurations. */
export interface FastestConfiguration {
  group: FindingGroup;
  /** Successful requests with a TTFT behind the median. */
  samples: number;
  ttftMedianMs: number;
  /** Percentile-bootstrap CI of the median TTFT (the analysis' level, resamples and seed); null below two samples. */
  ttftMedianCi: ConfidenceInterval | null;
  /** p90 of the total time of the same configuration, ms (null without a total time). */
  totalP90Ms: number | null;
  /** Fewer samples than the analysis' `minSamples`: the median is unsteady. */
  belowMinSamples: boolean;
}

/** The configuration with the next-lowest figure (median TTFT or cost), for scale. */
export interface RunnerUp {
  group: FindingGroup;
  value: number;
  /** Equal to the lowest (within rounding error): the choice between the two is the group order's. */
  tied: boolean;
}

/** The configuration with the lowest p90 total time, when it differs from the fastest by median TTFT. */
export interface LowestTotalP90 {
  group: FindingGroup;
  totalP90Ms: number;
}

/** The configuration with the lowest cost per successful request (every counted request's cost over the successes). */
export interface CheapestConfiguration {
  group: FindingGroup;
  costUsdPerSuccess: number;
  costUsdTotal: number;
}

export interface ModelFindings {
  /** Model ID ("" when the results are not grouped by model). */
  model: string;
  /** Configurations (groups) of this model. */
  configurations: number;
  /** Dimensions (other than the model) whose value differs between this model's configurations. */
  varying: GroupDimension[];
  /** Null when no configuration has a successful request with a TTFT. */
  fastest: FastestConfiguration | null;
  /** The second-lowest median TTFT, null with one configuration. */
  fastestRunnerUp: RunnerUp | null;
  /**
   * The TTFT outcome of the analysis' comparison of the fastest and the runner-up, when the two differ in one dimension
   * only (null otherwise), with the fastest as the candidate: `candidate-faster` means the lead is a clear difference.
   */
  fastestVersusRunnerUp: ComparisonOutcome | null;
  /** Null when the fastest by median TTFT also has the lowest p90 total time (or none has a total time). */
  lowestTotalP90: LowestTotalP90 | null;
  /** Null when no configuration of the model has a cost and a success. */
  cheapest: CheapestConfiguration | null;
  /** The second-lowest cost per success, null when fewer than two configurations have one. */
  cheapestRunnerUp: RunnerUp | null;
}

/** One metric of one comparison. */
export interface ComparisonTest {
  comparison: Comparison;
  metric: MetricComparison;
}

/** A comparison on too few successful requests, with what would settle it per metric. */
export interface SampleLimit {
  comparison: Comparison;
  /** Requests per configuration that would pin each metric's median difference to its precision target (null: unknown). */
  needed: { metric: ComparedMetric; suggestedSamples: number | null; precisionMs: number }[];
}

/** An error class whose share of a configuration's requests reached the threshold (throttling apart). */
export interface ErrorFinding {
  group: FindingGroup;
  errorClass: string;
  failures: number;
  /** Requests that count towards rates (non-warm-up, not aborted). */
  requests: number;
  rate: number;
}

/** A configuration whose requests were throttled (class ThrottlingException, or HTTP 429). */
export interface ThrottleFinding {
  group: FindingGroup;
  throttles: number;
  requests: number;
  rate: number;
}

/** A model and region for which no response said what Bedrock served: its fallbacks cannot be counted. */
export interface UnknownServed {
  model: string;
  region: string;
}

export interface Findings {
  errorRateThreshold: number;
  /** Confidence level of the intervals (the analysis' `level`). */
  level: number;
  minSamples: number;
  /** One per model, in model order. */
  models: ModelFindings[];
  /** Comparisons made. */
  comparisons: number;
  /** Tests (a comparison × TTFT or total time) whose outcome is faster or slower (tentative ones included). */
  clearDifferences: ComparisonTest[];
  /** Tests with enough samples whose outcome is no clear difference. */
  noClearDifference: ComparisonTest[];
  /** Comparisons with too few samples on either side. */
  tooFewSamples: SampleLimit[];
  /** Comparisons with no metric (a side has no successful request with a latency) and enough samples. */
  nothingToCompare: Comparison[];
  /** Fallback rows where some requests were served otherwise than asked. */
  fallbacks: FallbackRate[];
  /** Models and regions with requests but no served value known. */
  servedUnknown: UnknownServed[];
  /** Error classes at or above the threshold, by configuration. */
  errors: ErrorFinding[];
  /** Failures of any class below the threshold (or of configurations listed for other classes), for a "see also". */
  otherFailures: number;
  throttles: ThrottleFinding[];
  /** The analysis' warnings (what limits the conclusions). */
  warnings: string[];
}

/** The dimensions that can tell a model's configurations apart, in the groups' order. */
const DIMENSION_ORDER: readonly GroupDimension[] = GROUP_DIMENSIONS.filter((d) => d !== "model");

function findingGroup(g: RequestGroup): FindingGroup {
  return { id: g.id, label: g.label, key: g.key, successes: g.successes };
}

function sameValue(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

function lowest<T>(items: readonly T[], value: (item: T) => number | null): { first: T; value: number; second: { item: T; value: number; tied: boolean } | null } | null {
  const ranked = items
    .map((item, i) => ({ item, i, value: value(item) }))
    .filter((x): x is { item: T; i: number; value: number } => x.value !== null && Number.isFinite(x.value))
    .sort((a, b) => (sameValue(a.value, b.value) ? 0 : a.value - b.value) || a.i - b.i);
  if (ranked.length === 0) return null;
  const first = ranked[0]!;
  const second = ranked[1];
  return { first: first.item, value: first.value, second: second ? { item: second.item, value: second.value, tied: sameValue(first.value, second.value) } : null };
}

/** The TTFT outcome of the comparison between two groups, worded from `fastest`'s side as the candidate. */
function outcomeBetween(comparisons: readonly Comparison[], fastest: string, other: string): ComparisonOutcome | null {
  for (const c of comparisons) {
    const direct = c.candidate.id === fastest && c.baseline.id === other;
    if (!direct && !(c.candidate.id === other && c.baseline.id === fastest)) continue;
    const outcome = c.tooFewSamples ? "too-few-samples" : c.metrics.find((m) => m.metric === "ttftMs")?.outcome;
    if (outcome === undefined) return null;
    if (direct) return outcome;
    return outcome === "candidate-faster" ? "candidate-slower" : outcome === "candidate-slower" ? "candidate-faster" : outcome;
  }
  return null;
}

function modelFindings(analysis: Analysis, model: string, members: readonly { group: RequestGroup; row: SummaryRow }[]): ModelFindings {
  const { settings } = analysis;
  const grouped = new Set(settings.dimensions);
  const varying = DIMENSION_ORDER.filter((d) => grouped.has(d) && new Set(members.map((m) => String(m.group.key[d]))).size > 1);
  const byTtft = lowest(members, (m) => m.row.ttft_ms_p50);
  let fastest: FastestConfiguration | null = null;
  let lowestTotalP90: LowestTotalP90 | null = null;
  if (byTtft) {
    const sample = sortedSample(byTtft.first.group, "ttftMs");
    const ci =
      sample.length >= 2
        ? bootstrapQuantileCi(sample, 0.5, { resamples: settings.resamples, level: settings.level, random: seededRandom(settings.seed) })
        : null;
    fastest = {
      group: findingGroup(byTtft.first.group),
      samples: sample.length,
      ttftMedianMs: byTtft.value,
      ttftMedianCi: ci,
      totalP90Ms: byTtft.first.row.total_ms_p90,
      belowMinSamples: sample.length < settings.minSamples,
    };
    const byTotal = lowest(members, (m) => m.row.total_ms_p90);
    const ownTotal = byTtft.first.row.total_ms_p90;
    if (byTotal && byTotal.first !== byTtft.first && !(ownTotal !== null && (ownTotal <= byTotal.value || sameValue(ownTotal, byTotal.value)))) {
      lowestTotalP90 = { group: findingGroup(byTotal.first.group), totalP90Ms: byTotal.value };
    }
  }
  const byCost = lowest(members, (m) => m.row.cost_usd_per_success);
  return {
    model,
    configurations: members.length,
    varying,
    fastest,
    fastestRunnerUp: byTtft?.second ? { group: findingGroup(byTtft.second.item.group), value: byTtft.second.value, tied: byTtft.second.tied } : null,
    fastestVersusRunnerUp: byTtft?.second ? outcomeBetween(analysis.comparisons, byTtft.first.group.id, byTtft.second.item.group.id) : null,
    lowestTotalP90,
    cheapest: byCost ? { group: findingGroup(byCost.first.group), costUsdPerSuccess: byCost.value, costUsdTotal: byCost.first.row.cost_usd_total ?? 0 } : null,
    cheapestRunnerUp: byCost?.second ? { group: findingGroup(byCost.second.item.group), value: byCost.second.value, tied: byCost.second.tied } : null,
  };
}

/** The findings of an analysis (see the module comment); deterministic for the analysis' seed. */
export function findingsOf(analysis: Analysis, options: FindingsOptions = {}): Findings {
  const threshold = options.errorRateThreshold ?? ERROR_RATE_THRESHOLD;
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`Expected errorRateThreshold in (0, 1], got ${String(threshold)}`);
  const groups = analysis.results.groups;
  const rows = analysis.summary;

  // Per model, in model order; the groups keep their own (standard first) order inside a model.
  const byModel = new Map<string, { group: RequestGroup; row: SummaryRow }[]>();
  groups.forEach((group, i) => {
    const list = byModel.get(group.key.model) ?? [];
    list.push({ group, row: rows[i]! });
    byModel.set(group.key.model, list);
  });
  const models = [...byModel.keys()].sort((a, b) => a.localeCompare(b)).map((m) => modelFindings(analysis, m, byModel.get(m)!));

  const clearDifferences: ComparisonTest[] = [];
  const noClearDifference: ComparisonTest[] = [];
  const tooFewSamples: SampleLimit[] = [];
  const nothingToCompare: Comparison[] = [];
  for (const comparison of analysis.comparisons) {
    if (comparison.tooFewSamples || comparison.metrics.some((m) => m.outcome === "too-few-samples")) {
      tooFewSamples.push({
        comparison,
        needed: comparison.metrics.map((m) => ({ metric: m.metric, suggestedSamples: m.suggestedSamples, precisionMs: m.precisionMs })),
      });
      continue;
    }
    if (comparison.metrics.length === 0) nothingToCompare.push(comparison);
    for (const metric of comparison.metrics) {
      if (metric.outcome === "candidate-faster" || metric.outcome === "candidate-slower") clearDifferences.push({ comparison, metric });
      else if (metric.outcome === "no-clear-difference") noClearDifference.push({ comparison, metric });
    }
  }

  const errors: ErrorFinding[] = [];
  const throttles: ThrottleFinding[] = [];
  let listedFailures = 0;
  let allFailures = 0;
  for (const g of groups) {
    const requests = g.requests - g.aborted;
    allFailures += g.failures;
    if (requests <= 0) continue;
    if (g.throttles > 0) throttles.push({ group: findingGroup(g), throttles: g.throttles, requests, rate: g.throttles / requests });
    for (const [errorClass, failures] of [...g.failuresByClass].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
      if (errorClass === THROTTLING_CLASS) {
        listedFailures += failures;
        continue;
      }
      const rate = failures / requests;
      if (rate >= threshold) {
        errors.push({ group: findingGroup(g), errorClass, failures, requests, rate });
        listedFailures += failures;
      }
    }
  }

  // Served values are known per model and region when any of its requests recorded one.
  const known = new Set(analysis.fallbacks.map((f) => JSON.stringify([f.model, f.region])));
  const servedUnknown: UnknownServed[] = [];
  const seen = new Set<string>();
  for (const g of groups) {
    const id = JSON.stringify([g.key.model, g.key.region]);
    if (seen.has(id) || g.requests === 0) continue;
    seen.add(id);
    if (!known.has(id)) servedUnknown.push({ model: g.key.model, region: g.key.region });
  }
  servedUnknown.sort((a, b) => a.model.localeCompare(b.model) || a.region.localeCompare(b.region));

  return {
    errorRateThreshold: threshold,
    level: analysis.settings.level,
    minSamples: analysis.settings.minSamples,
    models,
    comparisons: analysis.comparisons.length,
    clearDifferences,
    noClearDifference,
    tooFewSamples,
    nothingToCompare,
    fallbacks: analysis.fallbacks.filter((f) => f.fallbacks > 0),
    servedUnknown,
    errors,
    otherFailures: allFailures - listedFailures,
    throttles,
    warnings: [...analysis.warnings],
  };
}

/**
 * Comparisons in plain words: the verdict sentences ("Optimized is faster than standard on TTFT: …", "No clear
 * difference …", "Too few samples …" with the sample size that would settle it, the Holm "Tentative" caveat), the
 * too-few-samples warning and the one-word outcome labels. The numbers and the outcome are the analysis layer's
 * (`lib/analysis/comparison.ts`); the report, its tables, the notebook display and the CLI word them here.
 *
 * ```ts
 * for (const c of analysis.comparisons) console.log(`${c.candidate.name} vs ${c.baseline.name}: ${verdictOf(c)}`);
 * ```
 */
import type { ComparedMetric, Comparison, ComparisonOutcome, MetricComparison } from "../analysis/comparison";
import type { ConfidenceInterval } from "../analysis/stats";
import { formatMs, formatPValue, formatSignedMs, formatSignedPercent } from "../base/number-format";

/** How verdicts and tables name the compared metrics. */
export const COMPARED_METRIC_NAMES: Readonly<Record<ComparedMetric, string>> = Object.freeze({ ttftMs: "TTFT", totalMs: "total time" });

/** An outcome in a word or three, for table cells and terminal lines. */
export const OUTCOME_LABELS: Readonly<Record<ComparisonOutcome, string>> = Object.freeze({
  "candidate-faster": "faster",
  "candidate-slower": "slower",
  "no-clear-difference": "no clear difference",
  "too-few-samples": "too few samples",
});

/** `text` with its first letter in upper case (a sentence that starts with a name or a lower-case phrase). */
export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The candidate's name at the start of a sentence: capitalised, unless it is a model ID (kept as written). */
function candidateAtStart(comparison: Comparison): string {
  return comparison.kind === "model" ? comparison.candidate.name : capitalised(comparison.candidate.name);
}

function ciLevelText(ci: ConfidenceInterval): string {
  return `${Math.round(ci.level * 100)}%`;
}

function ciText(ci: ConfidenceInterval): string {
  return `${ciLevelText(ci)} CI ${formatSignedMs(ci.lower)} to ${formatSignedMs(ci.upper)}`;
}

/** The verdict on one metric of a comparison, in plain words: the outcome, the figures behind it and the sample-size advice. */
export function metricVerdict(comparison: Comparison, m: MetricComparison): string {
  const baseline = comparison.baseline.name;
  const candidate = comparison.candidate.name;
  const { alpha, minSamples } = comparison;
  const name = COMPARED_METRIC_NAMES[m.metric];
  const observed =
    `median ${name} ${formatMs(m.baselineMedianMs)} (${baseline}) vs ${formatMs(m.candidateMedianMs)} (${candidate}), ` +
    `${formatSignedMs(m.medianDifferenceMs.estimate)} (${ciText(m.medianDifferenceMs)}); p90 ${formatSignedMs(m.p90DifferenceMs.estimate)} (${ciText(m.p90DifferenceMs)}); ` +
    `rank-sum ${formatPValue(m.rankSum.pValue)}`;
  const fewest = Math.min(m.baselineCount, m.candidateCount);
  const needed =
    m.suggestedSamples === null
      ? ""
      : m.precisionReached
        ? ` ${fewest.toLocaleString("en-US")} requests per configuration already pin the median difference to ±${formatMs(m.precisionMs)} or better.`
        : ` About ${m.suggestedSamples.toLocaleString("en-US")} requests per configuration would pin the median difference to ±${formatMs(m.precisionMs)}.`;
  switch (m.outcome) {
    case "too-few-samples":
      return (
        `Too few samples to conclude anything about ${name}: ${m.baselineCount} ${baseline} vs ${m.candidateCount} ${candidate} successful requests ` +
        `(at least ${minSamples} each are needed; with so few, one slow request moves the median and p90). Observed: ${observed}.${needed}`
      );
    case "candidate-faster":
    case "candidate-slower": {
      const tentative =
        m.tentative && m.holmPValue !== null
          ? ` Tentative: adjusted for the ${m.holmTests ?? 0} tests of this comparison set (Holm), ${formatPValue(m.holmPValue)}, not below α = ${alpha};` +
            ` confirm it with a run that compares only these two.`
          : "";
      return (
        `${candidateAtStart(comparison)} is ${m.outcome === "candidate-faster" ? "faster" : "slower"} than ${baseline} on ${name}: ` +
        `${formatSignedPercent(m.relativeMedianChange)} at the median. ${capitalised(observed)}.${tentative}`
      );
    }
    case "no-clear-difference": {
      // The two criteria can disagree: say which one held, so a reader does not take p < alpha alone as a difference.
      const split = m.rankSumSignificant
        ? ` The rank-sum test sees a shift (${formatPValue(m.rankSum.pValue)}, α = ${alpha}), but the median difference's ${ciLevelText(m.medianDifferenceMs)} CI includes zero.`
        : m.intervalExcludesZero
          ? ` The median difference's ${ciLevelText(m.medianDifferenceMs)} CI excludes zero, but the rank-sum test does not confirm it (${formatPValue(m.rankSum.pValue)}, α = ${alpha}).`
          : "";
      return `No clear difference in ${name} between ${candidate} and ${baseline}: ${observed}.${split}${needed}`;
    }
  }
}

/** The TTFT and total verdicts of a comparison together, or why there is nothing to compare. */
export function verdictOf(comparison: Comparison): string {
  return comparison.metrics.length === 0
    ? `Nothing to compare: ${comparison.baseline.name} or ${comparison.candidate.name} has no successful request with a latency.`
    : comparison.metrics.map((m) => metricVerdict(comparison, m)).join(" ");
}

/** The warning a comparison on too few successful requests carries; null when both sides have enough. */
export function sampleWarning(comparison: Comparison): string | null {
  const { baseline, candidate, minSamples } = comparison;
  return comparison.tooFewSamples
    ? `Only ${baseline.successes} ${baseline.name} and ${candidate.successes} ${candidate.name} successful requests: ` +
        `too few to support a conclusion (at least ${minSamples} per configuration are needed).`
    : null;
}

/**
 * A comparison with its words (for JSON output): each metric's sentence as `text` and its outcome also under its
 * earlier name `verdict` (scripts written against `analyze --json` before the split keep working), the combined
 * `verdict` and the `warning`.
 */
export type WordedComparison = Omit<Comparison, "metrics"> & {
  metrics: (MetricComparison & { text: string; verdict: MetricComparison["outcome"] })[];
  verdict: string;
  warning: string | null;
};

export function withVerdicts(comparison: Comparison): WordedComparison {
  return {
    ...comparison,
    metrics: comparison.metrics.map((m) => ({ ...m, verdict: m.outcome, text: metricVerdict(comparison, m) })),
    verdict: verdictOf(comparison),
    warning: sampleWarning(comparison),
  };
}

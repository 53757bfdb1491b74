/**
 * The findings in words, the first section of every report: per model the fastest configuration (lowest median TTFT,
 * with its confidence interval) and the cheapest (lowest cost per successful request); the comparisons that show a
 * clear difference (their verdict sentences) and how many do not; fallbacks, error classes above the threshold and
 * throttling; what the sample cannot tell. Which configuration, comparison or error is named is the analysis layer's
 * choice (`lib/analysis/findings.ts`, `findingsOf`); this module only words it. All text is plain: the renderers escape.
 */
import type { Analysis } from "../analysis/analyze-results";
import type { ComparedMetric, Comparison, ComparisonOutcome, FallbackRate } from "../analysis/comparison";
import { findingsOf, type FindingGroup, type Findings, type ModelFindings, type SampleLimit } from "../analysis/findings";
import type { GroupDimension, GroupKey } from "../analysis/request-groups";
import type { ConfidenceInterval } from "../analysis/stats";
import { formatMs, formatPercent, formatUsd } from "../base/number-format";
import { COMPARED_METRIC_NAMES, metricVerdict, sampleWarning } from "./verdicts";

/** The findings as sentences, in the order the report shows them. */
export interface WordedFindings {
  /** How "fastest" and "cheapest" are chosen. */
  criterion: string;
  /** One item per model: its fastest and cheapest configuration with their figures. */
  models: string[];
  /** How many tests showed a clear difference, no clear difference or too few samples. */
  differencesSummary: string;
  /** The verdict of each test with a clear difference. */
  differences: string[];
  /** The tests with no clear difference, named (null when there is none). */
  noClearDifference: string | null;
  /** Fallbacks, error classes at or above the threshold, throttling; or one sentence saying there is none. */
  fallbacksAndErrors: string[];
  /** Comparisons on too few samples with the sample size needed, unknown served values, the analysis' warnings. */
  limits: string[];
}

const SERVED_DIMENSIONS: readonly GroupDimension[] = ["performanceConfig", "region", "serviceTier"];

function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** A model as findings name it: its full ID, or "All requests" when the results are not grouped by model. */
export function modelName(model: string): string {
  return model === "" ? "All requests" : model;
}

function dimensionText(dimension: GroupDimension, key: GroupKey): string | null {
  switch (dimension) {
    case "model":
      return null;
    case "region":
    case "performanceConfig":
      return key[dimension] === "" ? null : key[dimension];
    case "serviceTier":
      return key.serviceTier === "" ? null : `tier ${key.serviceTier}`;
    case "concurrency":
      return key.concurrency === null ? null : key.concurrency === 0 ? "concurrency not recorded" : `concurrency ${key.concurrency}`;
    case "loadModel":
      return key.loadModel === "" ? null : `${key.loadModel} loop`;
    case "taskType":
      return key.taskType === "" ? "no task type" : `task ${key.taskType}`;
    case "tags":
      return key.tags === "" ? "no tags" : `tags ${key.tags}`;
    case "target":
      return key.target === "" ? null : `target ${key.target}`;
    case "source":
      return key.source === "" ? null : `source ${key.source}`;
    case "runId":
      return key.runId === "" ? null : `run ${key.runId}`;
  }
}

/**
 * A configuration in words: the served performance configuration, then in brackets the region, the tier and every
 * other dimension that varies between the model's configurations (`optimized (us-east-1, tier default, concurrency 4)`).
 */
export function configurationName(key: GroupKey, varying: readonly GroupDimension[]): string {
  const dimensions = [...SERVED_DIMENSIONS, ...varying.filter((d) => !SERVED_DIMENSIONS.includes(d))];
  const parts = dimensions.slice(1).map((d) => dimensionText(d, key)).filter((p): p is string => p !== null && p !== "");
  const head = dimensionText("performanceConfig", key);
  if (head === null) return parts.length > 0 ? parts.join(", ") : "all requests";
  return parts.length > 0 ? `${head} (${parts.join(", ")})` : head;
}

function ciText(ci: ConfidenceInterval): string {
  return `${Math.round(ci.level * 100)}% CI ${formatMs(ci.lower)} to ${formatMs(ci.upper)}`;
}

function per1000(usdPerRequest: number): string {
  return `${formatUsd(usdPerRequest * 1000)} per 1,000 successful requests`;
}

/** What the comparison of the fastest with the runner-up says, after the runner-up's figure. */
const RUNNER_UP_OUTCOME: Readonly<Record<ComparisonOutcome | "none", string>> = Object.freeze({
  "candidate-faster": " (a clear difference)",
  "candidate-slower": "",
  "no-clear-difference": " (no clear difference between the two)",
  "too-few-samples": " (too few samples to tell the two apart)",
  none: "",
});

function fastestText(m: ModelFindings, minSamples: number): string {
  const f = m.fastest;
  if (f === null) return "no successful request with a time to first token, so no configuration can be called fastest.";
  const name = configurationName(f.group.key, m.varying);
  const figure =
    `a median TTFT of ${formatMs(f.ttftMedianMs)}${f.ttftMedianCi ? ` (${ciText(f.ttftMedianCi)})` : " (no interval from one request)"} ` +
    `over ${count(f.samples, "successful request")}` +
    (f.belowMinSamples ? `, fewer than the ${minSamples} per configuration a comparison needs for a verdict` : "");
  if (m.configurations === 1) {
    return `one configuration, ${name}, with ${figure}${f.totalP90Ms === null ? "" : `; p90 total time ${formatMs(f.totalP90Ms)}`}.`;
  }
  const r = m.fastestRunnerUp;
  const next = r
    ? r.tied
      ? `; tied with ${configurationName(r.group.key, m.varying)}`
      : `; next: ${configurationName(r.group.key, m.varying)}, ${formatMs(r.value)}${RUNNER_UP_OUTCOME[m.fastestVersusRunnerUp ?? "none"]}`
    : "";
  const lowestTotal = m.lowestTotalP90
    ? ` The lowest p90 total time is ${configurationName(m.lowestTotalP90.group.key, m.varying)}'s, ${formatMs(m.lowestTotalP90.totalP90Ms)}` +
      (f.totalP90Ms === null ? "." : ` (the fastest's: ${formatMs(f.totalP90Ms)}).`)
    : f.totalP90Ms === null
      ? ""
      : ` Its p90 total time, ${formatMs(f.totalP90Ms)}, is also the lowest.`;
  return `the fastest is ${name} with ${figure}${next}.${lowestTotal}`;
}

function cheapestText(m: ModelFindings): string {
  const c = m.cheapest;
  if (c === null) return "No cost was recorded, so none can be called cheapest.";
  const figure = `${per1000(c.costUsdPerSuccess)} (failed requests' cost included)`;
  if (m.configurations === 1) return `Cost: ${figure}.`;
  const same = m.fastest !== null && m.fastest.group.id === c.group.id;
  const name = same ? "the same configuration" : configurationName(c.group.key, m.varying);
  if (m.cheapestRunnerUp === null) return `The cheapest is ${name}, the only one with a cost: ${figure}.`;
  const r = m.cheapestRunnerUp;
  return r.tied
    ? `The cheapest is ${name}, tied with ${configurationName(r.group.key, m.varying)}: ${figure}.`
    : `The cheapest is ${name}: ${figure}; next: ${configurationName(r.group.key, m.varying)}, ${formatUsd(r.value * 1000)}.`;
}

function comparisonName(c: Comparison): string {
  return `${c.candidate.name} vs ${c.baseline.name}${c.context ? ` (${c.context})` : ""}`;
}

function fallbackText(f: FallbackRate): string {
  const tier = f.kind === "service-tier" ? "tier " : "";
  const instead = Object.entries(f.servedInstead)
    .map(([served, n]) => (Object.keys(f.servedInstead).length === 1 ? `${tier}${served}` : `${tier}${served} (${n.toLocaleString("en-US")})`))
    .join(", ");
  return (
    `${modelName(f.model)}${f.region ? ` in ${f.region}` : ""}: asked for ${tier}${f.asked}, ` +
    `${f.fallbacks.toLocaleString("en-US")} of ${count(f.requests, "request")} (${formatPercent(f.rate)}) ${f.fallbacks === 1 ? "was" : "were"} served ${instead}.`
  );
}

function neededText(limit: SampleLimit): string {
  const parts = limit.needed
    .filter((n): n is { metric: ComparedMetric; suggestedSamples: number; precisionMs: number } => n.suggestedSamples !== null)
    .map((n) => `${n.suggestedSamples.toLocaleString("en-US")} for ${COMPARED_METRIC_NAMES[n.metric]} (±${formatMs(n.precisionMs)})`);
  return parts.length === 0 ? "" : ` Requests per configuration that would pin the median difference: about ${parts.join(", ")}.`;
}

/** The findings of an analysis in sentences (computed by `findingsOf` unless given). */
export function wordedFindings(analysis: Analysis, findings: Findings = findingsOf(analysis)): WordedFindings {
  const varyingOf = new Map(findings.models.map((m) => [m.model, m.varying]));
  const groupName = (g: FindingGroup) => `${modelName(g.key.model)}, ${configurationName(g.key, varyingOf.get(g.key.model) ?? [])}`;
  const level = `${Math.round(findings.level * 100)}%`;
  const threshold = formatPercent(findings.errorRateThreshold, 0);

  const criterion =
    `Fastest: the configuration with the lowest median time to first token (TTFT), with its ${level} bootstrap confidence interval; ` +
    "the p90 total time is given beside it. Cheapest: the lowest cost per successful request (every counted request's cost, failures included, " +
    "over the successes), given per 1,000. A configuration is what Bedrock served: its performance configuration, then its region, tier and any " +
    "other grouping that varies between a model's configurations.";
  const models = findings.models.map((m) => `${modelName(m.model)}: ${fastestText(m, findings.minSamples)} ${cheapestText(m)}`);

  const tests = findings.clearDifferences.length + findings.noClearDifference.length + findings.tooFewSamples.reduce((n, l) => n + l.needed.length, 0);
  const tooFewTests = findings.tooFewSamples.reduce((n, l) => n + l.needed.length, 0);
  const differencesSummary =
    findings.comparisons === 0
      ? "Nothing was compared: no two groups differ in only their performance configuration, service tier or model."
      : `${count(tests, "test")} in ${count(findings.comparisons, "comparison")} (TTFT and total time each): ` +
        `${findings.clearDifferences.length.toLocaleString("en-US")} ${findings.clearDifferences.length === 1 ? "shows" : "show"} a clear difference, ` +
        `${findings.noClearDifference.length.toLocaleString("en-US")} no clear difference, ` +
        `${tooFewTests.toLocaleString("en-US")} too few samples to tell.` +
        (findings.clearDifferences.length === 0 ? " No comparison shows a clear difference." : "");
  const differences = findings.clearDifferences.map((t) => `${comparisonName(t.comparison)}: ${metricVerdict(t.comparison, t.metric)}`);
  const noClearDifference =
    findings.noClearDifference.length === 0
      ? null
      : `No clear difference: ${findings.noClearDifference.map((t) => `${comparisonName(t.comparison)} on ${COMPARED_METRIC_NAMES[t.metric.metric]}`).join("; ")}.`;

  const fallbacksAndErrors: string[] = [];
  for (const f of findings.fallbacks) fallbacksAndErrors.push(`Fallback: ${fallbackText(f)}`);
  for (const t of findings.throttles) {
    fallbacksAndErrors.push(
      `Throttling: ${groupName(t.group)}: ${t.throttles.toLocaleString("en-US")} of ${count(t.requests, "request")} (${formatPercent(t.rate)}) ` +
        `${t.throttles === 1 ? "was" : "were"} throttled (ThrottlingException or HTTP 429: a quota was reached at this load).`,
    );
  }
  for (const e of findings.errors) {
    fallbacksAndErrors.push(`Errors: ${groupName(e.group)}: ${e.errorClass} in ${e.failures.toLocaleString("en-US")} of ${count(e.requests, "request")} (${formatPercent(e.rate)}).`);
  }
  if (findings.fallbacks.length === 0 && findings.servedUnknown.length === 0) {
    fallbacksAndErrors.push("No fallback: every request whose served configuration and tier are known was served what it asked for.");
  }
  if (findings.throttles.length === 0 && findings.errors.length === 0) {
    fallbacksAndErrors.push(`No error class reached ${threshold} of a configuration's requests, and no request was throttled.`);
  }
  if (findings.otherFailures > 0) {
    fallbacksAndErrors.push(
      `${count(findings.otherFailures, "other failure")}, each of a class below ${threshold} of its configuration's requests: ` +
        'see "Errors, throttles, retries and fallbacks".',
    );
  }

  const limits: string[] = [...findings.warnings];
  for (const limit of findings.tooFewSamples) {
    const c = limit.comparison;
    const warning =
      sampleWarning(c) ??
      `too few successful requests with a latency to support a conclusion (at least ${c.minSamples} per configuration are needed).`;
    limits.push(`${comparisonName(c)}: ${warning}${neededText(limit)}`);
  }
  for (const c of findings.nothingToCompare) {
    limits.push(`${comparisonName(c)}: ${c.baseline.name} or ${c.candidate.name} has no successful request with a latency.`);
  }
  if (findings.servedUnknown.length > 0) {
    const where = findings.servedUnknown.map((u) => `${modelName(u.model)}${u.region ? ` in ${u.region}` : ""}`).join("; ");
    limits.push(`Fallbacks cannot be counted for ${where}: no response says what Bedrock served (AWS-notebook imports do not record it).`);
  }
  if (limits.length === 0) {
    limits.push(
      findings.comparisons === 0
        ? "With nothing compared, these figures cannot tell whether one configuration is really faster than another."
        : `Every comparison rests on at least ${findings.minSamples} successful requests per side.`,
    );
  }
  return { criterion, models, differencesSummary, differences, noClearDifference, fallbacksAndErrors, limits };
}

/** Headings of the findings' parts, in report order. */
export const FINDINGS_HEADINGS = Object.freeze({
  models: "Fastest and cheapest per model",
  differences: "Differences that are real",
  fallbacksAndErrors: "Fallbacks and errors worth knowing",
  limits: "What this sample cannot tell",
});

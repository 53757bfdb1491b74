/**
 * One call from saved results to every number a report or a notebook shows: the summary rows, the comparisons, the
 * served-vs-asked fallback rates and an overview. Numbers only: the charts and the wording are the report layer's
 * (`lib/report/analysis-charts.ts` `chartsOf(analysis)`). Notebooks and the CLI share it:
 *
 * ```ts
 * const analysis = await analyzeResults("results/20250708_120000_demo");   // or [folders…], a glob, a ResultSet
 * const paths = await writeReports(analysis, { outputDir: "results-analysis" });
 * ```
 */
import { resolve } from "node:path";
import {
  compareResults,
  comparisonSettings,
  fallbackRates,
  type Comparison,
  type ComparisonOptions,
  type ComparisonSettings,
  type FallbackRate,
} from "./comparison";
import { DEFAULT_GROUP_DIMENSIONS, GROUP_DIMENSIONS, type GroupDimension, type RequestGroup } from "./request-groups";
import { latestRunFolder, loadResults, ResultsInputError, type ResultSet } from "./results-loader";
import { summarize, type SummaryRow } from "./summary";

export interface AnalysisOptions extends ComparisonOptions {
  /** Folder that relative inputs are resolved against (default: the working directory). */
  cwd?: string;
  /** Grouping (default {@link DEFAULT_GROUP_DIMENSIONS}); ignored when a ResultSet is given. */
  dimensions?: readonly GroupDimension[];
  /** Count warm-up requests as ordinary requests (default false); ignored when a ResultSet is given. */
  includeWarmup?: boolean;
  /** Box (default) or violin latency distributions, for the charts a report draws from this analysis. */
  distribution?: "box" | "violin";
  /** Clock for `createdAt` (default: now). */
  now?: () => Date;
}

/** The settings an analysis was made with, as reports state them. */
export interface AnalysisSettings extends ComparisonSettings {
  dimensions: readonly GroupDimension[];
  includeWarmup: boolean;
  /** How latency distributions are drawn (box or violin). */
  distribution: "box" | "violin";
}

/** Totals over every group. */
export interface AnalysisOverview {
  /** Result files read. */
  files: number;
  /** Records read, warm-ups included. */
  records: number;
  groups: number;
  /** Requests counted (warm-ups excluded unless included). */
  requests: number;
  warmups: number;
  successes: number;
  failures: number;
  aborted: number;
  /** successes / (requests − aborted); null without requests. */
  successRate: number | null;
  throttles: number;
  retriedRequests: number;
  performanceConfigFallbacks: number;
  serviceTierFallbacks: number;
  /** Wall-clock time of the first send and of the last completion (ISO), null without completed requests. */
  firstSendIso: string | null;
  lastCompletionIso: string | null;
  /** Seconds from the first send to the last completion. */
  spanS: number | null;
  /** Cost of the counted requests, null when none has a cost. */
  costUsd: number | null;
  warmupCostUsd: number | null;
  models: string[];
  regions: string[];
}

export interface Analysis {
  createdAt: Date;
  /** The inputs as given (folders, files, patterns), or `[]` for a ResultSet built in memory. */
  inputs: string[];
  results: ResultSet;
  settings: AnalysisSettings;
  overview: AnalysisOverview;
  /** One row per group (see lib/analysis/summary.ts for every column). */
  summary: SummaryRow[];
  comparisons: Comparison[];
  fallbacks: FallbackRate[];
  /** What a reader must know about the data: caveats of imported files, unreadable run.json files, warm-ups included. */
  notes: string[];
  /** What limits the conclusions: comparisons on too few samples. */
  warnings: string[];
}

function isResultSet(input: unknown): input is ResultSet {
  return typeof input === "object" && input !== null && !Array.isArray(input) && "groups" in input && "runs" in input;
}

/** Rejects bad options before anything is read. */
function checkOptions(options: AnalysisOptions): void {
  comparisonSettings(options);
  if (options.distribution !== undefined && options.distribution !== "box" && options.distribution !== "violin") {
    throw new RangeError(`Expected distribution to be "box" or "violin", got ${JSON.stringify(options.distribution)}`);
  }
  for (const d of options.dimensions ?? []) {
    if (!GROUP_DIMENSIONS.includes(d)) throw new RangeError(`Unknown group dimension '${String(d)}'; expected one of ${GROUP_DIMENSIONS.join(", ")}`);
  }
  if (options.dimensions !== undefined && options.dimensions.length === 0) {
    throw new RangeError(`Expected at least one group dimension (${GROUP_DIMENSIONS.join(", ")})`);
  }
}

function overviewOf(set: ResultSet): AnalysisOverview {
  const groups = set.groups;
  const sum = (f: (g: RequestGroup) => number) => groups.reduce((n, g) => n + f(g), 0);
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const span = (starts: Float64Array, totals: Float64Array) => {
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i]!;
      if (!Number.isFinite(start)) continue;
      if (start < first) first = start;
      const end = start + (Number.isFinite(totals[i]!) ? totals[i]! : 0);
      if (end > last) last = end;
    }
  };
  for (const g of groups) {
    span(g.samples.startEpochMs, g.samples.totalMs);
    span(g.failed.startEpochMs, g.failed.totalMs);
  }
  const requests = sum((g) => g.requests);
  const aborted = sum((g) => g.aborted);
  const costed = sum((g) => g.costedRequests);
  const warmupCosted = sum((g) => g.warmupCostedRequests);
  const known = Number.isFinite(first);
  return {
    files: set.runs.length,
    records: set.recordCount,
    groups: groups.length,
    requests,
    warmups: sum((g) => g.warmups),
    successes: sum((g) => g.successes),
    failures: sum((g) => g.failures),
    aborted,
    successRate: requests - aborted > 0 ? sum((g) => g.successes) / (requests - aborted) : null,
    throttles: sum((g) => g.throttles),
    retriedRequests: sum((g) => g.retriedRequests),
    performanceConfigFallbacks: sum((g) => g.performanceConfigFallbacks),
    serviceTierFallbacks: sum((g) => g.serviceTierFallbacks),
    firstSendIso: known ? new Date(first).toISOString() : null,
    lastCompletionIso: known ? new Date(last).toISOString() : null,
    spanS: known ? (last - first) / 1000 : null,
    costUsd: costed > 0 ? sum((g) => g.costUsdTotal) : null,
    warmupCostUsd: warmupCosted > 0 ? sum((g) => g.warmupCostUsd) : null,
    models: [...new Set(groups.map((g) => g.key.model).filter((m) => m !== ""))].sort(),
    regions: [...new Set(groups.map((g) => g.key.region).filter((r) => r !== ""))].sort(),
  };
}

/** The analysis of results already loaded (or built from records in memory). */
export function analyzeResultSet(set: ResultSet, options: AnalysisOptions = {}, inputs: readonly string[] = []): Analysis {
  checkOptions(options);
  const settings: AnalysisSettings = Object.freeze({
    ...comparisonSettings(options),
    dimensions: set.dimensions,
    includeWarmup: set.includeWarmup,
    distribution: options.distribution ?? "box",
  });
  const summary = summarize(set);
  const comparisons = compareResults(set, options);
  const notes: string[] = [];
  for (const run of set.runs) for (const note of run.notes) if (!notes.includes(note)) notes.push(note);
  if (set.includeWarmup) notes.push("Warm-up requests are included in every statistic (--include-warmup / includeWarmup).");
  const warnings: string[] = [];
  const few = comparisons.filter((c) => c.tooFewSamples).length;
  if (few > 0) {
    warnings.push(
      `${few} of ${comparisons.length} comparisons rest on fewer than ${settings.minSamples} successful requests per side: ` +
        "their verdicts say so and give the sample size that would support a conclusion.",
    );
  }
  return {
    createdAt: (options.now ?? (() => new Date()))(),
    inputs: [...inputs],
    results: set,
    settings,
    overview: overviewOf(set),
    summary,
    comparisons,
    fallbacks: fallbackRates(set),
    notes,
    warnings,
  };
}

/**
 * Loads saved results (run folders, `requests.csv` or AWS-notebook `invocations_*.csv` files, folders of runs, glob
 * patterns) and analyses them; or analyses a ResultSet already loaded. Bad input rejects with an error naming the
 * file, line, column and value.
 */
export async function analyzeResults(input: string | readonly string[] | ResultSet, options: AnalysisOptions = {}): Promise<Analysis> {
  checkOptions(options);
  if (isResultSet(input)) return analyzeResultSet(input, options);
  const inputs = typeof input === "string" ? [input] : [...input];
  const set = await loadResults(inputs, {
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    dimensions: options.dimensions ?? DEFAULT_GROUP_DIMENSIONS,
    includeWarmup: options.includeWarmup ?? false,
  });
  return analyzeResultSet(set, options, inputs);
}

/** The latest run folder under `resultsDir` (default `results`), or a ResultsInputError saying there is none. */
export async function latestRunInput(resultsDir = "results", options: { cwd?: string } = {}): Promise<string> {
  const dir = resolve(options.cwd ?? process.cwd(), resultsDir);
  const latest = await latestRunFolder(dir);
  if (latest === null) {
    throw new ResultsInputError(`No run found under ${dir} (a folder holding requests.csv): run a benchmark first, or name the results to analyse`);
  }
  return latest;
}

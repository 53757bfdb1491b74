/**
 * The charts of an analysis, chosen from what the results hold: every chart issue 5 names (distributions, ECDF,
 * rates with confidence bars, latency and throughput over time, errors, cost vs latency, heatmaps), drawn with one
 * palette so a model and configuration keep their colour from chart to chart. Charts that would be empty (no failures,
 * no cost recorded, a single concurrency level) are left out, and `omitted` says why.
 */
import {
  costLatencyChart,
  ecdfChart,
  errorClassChart,
  heatmapColumnsAvailable,
  latencyDistributionChart,
  latencyHeatmap,
  latencyOverTimeChart,
  otpsChart,
  throughputOverTimeChart,
} from "./charts";
import type { Analysis } from "../analysis/analyze-results";
import { modelPalette, type Palette } from "./palette";
import type { PlotlyFigure } from "./plotly-embed";
import type { RequestGroup } from "../analysis/request-groups";
import type { SummaryRow } from "../analysis/summary";

/** Where a chart belongs in a report. */
export type ChartSection = "latency" | "throughput" | "errors" | "cost";

export interface AnalysisChart {
  /** Stable identifier, also the SVG download's file name (e.g. `ttft-box`). */
  id: string;
  title: string;
  section: ChartSection;
  /** How to read it, one or two sentences. */
  caption: string;
  figure: PlotlyFigure;
}

export interface AnalysisChartsOptions {
  /** Box (default) or violin for the latency distributions. */
  distribution?: "box" | "violin";
  /** Seed of the confidence bars' bootstrap (default 1). */
  seed?: number;
  /** Colours (default: one palette of the groups' models). */
  palette?: Palette;
}

/** A chart left out: what a reader would call it, the report section it belongs to, and why. */
export interface OmittedChart {
  id: string;
  title: string;
  section: ChartSection;
  reason: string;
}

/** What {@link analysisCharts} returns: the charts, and those left out with the reason. */
export interface AnalysisChartSet {
  charts: AnalysisChart[];
  omitted: OmittedChart[];
}

function withFilename(figure: PlotlyFigure, id: string): PlotlyFigure {
  const config = { ...(figure.config ?? {}) };
  const image = { ...((config["toImageButtonOptions"] as Record<string, unknown> | undefined) ?? {}), format: "svg", filename: id };
  return { ...figure, config: { ...config, toImageButtonOptions: image } };
}

/** Every chart the groups and summary rows support, in report order, and the ones left out. */
export function analysisChartSet(groups: readonly RequestGroup[], rows: readonly SummaryRow[], options: AnalysisChartsOptions = {}): AnalysisChartSet {
  const palette = options.palette ?? modelPalette(groups.map((g) => g.key));
  const kind = options.distribution ?? "box";
  const seed = options.seed ?? 1;
  const charts: AnalysisChart[] = [];
  const omitted: OmittedChart[] = [];
  const add = (id: string, section: ChartSection, caption: string, figure: PlotlyFigure) => {
    const title = (figure.layout?.["title"] as { text?: string } | undefined)?.text ?? id;
    charts.push({ id, title, section, caption, figure: withFilename(figure, id) });
  };
  const successes = groups.reduce((n, g) => n + g.successes, 0);
  const failures = groups.reduce((n, g) => n + g.failures, 0);
  if (successes === 0) {
    omitted.push({ id: "latency", title: "latency, rate and heatmap charts", section: "latency", reason: "no successful request: latency, rate and heatmap charts need at least one" });
  } else {
    add(
      `ttft-${kind}`,
      "latency",
      "Time to first token of successful requests per group: the box spans the quartiles (R-7), the line is the median, whiskers reach the last value within 1.5 IQR, points beyond are outliers.",
      latencyDistributionChart(groups, { metric: "ttftMs", kind, palette }),
    );
    add(
      `total-${kind}`,
      "latency",
      "Total time (to the last byte of the stream) of successful requests per group, drawn as the TTFT chart.",
      latencyDistributionChart(groups, { metric: "totalMs", kind, palette }),
    );
    add(
      "ttft-ecdf",
      "latency",
      "Share of successful requests whose time to first token is at most x. Curves further left are faster; the height at a latency budget is the share of requests that meet it.",
      ecdfChart(groups, { metric: "ttftMs", palette }),
    );
    const hasDecode = groups.some((g) => g.samples.outputTokensPerSecond.some(Number.isFinite));
    if (hasDecode) {
      add(
        "otps-decode",
        "throughput",
        "Median decode rate (output tokens / (total − TTFT)) per group with its 95% bootstrap confidence interval.",
        otpsChart(groups, { rate: "decode", palette, seed }),
      );
    } else {
      omitted.push({ id: "otps-decode", title: "decode rate chart", section: "throughput", reason: "no decode rate recorded (e.g. AWS-notebook imports, whose rounded times cannot give it)" });
    }
    add(
      "otps-e2e",
      "throughput",
      "Median end-to-end rate (output tokens / total time, what the AWS notebook calls OTPS) per group with its 95% bootstrap confidence interval.",
      otpsChart(groups, { rate: "e2e", palette, seed }),
    );
    add(
      "ttft-over-time",
      "latency",
      "Time to first token of each successful request against its send time (per-bin medians for large groups): look for drift, warm-up and bursts.",
      latencyOverTimeChart(groups, { metric: "ttftMs", palette }),
    );
  }
  if (successes + failures > 0) {
    add(
      "throughput-over-time",
      "throughput",
      "Successful requests completed per minute per group, and failed requests across groups, by completion time.",
      throughputOverTimeChart(groups, { measure: "requests", palette }),
    );
  }
  if (failures > 0) {
    add("errors-by-class", "errors", "Failed requests per group, stacked by error class (hover for the share of the group's requests).", errorClassChart(groups));
  } else {
    omitted.push({ id: "errors-by-class", title: "error classes chart", section: "errors", reason: "no failed request" });
  }
  if (rows.some((r) => r.cost_usd_per_1k_output_tokens !== null && r.total_ms_p90 !== null)) {
    add(
      "cost-vs-latency",
      "cost",
      "Cost per 1,000 output tokens against p90 total time per group. Groups on the dashed Pareto front are those no other group beats on both cost and latency.",
      costLatencyChart(rows, { palette }),
    );
  } else {
    omitted.push({ id: "cost-vs-latency", title: "cost vs p90 latency chart", section: "cost", reason: "no cost recorded (AWS-notebook imports and unpriced models carry none)" });
  }
  if (successes > 0) {
    const available = heatmapColumnsAvailable(groups);
    add(
      "ttft-p90-heatmap-config",
      "latency",
      "p90 time to first token by model (rows) and performance configuration and tier (columns), requests pooled per cell; n in the tooltip.",
      latencyHeatmap(groups, { columns: "config" }),
    );
    if (available.includes("concurrency")) {
      add("ttft-p90-heatmap-concurrency", "latency", "p90 time to first token by model and configured concurrency.", latencyHeatmap(groups, { columns: "concurrency" }));
    } else {
      omitted.push({ id: "ttft-p90-heatmap-concurrency", title: "p90 TTFT by concurrency heatmap", section: "latency", reason: "a single concurrency level" });
    }
    if (available.includes("input-size")) {
      add(
        "ttft-p90-heatmap-input-size",
        "latency",
        "p90 time to first token by model and input size (input tokens, power-of-two buckets).",
        latencyHeatmap(groups, { columns: "input-size" }),
      );
    } else {
      omitted.push({ id: "ttft-p90-heatmap-input-size", title: "p90 TTFT by input size heatmap", section: "latency", reason: "input sizes all in one power-of-two bucket" });
    }
  }
  return { charts, omitted };
}

/** The charts of {@link analysisChartSet}, without the list of omitted ones. */
export function analysisCharts(groups: readonly RequestGroup[], rows: readonly SummaryRow[], options: AnalysisChartsOptions = {}): AnalysisChart[] {
  return analysisChartSet(groups, rows, options).charts;
}

const chartsByAnalysis = new WeakMap<Analysis, AnalysisChartSet>();

/**
 * The charts of an analysis (and those left out, with the reason), drawn from its numbers with its settings
 * (distribution kind, seed); computed once per analysis, so a notebook display and the reports share them.
 */
export function chartsOf(analysis: Analysis): AnalysisChartSet {
  let set = chartsByAnalysis.get(analysis);
  if (set === undefined) {
    set = analysisChartSet(analysis.results.groups, analysis.summary, { distribution: analysis.settings.distribution, seed: analysis.settings.seed });
    chartsByAnalysis.set(analysis, set);
  }
  return set;
}

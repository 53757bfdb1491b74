/**
 * Plotly figures of a benchmark's results, as plain data (see {@link PlotlyFigure}): show them with `chartHtml`
 * (notebooks, reports); every chart's camera button downloads SVG. All figures take the request groups (or summary
 * rows) and never more points than a browser draws comfortably: large groups are represented by evenly spaced order
 * statistics (distributions) or time bins (time series), so a million requests chart as fast as a hundred.
 */
import type { PlotlyFigure } from "./plotly-embed";
import type { RequestGroup } from "../analysis/request-groups";
import { shortModelName, sortedSample } from "../analysis/request-groups";
import type { SummaryRow } from "../analysis/summary";
import { bootstrapQuantileCi, quantileSorted } from "../analysis/stats";
import { seededRandom } from "../base/random";
import { Palette, errorClassColor, modelPalette, seriesColor, seriesDash, seriesSymbol } from "./palette";

/** Latency metrics that can be charted. */
export type LatencyMetric = "ttftMs" | "totalMs" | "interTokenLatencyMs" | "serverLatencyMs";

const METRIC_TITLES: Record<LatencyMetric, string> = {
  ttftMs: "Time to first token (ms)",
  totalMs: "Total time to last byte (ms)",
  interTokenLatencyMs: "Inter-token latency (ms)",
  serverLatencyMs: "Server latency (ms)",
};

const FONT = { family: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size: 13 };

function baseLayout(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title, x: 0, xanchor: "left" },
    font: FONT,
    margin: { l: 70, r: 20, t: 60, b: 90 },
    legend: { orientation: "h", y: -0.25 },
    hoverlabel: { namelength: -1 },
    ...extra,
  };
}

function svgConfig(filename: string): Record<string, unknown> {
  return { toImageButtonOptions: { format: "svg", filename, scale: 1 } };
}

function emptyFigure(title: string, message: string, filename: string): PlotlyFigure {
  return {
    data: [],
    layout: baseLayout(title, {
      xaxis: { visible: false },
      yaxis: { visible: false },
      annotations: [{ text: message, showarrow: false, xref: "paper", yref: "paper", x: 0.5, y: 0.5, font: { size: 15 } }],
    }),
    config: svgConfig(filename),
  };
}

/**
 * User text (group labels, model IDs, error classes) for Plotly, which renders labels, legends and hover text as a
 * small HTML dialect (`<b>`, `<br>`, `<a href>`…): `&`, `<` and `>` become entities, so the text shows as it is and a
 * label cannot become a link or markup.
 */
export function plotlyText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A group label for an axis: escaped, and wrapped at its " · " separators into lines of about `width` characters. */
export function axisLabel(label: string, width = 34): string {
  const lines: string[] = [];
  for (const part of label.split(" · ")) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 3 + part.length <= width) lines[last] += ` · ${part}`;
    else lines.push(part);
  }
  return lines.map(plotlyText).join("<br>");
}

/** Height for a chart with one horizontal band per category, each `lines` label lines tall at most. */
function bandHeight(categories: readonly string[]): number {
  const lines = categories.reduce((n, c) => n + Math.max(1, c.split("<br>").length), 0);
  return Math.max(320, 130 + 18 * lines + 14 * categories.length);
}

/** Layout of a horizontal chart whose y axis lists the groups, first on top. */
function bandsLayout(title: string, categories: readonly string[], valueTitle: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return baseLayout(title, {
    yaxis: { type: "category", automargin: true, autorange: "reversed", categoryorder: "array", categoryarray: [...categories] },
    xaxis: { title: { text: valueTitle }, rangemode: "tozero", automargin: true },
    height: bandHeight(categories),
    ...extra,
  });
}

/** Options shared by the chart builders. */
export interface ChartOptions {
  /** Colours (default: a palette of the groups' models). */
  palette?: Palette;
}

function paletteFor(groups: readonly RequestGroup[], options: ChartOptions): Palette {
  return options.palette ?? modelPalette(groups.map((g) => g.key));
}

/**
 * At most `maxPoints` values standing for a sorted sample: the sample itself when small enough, else evenly spaced
 * order statistics (first and last included), which keep the distribution's shape.
 */
export function representativeValues(sorted: Float64Array, maxPoints: number): Float64Array {
  const n = sorted.length;
  if (n <= maxPoints) return sorted;
  if (maxPoints < 2) return Float64Array.of(sorted[Math.floor((n - 1) / 2)]!);
  const out = new Float64Array(maxPoints);
  for (let j = 0; j < maxPoints; j++) out[j] = sorted[Math.round((j * (n - 1)) / (maxPoints - 1))]!;
  return out;
}

/** Box statistics as Plotly's precomputed box takes them: R-7 quartiles, Tukey fences at the last data within 1.5 IQR. */
export function boxStatistics(sorted: Float64Array): { q1: number; median: number; q3: number; lowerfence: number; upperfence: number; mean: number } {
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const iqr = q3 - q1;
  let lowerfence = sorted[0]!;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i]! >= q1 - 1.5 * iqr) {
      lowerfence = sorted[i]!;
      break;
    }
  }
  let upperfence = sorted[sorted.length - 1]!;
  for (let i = sorted.length - 1; i >= 0; i--) {
    if (sorted[i]! <= q3 + 1.5 * iqr) {
      upperfence = sorted[i]!;
      break;
    }
  }
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return { q1, median: quantileSorted(sorted, 0.5), q3, lowerfence, upperfence, mean: sum / sorted.length };
}

export interface DistributionChartOptions extends ChartOptions {
  metric?: LatencyMetric;
  /** `box` (precomputed R-7 quartiles, outliers as points) or `violin` (density of representative values). */
  kind?: "box" | "violin";
  /** Most points drawn per group (violin values, box outliers); default 1000. */
  maxPoints?: number;
}

/** Box or violin plot of a latency per group (model × config × …), one horizontal band per group, first on top. */
export function latencyDistributionChart(groups: readonly RequestGroup[], options: DistributionChartOptions = {}): PlotlyFigure {
  const metric = options.metric ?? "ttftMs";
  const kind = options.kind ?? "box";
  const maxPoints = options.maxPoints ?? 1000;
  const palette = paletteFor(groups, options);
  const title = `${METRIC_TITLES[metric]} by group, successful requests`;
  const filename = `${metric}-${kind}`;
  const data: Record<string, unknown>[] = [];
  const categories: string[] = [];
  for (const g of groups) {
    const sorted = sortedSample(g, metric);
    if (sorted.length === 0) continue;
    const color = seriesColor(palette, g.key);
    const band = axisLabel(g.label);
    const name = plotlyText(g.label);
    categories.push(band);
    if (kind === "violin") {
      const values = representativeValues(sorted, maxPoints);
      data.push({
        type: "violin",
        orientation: "h",
        name,
        x: Array.from(values),
        y: new Array<string>(values.length).fill(band),
        line: { color },
        fillcolor: color,
        opacity: 0.75,
        box: { visible: true },
        meanline: { visible: true },
        points: false,
        spanmode: "hard",
        hoverinfo: "x+name",
      });
      continue;
    }
    const stats = boxStatistics(sorted);
    data.push({
      type: "box",
      orientation: "h",
      name,
      y: [band],
      q1: [stats.q1],
      median: [stats.median],
      q3: [stats.q3],
      lowerfence: [stats.lowerfence],
      upperfence: [stats.upperfence],
      mean: [stats.mean],
      marker: { color },
      line: { color },
      boxpoints: false,
      hovertemplate:
        `${name}<br>n = ${sorted.length}<br>median %{median:.1f} ms<br>q1 %{q1:.1f} · q3 %{q3:.1f} ms` +
        `<br>p90 ${quantileSorted(sorted, 0.9).toFixed(1)} · p99 ${quantileSorted(sorted, 0.99).toFixed(1)} ms<extra></extra>`,
    });
    const outliers = sorted.filter((v) => v < stats.lowerfence || v > stats.upperfence);
    if (outliers.length > 0) {
      const shown = representativeValues(outliers, maxPoints);
      data.push({
        type: "scatter",
        mode: "markers",
        name: `${name} outliers`,
        x: Array.from(shown),
        y: new Array<string>(shown.length).fill(band),
        marker: { color, size: 5, opacity: 0.6 },
        showlegend: false,
        hovertemplate: `${name}<br>%{x:.1f} ms (beyond 1.5 IQR)<extra></extra>`,
      });
    }
  }
  if (data.length === 0) return emptyFigure(title, "No successful requests to show", filename);
  return {
    data,
    layout: bandsLayout(title, categories, METRIC_TITLES[metric], { showlegend: false }),
    config: svgConfig(filename),
  };
}

export interface EcdfChartOptions extends ChartOptions {
  metric?: LatencyMetric;
  /** Points per group line (default 500). */
  maxPoints?: number;
}

/** Empirical cumulative distribution of a latency per group: the share of requests at or below each value. */
export function ecdfChart(groups: readonly RequestGroup[], options: EcdfChartOptions = {}): PlotlyFigure {
  const metric = options.metric ?? "ttftMs";
  const maxPoints = options.maxPoints ?? 500;
  const palette = paletteFor(groups, options);
  const title = `${METRIC_TITLES[metric].replace(" (ms)", "")}: cumulative distribution`;
  const data: Record<string, unknown>[] = [];
  for (const g of groups) {
    const sorted = sortedSample(g, metric);
    const n = sorted.length;
    if (n === 0) continue;
    const m = Math.min(n, Math.max(2, maxPoints));
    const x: number[] = [];
    const y: number[] = [];
    for (let j = 0; j < m; j++) {
      const k = n === m ? j : Math.round((j * (n - 1)) / (m - 1));
      x.push(sorted[k]!);
      y.push((k + 1) / n);
    }
    data.push({
      type: "scatter",
      mode: "lines",
      line: { shape: "hv", color: seriesColor(palette, g.key), width: 2, dash: seriesDash(g.key) },
      name: plotlyText(g.label),
      x,
      y,
      hovertemplate: `${plotlyText(g.label)}<br>%{y:.1%} of requests ≤ %{x:.1f} ms<extra></extra>`,
    });
  }
  if (data.length === 0) return emptyFigure(title, "No successful requests to show", `${metric}-ecdf`);
  return {
    data,
    layout: baseLayout(title, {
      xaxis: { title: { text: METRIC_TITLES[metric] } },
      yaxis: { title: { text: "Share of requests ≤ x" }, tickformat: ".0%", range: [0, 1.02] },
    }),
    config: svgConfig(`${metric}-ecdf`),
  };
}

export interface OtpsChartOptions extends ChartOptions {
  /** `decode` = output tokens / (total − TTFT); `e2e` = output tokens / total (the AWS notebook's OTPS). */
  rate?: "decode" | "e2e";
  resamples?: number;
  seed?: number;
}

/** Median output tokens per second per group, with 95% bootstrap confidence bars. */
export function otpsChart(groups: readonly RequestGroup[], options: OtpsChartOptions = {}): PlotlyFigure {
  const rate = options.rate ?? "decode";
  const palette = paletteFor(groups, options);
  const random = seededRandom(options.seed ?? 1);
  const title =
    rate === "decode"
      ? "Decode rate: output tokens / (total − TTFT), median with 95% CI"
      : "End-to-end rate: output tokens / total time (the AWS notebook's OTPS), median with 95% CI";
  const labels: string[] = [];
  const medians: number[] = [];
  const plus: number[] = [];
  const minus: number[] = [];
  const colors: string[] = [];
  const counts: number[] = [];
  for (const g of groups) {
    const sorted = sortedSample(g, rate === "decode" ? "outputTokensPerSecond" : "outputTokensPerSecondE2E");
    if (sorted.length === 0) continue;
    const ci = bootstrapQuantileCi(sorted, 0.5, { resamples: options.resamples ?? 2000, random });
    labels.push(axisLabel(g.label));
    medians.push(ci.estimate);
    plus.push(ci.upper - ci.estimate);
    minus.push(ci.estimate - ci.lower);
    colors.push(seriesColor(palette, g.key));
    counts.push(sorted.length);
  }
  const filename = `otps-${rate}`;
  if (labels.length === 0) {
    return emptyFigure(title, rate === "decode" ? "No decode rate recorded (e.g. AWS-notebook imports): see the end-to-end rate" : "No rate recorded", filename);
  }
  return {
    data: [
      {
        type: "bar",
        orientation: "h",
        x: medians,
        y: labels,
        marker: { color: colors },
        error_x: { type: "data", symmetric: false, array: plus, arrayminus: minus, color: "#333", thickness: 1.5, width: 6 },
        customdata: counts,
        hovertemplate: "%{y}<br>median %{x:.1f} tokens/s<br>n = %{customdata}<extra></extra>",
      },
    ],
    layout: bandsLayout(title, labels, "tokens per second", { showlegend: false }),
    config: svgConfig(filename),
  };
}

export interface OverTimeChartOptions extends ChartOptions {
  metric?: LatencyMetric;
  /** Groups with more requests are drawn as per-bin medians; default 2000. */
  maxPoints?: number;
  /** Bins for large groups (default 200). */
  bins?: number;
}

/** Latency of each request against its wall-clock send time: drift, warm-up effects, throttling bursts. */
export function latencyOverTimeChart(groups: readonly RequestGroup[], options: OverTimeChartOptions = {}): PlotlyFigure {
  const metric = options.metric ?? "ttftMs";
  const maxPoints = options.maxPoints ?? 2000;
  const bins = options.bins ?? 200;
  const palette = paletteFor(groups, options);
  const title = `${METRIC_TITLES[metric].replace(" (ms)", "")} over time`;
  const data: Record<string, unknown>[] = [];
  for (const g of groups) {
    const times = g.samples.startEpochMs;
    const values = g.samples[metric];
    const order: number[] = [];
    for (let i = 0; i < times.length; i++) if (Number.isFinite(values[i]) && Number.isFinite(times[i])) order.push(i);
    if (order.length === 0) continue;
    order.sort((a, b) => times[a]! - times[b]!);
    const color = seriesColor(palette, g.key);
    if (order.length <= maxPoints) {
      data.push({
        type: "scatter",
        mode: "markers",
        name: plotlyText(g.label),
        x: order.map((i) => new Date(times[i]!).toISOString()),
        y: order.map((i) => values[i]!),
        marker: { color, size: 6, opacity: 0.7, symbol: seriesSymbol(g.key) },
        hovertemplate: `${plotlyText(g.label)}<br>%{x}<br>%{y:.1f} ms<extra></extra>`,
      });
      continue;
    }
    const start = times[order[0]!]!;
    const width = Math.max(1, (times[order[order.length - 1]!]! - start) / bins);
    const x: string[] = [];
    const y: number[] = [];
    let bin: number[] = [];
    let binIndex = 0;
    const flush = () => {
      if (bin.length === 0) return;
      x.push(new Date(start + (binIndex + 0.5) * width).toISOString());
      y.push(quantileSorted(Float64Array.from(bin).sort(), 0.5));
      bin = [];
    };
    for (const i of order) {
      const b = Math.min(bins - 1, Math.floor((times[i]! - start) / width));
      if (b !== binIndex) {
        flush();
        binIndex = b;
      }
      bin.push(values[i]!);
    }
    flush();
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: `${plotlyText(g.label)} (median per ${(width / 1000).toFixed(1)} s)`,
      x,
      y,
      line: { color, width: 1.5 },
      marker: { color, size: 4 },
    });
  }
  if (data.length === 0) return emptyFigure(title, "No successful requests to show", `${metric}-over-time`);
  return {
    data,
    layout: baseLayout(title, { xaxis: { title: { text: "send time (UTC)" }, type: "date" }, yaxis: { title: { text: METRIC_TITLES[metric] }, rangemode: "tozero" } }),
    config: svgConfig(`${metric}-over-time`),
  };
}

const NICE_BIN_SECONDS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

/** A bin width in seconds giving at most `maxBins` bins over `spanMs`. */
export function binSeconds(spanMs: number, maxBins = 60): number {
  const wanted = spanMs / 1000 / maxBins;
  return NICE_BIN_SECONDS.find((s) => s >= wanted) ?? Math.ceil(wanted / 86400) * 86400;
}

export interface ThroughputChartOptions extends ChartOptions {
  /** `requests`: successful requests per minute; `output-tokens`: output tokens per second. */
  measure?: "requests" | "output-tokens";
  /** Bin width (default: a round width giving ≤ 60 bins). */
  binSeconds?: number;
}

/** Achieved throughput over time per group (by completion time), with failures per bin across groups on a right-hand axis. */
export function throughputOverTimeChart(groups: readonly RequestGroup[], options: ThroughputChartOptions = {}): PlotlyFigure {
  const measure = options.measure ?? "requests";
  const palette = paletteFor(groups, options);
  const title = measure === "requests" ? "Achieved throughput: successful requests per minute" : "Achieved throughput: output tokens per second";
  const filename = `throughput-${measure}`;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const completion = (start: number, total: number) => start + (Number.isFinite(total) ? total : 0);
  for (const g of groups) {
    for (let i = 0; i < g.samples.startEpochMs.length; i++) {
      const end = completion(g.samples.startEpochMs[i]!, g.samples.totalMs[i]!);
      if (Number.isFinite(end)) {
        first = Math.min(first, end);
        last = Math.max(last, end);
      }
    }
    for (let i = 0; i < g.failed.startEpochMs.length; i++) {
      const end = completion(g.failed.startEpochMs[i]!, g.failed.totalMs[i]!);
      if (Number.isFinite(end)) {
        first = Math.min(first, end);
        last = Math.max(last, end);
      }
    }
  }
  if (!Number.isFinite(first)) return emptyFigure(title, "No completed requests to show", filename);
  // ≤ 20 bins: with more, eight step lines of a few requests per bin become noise.
  const width = (options.binSeconds ?? binSeconds(last - first, 20)) * 1000;
  const origin = Math.floor(first / width) * width;
  const binCount = Math.floor((last - origin) / width) + 1;
  const x = Array.from({ length: binCount }, (_, b) => new Date(origin + (b + 0.5) * width).toISOString());
  const perUnit = measure === "requests" ? 60_000 / width : 1000 / width;
  const data: Record<string, unknown>[] = [];
  const failures = new Float64Array(binCount);
  for (const g of groups) {
    const counts = new Float64Array(binCount);
    for (let i = 0; i < g.samples.startEpochMs.length; i++) {
      const end = completion(g.samples.startEpochMs[i]!, g.samples.totalMs[i]!);
      if (!Number.isFinite(end)) continue;
      const weight = measure === "requests" ? 1 : g.samples.outputTokens[i]!;
      if (Number.isFinite(weight)) counts[Math.floor((end - origin) / width)]! += weight;
    }
    for (let i = 0; i < g.failed.startEpochMs.length; i++) {
      const end = completion(g.failed.startEpochMs[i]!, g.failed.totalMs[i]!);
      if (Number.isFinite(end)) failures[Math.floor((end - origin) / width)]! += 1;
    }
    if (g.samples.startEpochMs.length === 0) continue;
    data.push({
      type: "scatter",
      mode: "lines",
      line: { shape: "hv", color: seriesColor(palette, g.key), width: 2, dash: seriesDash(g.key) },
      name: plotlyText(g.label),
      x,
      y: Array.from(counts, (c) => c * perUnit),
    });
  }
  if (measure === "requests" && failures.some((f) => f > 0)) {
    data.push({
      type: "bar",
      name: "failed requests per bin (all groups, right axis)",
      x,
      y: Array.from(failures),
      yaxis: "y2",
      marker: { color: "rgba(213,94,0,0.40)" },
    });
  }
  const withFailures = data.some((d) => d["yaxis"] === "y2");
  return {
    data,
    layout: baseLayout(`${title} (${width / 1000} s bins)`, {
      xaxis: { title: { text: "completion time (UTC)" }, type: "date", automargin: true },
      yaxis: { title: { text: measure === "requests" ? "requests / min" : "output tokens / s" }, rangemode: "tozero" },
      // Failures are counted on their own axis: a burst of throttles would otherwise flatten every group's line.
      ...(withFailures ? { yaxis2: { title: { text: "failures / bin" }, overlaying: "y", side: "right", rangemode: "tozero", showgrid: false, automargin: true } } : {}),
      legend: { orientation: "h", y: -0.3, yanchor: "top" },
    }),
    config: svgConfig(filename),
  };
}

/** Failed requests per group, stacked by error class. */
export function errorClassChart(groups: readonly RequestGroup[]): PlotlyFigure {
  const title = "Failed requests by error class";
  const classes = [...new Set(groups.flatMap((g) => [...g.failuresByClass.keys()]))].sort();
  if (classes.length === 0) return emptyFigure(title, "No failed requests", "errors-by-class");
  const labels = groups.map((g) => axisLabel(g.label));
  const data = classes.map((cls) => ({
    type: "bar",
    orientation: "h",
    name: plotlyText(cls),
    x: groups.map((g) => g.failuresByClass.get(cls) ?? 0),
    y: labels,
    customdata: groups.map((g) => {
      const n = g.failuresByClass.get(cls) ?? 0;
      const completed = g.requests - g.aborted;
      return completed > 0 ? n / completed : 0;
    }),
    marker: { color: errorClassColor(cls) },
    hovertemplate: `${plotlyText(cls)}<br>%{y}<br>%{x} failed (%{customdata:.1%} of requests)<extra></extra>`,
  }));
  return {
    data,
    // showlegend: Plotly hides the legend of a single trace, and the class name would then appear nowhere.
    layout: bandsLayout(title, labels, "failed requests", { barmode: "stack", showlegend: true }),
    config: svgConfig("errors-by-class"),
  };
}

/** A point of a cost–latency trade-off. */
export interface TradeoffPoint {
  label: string;
  cost: number;
  latency: number;
}

/**
 * The Pareto front: points no other point beats on both cost and latency (lower is better for both), ordered by
 * cost. Of equal points the first is kept.
 */
export function paretoFront<T extends TradeoffPoint>(points: readonly T[]): T[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || a.latency - b.latency);
  const front: T[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (const p of sorted) {
    if (p.latency < best) {
      front.push(p);
      best = p.latency;
    }
  }
  return front;
}

export interface CostLatencyChartOptions extends ChartOptions {
  /** Latency column (default total_ms_p90). */
  latency?: "total_ms_p90" | "ttft_ms_p90" | "total_ms_p50" | "ttft_ms_p50";
  /** Cost column (default cost_usd_per_1k_output_tokens). */
  cost?: "cost_usd_per_1k_output_tokens" | "cost_usd_per_success";
}

/** `total_ms_p90` → `p90 total time`, `ttft_ms_p50` → `p50 TTFT`. */
function latencyName(column: NonNullable<CostLatencyChartOptions["latency"]>): string {
  const [metric, , quantile] = column.split("_") as [string, string, string];
  return `${quantile} ${metric === "ttft" ? "TTFT" : "total time"}`;
}

/** Cost against p90 latency per group, with the Pareto front of the groups nothing beats on both. */
export function costLatencyChart(rows: readonly SummaryRow[], options: CostLatencyChartOptions = {}): PlotlyFigure {
  const latencyColumn = options.latency ?? "total_ms_p90";
  const costColumn = options.cost ?? "cost_usd_per_1k_output_tokens";
  const palette = options.palette ?? new Palette(rows.map((r) => r.model));
  const title = `Cost vs ${latencyName(latencyColumn)}: lower left is better`;
  const costTitle = costColumn === "cost_usd_per_success" ? "USD per successful request" : "USD per 1,000 output tokens";
  const points = rows
    .filter((r) => r[costColumn] !== null && r[latencyColumn] !== null)
    .map((r) => ({ label: r.group_label, cost: r[costColumn]!, latency: r[latencyColumn]!, row: r }));
  if (points.length === 0) return emptyFigure(title, "No cost recorded for these results (AWS-notebook imports carry none)", "cost-vs-latency");
  // Groups are named in the legend and on hover, not beside the points: close points' labels would overlap and clip.
  const data: Record<string, unknown>[] = points.map((p) => {
    const key = { model: p.row.model, performanceConfig: p.row.performance_config, serviceTier: p.row.service_tier };
    return {
    type: "scatter",
    mode: "markers",
    name: plotlyText(p.label),
    x: [p.cost],
    y: [p.latency],
    marker: { size: 13, color: seriesColor(palette, key), symbol: seriesSymbol(key), line: { color: "#FFFFFF", width: 1 } },
    hovertemplate: `${plotlyText(p.label)}<br>%{x:$.4g} ${costTitle.replace("USD ", "")}<br>%{y:.0f} ms<extra></extra>`,
    };
  });
  const front = paretoFront(points);
  data.push({
    type: "scatter",
    mode: "lines",
    name: "Pareto front",
    x: front.map((p) => p.cost),
    y: front.map((p) => p.latency),
    line: { color: "#444", dash: "dash", width: 2.5 },
    hoverinfo: "skip",
  });
  return {
    data,
    layout: baseLayout(title, {
      xaxis: { title: { text: costTitle }, rangemode: "tozero", automargin: true },
      yaxis: { title: { text: `${latencyName(latencyColumn)} (ms)` }, rangemode: "tozero", automargin: true },
      showlegend: true,
      legend: { orientation: "h", y: -0.3, yanchor: "top" },
    }),
    config: svgConfig("cost-vs-latency"),
  };
}

/** Light yellow for the fastest cells to red for the slowest (ColorBrewer YlOrRd, its darkest steps left out). */
const HEATMAP_COLORSCALE: readonly (readonly [number, string])[] = [
  [0, "#ffffcc"],
  [0.25, "#ffeda0"],
  [0.5, "#fed976"],
  [0.75, "#feb24c"],
  [1, "#fc4e2a"],
];

/** What a latency heatmap's columns are. */
export type HeatmapColumns = "config" | "concurrency" | "input-size";

/** Power-of-two bucket of an input size: `≤ 128` tokens. */
export function inputSizeBucket(tokens: number): { order: number; label: string } {
  const upper = Math.max(1, 2 ** Math.ceil(Math.log2(Math.max(1, tokens))));
  return { order: upper, label: `≤ ${upper.toLocaleString("en-US")}` };
}

/** Which heatmap columns the groups can fill (more than one distinct value). */
export function heatmapColumnsAvailable(groups: readonly RequestGroup[]): HeatmapColumns[] {
  const out: HeatmapColumns[] = ["config"];
  if (new Set(groups.map((g) => g.key.concurrency)).size > 1) out.push("concurrency");
  const buckets = new Set<number>();
  for (const g of groups) for (const t of g.samples.inputTokens) if (Number.isFinite(t)) buckets.add(inputSizeBucket(t).order);
  if (buckets.size > 1) out.push("input-size");
  return out;
}

export interface HeatmapOptions {
  columns?: HeatmapColumns;
  metric?: LatencyMetric;
  /** Quantile shown (default 0.9). */
  quantile?: number;
}

/**
 * p90 (by default) of TTFT by model (rows) × config, concurrency or input size (columns); for the last two, rows are
 * model × config when configurations vary. Requests are pooled per cell.
 */
export function latencyHeatmap(groups: readonly RequestGroup[], options: HeatmapOptions = {}): PlotlyFigure {
  const columns = options.columns ?? "config";
  const metric = options.metric ?? "ttftMs";
  const q = options.quantile ?? 0.9;
  const pct = `p${Math.round(q * 100)}`;
  const by = columns === "config" ? "performance config and tier" : columns === "concurrency" ? "concurrency" : "input size (tokens)";
  const metricName = METRIC_TITLES[metric].replace(" (ms)", "");
  const title = `${pct} ${metricName.charAt(0).toLowerCase()}${metricName.slice(1)} (ms) by model${columns === "config" ? "" : " × configuration"} and ${by}`;
  const filename = `${metric}-${pct}-heatmap-${columns}`;
  const cells = new Map<string, Map<string, number[]>>();
  const columnOrder = new Map<string, number>();
  const addValue = (row: string, column: string, order: number, value: number) => {
    if (!columnOrder.has(column)) columnOrder.set(column, order);
    let byColumn = cells.get(row);
    if (!byColumn) cells.set(row, (byColumn = new Map()));
    let list = byColumn.get(column);
    if (!list) byColumn.set(column, (list = []));
    list.push(value);
  };
  const configOrder = (g: RequestGroup) => (g.key.performanceConfig === "standard" ? 0 : 1) * 10 + (g.key.serviceTier === "default" ? 0 : 1);
  const rowNames = new Map<string, string>();
  for (const g of groups) {
    rowNames.set(g.key.model, g.key.model);
  }
  const shortNames = new Set([...rowNames.keys()].map(shortModelName)).size === rowNames.size;
  const configLabel = (g: RequestGroup) =>
    g.key.serviceTier && g.key.serviceTier !== "default" ? `${g.key.performanceConfig} · ${g.key.serviceTier}` : g.key.performanceConfig;
  // Columns other than the configuration: one row per model × configuration when configurations vary, so a cell never
  // pools standard with optimized requests (a blend of two distributions that neither has).
  const splitRows = columns !== "config" && new Set(groups.map(configLabel)).size > 1;
  for (const g of groups) {
    const model = shortNames ? shortModelName(g.key.model) : g.key.model;
    const row = plotlyText(splitRows ? `${model} · ${configLabel(g)}` : model);
    const values = g.samples[metric];
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      if (columns === "config") {
        const label = plotlyText(configLabel(g));
        addValue(row, label, configOrder(g), v);
      } else if (columns === "concurrency") {
        addValue(row, g.key.concurrency === null || g.key.concurrency === 0 ? "n/a" : String(g.key.concurrency), g.key.concurrency ?? 0, v);
      } else {
        const tokens = g.samples.inputTokens[i]!;
        if (!Number.isFinite(tokens)) continue;
        const bucket = inputSizeBucket(tokens);
        addValue(row, bucket.label, bucket.order, v);
      }
    }
  }
  if (cells.size === 0) return emptyFigure(title, "No successful requests to show", filename);
  const xs = [...columnOrder.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).map(([c]) => c);
  const ys = [...cells.keys()].sort();
  const z = ys.map((row) =>
    xs.map((column) => {
      const list = cells.get(row)?.get(column);
      return list && list.length > 0 ? quantileSorted(Float64Array.from(list).sort(), q) : null;
    }),
  );
  const n = ys.map((row) => xs.map((column) => cells.get(row)?.get(column)?.length ?? 0));
  return {
    data: [
      {
        type: "heatmap",
        x: xs,
        y: ys,
        z,
        customdata: n,
        // light (fast) to red (slow); the reds stay light enough for the cell text to read
        colorscale: HEATMAP_COLORSCALE,
        colorbar: { title: { text: "ms" } },
        texttemplate: "%{z:.0f}",
        hovertemplate: `%{y}<br>%{x}<br>${pct} %{z:.1f} ms<br>n = %{customdata}<extra></extra>`,
        xgap: 2,
        ygap: 2,
      },
    ],
    layout: baseLayout(title, {
      xaxis: { title: { text: by }, type: "category" },
      yaxis: { type: "category", automargin: true },
      margin: { l: 220, r: 20, t: 60, b: 80 },
      height: Math.max(300, 120 + 48 * ys.length),
    }),
    config: svgConfig(filename),
  };
}

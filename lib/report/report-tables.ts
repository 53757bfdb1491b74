/**
 * The tables of an analysis as people read them: display strings with units, in the order reports show them. The
 * HTML and Markdown reports render these same tables, and notebooks show them with `notebook().table(...)` via
 * {@link tableRecords}. Data keeps full precision elsewhere (summary rows, the summary CSV); only these strings round.
 */
import type { Analysis } from "../analysis/analyze-results";
import type { Comparison, FallbackRate } from "../analysis/comparison";
import { COMPARED_METRIC_NAMES, OUTCOME_LABELS } from "./verdicts";
import { formatMs, formatNumber, formatPercent, formatPValue, formatSignedMs, formatUsd } from "../base/number-format";
import { shortModelName, type RequestGroup } from "../analysis/request-groups";
import type { RunInfo } from "../analysis/results-loader";
import { runConfiguration } from "./run-configuration";
import type { SummaryRow } from "../analysis/summary";

export type ColumnAlign = "left" | "right";

export interface ReportColumn {
  label: string;
  align: ColumnAlign;
}

/** A table of display strings. */
export interface ReportTable {
  id: string;
  caption: string;
  columns: ReportColumn[];
  rows: string[][];
  /** A sentence under the table (how to read it, what is left out). */
  note?: string;
}

const left = (label: string): ReportColumn => ({ label, align: "left" });
const right = (label: string): ReportColumn => ({ label, align: "right" });

/** A table's rows as records keyed by column label (for `notebook().table(rows, { columns })`). */
export function tableRecords(table: ReportTable): { rows: Record<string, string>[]; columns: string[] } {
  const columns = table.columns.map((c) => c.label);
  return { columns, rows: table.rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? ""]))) };
}

const num = (v: number | null | undefined) => formatNumber(v);
const int = (v: number | null | undefined) => (v === null || v === undefined ? "—" : v.toLocaleString("en-US"));
const seconds = (v: number | null | undefined) => (v === null || v === undefined ? "—" : v.toFixed(3));

function durationText(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 120) return `${formatNumber(seconds)} s`;
  if (seconds < 7200) return `${formatNumber(seconds / 60)} min`;
  return `${formatNumber(seconds / 3600)} h`;
}

/** Requests, outcomes, time span and cost over all groups. */
export function overviewTable(analysis: Analysis): ReportTable {
  const o = analysis.overview;
  const completed = o.requests - o.aborted;
  const rows: string[][] = [
    ["Result files", int(o.files)],
    ["Records read", int(o.records)],
    ["Requests analysed", int(o.requests)],
    ["Warm-up requests", `${int(o.warmups)} (${analysis.settings.includeWarmup ? "included in the statistics" : "excluded from the statistics"})`],
    ["Successful", `${int(o.successes)} (${formatPercent(o.successRate)})`],
    ["Failed", `${int(o.failures)} (${formatPercent(completed > 0 ? o.failures / completed : null)})`],
    ["Throttled", `${int(o.throttles)} (${formatPercent(completed > 0 ? o.throttles / completed : null)})`],
    ["Aborted", int(o.aborted)],
    ["Retried requests", int(o.retriedRequests)],
    ["Performance-config fallbacks", int(o.performanceConfigFallbacks)],
    ["Service-tier fallbacks", int(o.serviceTierFallbacks)],
    ["Models", o.models.length > 0 ? o.models.join(", ") : "—"],
    ["Regions", o.regions.length > 0 ? o.regions.join(", ") : "—"],
    ["Groups", `${int(o.groups)} (by ${analysis.settings.dimensions.join(" × ")})`],
    ["First send (UTC)", o.firstSendIso ?? "—"],
    ["Last completion (UTC)", o.lastCompletionIso ?? "—"],
    ["Duration", durationText(o.spanS)],
    ["Cost (usage × prices, excl. warm-up)", o.costUsd === null ? "— (no cost recorded)" : formatUsd(o.costUsd)],
    ["Warm-up cost", o.warmupCostUsd === null ? "—" : formatUsd(o.warmupCostUsd)],
  ];
  return { id: "overview", caption: "Overview", columns: [left("measure"), left("value")], rows };
}

/** The files read. */
export function runsTable(runs: readonly RunInfo[]): ReportTable {
  return {
    id: "runs",
    caption: "Results read",
    columns: [left("run"), left("source"), left("experiment"), right("records"), left("file")],
    rows: runs.map((r) => [r.runId, r.source, r.experimentName ?? "—", int(r.records), r.file]),
  };
}

/** One run's configuration from its run.json; null when it has none. */
export function configurationTable(run: RunInfo): ReportTable | null {
  if (!run.manifest) return null;
  return {
    id: `configuration-${run.runId}`,
    caption: `Configuration of ${run.runId} (run.json)`,
    columns: [left("field"), left("value")],
    rows: runConfiguration(run.manifest).map((item) => [item.path, item.value]),
  };
}

/** The main results: one line per group. */
export function groupsTable(rows: readonly SummaryRow[]): ReportTable {
  return {
    id: "groups",
    caption: "Results per group",
    columns: [
      left("group"),
      right("requests"),
      right("successes"),
      right("error rate"),
      right("throttle rate"),
      right("TTFT p50 (ms)"),
      right("TTFT p90 (ms)"),
      right("total p50 (ms)"),
      right("total p90 (ms)"),
      right("decode p50 (tok/s)"),
      right("OTPS e2e p50 (tok/s)"),
      right("successes/min"),
      right("USD / 1k output tok"),
    ],
    rows: rows.map((r) => [
      r.group_label,
      int(r.requests),
      int(r.successes),
      formatPercent(r.error_rate),
      formatPercent(r.throttle_rate),
      num(r.ttft_ms_p50),
      num(r.ttft_ms_p90),
      num(r.total_ms_p50),
      num(r.total_ms_p90),
      num(r.decode_tokens_per_s_p50),
      num(r.e2e_tokens_per_s_p50),
      num(r.requests_per_min),
      r.cost_usd_per_1k_output_tokens === null ? "—" : formatUsd(r.cost_usd_per_1k_output_tokens),
    ]),
    note: "Latency and rates over successful requests; error and throttle rates over requests that were not aborted.",
  };
}

/** The AWS latency-benchmarking notebook's analysis_summary columns, in its units (seconds, OTPS end to end). */
export function awsCompatibleTable(rows: readonly SummaryRow[]): ReportTable {
  return {
    id: "aws-compatible",
    caption: "AWS-notebook-compatible summary (seconds; OTPS = output tokens / total time)",
    columns: [
      left("model"),
      left("region"),
      left("performance_config"),
      right("sample_size"),
      right("TTFT_mean"),
      right("TTFT_p50"),
      right("TTFT_p90"),
      right("TTFT_std"),
      right("avg_input_tokens"),
      right("avg_output_tokens"),
      right("total_time_mean"),
      right("total_time_p50"),
      right("total_time_p90"),
      right("OTPS_mean"),
      right("OTPS_p50"),
      right("OTPS_p90"),
      right("OTPS_std"),
    ],
    rows: rows.map((r) => [
      r.model,
      r.region,
      r.performance_config,
      int(r.sample_size),
      seconds(r.TTFT_mean),
      seconds(r.TTFT_p50),
      seconds(r.TTFT_p90),
      seconds(r.TTFT_std),
      num(r.avg_input_tokens),
      num(r.avg_output_tokens),
      seconds(r.total_time_mean),
      seconds(r.total_time_p50),
      seconds(r.total_time_p90),
      num(r.OTPS_mean),
      num(r.OTPS_p50),
      num(r.OTPS_p90),
      num(r.OTPS_std),
    ]),
    note: "Same columns and units as the notebook's analysis_summary_<timestamp>.csv; rows are per group (other grouping dimensions are in the group label of the other tables).",
  };
}

/** The full distribution of TTFT or total time per group. */
export function latencyTable(rows: readonly SummaryRow[], metric: "ttft" | "total"): ReportTable {
  const name = metric === "ttft" ? "Time to first token" : "Total time (to last byte)";
  const get = (r: SummaryRow, stat: "mean" | "p50" | "p90" | "p95" | "p99" | "std" | "min" | "max") =>
    metric === "ttft" ? r[`ttft_ms_${stat}`] : r[`total_ms_${stat}`];
  return {
    id: `${metric}-latency`,
    caption: `${name} (ms), successful requests`,
    columns: [left("group"), right("n"), right("mean"), right("p50"), right("p90"), right("p95"), right("p99"), right("std"), right("min"), right("max")],
    rows: rows.map((r) => [
      r.group_label,
      int(r.sample_size),
      num(get(r, "mean")),
      num(get(r, "p50")),
      num(get(r, "p90")),
      num(get(r, "p95")),
      num(get(r, "p99")),
      num(get(r, "std")),
      num(get(r, "min")),
      num(get(r, "max")),
    ]),
    note: "p99 needs about 100 requests per group to mean more than the maximum; with fewer, read it as the tail's order of magnitude.",
  };
}

/** Rates, inter-token and server latency, tokens and achieved throughput per group. */
export function throughputTable(rows: readonly SummaryRow[]): ReportTable {
  return {
    id: "throughput",
    caption: "Rates, inter-token and server latency, achieved throughput",
    columns: [
      left("group"),
      right("decode p50 (tok/s)"),
      right("decode p90 (tok/s)"),
      right("e2e p50 (tok/s)"),
      right("ITL p50 (ms)"),
      right("ITL p90 (ms)"),
      right("server p50 (ms)"),
      right("overhead p50 (ms)"),
      right("avg input tok"),
      right("avg output tok"),
      right("successes/min"),
      right("output tok/min"),
    ],
    rows: rows.map((r) => [
      r.group_label,
      num(r.decode_tokens_per_s_p50),
      num(r.decode_tokens_per_s_p90),
      num(r.e2e_tokens_per_s_p50),
      num(r.itl_ms_p50),
      num(r.itl_ms_p90),
      num(r.server_latency_ms_p50),
      num(r.network_overhead_ms_p50),
      num(r.avg_input_tokens),
      num(r.avg_output_tokens),
      num(r.requests_per_min),
      num(r.output_tokens_per_min),
    ]),
    note: "Overhead = total − server latency (network and client). Throughput over the group's window (first send to last completion per run).",
  };
}

/** A p-value for a table cell: `0.012`, `< 0.0001`. */
function pCell(p: number | null): string {
  return formatPValue(p).replace(/^p = /, "").replace(/^p /, "");
}

function ciCell(estimate: number, lower: number, upper: number): string {
  return `${formatSignedMs(estimate)} [${formatSignedMs(lower)}, ${formatSignedMs(upper)}]`;
}

/** Every comparison, one line per metric. */
export function comparisonsTable(comparisons: readonly Comparison[], level = 0.95): ReportTable {
  const pct = `${Math.round(level * 100)}%`;
  const withPermutation = comparisons.some((c) => c.metrics.some((m) => m.permutationPValue !== null));
  const withHolm = comparisons.some((c) => c.metrics.some((m) => m.holmPValue !== null));
  const rows: string[][] = [];
  for (const c of comparisons) {
    for (const m of c.metrics) {
      rows.push([
        c.context,
        `${c.candidate.name} vs ${c.baseline.name}`,
        COMPARED_METRIC_NAMES[m.metric],
        `${int(m.candidateCount)} / ${int(m.baselineCount)}`,
        `${formatMs(m.candidateMedianMs)} vs ${formatMs(m.baselineMedianMs)}`,
        ciCell(m.medianDifferenceMs.estimate, m.medianDifferenceMs.lower, m.medianDifferenceMs.upper),
        ciCell(m.p90DifferenceMs.estimate, m.p90DifferenceMs.lower, m.p90DifferenceMs.upper),
        pCell(m.rankSum.pValue),
        ...(withHolm ? [pCell(m.holmPValue)] : []),
        ...(withPermutation ? [pCell(m.permutationPValue)] : []),
        m.samplesForPrecision === null ? "—" : int(m.samplesForPrecision),
        OUTCOME_LABELS[m.outcome],
      ]);
    }
  }
  return {
    id: "comparisons",
    caption: "Comparisons (candidate vs baseline)",
    columns: [
      left("compared within"),
      left("candidate vs baseline"),
      left("metric"),
      right("n (cand. / base.)"),
      right("median (cand. vs base.)"),
      right(`Δ median [${pct} CI]`),
      right(`Δ p90 [${pct} CI]`),
      right("p (rank-sum)"),
      ...(withHolm ? [right("p (Holm)")] : []),
      ...(withPermutation ? [right("p (permutation)")] : []),
      right("n needed / config"),
      left("verdict"),
    ],
    rows,
    note:
      "Δ = candidate − baseline: negative means the candidate is faster. \"n needed\" is the requests per configuration that would pin the median difference to the precision stated in the method." +
      (withHolm ? ` p (Holm) adjusts the rank-sum p-values for the ${rows.length} tests of this table (Holm–Bonferroni), so that many comparisons do not turn chance into findings.` : ""),
  };
}

/** Failures, throttles, retries and fallbacks per group. */
export function errorsTable(rows: readonly SummaryRow[]): ReportTable {
  return {
    id: "errors",
    caption: "Failures, throttles, retries and fallbacks per group",
    columns: [
      left("group"),
      right("requests"),
      right("failures"),
      right("error rate"),
      right("throttles"),
      right("throttle rate"),
      right("before stream"),
      right("mid-stream"),
      right("client side"),
      right("aborted"),
      right("retried requests"),
      right("retries"),
      right("retry delay (ms)"),
      right("config fallbacks"),
      right("tier fallbacks"),
    ],
    rows: rows.map((r) => [
      r.group_label,
      int(r.requests),
      int(r.failures),
      formatPercent(r.error_rate),
      int(r.throttles),
      formatPercent(r.throttle_rate),
      int(r.failures_before_stream),
      int(r.failures_mid_stream),
      int(r.failures_client),
      int(r.aborted),
      int(r.retried_requests),
      int(r.retries),
      num(r.retry_delay_ms_total),
      int(r.performance_config_fallbacks),
      int(r.service_tier_fallbacks),
    ]),
  };
}

/** Each group's failures by error class, with the messages seen (up to five distinct per class). */
export function errorClassesTable(groups: readonly RequestGroup[]): ReportTable {
  const rows: string[][] = [];
  for (const g of groups) {
    const completed = g.requests - g.aborted;
    for (const [cls, count] of [...g.failuresByClass].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
      const messages = [...(g.errorMessages.get(cls) ?? new Map<string, number>())]
        .sort((a, b) => b[1] - a[1])
        .map(([message, n]) => `${message === "" ? "(no message)" : message} (×${n.toLocaleString("en-US")})`);
      rows.push([g.label, cls, int(count), formatPercent(completed > 0 ? count / completed : null), messages.join(" · ")]);
    }
  }
  return {
    id: "error-classes",
    caption: "Failures by error class",
    columns: [left("group"), left("error class"), right("failures"), right("share of requests"), left("messages (up to five distinct)")],
    rows,
  };
}

/** Served vs asked: how often Bedrock served another configuration or tier than asked. */
export function fallbacksTable(fallbacks: readonly FallbackRate[]): ReportTable {
  return {
    id: "fallbacks",
    caption: "Served vs asked",
    columns: [left("model"), left("region"), left("kind"), left("asked"), right("requests"), right("served otherwise"), right("rate"), left("served instead")],
    rows: fallbacks.map((f) => [
      shortModelName(f.model),
      f.region,
      f.kind,
      f.asked,
      int(f.requests),
      int(f.fallbacks),
      formatPercent(f.rate),
      Object.entries(f.servedInstead)
        .map(([served, n]) => `${served} ×${n.toLocaleString("en-US")}`)
        .join(", ") || "—",
    ]),
    note: "Only requests whose served configuration is known count (a response's metadata says it; failures before the stream and AWS-notebook imports do not).",
  };
}

/** Cost per group, with a total line. */
export function costTable(rows: readonly SummaryRow[]): ReportTable {
  const usd = (v: number | null) => (v === null ? "—" : formatUsd(v));
  const costed = rows.filter((r) => r.cost_usd_total !== null);
  const total = costed.length > 0 ? costed.reduce((s, r) => s + r.cost_usd_total!, 0) : null;
  const warmup = rows.some((r) => r.warmup_cost_usd !== null) ? rows.reduce((s, r) => s + (r.warmup_cost_usd ?? 0), 0) : null;
  return {
    id: "cost",
    caption: "Cost: Bedrock's token usage × the pricing table (best-effort prices)",
    columns: [left("group"), right("requests"), right("successes"), right("output tokens"), right("cost"), right("per success"), right("per 1k output tok"), right("warm-up cost")],
    rows: [
      ...rows.map((r) => [
        r.group_label,
        int(r.requests),
        int(r.successes),
        int(r.output_tokens_total),
        usd(r.cost_usd_total),
        usd(r.cost_usd_per_success),
        usd(r.cost_usd_per_1k_output_tokens),
        usd(r.warmup_cost_usd),
      ]),
      ["all groups", int(rows.reduce((s, r) => s + r.requests, 0)), int(rows.reduce((s, r) => s + r.successes, 0)), int(rows.reduce((s, r) => s + r.output_tokens_total, 0)), usd(total), "", "", usd(warmup)],
    ],
    note: "Estimated from the usage Bedrock reported and the pricing table, at the configuration served. Per success: every counted request's cost (failures included) / successes.",
  };
}

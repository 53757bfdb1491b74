/**
 * Per-group summary of a benchmark: one row per group (model × region × served performance config × tier × …).
 *
 * The first 17 columns are those of the AWS latency-benchmarking notebook's `analysis_summary_<timestamp>.csv`, with
 * its units and meaning: TTFT and total times in SECONDS, OTPS = output tokens / total time (end to end), over
 * successful requests. Our own columns follow, with units in their names (ms, tokens_per_s, usd): p95/p99/min/max,
 * inter-token and server latency, decode rate, failures by class, throttles, retries, fallbacks, achieved throughput
 * and cost. Latency statistics use successful, non-warm-up requests only; percentiles are R-7 (as pandas); standard
 * deviations use n − 1. Values keep full precision: round when rendering.
 */
import { stringify } from "csv-stringify/sync";
import { describeSorted, meanFinite, quantileSorted, sortedFinite, type Distribution } from "./stats";
import { sortedSample, type RequestGroup } from "./request-groups";
import type { ResultSet } from "./results-loader";
import { fileTimestamp, writeNewFile } from "../base/output-file";

type StatName = "mean" | "p50" | "p90" | "p95" | "p99" | "std" | "min" | "max";
const STAT_NAMES: readonly StatName[] = ["mean", "p50", "p90", "p95", "p99", "std", "min", "max"];
type Stats<P extends string> = { [K in `${P}_${StatName}`]: number | null };

/** The AWS notebook's analysis_summary columns (seconds; OTPS end to end). */
export interface AwsCompatibleSummary {
  model: string;
  region: string;
  performance_config: string;
  /** Successful non-warm-up requests with a TTFT (what pandas' count of time_to_first_byte gives). */
  sample_size: number;
  TTFT_mean: number | null;
  TTFT_p50: number | null;
  TTFT_p90: number | null;
  TTFT_std: number | null;
  avg_input_tokens: number | null;
  avg_output_tokens: number | null;
  total_time_mean: number | null;
  total_time_p50: number | null;
  total_time_p90: number | null;
  OTPS_mean: number | null;
  OTPS_p50: number | null;
  OTPS_p90: number | null;
  OTPS_std: number | null;
}

export interface SummaryKeyColumns {
  service_tier: string;
  concurrency: number | null;
  load_model: string;
  task_type: string;
  tags: string;
  target: string;
  source: string;
  run_ids: string;
  performance_config_asked: string;
  service_tier_asked: string;
  group_label: string;
}

export interface SummaryCountColumns {
  requests: number;
  warmup_requests: number;
  successes: number;
  failures: number;
  aborted: number;
  error_rate: number | null;
  throttles: number;
  throttle_rate: number | null;
  failures_before_stream: number;
  failures_mid_stream: number;
  failures_client: number;
  retried_requests: number;
  retries: number;
  retry_delay_ms_total: number;
  performance_config_fallbacks: number;
  service_tier_fallbacks: number;
}

export interface SummaryExtraColumns {
  queue_wait_ms_mean: number | null;
  queue_wait_ms_p99: number | null;
  schedule_lag_ms_mean: number | null;
  schedule_lag_ms_p99: number | null;
  network_overhead_ms_p50: number | null;
  input_tokens_total: number;
  output_tokens_total: number;
  cache_read_input_tokens_total: number;
  cache_write_input_tokens_total: number;
  window_s: number | null;
  requests_per_min: number | null;
  output_tokens_per_min: number | null;
  total_tokens_per_min: number | null;
  cost_usd_total: number | null;
  cost_usd_per_success: number | null;
  cost_usd_per_1k_output_tokens: number | null;
  warmup_cost_usd: number | null;
}

/** One group's summary. CSV columns are the fields in {@link SUMMARY_COLUMNS} order, then `error_rate_<class>` columns. */
export type SummaryRow = AwsCompatibleSummary &
  SummaryKeyColumns &
  SummaryCountColumns &
  Stats<"ttft_ms"> &
  Stats<"total_ms"> &
  Stats<"decode_tokens_per_s"> &
  Stats<"e2e_tokens_per_s"> &
  Stats<"itl_ms"> &
  Stats<"server_latency_ms"> &
  SummaryExtraColumns & {
    /** Failures of each class / (requests − aborted). Flattened to `error_rate_<class>` columns in the CSV. */
    errorRateByClass: Record<string, number>;
  };

export type SummaryColumnName = Exclude<keyof SummaryRow, "errorRateByClass">;

export interface SummaryColumn {
  name: SummaryColumnName;
  unit: string;
  description: string;
}

const LATENCY_BASIS = "successful non-warm-up requests";

function statColumns(prefix: string, unit: string, what: string): SummaryColumn[] {
  const describeStat: Record<StatName, string> = {
    mean: "mean",
    p50: "median (R-7)",
    p90: "90th percentile (R-7)",
    p95: "95th percentile (R-7)",
    p99: "99th percentile (R-7)",
    std: "sample standard deviation (n − 1)",
    min: "minimum",
    max: "maximum",
  };
  return STAT_NAMES.map((s) => ({
    name: `${prefix}_${s}` as SummaryColumnName,
    unit,
    description: `${what}: ${describeStat[s]}, ${LATENCY_BASIS}.`,
  }));
}

const c = (name: SummaryColumnName, unit: string, description: string): SummaryColumn => ({ name, unit, description });

/** Every fixed summary column, in CSV order, with its unit and meaning. */
export const SUMMARY_COLUMNS: readonly SummaryColumn[] = Object.freeze([
  c("model", "", "Model or inference-profile ID."),
  c("region", "", "AWS region."),
  c("performance_config", "", "Performance config served (standard/optimized); the one asked for when nothing was served."),
  c("sample_size", "", "Successful non-warm-up requests with a TTFT (the AWS notebook's sample_size)."),
  c("TTFT_mean", "s", "Time to first token, mean, in SECONDS (AWS-notebook compatible)."),
  c("TTFT_p50", "s", "Time to first token, median (R-7), seconds."),
  c("TTFT_p90", "s", "Time to first token, 90th percentile (R-7), seconds."),
  c("TTFT_std", "s", "Time to first token, sample standard deviation (n − 1), seconds."),
  c("avg_input_tokens", "tokens", "Mean input tokens of successful requests."),
  c("avg_output_tokens", "tokens", "Mean output tokens of successful requests."),
  c("total_time_mean", "s", "Total time (to last byte), mean, seconds."),
  c("total_time_p50", "s", "Total time, median (R-7), seconds."),
  c("total_time_p90", "s", "Total time, 90th percentile (R-7), seconds."),
  c("OTPS_mean", "tokens/s", "AWS-notebook OTPS = output tokens / total time (END TO END, not the decode rate): mean."),
  c("OTPS_p50", "tokens/s", "AWS-notebook OTPS (end to end): median (R-7)."),
  c("OTPS_p90", "tokens/s", "AWS-notebook OTPS (end to end): 90th percentile (R-7)."),
  c("OTPS_std", "tokens/s", "AWS-notebook OTPS (end to end): sample standard deviation."),
  c("service_tier", "", "Service tier served (the one asked for when nothing was served; 'default' when neither)."),
  c("concurrency", "", "Configured concurrency (0: not recorded, e.g. AWS-notebook imports)."),
  c("load_model", "", "closed (N workers) or open (scheduled arrivals)."),
  c("task_type", "", "Scenario task types of the group's requests, joined with '|' when several (not grouped by task type)."),
  c("tags", "", "Scenario tags joined with ';'; distinct tag sets joined with '|' when several (not grouped by tags)."),
  c("target", "", "emulator or aws."),
  c("source", "", "bedrock-bench, or aws-notebook for imported AWS-notebook files."),
  c("run_ids", "", "Runs the group's requests come from, joined with ';'."),
  c("performance_config_asked", "", "Performance configs asked for by the group's requests, joined with ';'."),
  c("service_tier_asked", "", "Service tiers asked for, joined with ';'."),
  c("group_label", "", "Short label of the group used in tables and charts."),
  c("requests", "", "Non-warm-up requests."),
  c("warmup_requests", "", "Warm-up requests (excluded from every other statistic unless included on request; their cost is warmup_cost_usd)."),
  c("successes", "", "Successful non-warm-up requests."),
  c("failures", "", "Failed non-warm-up requests (status error or timeout)."),
  c("aborted", "", "Requests aborted by the user (not failures; excluded from rates)."),
  c("error_rate", "", "failures / (requests − aborted)."),
  c("throttles", "", "Throttled failures: class ThrottlingException, or HTTP status 429."),
  c("throttle_rate", "", "throttles / (requests − aborted)."),
  c("failures_before_stream", "", "Failures before the event stream started."),
  c("failures_mid_stream", "", "Failures after the stream started."),
  c("failures_client", "", "Failures with no HTTP response at all (fault side `client`): a refused or reset connection, DNS, credentials, an abort before sending. Timeouts count before or mid-stream, where they happened."),
  c("retried_requests", "", "Requests the SDK attempted more than once."),
  c("retries", "", "Σ (attempts − 1)."),
  c("retry_delay_ms_total", "ms", "Σ SDK retry delay."),
  c("performance_config_fallbacks", "", "Requests served another performance config than asked (e.g. optimized → standard)."),
  c("service_tier_fallbacks", "", "Requests served another tier than asked."),
  ...statColumns("ttft_ms", "ms", "Time to first token"),
  ...statColumns("total_ms", "ms", "Total time (to last byte)"),
  ...statColumns("decode_tokens_per_s", "tokens/s", "Decode rate = output tokens / (total − TTFT)"),
  ...statColumns("e2e_tokens_per_s", "tokens/s", "End-to-end rate = output tokens / total (the AWS notebook's OTPS)"),
  ...statColumns("itl_ms", "ms", "Inter-token latency = (total − TTFT) / (output tokens − 1)"),
  ...statColumns("server_latency_ms", "ms", "Server latency (metadata.metrics.latencyMs)"),
  c("queue_wait_ms_mean", "ms", "Mean wait for a client-side concurrency slot (not service latency)."),
  c("queue_wait_ms_p99", "ms", "99th percentile of the client-side queue wait."),
  c("schedule_lag_ms_mean", "ms", "Open loop: mean of actual minus scheduled send time."),
  c("schedule_lag_ms_p99", "ms", "Open loop: 99th percentile of the schedule lag."),
  c("network_overhead_ms_p50", "ms", "Median of total − server latency (network and client overhead)."),
  c("input_tokens_total", "tokens", "Input tokens of successful requests."),
  c("output_tokens_total", "tokens", "Output tokens of successful requests."),
  c("cache_read_input_tokens_total", "tokens", "Cache-read input tokens of successful requests."),
  c("cache_write_input_tokens_total", "tokens", "Cache-write input tokens of successful requests."),
  c("window_s", "s", "Σ over runs of the span from the group's first send to its last completion."),
  c("requests_per_min", "1/min", "Achieved successful requests per minute over window_s."),
  c("output_tokens_per_min", "tokens/min", "Achieved output tokens per minute over window_s."),
  c("total_tokens_per_min", "tokens/min", "Achieved input + output tokens per minute over window_s."),
  c("cost_usd_total", "USD", "Cost of the non-warm-up requests: Bedrock's token usage × the pricing table (empty when no cost was recorded)."),
  c("cost_usd_per_success", "USD", "cost_usd_total / successes (failed requests' cost included)."),
  c("cost_usd_per_1k_output_tokens", "USD", "cost_usd_total / (output_tokens_total / 1000)."),
  c("warmup_cost_usd", "USD", "Cost of the warm-up requests, priced the same way (0 without warm-ups, empty when not recorded)."),
]);

/** Failures by class: column name of one class's rate. */
export function errorRateColumn(errorClass: string): string {
  return `error_rate_${errorClass.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

function statFields<P extends string>(prefix: P, d: Distribution | null, scale = 1): Stats<P> {
  const out: Record<string, number | null> = {};
  for (const s of STAT_NAMES) {
    const v = d === null ? null : d[s];
    out[`${prefix}_${s}`] = v === null ? null : v * scale;
  }
  return out as Stats<P>;
}


/** The summary row of one group. */
export function summarizeGroup(g: RequestGroup): SummaryRow {
  const s = g.samples;
  const ttft = describeSorted(sortedSample(g, "ttftMs"));
  const total = describeSorted(sortedSample(g, "totalMs"));
  const e2e = describeSorted(sortedSample(g, "outputTokensPerSecondE2E"));
  const queue = sortedSample(g, "queueWaitMs");
  const lag = sortedSample(g, "scheduleLagMs");
  const overhead = new Float64Array(s.totalMs.length);
  for (let i = 0; i < overhead.length; i++) overhead[i] = s.totalMs[i]! - s.serverLatencyMs[i]!;
  const overheadSorted = sortedFinite(overhead);
  const completed = g.requests - g.aborted;
  const windowMin = g.windowMs > 0 ? g.windowMs / 60_000 : 0;
  const cost = g.costedRequests > 0 ? g.costUsdTotal : null;
  const errorRateByClass: Record<string, number> = {};
  for (const [cls, n] of [...g.failuresByClass].sort(([a], [b]) => a.localeCompare(b))) errorRateByClass[cls] = n / completed;
  return {
    model: g.key.model,
    region: g.key.region,
    performance_config: g.key.performanceConfig,
    sample_size: ttft?.count ?? 0,
    TTFT_mean: ttft ? ttft.mean / 1000 : null,
    TTFT_p50: ttft ? ttft.p50 / 1000 : null,
    TTFT_p90: ttft ? ttft.p90 / 1000 : null,
    TTFT_std: ttft?.std != null ? ttft.std / 1000 : null,
    avg_input_tokens: meanFinite(s.inputTokens),
    avg_output_tokens: meanFinite(s.outputTokens),
    total_time_mean: total ? total.mean / 1000 : null,
    total_time_p50: total ? total.p50 / 1000 : null,
    total_time_p90: total ? total.p90 / 1000 : null,
    OTPS_mean: e2e?.mean ?? null,
    OTPS_p50: e2e?.p50 ?? null,
    OTPS_p90: e2e?.p90 ?? null,
    OTPS_std: e2e?.std ?? null,
    service_tier: g.key.serviceTier,
    concurrency: g.key.concurrency,
    load_model: g.key.loadModel,
    task_type: g.taskTypes.join("|"),
    tags: g.tagSets.join("|"),
    target: g.key.target,
    source: g.key.source,
    run_ids: g.runIds.join(";"),
    performance_config_asked: g.performanceConfigsAsked.join(";"),
    service_tier_asked: g.serviceTiersAsked.join(";"),
    group_label: g.label,
    requests: g.requests,
    warmup_requests: g.warmups,
    successes: g.successes,
    failures: g.failures,
    aborted: g.aborted,
    error_rate: ratio(g.failures, completed),
    throttles: g.throttles,
    throttle_rate: ratio(g.throttles, completed),
    failures_before_stream: g.failuresBySide.get("before-stream") ?? 0,
    failures_mid_stream: g.failuresBySide.get("mid-stream") ?? 0,
    failures_client: g.failuresBySide.get("client") ?? 0,
    retried_requests: g.retriedRequests,
    retries: g.retries,
    retry_delay_ms_total: g.retryDelayMsTotal,
    performance_config_fallbacks: g.performanceConfigFallbacks,
    service_tier_fallbacks: g.serviceTierFallbacks,
    ...statFields("ttft_ms", ttft),
    ...statFields("total_ms", total),
    ...statFields("decode_tokens_per_s", describeSorted(sortedSample(g, "outputTokensPerSecond"))),
    ...statFields("e2e_tokens_per_s", e2e),
    ...statFields("itl_ms", describeSorted(sortedSample(g, "interTokenLatencyMs"))),
    ...statFields("server_latency_ms", describeSorted(sortedSample(g, "serverLatencyMs"))),
    queue_wait_ms_mean: meanFinite(queue),
    queue_wait_ms_p99: queue.length > 0 ? quantileSorted(queue, 0.99) : null,
    schedule_lag_ms_mean: meanFinite(lag),
    schedule_lag_ms_p99: lag.length > 0 ? quantileSorted(lag, 0.99) : null,
    network_overhead_ms_p50: overheadSorted.length > 0 ? quantileSorted(overheadSorted, 0.5) : null,
    input_tokens_total: g.inputTokensTotal,
    output_tokens_total: g.outputTokensTotal,
    cache_read_input_tokens_total: g.cacheReadInputTokensTotal,
    cache_write_input_tokens_total: g.cacheWriteInputTokensTotal,
    window_s: g.windowMs > 0 ? g.windowMs / 1000 : null,
    requests_per_min: windowMin > 0 ? g.successes / windowMin : null,
    output_tokens_per_min: windowMin > 0 ? g.outputTokensTotal / windowMin : null,
    total_tokens_per_min: windowMin > 0 ? (g.inputTokensTotal + g.outputTokensTotal) / windowMin : null,
    cost_usd_total: cost,
    cost_usd_per_success: cost !== null && g.successes > 0 ? cost / g.successes : null,
    cost_usd_per_1k_output_tokens: cost !== null && g.outputTokensTotal > 0 ? cost / (g.outputTokensTotal / 1000) : null,
    warmup_cost_usd: g.warmups === 0 ? 0 : g.warmupCostedRequests > 0 ? g.warmupCostUsd : null,
    errorRateByClass,
  };
}

/** One summary row per group, in group order. */
export function summarize(input: ResultSet | readonly RequestGroup[]): SummaryRow[] {
  const groups = Array.isArray(input) ? (input as readonly RequestGroup[]) : (input as ResultSet).groups;
  return groups.map(summarizeGroup);
}

/** CSV header: the fixed columns, then one `error_rate_<class>` per error class seen in any row (sorted). */
export function summaryColumnNames(rows: readonly SummaryRow[]): string[] {
  const classes = new Set<string>();
  for (const r of rows) for (const cls of Object.keys(r.errorRateByClass)) classes.add(cls);
  return [...SUMMARY_COLUMNS.map((col) => col.name as string), ...[...classes].sort().map(errorRateColumn)];
}

/** Rows as flat records of CSV columns (error rates flattened; 0 for classes a group did not see). */
export function summaryRecords(rows: readonly SummaryRow[]): Record<string, string | number | null>[] {
  const columns = summaryColumnNames(rows);
  const classColumns = new Map<string, string>();
  for (const r of rows) for (const cls of Object.keys(r.errorRateByClass)) classColumns.set(errorRateColumn(cls), cls);
  return rows.map((r) => {
    const flat: Record<string, string | number | null> = {};
    for (const name of columns) {
      const cls = classColumns.get(name);
      if (cls !== undefined) flat[name] = r.errorRateByClass[cls] ?? (r.requests - r.aborted > 0 ? 0 : null);
      else flat[name] = (r as unknown as Record<string, string | number | null>)[name] ?? null;
    }
    return flat;
  });
}

/** The summary as CSV text: header, then full-precision values; empty cells for missing values. */
export function summaryToCsv(rows: readonly SummaryRow[]): string {
  const columns = summaryColumnNames(rows);
  const records = summaryRecords(rows).map((flat) => columns.map((name) => (flat[name] === null ? "" : String(flat[name]))));
  return stringify([columns, ...records]);
}

export interface WriteSummaryOptions {
  /** Output folder (default `results-analysis`). */
  outDir?: string;
  /** Clock for the file name's timestamp. */
  now?: () => Date;
}

/** Writes `<outDir>/analysis_summary_<YYYYMMDD_HHMMSS>.csv` (never overwriting: `_2`, `_3`… when taken); returns its path. */
export async function writeSummaryCsv(rows: readonly SummaryRow[], options: WriteSummaryOptions = {}): Promise<string> {
  const now = options.now ?? (() => new Date());
  return writeNewFile(options.outDir ?? "results-analysis", `analysis_summary_${fileTimestamp(now())}`, ".csv", summaryToCsv(rows));
}

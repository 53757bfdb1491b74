/**
 * What each number in a summary or report means, written once (from docs/measurement.md) and shown in
 * every report, so a reader never has to guess which "OTPS" or which percentile they are looking at.
 */
import type { ComparisonSettings } from "../analysis/comparison";

export interface MetricDefinition {
  term: string;
  definition: string;
}

export const METRIC_DEFINITIONS: readonly MetricDefinition[] = Object.freeze([
  {
    term: "Clock and start",
    definition:
      "Times come from a monotonic clock (performance.now()) at full precision, in milliseconds. A request starts just before client.send(); " +
      "time spent waiting for a client-side concurrency slot is recorded apart as the queue wait and is not service latency.",
  },
  { term: "TTFT (time to first token)", definition: "First contentBlockDelta event carrying non-empty text − start." },
  { term: "Total time (time to last byte)", definition: "End of the event stream (after the metadata event) − start. For a failure: until the failure was seen." },
  { term: "Generation time", definition: "Total − TTFT." },
  {
    term: "Decode rate (decode_tokens_per_s)",
    definition: "Output tokens / ((total − TTFT) / 1000). Tokens are Bedrock's usage.outputTokens, never re-tokenized.",
  },
  {
    term: "End-to-end rate (e2e_tokens_per_s, OTPS_*)",
    definition:
      "Output tokens / (total / 1000): what the AWS latency-benchmarking notebook (and GuideLLM per request) calls OTPS. It includes the time to first token, so it is always below the decode rate.",
  },
  {
    term: "ITL (inter-token latency)",
    definition: "(Total − TTFT) / (output tokens − 1). Chunk gaps are not token gaps (a chunk may carry several tokens), so tokens are counted from usage.",
  },
  { term: "Server latency", definition: "metadata.metrics.latencyMs as reported by Bedrock. Total − server latency ≈ network and client overhead." },
  {
    term: "Served configuration and fallbacks",
    definition:
      "Groups use the performance configuration (metadata.performanceConfig.latency) and service tier (metadata.serviceTier.type) Bedrock reported serving, which can differ from what was asked: past the latency-optimized quota Bedrock falls back to standard. A fallback is a request served something else than it asked for.",
  },
  {
    term: "Successes, failures, error and throttle rates",
    definition:
      "Failures are requests with status error or timeout; aborted requests (stopped by the user) are neither and are left out of the rates. Error rate = failures / (requests − aborted); throttles are ThrottlingException or HTTP 429 failures, throttle rate = throttles / (requests − aborted).",
  },
  {
    term: "Latency statistics",
    definition:
      "Computed over successful requests only, warm-ups excluded (unless included on request). Failed and warm-up requests are still counted in the request, failure and cost columns.",
  },
  { term: "Retries", definition: "$metadata.attempts − 1 per request, and the SDK's total retry delay. Latency studies default to a single attempt." },
  {
    term: "Achieved throughput",
    definition:
      "Successful requests and tokens per minute over the group's window: for each run, the span from the group's first send to its last completion, summed over runs.",
  },
  {
    term: "Cost",
    definition:
      "Estimated per request from Bedrock's usage and the pricing table (datasets/pricing.csv) at the configuration served. Cost per successful request divides the cost of every counted request, failed ones included, by the successes; cost per 1,000 output tokens divides it by the output tokens of successful requests.",
  },
  { term: "Queue wait and schedule lag", definition: "Queue wait: time waiting for a client-side concurrency slot. Schedule lag (open loop): actual send − scheduled send; a large lag means the client could not keep up the offered rate." },
]);

/** How percentiles and standard deviations are computed. */
export const PERCENTILE_METHOD =
  "Percentiles by linear interpolation between order statistics (R-7, the default of numpy and pandas, so they match the AWS notebook's pandas summary): " +
  "for n sorted values the p-quantile is at position h = (n − 1)·p. Standard deviations are sample standard deviations (n − 1 in the denominator, pandas' ddof=1).";

/** How comparisons are made and verdicts reached, with the settings used. */
export function comparisonMethod(settings: ComparisonSettings): string {
  const level = `${Math.round(settings.level * 100)}%`;
  const precision =
    settings.precisionMs !== null ? `±${settings.precisionMs} ms` : `±${Math.round(settings.relativePrecision * 1000) / 10}% of the baseline median`;
  return (
    `Two groups that differ in one dimension only (performance configuration, service tier or model) are compared on TTFT and total time. ` +
    `Differences are candidate − baseline (negative: the candidate is faster), for the median and the p90, each with a ${level} percentile bootstrap ` +
    `confidence interval (${settings.resamples.toLocaleString("en-US")} resamples of each group, seed ${settings.seed}). ` +
    `The p-value is the two-sided Wilcoxon rank-sum (Mann–Whitney U) test: exact without ties for small samples, else the normal approximation with tie and continuity corrections` +
    `${settings.permutations > 0 ? `; a permutation test of the difference of means (${settings.permutations.toLocaleString("en-US")} relabellings) is also given` : ""}. ` +
    `Verdict: "faster" or "slower" when p < ${settings.alpha} and the confidence interval of the median difference excludes 0; "no clear difference" otherwise; ` +
    `"too few samples" whenever either side has fewer than ${settings.minSamples} successful requests, whatever the p-value. ` +
    `With many comparisons some p-values fall below ${settings.alpha} by chance: each is also given Holm–Bonferroni adjusted over every test of the report, ` +
    `and a "faster" or "slower" verdict whose adjusted p is not below ${settings.alpha} is marked tentative. ` +
    `The sample size needed is the number of requests per configuration that would narrow the median difference's interval to ${precision} (half-widths shrink as 1/√n).`
  );
}

/**
 * The summary in the column layout of a simple CLI benchmark, for tools and spreadsheets that already read it:
 * `model_name,total_calls,successful_calls,error_rate,avg_response_time,min_response_time,max_response_time,
 * total_input_tokens,total_output_tokens,total_cost,cost_per_call,errors_timeout,errors_rate_limit,errors_service`.
 *
 * One row per model ID, in the order the models first appear among the groups: such tools compare models, so every
 * group of a model (regions, performance configs, tiers, concurrencies, runs…) is pooled into its row; the full
 * summary (`summary.ts`) keeps them apart. Computed from the groups' counts and samples, as the summary is:
 * - `total_calls`: non-warm-up calls that completed, successfully or not (aborted calls excluded, as from every rate);
 * - `successful_calls`; `error_rate` = failed / total_calls, a FRACTION from 0 to 1 (not a percentage);
 * - response times: total time (send to last byte) of the successful calls, in SECONDS: mean, minimum, maximum;
 * - tokens: input and output tokens of the successful calls, as Bedrock reported them;
 * - `total_cost`: USD of the non-warm-up calls (failed calls' cost included, empty when no cost was recorded);
 *   `cost_per_call` = total_cost / total_calls;
 * - `errors_timeout`: status timeout; `errors_rate_limit`: throttles (ThrottlingException or HTTP 429);
 *   `errors_service`: other service-side failures (5xx, in-stream exceptions). Other failures (4xx refusals such as
 *   validation or access, client-side connection failures) are in error_rate and in none of the three columns.
 * Values keep full precision; empty cells for missing values.
 */
import { stringify } from "csv-stringify/sync";
import type { RequestGroup } from "./request-groups";

/** One model's row, with the columns' names. */
export interface SimpleSummaryRow {
  model_name: string;
  total_calls: number;
  successful_calls: number;
  /** failed / total_calls, 0–1; null without calls. */
  error_rate: number | null;
  /** Seconds; null without a successful call. */
  avg_response_time: number | null;
  min_response_time: number | null;
  max_response_time: number | null;
  total_input_tokens: number;
  total_output_tokens: number;
  /** USD; null when no call has a cost. */
  total_cost: number | null;
  cost_per_call: number | null;
  errors_timeout: number;
  errors_rate_limit: number;
  errors_service: number;
}

/** The columns in CSV order. */
export const SIMPLE_SUMMARY_COLUMNS: readonly (keyof SimpleSummaryRow)[] = Object.freeze([
  "model_name",
  "total_calls",
  "successful_calls",
  "error_rate",
  "avg_response_time",
  "min_response_time",
  "max_response_time",
  "total_input_tokens",
  "total_output_tokens",
  "total_cost",
  "cost_per_call",
  "errors_timeout",
  "errors_rate_limit",
  "errors_service",
]);

interface Pool {
  groups: RequestGroup[];
}

/** One row per model ID (groups of a model pooled), in the order models first appear. */
export function simpleSummary(groups: readonly RequestGroup[]): SimpleSummaryRow[] {
  const byModel = new Map<string, Pool>();
  for (const g of groups) {
    const pool = byModel.get(g.key.model) ?? { groups: [] };
    pool.groups.push(g);
    byModel.set(g.key.model, pool);
  }
  return [...byModel].map(([model, { groups: gs }]) => {
    const sum = (f: (g: RequestGroup) => number) => gs.reduce((acc, g) => acc + f(g), 0);
    const calls = sum((g) => g.requests - g.aborted);
    let count = 0;
    let total = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const g of gs) {
      for (const ms of g.samples.totalMs) {
        if (!Number.isFinite(ms)) continue;
        count++;
        total += ms;
        if (ms < min) min = ms;
        if (ms > max) max = ms;
      }
    }
    const costed = sum((g) => g.costedRequests) > 0;
    const cost = costed ? sum((g) => g.costUsdTotal) : null;
    return {
      model_name: model,
      total_calls: calls,
      successful_calls: sum((g) => g.successes),
      error_rate: calls > 0 ? sum((g) => g.failures) / calls : null,
      avg_response_time: count > 0 ? total / count / 1000 : null,
      min_response_time: count > 0 ? min / 1000 : null,
      max_response_time: count > 0 ? max / 1000 : null,
      total_input_tokens: sum((g) => g.inputTokensTotal),
      total_output_tokens: sum((g) => g.outputTokensTotal),
      total_cost: cost,
      cost_per_call: cost !== null && calls > 0 ? cost / calls : null,
      errors_timeout: sum((g) => g.timeouts),
      errors_rate_limit: sum((g) => g.throttles),
      errors_service: sum((g) => g.serviceErrors),
    };
  });
}

/** The simple summary as CSV text: header, then full-precision values; empty cells for missing values. */
export function simpleSummaryToCsv(rows: readonly SimpleSummaryRow[]): string {
  return stringify([
    [...SIMPLE_SUMMARY_COLUMNS],
    ...rows.map((r) => SIMPLE_SUMMARY_COLUMNS.map((name) => (r[name] === null ? "" : String(r[name])))),
  ]);
}

/**
 * Cost: of one request, from the usage Bedrock reported and the configuration it served; and of a planned run,
 * estimated before anything is sent, so a run above its budget cap is refused.
 */

import { formatUsd } from "../base/number-format";
import { BenchError } from "../base/errors";
import type { PriceTable } from "./pricing";
import { priceFor } from "./pricing";
import type { Scenario } from "./scenarios";
import { configurationKey } from "./scenarios";

export interface CostInput {
  readonly modelId: string;
  /** Served performance config when known, else the asked one. */
  readonly performanceConfig: string;
  /** Served tier when known, else the asked one ("" or null = default). */
  readonly serviceTier: string | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cacheReadInputTokens: number | null;
  readonly cacheWriteInputTokens: number | null;
}

/** The multiplier of a service tier for a priced model, or null when the tier has no per-token price. */
function tierMultiplier(tier: string | null, priority: number | null, flex: number | null): number | null {
  switch (tier ?? "") {
    case "":
    case "default":
      return 1;
    case "priority":
      return priority;
    case "flex":
      return flex;
    default:
      return null; // reserved (capacity-billed) and unknown tiers
  }
}

/**
 * USD cost of a request: tokens × prices per 1,000 (latency-optimized prices when optimized was served and priced;
 * cache reads/writes at their prices, else at the input price), × the tier multiplier.
 * null when the model has no price, the tier is not priced per token, or no usage is known.
 */
export function requestCostUsd(table: PriceTable, input: CostInput): number | null {
  if (input.inputTokens === null && input.outputTokens === null) return null;
  const p = priceFor(table, input.modelId);
  if (!p) return null;
  const multiplier = tierMultiplier(input.serviceTier, p.priorityMultiplier, p.flexMultiplier);
  if (multiplier === null) return null;
  const optimized = input.performanceConfig === "optimized" && p.optimizedInputPer1k !== null && p.optimizedOutputPer1k !== null;
  const inputPrice = optimized ? p.optimizedInputPer1k! : p.inputPer1k;
  const outputPrice = optimized ? p.optimizedOutputPer1k! : p.outputPer1k;
  const usd =
    ((input.inputTokens ?? 0) * inputPrice +
      (input.outputTokens ?? 0) * outputPrice +
      (input.cacheReadInputTokens ?? 0) * (p.cacheReadPer1k ?? p.inputPer1k) +
      (input.cacheWriteInputTokens ?? 0) * (p.cacheWritePer1k ?? p.inputPer1k)) /
    1000;
  return usd * multiplier;
}

/** Characters per token assumed when estimating prompt sizes before a run (a common rule of thumb for English). */
export const CHARS_PER_TOKEN_ESTIMATE = 4;

/** Estimated input tokens of a scenario's prompt (system prompt and every message), before anything is sent. */
export function estimateInputTokens(s: Scenario): number {
  const chars = (s.systemPrompt?.length ?? 0) + s.messages.reduce((n, m) => n + m.text.length, 0);
  return Math.max(1, Math.ceil(chars / CHARS_PER_TOKEN_ESTIMATE));
}

export interface ConfigurationEstimate {
  readonly configuration: string;
  readonly modelId: string;
  readonly region: string;
  readonly performanceConfig: string;
  readonly serviceTier: string;
  readonly requests: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** null when the model or its tier has no price. */
  readonly costUsd: number | null;
}

export interface CostEstimate {
  /** Sum over priced requests, USD. */
  readonly totalUsd: number;
  readonly requests: number;
  readonly unpricedRequests: number;
  /** Models (as written in the dataset) without a price for their tier. */
  readonly unpricedModels: readonly string[];
  readonly byConfiguration: readonly ConfigurationEstimate[];
  /** How the estimate was made, for display. */
  readonly method: string;
}

/**
 * Estimates the cost of sending `requests` (one scenario per planned request): input tokens ≈ prompt characters / 4,
 * output tokens = `expected_output_tokens` (else `max_tokens`), at the asked configuration and tier. Prompts with a
 * cache point are priced as cache writes (an upper bound: later reads cost less).
 */
export function estimateCost(table: PriceTable, requests: readonly Scenario[]): CostEstimate {
  const groups = new Map<string, { s: Scenario; requests: number; inputTokens: number; outputTokens: number; costUsd: number | null }>();
  for (const s of requests) {
    const key = configurationKey(s);
    const g = groups.get(key) ?? { s, requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
    const inputTokens = estimateInputTokens(s);
    const cached = s.promptCache !== "none";
    const cost = requestCostUsd(table, {
      modelId: s.modelId,
      performanceConfig: s.performanceConfig,
      serviceTier: s.serviceTier,
      inputTokens: cached ? 0 : inputTokens,
      outputTokens: s.expectedOutputTokens,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: cached ? inputTokens : 0,
    });
    g.requests++;
    g.inputTokens += inputTokens;
    g.outputTokens += s.expectedOutputTokens;
    g.costUsd = cost === null || g.costUsd === null ? null : g.costUsd + cost;
    groups.set(key, g);
  }
  const byConfiguration = [...groups.entries()].map(([configuration, g]) =>
    Object.freeze({
      configuration,
      modelId: g.s.modelId,
      region: g.s.region,
      performanceConfig: g.s.performanceConfig,
      serviceTier: g.s.serviceTier ?? "default",
      requests: g.requests,
      inputTokens: g.inputTokens,
      outputTokens: g.outputTokens,
      costUsd: g.costUsd,
    }),
  );
  const unpriced = byConfiguration.filter((c) => c.costUsd === null);
  return Object.freeze({
    totalUsd: byConfiguration.reduce((sum, c) => sum + (c.costUsd ?? 0), 0),
    requests: requests.length,
    unpricedRequests: unpriced.reduce((n, c) => n + c.requests, 0),
    unpricedModels: Object.freeze([...new Set(unpriced.map((c) => (c.serviceTier === "default" ? c.modelId : `${c.modelId} (${c.serviceTier} tier)`)))]),
    byConfiguration: Object.freeze(byConfiguration),
    method: `input ≈ prompt characters / ${CHARS_PER_TOKEN_ESTIMATE}; output = expected_output_tokens (else max_tokens); asked configuration and tier; cached prompts priced as cache writes`,
  });
}

/** The run would exceed its budget cap (or its cost cannot be checked against the cap). Thrown before any request. */
export class BudgetExceededError extends BenchError {
  override name = "BudgetExceededError";
  override readonly kind = "budget";
  constructor(
    message: string,
    readonly estimate: CostEstimate,
    readonly maxCostUsd: number,
  ) {
    super(message);
  }
}

/** Throws `BudgetExceededError` when the estimate is above the cap, or when some requests cannot be priced. */
export function assertWithinBudget(estimate: CostEstimate, maxCostUsd: number | null): void {
  if (maxCostUsd === null) return;
  if (estimate.unpricedRequests > 0) {
    throw new BudgetExceededError(
      `cannot check the budget of ${formatUsd(maxCostUsd)}: ${estimate.unpricedRequests} planned request(s) use models without a price ` +
        `(${estimate.unpricedModels.join(", ")}); add them to the pricing table, or remove maxCostUsd`,
      estimate,
      maxCostUsd,
    );
  }
  if (estimate.totalUsd > maxCostUsd) {
    throw new BudgetExceededError(
      `estimated cost ${formatUsd(estimate.totalUsd)} for ${estimate.requests} requests exceeds the budget cap maxCostUsd ${formatUsd(maxCostUsd)}; ` +
        "lower invocations/repeats, or raise maxCostUsd (--max-cost)",
      estimate,
      maxCostUsd,
    );
  }
}

/** What a cost figure leaves out: ` (without m1, m2: not in the pricing table)`, or nothing when every model is priced. */
export function unpricedNote(models: readonly string[]): string {
  return models.length > 0 ? ` (without ${models.join(", ")}: not in the pricing table)` : "";
}

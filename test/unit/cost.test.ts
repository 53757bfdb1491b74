import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { BudgetExceededError, assertWithinBudget, estimateCost, estimateInputTokens, requestCostUsd, type CostInput } from "../../lib/inputs/cost";
import { PRICING_COLUMNS, parsePricing } from "../../lib/inputs/pricing";
import { parseScenario, type Scenario } from "../../lib/inputs/scenarios";

// Round numbers so the expected costs can be computed by hand.
const table = parsePricing(
  [
    PRICING_COLUMNS.join(","),
    "anthropic.claude-3-5-haiku-*,0.001,0.005,0.0001,0.00125,0.002,0.01,2,0.5,2025-01-01,test",
    "amazon.nova-micro-*,0.0001,0.0004,,,,,,,2025-01-01,test",
  ].join("\n"),
  "test.csv",
);

const usage = { inputTokens: 1000, outputTokens: 500, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 };
const haiku = (over: Partial<CostInput> = {}): CostInput => ({
  modelId: "us.anthropic.claude-3-5-haiku-20241022-v1:0",
  performanceConfig: "standard",
  serviceTier: null,
  ...usage,
  ...over,
});
const close = (actual: number | null, expected: number) => {
  assert.ok(actual !== null, "a cost");
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);
};

describe("requestCostUsd", () => {
  test("input and output at standard prices", () => close(requestCostUsd(table, haiku()), 0.001 + 0.0025));
  test("latency-optimized prices when optimized was served", () =>
    close(requestCostUsd(table, haiku({ performanceConfig: "optimized" })), 0.002 + 0.005));
  test("cache reads and writes at their prices; unpriced cache tokens at the input price", () => {
    close(requestCostUsd(table, haiku({ cacheReadInputTokens: 2000, cacheWriteInputTokens: 4000 })), 0.0035 + 0.0002 + 0.005);
    close(
      requestCostUsd(table, { ...haiku({ cacheReadInputTokens: 1000 }), modelId: "amazon.nova-micro-v1:0" }),
      (1000 * 0.0001 + 500 * 0.0004 + 1000 * 0.0001) / 1000,
    );
  });
  test("tier multipliers; reserved and unpriced tiers have no per-request cost", () => {
    close(requestCostUsd(table, haiku({ serviceTier: "priority" })), 0.0035 * 2);
    close(requestCostUsd(table, haiku({ serviceTier: "flex" })), 0.0035 * 0.5);
    close(requestCostUsd(table, haiku({ serviceTier: "default" })), 0.0035);
    close(requestCostUsd(table, haiku({ serviceTier: "" })), 0.0035);
    assert.equal(requestCostUsd(table, haiku({ serviceTier: "reserved" })), null);
    assert.equal(requestCostUsd(table, { ...haiku({ serviceTier: "priority" }), modelId: "amazon.nova-micro-v1:0" }), null);
  });
  test("no usage or no price: null, never 0", () => {
    assert.equal(requestCostUsd(table, haiku({ inputTokens: null, outputTokens: null })), null);
    assert.equal(requestCostUsd(table, haiku({ modelId: "cohere.command-r-v1:0" })), null);
  });
});

function scenario(over: Record<string, unknown>, line = 1): Scenario {
  const { scenario: s, problems } = parseScenario(
    { text_prompt: "x".repeat(400), expected_output_tokens: 50, model_id: "amazon.nova-micro-v1:0", region: "us-east-1", ...over },
    { file: "inline", line },
  );
  assert.deepEqual(problems, []);
  return s!;
}

describe("estimateCost and the budget", () => {
  test("input ≈ characters / 4 (system prompt and every turn), output = expected tokens, grouped by configuration", () => {
    assert.equal(estimateInputTokens(scenario({})), 100);
    assert.equal(estimateInputTokens(scenario({ text_prompt: "abc" })), 1);
    assert.equal(
      estimateInputTokens(scenario({ text_prompt: "t".repeat(40), system_prompt: "s".repeat(40), messages: [{ role: "user", content: "u".repeat(40) }, { role: "assistant", content: "a".repeat(40) }] })),
      40,
    );
    const micro = scenario({});
    const cached = scenario({ model_id: "us.anthropic.claude-3-5-haiku-20241022-v1:0", prompt_cache: "messages", service_tier: "priority" });
    const unknown = scenario({ model_id: "cohere.command-r-v1:0" });
    const estimate = estimateCost(table, [micro, micro, cached, unknown]);
    assert.equal(estimate.requests, 4);
    assert.equal(estimate.unpricedRequests, 1);
    assert.deepEqual(estimate.unpricedModels, ["cohere.command-r-v1:0"]);
    assert.deepEqual(
      estimate.byConfiguration.map((c) => [c.configuration, c.requests, c.inputTokens, c.outputTokens]),
      [
        ["amazon.nova-micro-v1:0 | us-east-1 | standard | default", 2, 200, 100],
        ["us.anthropic.claude-3-5-haiku-20241022-v1:0 | us-east-1 | standard | priority", 1, 100, 50],
        ["cohere.command-r-v1:0 | us-east-1 | standard | default", 1, 100, 50],
      ],
    );
    const microUsd = 2 * (100 * 0.0001 + 50 * 0.0004) / 1000;
    const cachedUsd = ((100 * 0.00125 + 50 * 0.005) / 1000) * 2; // prompt priced as a cache write, priority ×2
    close(estimate.byConfiguration[0]!.costUsd, microUsd);
    close(estimate.byConfiguration[1]!.costUsd, cachedUsd);
    assert.equal(estimate.byConfiguration[2]!.costUsd, null);
    close(estimate.totalUsd, microUsd + cachedUsd);
  });

  test("a run above the cap, or with unpriced requests under a cap, is refused before it starts", () => {
    const priced = estimateCost(table, [scenario({}), scenario({})]);
    assert.doesNotThrow(() => assertWithinBudget(priced, null));
    assert.doesNotThrow(() => assertWithinBudget(priced, priced.totalUsd));
    assert.throws(() => assertWithinBudget(priced, priced.totalUsd / 2), (err: BudgetExceededError) => {
      assert.ok(err instanceof BudgetExceededError);
      assert.match(err.message, /^estimated cost \$0\.0000600 for 2 requests exceeds the budget cap maxCostUsd \$0\.0000300; lower invocations\/repeats, or raise maxCostUsd \(--max-cost\)$/);
      return true;
    });
    const unpriced = estimateCost(table, [scenario({ model_id: "cohere.command-r-v1:0" })]);
    assert.doesNotThrow(() => assertWithinBudget(unpriced, null));
    assert.throws(() => assertWithinBudget(unpriced, 100), /1 planned request\(s\) use models without a price \(cohere\.command-r-v1:0\)/);
  });
});

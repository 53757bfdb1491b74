import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PRICING_COLUMNS, baseModelId, loadPricing, parsePricing, priceFor } from "../../lib/inputs/pricing";
import { PricingError, formatProblem } from "../../lib/base/input-error";
import { withTempDir } from "../helpers/temp-dir";

const HEADER = PRICING_COLUMNS.join(",");

function problemsOf(text: string): string[] {
  try {
    parsePricing(text, "p.csv");
  } catch (err) {
    assert.ok(err instanceof PricingError);
    return err.problems.map(formatProblem);
  }
  assert.fail("the table was accepted");
}

describe("the shipped pricing table", () => {
  const table = loadPricing();

  test("loads, and every published figure of the issue is there (USD per 1M → per 1k)", () => {
    const per1M = (model: string) => {
      const p = priceFor(table, model);
      assert.ok(p, `${model} has a price`);
      return [p.inputPer1k * 1000, p.outputPer1k * 1000].map((x) => Number(x.toFixed(6)));
    };
    assert.deepEqual(per1M("anthropic.claude-3-haiku-20240307-v1:0"), [0.25, 1.25]);
    assert.deepEqual(per1M("us.anthropic.claude-3-5-haiku-20241022-v1:0"), [0.8, 4]);
    assert.deepEqual(per1M("anthropic.claude-3-5-sonnet-20240620-v1:0"), [3, 15]);
    assert.deepEqual(per1M("us.anthropic.claude-3-7-sonnet-20250219-v1:0"), [3, 15]);
    assert.deepEqual(per1M("global.anthropic.claude-sonnet-4-20250514-v1:0"), [3, 15]);
    assert.deepEqual(per1M("us.anthropic.claude-opus-4-20250514-v1:0"), [15, 75]);
    assert.deepEqual(per1M("amazon.nova-micro-v1:0"), [0.035, 0.14]);
    assert.deepEqual(per1M("eu.amazon.nova-lite-v1:0"), [0.06, 0.24]);
    assert.deepEqual(per1M("us.amazon.nova-pro-v1:0"), [0.8, 3.2]);
    assert.deepEqual(per1M("meta.llama3-1-8b-instruct-v1:0"), [0.22, 0.22]);
    assert.deepEqual(per1M("us.meta.llama3-1-70b-instruct-v1:0"), [0.72, 0.72]);
    assert.deepEqual(per1M("us.meta.llama3-1-405b-instruct-v1:0"), [2.4, 2.4]);
    const haiku = priceFor(table, "us.anthropic.claude-3-5-haiku-20241022-v1:0")!;
    assert.deepEqual([haiku.optimizedInputPer1k! * 1000, haiku.optimizedOutputPer1k! * 1000].map((x) => Number(x.toFixed(6))), [1, 5]);
    // Anthropic cache reads 10% and writes 125% of input
    assert.equal(Number((haiku.cacheReadPer1k! / haiku.inputPer1k).toFixed(6)), 0.1);
    assert.equal(Number((haiku.cacheWritePer1k! / haiku.inputPer1k).toFixed(6)), 1.25);
    // Nova cache reads 75% off input, cache writes not charged (never the full input price)
    for (const nova of ["us.amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "us.amazon.nova-pro-v1:0"]) {
      const p = priceFor(table, nova)!;
      assert.equal(Number((p.cacheReadPer1k! / p.inputPer1k).toFixed(6)), 0.25, nova);
      assert.equal(p.cacheWritePer1k, 0, nova);
    }
    // every model the emulator ships a profile for has a price, so no emulated run is costed at $0 by omission
    const profiles = JSON.parse(readFileSync(join(__dirname, "..", "..", "datasets", "emulator-profiles.json"), "utf8")) as { models: { modelId: string }[] };
    assert.ok(profiles.models.length >= 16);
    for (const m of profiles.models) assert.ok(priceFor(table, m.modelId), `${m.modelId} has a price`);
    assert.deepEqual(per1M("mistral.mistral-large-2407-v1:0"), [2, 6]);
    for (const p of table.prices) assert.match(p.asOf, /^\d{4}-\d{2}-\d{2}$/);
  });

  test("models are matched through inference-profile prefixes and ARNs; unknown models have no price", () => {
    const arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0";
    assert.equal(baseModelId(arn), "anthropic.claude-3-5-haiku-20241022-v1:0");
    assert.equal(baseModelId("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"), "amazon.nova-pro-v1:0");
    assert.equal(baseModelId("apac.amazon.nova-pro-v1:0"), "amazon.nova-pro-v1:0");
    assert.equal(priceFor(table, arn)?.modelPattern, "anthropic.claude-3-5-haiku-*");
    assert.equal(priceFor(table, "anthropic.claude-3-haiku-20240307-v1:0")?.modelPattern, "anthropic.claude-3-haiku-*");
    assert.equal(priceFor(table, "cohere.command-r-v1:0"), null);
    assert.equal(priceFor(table, "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123"), null);
  });
});

describe("parsePricing", () => {
  test("the most specific pattern wins; empty cells are null", () => {
    const table = parsePricing(
      [
        HEADER,
        "# comment lines are skipped",
        "anthropic.*,1,2,,,,,,,2025-01-01,generic",
        "anthropic.claude-3-5-haiku-*,0.8,4,0.08,1,1,5,1.75,0.5,2025-01-01,specific",
      ].join("\n"),
      "p.csv",
    );
    assert.equal(priceFor(table, "us.anthropic.claude-3-5-haiku-20241022-v1:0")?.source, "specific");
    const generic = priceFor(table, "anthropic.claude-3-haiku-20240307-v1:0")!;
    assert.equal(generic.source, "generic");
    assert.equal(generic.line, 3);
    assert.equal(generic.cacheReadPer1k, null);
    assert.equal(generic.priorityMultiplier, null);
    assert.equal(table.sha256.length, 64);
  });

  test("every problem is reported with line, column, value and expectation, including cross-column ones", () => {
    assert.deepEqual(
      problemsOf(
        [
          HEADER,
          "a.*,x,1,,,0.1,,0,,2025-13-01,s",
          "a.*,1,1,,,,,,,2025-01-01,s",
          "b c,1,1,,,,,,,2025,s",
          "c.*,1,-1,x,,,,,abc,2025-01,s",
        ].join("\n"),
      ),
      [
        `p.csv:2: field 'input_per_1k' is "x" (string); expected a price in USD per 1,000 tokens (a number ≥ 0, e.g. 0.003)`,
        `p.csv:2: field 'as_of' is "2025-13-01" (string); expected a date YYYY-MM-DD (or YYYY-MM)`,
        `p.csv:2: field 'priority_multiplier' is "0" (string); expected empty, or a multiplier > 0`,
        "p.csv:2: field 'optimized_output_per_1k' is missing; expected both optimized prices, or neither",
        `p.csv:3: field 'model_pattern' is "a.*" (string); expected a pattern not already priced (line 2 prices it)`,
        `p.csv:4: field 'model_pattern' is "b c" (string); expected a model ID pattern such as anthropic.claude-3-5-haiku-* (letters, digits, . : - _ / and *)`,
        `p.csv:4: field 'as_of' is "2025" (string); expected a date YYYY-MM-DD (or YYYY-MM)`,
        `p.csv:5: field 'output_per_1k' is "-1" (string); expected a price in USD per 1,000 tokens (a number ≥ 0, e.g. 0.003)`,
        `p.csv:5: field 'cache_read_per_1k' is "x" (string); expected empty, or a price in USD per 1,000 tokens (a number ≥ 0)`,
        `p.csv:5: field 'flex_multiplier' is "abc" (string); expected empty, or a multiplier > 0 (e.g. 1.75)`,
      ],
    );
  });

  test("broken CSV and unknown columns", () => {
    assert.deepEqual(problemsOf(`${HEADER}\na,1`), [
      "p.csv:2: expected valid CSV (Invalid Record Length: columns length is 11, got 2 on line 2)",
    ]);
    assert.match(problemsOf(`${HEADER},extra\na.*,1,1,,,,,,,2025-01-01,s,3`)[0]!, /^p\.csv:2: field 'extra' is "3" \(string\); unknown field; expected one of the known fields/);
  });

  test("loadPricing reads a user's file and names a missing one", async () => {
    await withTempDir((dir) => {
      const path = join(dir, "prices.csv");
      writeFileSync(path, `\uFEFF${HEADER}\nmy.model-*,0.001,0.002,,,,,,,2025-06,mine\n`);
      assert.equal(priceFor(loadPricing(path), "us.my.model-1")?.source, "mine");
      assert.throws(() => loadPricing(join(dir, "nope.csv")), (err: PricingError) => /expected a readable CSV file \(ENOENT\)/.test(formatProblem(err.problems[0]!)));
    });
  });
});

describe("parsePricing: an empty table is refused (issue 18, defect 9c)", () => {
  test("an empty file, a header only, comments only: a header line and at least one row expected", () => {
    const expected = `p.csv: expected a header line (${HEADER}) and at least one price row (the file has no rows)`;
    assert.deepEqual(problemsOf(""), [expected]);
    assert.deepEqual(problemsOf("\n\n"), [expected]);
    assert.deepEqual(problemsOf(`${HEADER}\n`), [expected]);
    assert.deepEqual(problemsOf(`# nothing priced yet\n${HEADER}\n`), [expected]);
  });
});

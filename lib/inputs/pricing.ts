/**
 * The pricing table (`datasets/pricing.csv`, editable by users): USD per 1,000 tokens per model, with prompt-cache,
 * latency-optimized and service-tier prices. Models are matched through inference-profile prefixes and ARNs.
 */

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { type InputProblem, PricingError, describeValue, problemsFromIssues } from "../base/input-error";
import { shippedDataPath } from "../base/shipped-data";

export const PRICING_COLUMNS = [
  "model_pattern",
  "input_per_1k",
  "output_per_1k",
  "cache_read_per_1k",
  "cache_write_per_1k",
  "optimized_input_per_1k",
  "optimized_output_per_1k",
  "priority_multiplier",
  "flex_multiplier",
  "as_of",
  "source",
] as const;

/** One row of the table; null where the cell is empty. Prices in USD per 1,000 tokens. */
export interface ModelPrice {
  readonly modelPattern: string;
  readonly inputPer1k: number;
  readonly outputPer1k: number;
  /** null: cache reads are charged at the input price. */
  readonly cacheReadPer1k: number | null;
  /** null: cache writes are charged at the input price. */
  readonly cacheWritePer1k: number | null;
  /** null: latency-optimized inference is priced as standard. */
  readonly optimizedInputPer1k: number | null;
  readonly optimizedOutputPer1k: number | null;
  /** null: the priority tier has no price here. */
  readonly priorityMultiplier: number | null;
  readonly flexMultiplier: number | null;
  readonly asOf: string;
  readonly source: string;
  /** 1-based line in the CSV file. */
  readonly line: number;
}

export interface PriceTable {
  readonly path: string;
  readonly sha256: string;
  readonly prices: readonly ModelPrice[];
}

const PRICE_EXPECTED = "a price in USD per 1,000 tokens (a number ≥ 0, e.g. 0.003)";
const price = z.string({ error: PRICE_EXPECTED }).regex(/^\d+(\.\d+)?([eE]-?\d+)?$/, { error: PRICE_EXPECTED });
const OPTIONAL_PRICE_EXPECTED = "empty, or a price in USD per 1,000 tokens (a number ≥ 0)";
const optionalPrice = z
  .string({ error: OPTIONAL_PRICE_EXPECTED })
  .regex(/^(\d+(\.\d+)?([eE]-?\d+)?)?$/, { error: OPTIONAL_PRICE_EXPECTED });
const MULTIPLIER_EXPECTED = "empty, or a multiplier > 0 (e.g. 1.75)";
const multiplier = z.string({ error: MULTIPLIER_EXPECTED }).regex(/^(\d+(\.\d+)?)?$/, { error: MULTIPLIER_EXPECTED });

const rowSchema = z.strictObject({
  model_pattern: z
    .string()
    .regex(/^[A-Za-z0-9.:*_/-]+$/, { error: "a model ID pattern such as anthropic.claude-3-5-haiku-* (letters, digits, . : - _ / and *)" }),
  input_per_1k: price,
  output_per_1k: price,
  cache_read_per_1k: optionalPrice,
  cache_write_per_1k: optionalPrice,
  optimized_input_per_1k: optionalPrice,
  optimized_output_per_1k: optionalPrice,
  priority_multiplier: multiplier,
  flex_multiplier: multiplier,
  as_of: z
    .string({ error: "a date YYYY-MM-DD (or YYYY-MM)" })
    .regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, { error: "a date YYYY-MM-DD (or YYYY-MM)" }),
  source: z.string(),
});

const numberOrNull = (cell: string): number | null => (cell === "" ? null : Number(cell));

/** Parses pricing CSV text; `source` names the file in errors. Every problem is reported at once. */
export function parsePricing(text: string, source: string): PriceTable {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim()),
      comment: "#",
      comment_no_infix: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      bom: true,
    }) as unknown as { record: Record<string, string>; info: { lines: number } }[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new PricingError(`Pricing table ${source} is not valid CSV`, [
      { file: source, ...(e.lines ? { line: e.lines } : {}), field: "", value: "", expected: `valid CSV (${e.message})` },
    ]);
  }
  const problems: InputProblem[] = [];
  const prices: ModelPrice[] = [];
  const firstLine = new Map<string, number>();
  for (const { record, info } of rows) {
    const line = info.lines;
    const parsed = rowSchema.safeParse(record);
    if (!parsed.success) problems.push(...problemsFromIssues(parsed.error.issues, record, { file: source, line }, () => PRICING_COLUMNS));
    // Cross-column checks run on the cells even when another cell is invalid, so every problem is reported at once.
    const cell = (column: (typeof PRICING_COLUMNS)[number]): string => (typeof record[column] === "string" ? record[column] : "");
    for (const column of ["priority_multiplier", "flex_multiplier"] as const) {
      if (/^\d+(\.\d+)?$/.test(cell(column)) && Number(cell(column)) <= 0) {
        problems.push({ file: source, line, field: column, value: describeValue(cell(column)), expected: "empty, or a multiplier > 0" });
      }
    }
    if ((cell("optimized_input_per_1k") === "") !== (cell("optimized_output_per_1k") === "")) {
      const missing = cell("optimized_input_per_1k") === "" ? "optimized_input_per_1k" : "optimized_output_per_1k";
      problems.push({ file: source, line, field: missing, value: "", expected: "both optimized prices, or neither" });
    }
    const pattern = cell("model_pattern");
    const previous = firstLine.get(pattern);
    if (pattern !== "" && previous !== undefined) {
      problems.push({
        file: source,
        line,
        field: "model_pattern",
        value: describeValue(pattern),
        expected: `a pattern not already priced (line ${previous} prices it)`,
      });
    }
    if (pattern !== "" && previous === undefined) firstLine.set(pattern, line);
    if (!parsed.success) continue;
    const r = parsed.data;
    prices.push(
      Object.freeze({
        modelPattern: r.model_pattern,
        inputPer1k: Number(r.input_per_1k),
        outputPer1k: Number(r.output_per_1k),
        cacheReadPer1k: numberOrNull(r.cache_read_per_1k),
        cacheWritePer1k: numberOrNull(r.cache_write_per_1k),
        optimizedInputPer1k: numberOrNull(r.optimized_input_per_1k),
        optimizedOutputPer1k: numberOrNull(r.optimized_output_per_1k),
        priorityMultiplier: numberOrNull(r.priority_multiplier),
        flexMultiplier: numberOrNull(r.flex_multiplier),
        asOf: r.as_of,
        source: r.source,
        line,
      }),
    );
  }
  if (rows.length === 0) {
    // A table that prices nothing would leave every cost unknown and the budget cap unchecked: refused, not taken as "free".
    problems.push({
      file: source,
      field: "",
      value: "",
      expected: `a header line (${PRICING_COLUMNS.join(",")}) and at least one price row (the file has no rows)`,
    });
  }
  if (problems.length > 0) {
    throw new PricingError(`Pricing table ${source} is invalid: ${problems.length} problem${problems.length === 1 ? "" : "s"}`, problems);
  }
  const sha256 = createHash("sha256").update(text).digest("hex");
  return Object.freeze({ path: source, sha256, prices: Object.freeze(prices) });
}

/** Reads a pricing CSV (default: the shipped `datasets/pricing.csv`). */
export function loadPricing(file?: string): PriceTable {
  const path = resolve(file ?? shippedDataPath("pricing.csv"));
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new PricingError(`Cannot read pricing table ${path}`, [
      { file: path, field: "", value: "", expected: `a readable CSV file (${(err as NodeJS.ErrnoException).code ?? String(err)})` },
    ]);
  }
  return parsePricing(text, path);
}

const GEOGRAPHY_PREFIX = /^(us|eu|apac|global|us-gov|jp|au|ca)\./;

/**
 * The base model ID behind a model ID, cross-region inference-profile ID or ARN:
 * `us.anthropic.claude-3-5-haiku-20241022-v1:0` and
 * `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0`
 * both give `anthropic.claude-3-5-haiku-20241022-v1:0`. Application inference profiles (opaque IDs) stay as they are.
 */
export function baseModelId(modelId: string): string {
  let id = modelId;
  const arn = /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:(foundation-model|inference-profile|provisioned-model|application-inference-profile)\/(.+)$/.exec(id);
  if (arn) id = arn[2]!;
  return id.replace(GEOGRAPHY_PREFIX, "");
}

function patternRegex(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/** The most specific row matching a model (longest pattern without wildcards), or null when none does. */
export function priceFor(table: PriceTable, modelId: string): ModelPrice | null {
  const base = baseModelId(modelId);
  let best: ModelPrice | null = null;
  let bestSpecificity = -1;
  for (const row of table.prices) {
    if (!patternRegex(row.modelPattern).test(base)) continue;
    const specificity = row.modelPattern.replace(/\*/g, "").length;
    if (specificity > bestSpecificity) {
      best = row;
      bestSpecificity = specificity;
    }
  }
  return best;
}

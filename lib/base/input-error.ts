/**
 * Bad input (datasets, experiment configurations, pricing tables) is reported all at once, before any request is
 * sent: every problem names the file, the line, the field, the bad value and what was expected.
 */

import { closestName } from "./suggestion";
import { BenchError } from "./errors";

export interface InputProblem {
  /** File the value came from (or a description such as "experiment object"). */
  readonly file: string;
  /** 1-based line, when the input is line-oriented. */
  readonly line?: number;
  /** Field path, e.g. `messages[1].role`; empty for the whole line/file. */
  readonly field: string;
  /** The bad value, already quoted with `describeValue`; empty when the field is missing. */
  readonly value: string;
  /** What was expected, in words ("an integer ≥ 1"). */
  readonly expected: string;
  /** Optional extra hint, shown before the expectation ("unknown field, did you mean 'max_tokens'?"). */
  readonly hint?: string;
}

/** Renders a value for an error message: strings quoted, long values shortened, type named. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 57)}…` : value;
    return `${JSON.stringify(shown)} (string)`;
  }
  if (typeof value === "number" || typeof value === "boolean") return `${String(value)} (${typeof value})`;
  if (Array.isArray(value)) {
    const json = JSON.stringify(value);
    return `${json.length > 60 ? `${json.slice(0, 57)}…` : json} (array)`;
  }
  const json = JSON.stringify(value) ?? String(value);
  return `${json.length > 60 ? `${json.slice(0, 57)}…` : json} (${typeof value})`;
}

/** One problem as a line: `file:line: field 'x' is <value>; <hint>; expected <…>`. */
export function formatProblem(p: InputProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  const missing = p.value === "" || p.value === "missing";
  let head = "";
  if (p.field !== "") head = missing ? `field '${p.field}' is missing; ` : `field '${p.field}' is ${p.value}; `;
  else if (!missing) head = `${p.line !== undefined ? "the line" : "the value"} is ${p.value}; `;
  const hint = p.hint ? `${p.hint}; ` : "";
  return `${where}: ${head}${hint}expected ${p.expected}`;
}

/** Thrown when an input file or object is invalid; `problems` lists every problem found. */
export class InputError extends BenchError {
  override name = "InputError";
  override readonly kind = "input";
  readonly problems: readonly InputProblem[];
  constructor(summary: string, problems: readonly InputProblem[]) {
    const shown = problems.slice(0, 50).map((p) => `  - ${formatProblem(p)}`);
    if (problems.length > 50) shown.push(`  … and ${problems.length - 50} more`);
    super(`${summary}\n${shown.join("\n")}`);
    this.problems = Object.freeze([...problems]);
  }
}

/** A dataset (JSONL scenarios) is invalid. */
export class DatasetError extends InputError {
  override name = "DatasetError";
}

/** An experiment configuration is invalid or contradictory. */
export class ExperimentConfigError extends InputError {
  override name = "ExperimentConfigError";
}

/** The pricing table is invalid. */
export class PricingError extends InputError {
  override name = "PricingError";
}

/** A zod issue, structurally (so callers need not import zod's types). */
export interface SchemaIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
}

/** `["messages", 1, "role"]` → `messages[1].role`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/**
 * Converts schema issues into problems. Issue messages are written as expectations ("an integer ≥ 1").
 * `knownKeys(pathShape)` lists the accepted keys of the object at a path (indices written `[]`),
 * to suggest the intended name of an unknown field.
 */
export function problemsFromIssues(
  issues: readonly SchemaIssue[],
  raw: unknown,
  where: { file: string; line?: number },
  knownKeys: (pathShape: string) => readonly string[],
): InputProblem[] {
  const problems: InputProblem[] = [];
  const base = where.line === undefined ? { file: where.file } : { file: where.file, line: where.line };
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys" && issue.keys) {
      const shape = fieldPath(issue.path.map((p) => (typeof p === "number" ? "[]" : p))).replace(/\.\[\]/g, "[]");
      const known = knownKeys(shape);
      for (const key of issue.keys) {
        const guess = closestName(key, known);
        const field = fieldPath([...issue.path, key]);
        problems.push({
          ...base,
          field,
          value: describeValue(valueAt(raw, [...issue.path, key])),
          expected: `one of the known fields (${known.join(", ")})`,
          hint: guess ? `unknown field, did you mean '${guess}'?` : "unknown field",
        });
      }
      continue;
    }
    const value = valueAt(raw, issue.path);
    problems.push({ ...base, field: fieldPath(issue.path), value: describeValue(value), expected: expectation(issue.message) });
  }
  return problems;
}

/** zod's generic messages ("Invalid input: expected string, received number") become "a string"-style phrases. */
function expectation(message: string): string {
  const generic = /^Invalid input: expected (\w+), received \w+$/.exec(message);
  if (generic) {
    const type = generic[1]!;
    return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
  }
  return message;
}

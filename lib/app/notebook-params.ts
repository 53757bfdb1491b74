import { readFileSync } from "node:fs";
import { BenchError } from "../base/errors";

export type ParamValue = string | number | boolean | null | string[];
export type Params = Record<string, ParamValue>;

/** Environment variable naming a JSON file of notebook parameters (headless runs, the demo, tests). */
export const PARAMS_FILE_ENV = "BEDROCK_BENCH_PARAMS";
/** Prefix of per-parameter environment variables: `BB_PARAM_DATASET=...` sets `dataset`. */
export const PARAM_ENV_PREFIX = "BB_PARAM_";

export class NotebookParamsError extends BenchError {
  override name = "NotebookParamsError";
  override readonly kind = "input";
}

function envName(key: string): string {
  return PARAM_ENV_PREFIX + key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

function describe(value: unknown): string {
  return `${JSON.stringify(value)} (${Array.isArray(value) ? "array" : value === null ? "null" : typeof value})`;
}

function coerce(key: string, def: ParamValue, value: unknown, where: string): ParamValue {
  const expected = Array.isArray(def) ? "an array of strings" : def === null ? "a string or null" : `a ${typeof def}`;
  if (Array.isArray(def)) {
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  } else if (def === null) {
    if (value === null || typeof value === "string") return value as string | null;
  } else if (typeof value === typeof def) {
    if (typeof value !== "number" || Number.isFinite(value)) return value as ParamValue;
  }
  throw new NotebookParamsError(`${where}: parameter '${key}' is ${describe(value)}; expected ${expected}`);
}

function fromEnvString(key: string, def: ParamValue, raw: string, name: string): ParamValue {
  const where = `environment variable ${name}`;
  if (typeof def === "number") {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n)) throw new NotebookParamsError(`${where}: '${raw}' is not a number (parameter '${key}')`);
    return n;
  }
  if (typeof def === "boolean") {
    if (raw === "true" || raw === "1") return true;
    if (raw === "false" || raw === "0") return false;
    throw new NotebookParamsError(`${where}: '${raw}' is not true/false (parameter '${key}')`);
  }
  if (Array.isArray(def)) return raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  return raw;
}

/**
 * A notebook's parameters: its defaults, overridden by the JSON file named in `BEDROCK_BENCH_PARAMS`, then by
 * `BB_PARAM_<NAME>` environment variables (camelCase names become UPPER_SNAKE: `maxCostUsd` ← `BB_PARAM_MAX_COST_USD`).
 * Unknown names in the file and wrong types are errors that say where the value came from; unknown `BB_PARAM_*`
 * variables are reported through `warn` (they may be meant for another notebook). The result is frozen.
 */
export function notebookParameters<T extends Params>(
  defaults: T,
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = (message) => console.warn(message),
): Readonly<T> {
  const out: Params = { ...defaults };
  const file = env[PARAMS_FILE_ENV];
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      throw new NotebookParamsError(`${file}: cannot read parameters (${err instanceof Error ? err.message : String(err)})`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new NotebookParamsError(`${file}: expected a JSON object of parameters, got ${describe(parsed)}`);
    }
    for (const [key, value] of Object.entries(parsed)) {
      if (!(key in defaults)) {
        throw new NotebookParamsError(`${file}: unknown parameter '${key}'; this notebook takes ${Object.keys(defaults).join(", ")}`);
      }
      out[key] = coerce(key, defaults[key] as ParamValue, value, file);
    }
  }
  for (const key of Object.keys(defaults)) {
    const name = envName(key);
    const raw = env[name];
    if (raw !== undefined) out[key] = fromEnvString(key, defaults[key] as ParamValue, raw, name);
  }
  // A misspelt variable would otherwise be ignored in silence (the variables may also be meant for another notebook).
  const known = new Set(Object.keys(defaults).map(envName));
  for (const name of Object.keys(env).filter((n) => n.startsWith(PARAM_ENV_PREFIX) && !known.has(n)).sort()) {
    warn(`${name} is ignored: this notebook has no such parameter (it takes ${[...known].join(", ")})`);
  }
  return Object.freeze(out) as Readonly<T>;
}

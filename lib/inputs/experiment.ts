/**
 * Experiment configuration: how a dataset is run (target, load, order, retries, timeouts, transport, budget, outputs).
 * Validated once (zod), every default resolved, frozen: the same object builds the requests and is written to the
 * run manifest (`run.json`), so what was asked is what is recorded.
 */

import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { EmulatorOptionsError, parseEmulatorOptions } from "../emulator/options";
import { ExperimentConfigError, type InputProblem, describeValue, problemsFromIssues } from "../base/input-error";

export const TARGETS = ["emulator", "aws"] as const;
export type Target = (typeof TARGETS)[number];
export const ORDERS = ["shuffled", "interleaved", "sequential"] as const;
/**
 * Order of requests within a repeat. `shuffled` (default): seeded random order, configurations interleaved;
 * `interleaved`: round-robin over scenarios (invocation 0 of every scenario, then invocation 1, …);
 * `sequential`: all invocations of a scenario before the next (the AWS notebook's order; mixes drift into comparisons).
 */
export type Order = (typeof ORDERS)[number];
export const ARRIVAL_DISTRIBUTIONS = ["constant", "poisson"] as const;
export type ArrivalDistribution = (typeof ARRIVAL_DISTRIBUTIONS)[number];
export const HTTP_HANDLERS = ["http2", "http1"] as const;
/** `http2`: the SDK's default NodeHttp2Handler (one session per stream); `http1`: NodeHttpHandler with a sized socket pool. */
export type HttpHandlerKind = (typeof HTTP_HANDLERS)[number];
export const RETRY_MODES = ["standard", "adaptive"] as const;
export type RetryMode = (typeof RETRY_MODES)[number];

/** Default in-flight cap of an open-loop run when `concurrency` is not given. */
export const OPEN_LOOP_DEFAULT_CONCURRENCY = 512;

export interface Arrivals {
  /** Requests per second offered, regardless of completions. */
  readonly ratePerSec: number;
  readonly distribution: ArrivalDistribution;
}

/** A validated, fully resolved, frozen experiment. */
export interface Experiment {
  /** Appended to the results folder name; "" for none. */
  readonly name: string;
  readonly target: Target;
  readonly invocationsPerScenario: number;
  readonly repeats: number;
  readonly order: Order;
  /** Seeds the order shuffle and Poisson arrivals (drawn at random and recorded when not given). */
  readonly seed: number;
  /** `closed` (N workers) unless `arrivals` is set (`open`). */
  readonly loadModel: "closed" | "open";
  /** Closed loop: number of workers. Open loop: cap on requests in flight (a wait for it is recorded as queueWaitMs). */
  readonly concurrency: number;
  readonly arrivals: Arrivals | null;
  /** Stop scheduling new requests after this long (from the end of warm-up); null = run the whole schedule. */
  readonly durationSec: number | null;
  /** Closed loop: each worker pauses this long after a request before taking the next. */
  readonly sleepBetweenMs: number;
  /** Warm-up requests per configuration (model × region × performance config × tier), flagged and sent first. */
  readonly warmupRequests: number;
  /** SDK attempts per request (1 = no retries, the default for latency studies). */
  readonly maxAttempts: number;
  readonly retryMode: RetryMode;
  /** Give up when no response event arrived this long after send(). */
  readonly firstByteTimeoutMs: number;
  /** Give up when the response stream has not ended this long after send(). */
  readonly totalTimeoutMs: number;
  readonly httpHandler: HttpHandlerKind;
  /** `http1` only: socket pool size (≥ concurrency, so no request queues behind the pool). null for `http2`. */
  readonly maxSockets: number | null;
  /** Refuse to start when the estimated cost exceeds this; stop scheduling when the measured cost reaches it. */
  readonly maxCostUsd: number | null;
  /** Root folder of run folders. */
  readonly outputDir: string;
  /** `emulator`: an already running emulator to use instead of starting one. `aws`: a custom (e.g. VPC) endpoint. */
  readonly endpoint: string | null;
  /** Options passed to `startEmulator` (seed, timeScale, profiles, faults, …) when the emulator is started. */
  readonly emulator: Readonly<Record<string, unknown>>;
}

export const EXPERIMENT_FIELDS = [
  "name",
  "target",
  "invocationsPerScenario",
  "repeats",
  "order",
  "seed",
  "concurrency",
  "arrivals",
  "durationSec",
  "sleepBetweenMs",
  "warmupRequests",
  "maxAttempts",
  "retryMode",
  "firstByteTimeoutMs",
  "totalTimeoutMs",
  "httpHandler",
  "maxSockets",
  "maxCostUsd",
  "outputDir",
  "endpoint",
  "emulator",
] as const;

const int = (min: number, max: number, what = "") => {
  const error = `an integer from ${min} to ${max}${what}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
const positiveNumber = (max: number) => {
  const error = `a number > 0 and ≤ ${max}`;
  return z.number({ error }).positive({ error }).max(max, { error });
};
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `one of ${values.map((v) => JSON.stringify(v)).join(", ")}` });

const experimentSchema = z.strictObject({
  name: z
    .string({ error: "a name of 1–64 letters, digits, '.', '_' or '-'" })
    .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: "a name of 1–64 letters, digits, '.', '_' or '-'" })
    .optional(),
  target: oneOf(TARGETS).optional(),
  invocationsPerScenario: int(1, 1_000_000).optional(),
  repeats: int(1, 10_000).optional(),
  order: oneOf(ORDERS).optional(),
  seed: int(0, 2 ** 31 - 1).optional(),
  concurrency: int(1, 10_000).optional(),
  arrivals: z
    .strictObject(
      {
        ratePerSec: positiveNumber(100_000),
        distribution: oneOf(ARRIVAL_DISTRIBUTIONS).optional(),
      },
      { error: 'an object {"ratePerSec": number, "distribution": "constant" | "poisson"}' },
    )
    .optional(),
  durationSec: positiveNumber(7 * 24 * 3600).optional(),
  sleepBetweenMs: z
    .number({ error: "a number of milliseconds ≥ 0" })
    .min(0, { error: "a number of milliseconds ≥ 0" })
    .max(3_600_000, { error: "at most 3,600,000 ms" })
    .optional(),
  warmupRequests: int(0, 1000, " (per configuration)").optional(),
  maxAttempts: int(1, 20).optional(),
  retryMode: oneOf(RETRY_MODES).optional(),
  firstByteTimeoutMs: positiveNumber(3_600_000).optional(),
  totalTimeoutMs: positiveNumber(24 * 3_600_000).optional(),
  httpHandler: oneOf(HTTP_HANDLERS).optional(),
  maxSockets: int(1, 100_000).optional(),
  maxCostUsd: z.number({ error: "a number of US dollars ≥ 0" }).min(0, { error: "a number of US dollars ≥ 0" }).optional(),
  outputDir: z.string({ error: "a folder path" }).min(1, { error: "a non-empty folder path" }).optional(),
  endpoint: z
    .string({ error: 'an http(s) URL such as "http://127.0.0.1:4010"' })
    .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, { error: 'an http(s) URL such as "http://127.0.0.1:4010"' })
    .optional(),
  emulator: z
    .record(z.string(), z.unknown(), { error: "an object of emulator options (seed, timeScale, profiles, faults, …)" })
    .optional(),
});

type RawExperiment = z.infer<typeof experimentSchema>;

function knownKeys(shape: string): readonly string[] {
  if (shape === "arrivals") return ["ratePerSec", "distribution"];
  return EXPERIMENT_FIELDS;
}

/** Whether `endpoint` is `http://` to a host other than loopback (127.0.0.0/8, ::1, localhost). */
function cleartextToRemoteHost(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false; // the URL's shape is the schema's business
  }
  if (url.protocol !== "http:") return false;
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const loopback =
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  return !loopback;
}

/** Combinations that cannot mean what the user wants: rejected with the values quoted. */
function contradictions(raw: RawExperiment, file: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const at = (field: string, value: unknown, expected: string): void => {
    problems.push({ file, field, value: describeValue(value), expected });
  };
  const target = raw.target ?? "emulator";
  const handler = raw.httpHandler ?? "http2";
  const concurrency = raw.concurrency ?? (raw.arrivals ? OPEN_LOOP_DEFAULT_CONCURRENCY : 1);
  if (raw.arrivals && raw.sleepBetweenMs !== undefined && raw.sleepBetweenMs > 0) {
    at("sleepBetweenMs", raw.sleepBetweenMs, "no sleep with open-loop \"arrivals\" (arrivals set the pace; remove one of them)");
  }
  if (raw.maxSockets !== undefined && handler !== "http1") {
    at("maxSockets", raw.maxSockets, `no socket limit with httpHandler ${JSON.stringify(handler)} (it applies to "http1" only)`);
  }
  if (raw.maxSockets !== undefined && handler === "http1" && raw.maxSockets < concurrency) {
    at(
      "maxSockets",
      raw.maxSockets,
      `at least the concurrency (${concurrency}), or requests would queue behind the socket pool inside the measured latency`,
    );
  }
  if (raw.firstByteTimeoutMs !== undefined && raw.totalTimeoutMs !== undefined && raw.firstByteTimeoutMs > raw.totalTimeoutMs) {
    at("firstByteTimeoutMs", raw.firstByteTimeoutMs, `at most totalTimeoutMs (${raw.totalTimeoutMs})`);
  }
  if (raw.retryMode !== undefined && (raw.maxAttempts ?? 1) === 1) {
    at("retryMode", raw.retryMode, "no retry mode with maxAttempts 1 (no retries); set maxAttempts > 1 to retry");
  }
  if (target === "aws" && raw.endpoint !== undefined && cleartextToRemoteHost(raw.endpoint)) {
    // Credentials (SigV4 signatures, or a Bedrock API key as `Authorization: Bearer …`) would cross the network in clear.
    at(
      "endpoint",
      raw.endpoint,
      'an https:// endpoint for target "aws" (http:// sends credentials in cleartext; it is allowed only to a loopback host: 127.0.0.0/8, ::1, localhost)',
    );
  }
  if (raw.emulator !== undefined && target === "aws") {
    at("emulator", raw.emulator, 'no emulator options with target "aws"');
  }
  if (raw.emulator !== undefined && raw.endpoint !== undefined) {
    at("emulator", raw.emulator, "no emulator options with an \"endpoint\" (the emulator there is already configured)");
  }
  if (raw.emulator !== undefined && target === "emulator") {
    try {
      parseEmulatorOptions(raw.emulator, file, "emulator");
    } catch (err) {
      if (!(err instanceof EmulatorOptionsError)) throw err;
      problems.push(...err.problems);
    }
  }
  return problems;
}

/**
 * Validates a raw configuration (parsed JSON or an object from a notebook) and resolves every default.
 * `source` names where it came from in messages. Throws `ExperimentConfigError` listing every problem.
 */
export function parseExperiment(value: unknown, source = "experiment configuration"): Experiment {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ExperimentConfigError(`Experiment configuration ${source} is invalid`, [
      { file: source, field: "", value: describeValue(value), expected: "a JSON object" },
    ]);
  }
  const parsed = experimentSchema.safeParse(value);
  const problems = parsed.success
    ? contradictions(parsed.data, source)
    : problemsFromIssues(parsed.error.issues, value, { file: source }, knownKeys);
  if (!parsed.success || problems.length > 0) {
    throw new ExperimentConfigError(
      `Experiment configuration ${source} is invalid: ${problems.length} problem${problems.length === 1 ? "" : "s"} (nothing was sent)`,
      problems,
    );
  }
  const raw = parsed.data;
  const open = raw.arrivals !== undefined;
  const concurrency = raw.concurrency ?? (open ? OPEN_LOOP_DEFAULT_CONCURRENCY : 1);
  const httpHandler = raw.httpHandler ?? "http2";
  return Object.freeze({
    name: raw.name ?? "",
    target: raw.target ?? "emulator",
    invocationsPerScenario: raw.invocationsPerScenario ?? 1,
    repeats: raw.repeats ?? 1,
    order: raw.order ?? "shuffled",
    seed: raw.seed ?? randomInt(0, 2 ** 31 - 1),
    loadModel: open ? "open" : "closed",
    concurrency,
    arrivals: raw.arrivals ? Object.freeze({ ratePerSec: raw.arrivals.ratePerSec, distribution: raw.arrivals.distribution ?? "constant" }) : null,
    durationSec: raw.durationSec ?? null,
    sleepBetweenMs: raw.sleepBetweenMs ?? 0,
    warmupRequests: raw.warmupRequests ?? 0,
    maxAttempts: raw.maxAttempts ?? 1,
    retryMode: raw.retryMode ?? "standard",
    firstByteTimeoutMs: raw.firstByteTimeoutMs ?? 60_000,
    totalTimeoutMs: raw.totalTimeoutMs ?? Math.max(600_000, raw.firstByteTimeoutMs ?? 0),
    httpHandler,
    maxSockets: httpHandler === "http1" ? (raw.maxSockets ?? Math.max(concurrency, 50)) : null,
    maxCostUsd: raw.maxCostUsd ?? null,
    outputDir: raw.outputDir ?? "results",
    endpoint: raw.endpoint ?? null,
    emulator: Object.freeze({ ...(raw.emulator ?? {}) }),
  } satisfies Experiment) as Experiment;
}

/** Reads and validates an experiment JSON file. JSON syntax errors name the line. */
export function loadExperiment(file: string): Experiment {
  return parseExperiment(readExperimentFile(file), resolve(file));
}

/**
 * Reads an experiment JSON file without validating it (to apply overrides, e.g. CLI flags, before the one validation:
 * defaults that depend on other fields, such as the open-loop concurrency, are then resolved from the merged object).
 */
export function readExperimentFile(file: string): Record<string, unknown> {
  const path = resolve(file);
  let textContent: string;
  try {
    textContent = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ExperimentConfigError(`Cannot read experiment configuration ${path}`, [
      { file: path, field: "", value: "", expected: `a readable JSON file (${code})` },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(textContent.replace(/^\uFEFF/, ""));
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : -1;
    const line = offset >= 0 ? textContent.slice(0, offset).split("\n").length : undefined;
    throw new ExperimentConfigError(`Experiment configuration ${path} is not valid JSON`, [
      { file: path, ...(line === undefined ? {} : { line }), field: "", value: "", expected: `valid JSON (${message})` },
    ]);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ExperimentConfigError(`Experiment configuration ${path} is invalid`, [
      { file: path, field: "", value: describeValue(value), expected: "a JSON object" },
    ]);
  }
  return value as Record<string, unknown>;
}

/**
 * Applies overrides (e.g. CLI flags) on top of a raw configuration object and validates the result.
 * Keys with undefined values are ignored. Overriding `target` to `aws` (or giving an `endpoint`) drops the base's
 * `emulator` options.
 */
export function experimentWithOverrides(base: Experiment | Record<string, unknown>, overrides: Record<string, unknown>, source: string): Experiment {
  const merged: Record<string, unknown> = { ...rawFromExperiment(base) };
  // Switching a configuration to real Bedrock (or to an endpoint of one's own) leaves the built-in emulator's options
  // behind, unless the overrides give some: the same experiment file serves both targets.
  if ((overrides["target"] === "aws" || overrides["endpoint"] !== undefined) && overrides["emulator"] === undefined) delete merged["emulator"];
  for (const [key, val] of Object.entries(overrides)) if (val !== undefined) merged[key] = val;
  return parseExperiment(merged, source);
}

/**
 * The raw configuration that reproduces a resolved experiment (what `run.json` stores as `experiment`;
 * `parseExperiment(rawFromExperiment(e))` deep-equals `e`). Objects that are not resolved are returned as they are.
 */
export function rawFromExperiment(e: Experiment | Record<string, unknown>): Record<string, unknown> {
  if (!isResolved(e)) return { ...e };
  const out: Record<string, unknown> = {
    target: e.target,
    invocationsPerScenario: e.invocationsPerScenario,
    repeats: e.repeats,
    order: e.order,
    seed: e.seed,
    concurrency: e.concurrency,
    sleepBetweenMs: e.sleepBetweenMs,
    warmupRequests: e.warmupRequests,
    maxAttempts: e.maxAttempts,
    firstByteTimeoutMs: e.firstByteTimeoutMs,
    totalTimeoutMs: e.totalTimeoutMs,
    httpHandler: e.httpHandler,
    outputDir: e.outputDir,
  };
  if (e.name !== "") out["name"] = e.name;
  if (e.maxAttempts > 1) out["retryMode"] = e.retryMode;
  if (e.arrivals) out["arrivals"] = { ...e.arrivals };
  if (e.durationSec !== null) out["durationSec"] = e.durationSec;
  if (e.maxSockets !== null) out["maxSockets"] = e.maxSockets;
  if (e.maxCostUsd !== null) out["maxCostUsd"] = e.maxCostUsd;
  if (e.endpoint !== null) out["endpoint"] = e.endpoint;
  if (Object.keys(e.emulator).length > 0) out["emulator"] = { ...e.emulator };
  return out;
}

function isResolved(e: Experiment | Record<string, unknown>): e is Experiment {
  return typeof e["loadModel"] === "string" && typeof e["seed"] === "number" && Object.isFrozen(e);
}

import { statSync } from "node:fs";
import { z } from "zod";
import { describeValue, InputError, problemsFromIssues, type InputProblem } from "../base/input-error";
import type { ClockReadings } from "../base/clock";
import { faultRuleSchema, type FaultRule } from "./faults";
import { profileProblems, type ProfilesDocument } from "./profiles";

/**
 * Options of `startEmulator` and of `bedrock-bench emulator`. Everything but `clock` and `signal` is JSON-able, so the
 * same options can sit in an experiment file's `"emulator"` field (checked by `parseEmulatorOptions`).
 */
export interface EmulatorOptions {
  /** Interface to bind. Default `127.0.0.1` (loopback only). */
  host?: string;
  /** TCP port; 0 (the default) picks a free one (read it from `RunningEmulator.port`). */
  port?: number;
  /** Behaviour profiles: a JSON file path (relative to the working directory) or a document. Default: the shipped `datasets/emulator-profiles.json`. */
  profiles?: string | ProfilesDocument;
  /** Seed of every random draw (latencies, lengths, text, faults). Default 1: runs are reproducible unless you change it. */
  seed?: number;
  /** Real time = emulated time × timeScale, for every delay, quota refill, cache TTL and fault window. Default 1. */
  timeScale?: number;
  /** Fault rules, tried in order (see `faults.ts`). Default none. */
  faults?: FaultRule[];
  /** Append every ground-truth entry to this JSONL file (created if missing, never truncated). */
  groundTruthFile?: string;
  /** Most ground-truth entries kept in memory (oldest dropped first; the file keeps all). Default 100,000. */
  groundTruthLimit?: number;
  /** Region of requests whose `Authorization` carries none (Bearer API keys, unsigned). Default `us-east-1`. */
  defaultRegion?: string;
  /** How long before a due write the scheduler stops sleeping and polls (ms of real time). Default 1; 0 = timers only. */
  schedulerLeadMs?: number;
  /** The clock (monotonic `now()` + `epochMsAt()`; default `realClock`). It must advance with real time: writes are timed by real timers. */
  clock?: ClockReadings;
  /** Closes the emulator when aborted. */
  signal?: AbortSignal;
}

/** Bad emulator options: every problem names the source, the field (e.g. `emulator.faults[0].rate`), the value and what was expected. */
export class EmulatorOptionsError extends InputError {
  override name = "EmulatorOptionsError";
}

export const EMULATOR_OPTION_FIELDS = [
  "host",
  "port",
  "profiles",
  "seed",
  "timeScale",
  "faults",
  "groundTruthFile",
  "groundTruthLimit",
  "defaultRegion",
  "schedulerLeadMs",
] as const;

export const DEFAULT_EMULATOR_OPTIONS = Object.freeze({
  host: "127.0.0.1",
  port: 0,
  seed: 1,
  timeScale: 1,
  groundTruthLimit: 100_000,
  defaultRegion: "us-east-1",
  schedulerLeadMs: 1,
});

const jsonOptionsSchema = z.strictObject({
  host: z.string({ error: 'a host name or IP address such as "127.0.0.1"' }).min(1, { error: "a non-empty host name or IP address" }).optional(),
  port: z
    .number({ error: "a TCP port from 0 to 65535 (0 = any free port)" })
    .int({ error: "a TCP port from 0 to 65535 (0 = any free port)" })
    .min(0, { error: "a TCP port from 0 to 65535 (0 = any free port)" })
    .max(65535, { error: "a TCP port from 0 to 65535 (0 = any free port)" })
    .optional(),
  profiles: z.union([z.string().min(1), z.record(z.string(), z.unknown())], { error: "a profiles file path or a profiles object" }).optional(),
  seed: z.number({ error: "an integer seed" }).int({ error: "an integer seed" }).optional(),
  timeScale: z
    .number({ error: "a number > 0 and ≤ 1000 (real time = emulated time × timeScale)" })
    .positive({ error: "a number > 0 and ≤ 1000 (real time = emulated time × timeScale)" })
    .max(1000, { error: "a number > 0 and ≤ 1000 (real time = emulated time × timeScale)" })
    .optional(),
  faults: z.array(faultRuleSchema, { error: "a list of fault rules" }).optional(),
  groundTruthFile: z.string({ error: "a file path" }).min(1, { error: "a non-empty file path" }).optional(),
  groundTruthLimit: z.number({ error: "an integer ≥ 0" }).int({ error: "an integer ≥ 0" }).min(0, { error: "an integer ≥ 0" }).optional(),
  defaultRegion: z.string({ error: "an AWS region name" }).regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: "an AWS region name such as us-east-1" }).optional(),
  schedulerLeadMs: z.number({ error: "milliseconds from 0 to 20" }).min(0, { error: "milliseconds from 0 to 20" }).max(20, { error: "milliseconds from 0 to 20" }).optional(),
});

function knownKeys(shape: string): readonly string[] {
  if (shape === "") return EMULATOR_OPTION_FIELDS;
  if (shape === "faults[]") return Object.keys(faultRuleSchema.shape);
  return [];
}

function prefixed(prefix: string, field: string): string {
  if (prefix === "") return field;
  if (field === "") return prefix;
  return field.startsWith("[") ? `${prefix}${field}` : `${prefix}.${field}`;
}

/**
 * Validates JSON-able emulator options (an experiment file's `"emulator"` field, the CLI's flags) and returns them
 * frozen. `source` names where they came from; field paths start with `fieldPrefix` (default `emulator`).
 * Throws `EmulatorOptionsError` listing every problem.
 */
export function parseEmulatorOptions(raw: unknown, source: string, fieldPrefix = "emulator"): EmulatorOptions {
  if (raw === undefined || raw === null) return Object.freeze({});
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new EmulatorOptionsError(`Emulator options in ${source} are invalid`, [
      { file: source, field: fieldPrefix, value: describeValue(raw), expected: `an object with some of ${EMULATOR_OPTION_FIELDS.join(", ")}` },
    ]);
  }
  const parsed = jsonOptionsSchema.safeParse(raw);
  const problems: InputProblem[] = parsed.success
    ? []
    : problemsFromIssues(parsed.error.issues, raw, { file: source }, knownKeys).map((p) => ({ ...p, field: prefixed(fieldPrefix, p.field) }));
  const profiles = (raw as Record<string, unknown>)["profiles"];
  if (profiles !== null && typeof profiles === "object" && !Array.isArray(profiles)) {
    problems.push(...profileProblems(profiles, source, prefixed(fieldPrefix, "profiles")));
  }
  const groundTruthFile = (raw as Record<string, unknown>)["groundTruthFile"];
  if (typeof groundTruthFile === "string" && groundTruthFile !== "" && statSync(groundTruthFile, { throwIfNoEntry: false })?.isDirectory() === true) {
    // Appending to a folder fails only once the emulator writes: the ground truth would be lost with a line in run.log.
    problems.push({
      file: source,
      field: prefixed(fieldPrefix, "groundTruthFile"),
      value: describeValue(groundTruthFile),
      expected: "a file path (this is a folder; name a file inside it, e.g. ground-truth.jsonl)",
    });
  }
  if (!parsed.success || problems.length > 0) {
    throw new EmulatorOptionsError(
      `Emulator options in ${source} are invalid: ${problems.length} problem${problems.length === 1 ? "" : "s"}`,
      problems,
    );
  }
  const data = parsed.data as EmulatorOptions;
  const out: EmulatorOptions = {};
  for (const key of EMULATOR_OPTION_FIELDS) {
    if (data[key] !== undefined) (out as Record<string, unknown>)[key] = data[key];
  }
  if (out.faults) out.faults = Object.freeze(out.faults.map((rule) => Object.freeze({ ...rule }))) as FaultRule[];
  return Object.freeze(out);
}

/** Fault rules alone (a `--faults` file holding a JSON list), validated the same way; fields read `[0].rate`. */
export function parseFaultRules(raw: unknown, source: string): FaultRule[] {
  const parsed = z.array(faultRuleSchema, { error: "a list of fault rules" }).safeParse(raw);
  if (!parsed.success) {
    const problems = problemsFromIssues(parsed.error.issues, raw, { file: source }, (shape) => (shape === "[]" ? Object.keys(faultRuleSchema.shape) : []));
    throw new EmulatorOptionsError(`Fault rules in ${source} are invalid: ${problems.length} problem${problems.length === 1 ? "" : "s"}`, problems);
  }
  return parsed.data.map((rule) => Object.freeze({ ...rule }) as FaultRule);
}

/** Options with every default applied, validated, frozen: what the running emulator uses. */
export interface ResolvedEmulatorOptions {
  readonly host: string;
  readonly port: number;
  readonly profiles: string | ProfilesDocument | undefined;
  readonly seed: number;
  readonly timeScale: number;
  readonly faults: readonly FaultRule[];
  readonly groundTruthFile: string | undefined;
  readonly groundTruthLimit: number;
  readonly defaultRegion: string;
  readonly schedulerLeadMs: number;
  readonly clock: ClockReadings | undefined;
  readonly signal: AbortSignal | undefined;
}

/** Validates programmatic options (same rules as `parseEmulatorOptions`) and applies the defaults. */
export function resolveEmulatorOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const { clock, signal, ...json } = options;
  if (clock !== undefined && (typeof clock?.now !== "function" || typeof clock?.epochMsAt !== "function")) {
    const given = clock === null || typeof clock !== "object" ? describeValue(clock) : `an object with ${Object.keys(clock).join(", ") || "no fields"}`;
    throw new EmulatorOptionsError("Emulator options in startEmulator options are invalid", [
      { file: "startEmulator options", field: "clock", value: given, expected: "a clock with now() (monotonic ms) and epochMsAt(monotonicMs), like the library's realClock" },
    ]);
  }
  const checked = parseEmulatorOptions(json, "startEmulator options", "");
  return Object.freeze({
    host: checked.host ?? DEFAULT_EMULATOR_OPTIONS.host,
    port: checked.port ?? DEFAULT_EMULATOR_OPTIONS.port,
    profiles: checked.profiles,
    seed: checked.seed ?? DEFAULT_EMULATOR_OPTIONS.seed,
    timeScale: checked.timeScale ?? DEFAULT_EMULATOR_OPTIONS.timeScale,
    faults: checked.faults ?? [],
    groundTruthFile: checked.groundTruthFile,
    groundTruthLimit: checked.groundTruthLimit ?? DEFAULT_EMULATOR_OPTIONS.groundTruthLimit,
    defaultRegion: checked.defaultRegion ?? DEFAULT_EMULATOR_OPTIONS.defaultRegion,
    schedulerLeadMs: checked.schedulerLeadMs ?? DEFAULT_EMULATOR_OPTIONS.schedulerLeadMs,
    clock,
    signal,
  });
}

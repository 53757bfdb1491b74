/**
 * `run.json`, the manifest of a run folder: what was asked (the resolved experiment, every field), on what (dataset
 * path and sha256, pricing), how (transport, emulator options), where and with what (host, versions), when (sessions,
 * start, end), and how it ended. The engine builds it (`lib/engine/run-manifest.ts`) and rewrites it atomically at the
 * start and end of each session; `--resume` checks a continuation against it; the analysis shows it.
 *
 * This module is the file's contract: its type, its checks, and every read and write of it.
 * - {@link readRunManifest}: this version's manifest, checked (a resume reads it through `readResolvedManifest` of
 *   lib/engine/run-manifest.ts, which also re-validates its experiment);
 * - {@link readManifestContent}: any JSON object (this version's manifest, an older one, another tool's), for readers
 *   that only show what it holds; a missing or unreadable file is not an error there;
 * - {@link writeRunManifest}: the atomic write (a temporary file renamed over it).
 */

import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type * as Zod from "zod";
import { BenchError } from "../base/errors";
import { fieldPath } from "../base/input-error";
import type { RequestStatus } from "./request-record";

export const MANIFEST_FILE = "run.json";
export const MANIFEST_FORMAT = "bedrock-bench/run";
export const MANIFEST_FORMAT_VERSION = 1;

export const RUN_STATUSES = Object.freeze(["running", "completed", "stopped", "interrupted", "failed"] as const);
export type RunStatus = (typeof RUN_STATUSES)[number];

export const STOP_REASONS = Object.freeze(["aborted", "duration", "budget"] as const);
/** Why a run stopped before its schedule was done. */
export type StopReason = (typeof STOP_REASONS)[number];

/**
 * The experiment as run.json stores it: every field of the resolved experiment, defaults filled in. Its fields are
 * the experiment module's to check (`parseExperiment` in lib/inputs/experiment.ts), not this file's.
 */
export type RecordedExperiment = Readonly<Record<string, unknown>>;

/** What run.json records about the transport (the engine's `TransportDescription`). */
export interface RecordedTransport {
  readonly target: string;
  /** `http2` or `http1`. */
  readonly httpHandler: string;
  /** The handler class and its settings, as configured. */
  readonly handler: string;
  /** `http1`: sockets per origin; null for `http2`. */
  readonly maxSockets: number | null;
  readonly maxAttempts: number;
  readonly retryMode: string;
  /** The endpoint requests go to; null = the SDK's regional Bedrock Runtime endpoint. */
  readonly endpoint: string | null;
  readonly credentials: string;
  readonly regions: readonly string[];
}

/** Where a run's offsets start (`RunSession.offsetOrigin`): a monotonic clock reading and its wall-clock time, ms. */
export interface OffsetOrigin {
  readonly monotonicMs: number;
  readonly epochMs: number;
}

/** One session of a run: the first, then one per resume. */
export interface RunSession {
  readonly startedAt: string;
  endedAt: string | null;
  status: RunStatus;
  /** Requests sent in this session. */
  sent: number;
  readonly pid: number;
  /**
   * Where the records' offsets (`scheduledOffsetMs`, `sendOffsetMs`) start: this process's monotonic clock
   * (`performance.now()`) at offset 0, and the wall-clock time of offset 0 (the run's first start: a resumed session's
   * offsets continue the first session's, gap included). Ground-truth logs on the same clock can be joined exactly.
   * Absent from sessions written before it was added (format version 1 as first written): a run whose first session
   * has none starts its offsets again when resumed.
   */
  readonly offsetOrigin?: OffsetOrigin;
}

export interface EmulatorManifest {
  /** true: started in-process by this run; false: an already running one at `endpoint`. */
  readonly startedByRun: boolean;
  readonly endpoint: string;
  /** The options the emulator was started with (seed, timeScale, profiles, faults, …), as resolved. */
  readonly options: Readonly<Record<string, unknown>>;
}

/**
 * A run's manifest. `E` is how the experiment is typed: as stored ({@link RecordedExperiment}) for readers of the file,
 * the resolved `Experiment` for the engine that writes it and checks a resume against it.
 */
export interface RunManifest<E extends object = RecordedExperiment> {
  readonly format: typeof MANIFEST_FORMAT;
  readonly formatVersion: typeof MANIFEST_FORMAT_VERSION;
  readonly runId: string;
  status: RunStatus;
  stopReason: StopReason | null;
  message: string;
  /** The resolved experiment: every field, defaults filled in. */
  readonly experiment: E;
  readonly dataset: { readonly path: string; readonly sha256: string; readonly scenarios: number };
  readonly pricing: { readonly path: string; readonly sha256: string };
  readonly schedule: {
    readonly requests: number;
    readonly warmupRequests: number;
    readonly measuredRequests: number;
    readonly seed: number;
    readonly order: string;
  };
  readonly transport: RecordedTransport;
  readonly emulator: EmulatorManifest | null;
  readonly versions: { readonly node: string; readonly awsSdkClientBedrockRuntime: string; readonly bedrockBench: string };
  readonly host: {
    readonly hostname: string;
    readonly platform: string;
    readonly release: string;
    readonly arch: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly totalMemoryBytes: number;
  };
  readonly startedAt: string;
  endedAt: string | null;
  readonly sessions: RunSession[];
  readonly estimate: { readonly totalUsd: number; readonly requests: number; readonly unpricedRequests: number; readonly method: string };
  measured: { costUsd: number; byStatus: Record<RequestStatus, number>; recorded: number };
}

/** A run.json that cannot be read, or is not a manifest this version reads. */
export class ManifestError extends BenchError {
  override name = "ManifestError";
  override readonly kind = "results";
}

// The checks of RunManifest, built on first use: readers that only show a run.json (the analysis) never load zod.
// Objects are loose: fields a later version adds are kept (and written back on resume).
let schema: Zod.ZodType | undefined;
function manifestSchema(): Zod.ZodType {
  if (schema) return schema;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see above)
  const { z } = require("zod") as typeof Zod;
  const count = z.number();
  const statusSchema = z.enum(RUN_STATUSES);
  const object = z.record(z.string(), z.unknown());
  schema = z.looseObject({
    runId: z.string(),
    status: statusSchema,
    stopReason: z.enum(STOP_REASONS).nullable(),
    message: z.string(),
    experiment: object,
    dataset: z.looseObject({ path: z.string(), sha256: z.string(), scenarios: count }),
    pricing: z.looseObject({ path: z.string(), sha256: z.string() }),
    schedule: z.looseObject({ requests: count, warmupRequests: count, measuredRequests: count, seed: count, order: z.string() }),
    transport: z.looseObject({
      target: z.string(),
      httpHandler: z.string(),
      handler: z.string(),
      maxSockets: count.nullable(),
      maxAttempts: count,
      retryMode: z.string(),
      endpoint: z.string().nullable(),
      credentials: z.string(),
      regions: z.array(z.string()),
    }),
    emulator: z.looseObject({ startedByRun: z.boolean(), endpoint: z.string(), options: object }).nullable(),
    versions: z.looseObject({ node: z.string(), awsSdkClientBedrockRuntime: z.string(), bedrockBench: z.string() }),
    host: z.looseObject({
      hostname: z.string(),
      platform: z.string(),
      release: z.string(),
      arch: z.string(),
      cpus: count,
      cpuModel: z.string(),
      totalMemoryBytes: count,
    }),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    sessions: z.array(
      z.looseObject({
        startedAt: z.string(),
        endedAt: z.string().nullable(),
        status: statusSchema,
        sent: count,
        pid: count,
        // Added to format version 1 after its first release: optional, so older run folders still resume.
        offsetOrigin: z.looseObject({ monotonicMs: count, epochMs: count }).optional(),
      }),
    ),
    estimate: z.looseObject({ totalUsd: count, requests: count, unpricedRequests: count, method: z.string() }),
    measured: z.looseObject({
      costUsd: count,
      byStatus: z.looseObject({ success: count, error: count, timeout: count, aborted: count }),
      recorded: count,
    }),
  });
  return schema;
}

const MAX_ISSUES_SHOWN = 5;

/**
 * Checks a parsed `run.json` (`path` names it in messages) and returns it typed: a copy whose `sessions` list may be
 * appended to. The experiment is returned as stored.
 * @throws ManifestError when it is not a bedrock-bench manifest, has another format version, or lacks a field.
 */
export function parseRunManifest(value: unknown, path: string): RunManifest {
  if (value === null || typeof value !== "object" || (value as { format?: unknown }).format !== MANIFEST_FORMAT) {
    throw new ManifestError(`${path} is not a bedrock-bench run manifest (no "format": "${MANIFEST_FORMAT}")`);
  }
  const version = (value as { formatVersion?: unknown }).formatVersion;
  if (version !== MANIFEST_FORMAT_VERSION) {
    throw new ManifestError(`${path} has manifest format version ${String(version)}; this version of bedrock-bench reads ${MANIFEST_FORMAT_VERSION}`);
  }
  const checked = manifestSchema().safeParse(value);
  if (!checked.success) {
    const issues = checked.error.issues;
    const shown = issues.slice(0, MAX_ISSUES_SHOWN).map((i) => `${fieldPath(i.path) || "(top level)"}: ${i.message}`);
    if (issues.length > MAX_ISSUES_SHOWN) shown.push(`${issues.length - MAX_ISSUES_SHOWN} more`);
    throw new ManifestError(`${path} is not a complete run manifest: ${shown.join("; ")}`);
  }
  // The value itself, not zod's copy: nothing is added, dropped or reordered.
  const manifest = value as RunManifest;
  return { ...manifest, sessions: [...manifest.sessions] };
}

/** The path of a run folder's `run.json`. */
export function manifestPath(folder: string): string {
  return join(resolve(folder), MANIFEST_FILE);
}

/**
 * The JSON of a run folder's `run.json`, unchecked.
 * @throws ManifestError `cannot read <path>: <reason>` when the file is missing, unreadable or not JSON.
 */
export function readManifestJson(folder: string): unknown {
  const path = manifestPath(folder);
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ManifestError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/**
 * A run folder's `run.json`, checked ({@link parseRunManifest}).
 * @throws ManifestError when it is missing, unreadable, not JSON or not a manifest this version reads.
 */
export function readRunManifest(folder: string): RunManifest {
  return parseRunManifest(readManifestJson(folder), join(folder, MANIFEST_FILE));
}

/** What a run folder's `run.json` holds, for readers that show it rather than rely on it. */
export interface ManifestContent {
  /** The file (absolute). */
  readonly path: string;
  /** Its JSON object, unchecked; null when the file is absent or cannot be read, or is not a JSON object. */
  readonly content: Record<string, unknown> | null;
  /** Why a file that is there was not used ("not valid JSON (…)", "expected a JSON object"); null otherwise. */
  readonly problem: string | null;
}

/**
 * A run folder's `run.json` as any JSON object (this version's manifest, an older one, another tool's): never throws.
 * An absent or unreadable file gives no content and no problem; a file that is not a JSON object gives a problem.
 */
export function readManifestContent(folder: string): ManifestContent {
  const path = manifestPath(folder);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { path, content: null, problem: null };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { path, content: null, problem: `not valid JSON (${(error as Error).message})` };
  }
  if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return { path, content: parsed as Record<string, unknown>, problem: null };
  return { path, content: null, problem: "expected a JSON object" };
}

/** Writes any JSON as a run folder's `run.json`, atomically (a temporary file renamed over it). */
export function writeManifestJson(folder: string, value: unknown): void {
  const path = manifestPath(folder);
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Writes a run folder's `run.json`, atomically. */
export function writeRunManifest(folder: string, manifest: RunManifest<object>): void {
  writeManifestJson(folder, manifest);
}

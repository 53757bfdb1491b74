/**
 * `run.json`, the manifest of a run: what was asked (the resolved experiment, every field), on what (dataset path and
 * sha256, pricing), how (transport, emulator options), where and with what (host, versions), when (sessions, start,
 * end), and how it ended. It is rewritten atomically at start and end of each session, and is what `--resume` checks
 * a continuation against.
 */

import { cpus, hostname, release, totalmem } from "node:os";
import type { TransportDescription } from "./bedrock-clients";
import { type Experiment, EXPERIMENT_FIELDS, parseExperiment, rawFromExperiment } from "../inputs/experiment";
import type { RequestStatus } from "../records/request-record";
import type { RunPlan } from "./run-plan";
import type { StopReason } from "./run-progress";
import { VERSION } from "../base/version";
import { BenchError } from "../base/errors";

export const MANIFEST_FORMAT = "bedrock-bench/run";
export const MANIFEST_FORMAT_VERSION = 1;

export type RunStatus = "running" | "completed" | "stopped" | "interrupted" | "failed";

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
   */
  readonly offsetOrigin: { readonly monotonicMs: number; readonly epochMs: number };
}

export interface EmulatorManifest {
  /** true: started in-process by this run; false: an already running one at `endpoint`. */
  readonly startedByRun: boolean;
  readonly endpoint: string;
  /** The options the emulator was started with (seed, timeScale, profiles, faults, …), as resolved. */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface RunManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly formatVersion: typeof MANIFEST_FORMAT_VERSION;
  readonly runId: string;
  status: RunStatus;
  stopReason: StopReason | null;
  message: string;
  /** The resolved experiment: every field, defaults filled in. */
  readonly experiment: Experiment;
  readonly dataset: { readonly path: string; readonly sha256: string; readonly scenarios: number };
  readonly pricing: { readonly path: string; readonly sha256: string };
  readonly schedule: {
    readonly requests: number;
    readonly warmupRequests: number;
    readonly measuredRequests: number;
    readonly seed: number;
    readonly order: Experiment["order"];
  };
  readonly transport: TransportDescription;
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

function sdkVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a JSON file read at run time, not a module
    const pkg = require("@aws-sdk/client-bedrock-runtime/package.json") as { version: string };
    return pkg.version;
  } catch {
    return "unknown";
  }
}

export function hostDescription(): RunManifest["host"] {
  const cpuList = cpus();
  return {
    hostname: hostname(),
    platform: process.platform,
    release: release(),
    arch: process.arch,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? "",
    totalMemoryBytes: totalmem(),
  };
}

export function versions(): RunManifest["versions"] {
  return { node: process.version, awsSdkClientBedrockRuntime: sdkVersion(), bedrockBench: VERSION };
}

/** A new manifest for a run about to start. */
export function newManifest(
  runId: string,
  plan: RunPlan,
  transport: TransportDescription,
  emulator: EmulatorManifest | null,
  startedAt: Date,
  offsetOrigin: RunSession["offsetOrigin"],
): RunManifest {
  return {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_FORMAT_VERSION,
    runId,
    status: "running",
    stopReason: null,
    message: "",
    experiment: plan.experiment,
    dataset: { path: plan.dataset.path, sha256: plan.dataset.sha256, scenarios: plan.dataset.scenarios.length },
    pricing: { path: plan.pricing.path, sha256: plan.pricing.sha256 },
    schedule: {
      requests: plan.schedule.length,
      warmupRequests: plan.warmupRequests,
      measuredRequests: plan.measuredRequests,
      seed: plan.experiment.seed,
      order: plan.experiment.order,
    },
    transport,
    emulator,
    versions: versions(),
    host: hostDescription(),
    startedAt: startedAt.toISOString(),
    endedAt: null,
    sessions: [{ startedAt: startedAt.toISOString(), endedAt: null, status: "running", sent: 0, pid: process.pid, offsetOrigin }],
    estimate: {
      totalUsd: plan.estimate.totalUsd,
      requests: plan.estimate.requests,
      unpricedRequests: plan.estimate.unpricedRequests,
      method: plan.estimate.method,
    },
    measured: { costUsd: 0, byStatus: { success: 0, error: 0, timeout: 0, aborted: 0 }, recorded: 0 },
  };
}

export class ManifestError extends BenchError {
  override name = "ManifestError";
  override readonly kind = "results";
}

/** Checks a parsed `run.json` and returns it typed, with its experiment re-validated (and frozen) as this version reads it. */
export function parseManifest(value: unknown, path: string): RunManifest {
  if (value === null || typeof value !== "object" || (value as { format?: unknown }).format !== MANIFEST_FORMAT) {
    throw new ManifestError(`${path} is not a bedrock-bench run manifest (no "format": "${MANIFEST_FORMAT}")`);
  }
  const m = value as RunManifest;
  if (m.formatVersion !== MANIFEST_FORMAT_VERSION) {
    throw new ManifestError(`${path} has manifest format version ${String(m.formatVersion)}; this version of bedrock-bench reads ${MANIFEST_FORMAT_VERSION}`);
  }
  const experiment = parseExperiment(rawFromExperiment(Object.freeze({ ...m.experiment })), `${path} (experiment)`);
  return { ...m, experiment, sessions: [...m.sessions] };
}

/** Fields of the experiment that may change when a run is resumed (they do not change what is sent or measured). */
export const RESUMABLE_CHANGES: readonly (keyof Experiment)[] = Object.freeze(["maxCostUsd", "outputDir"]);

/**
 * Why a plan cannot continue a run, one line per difference ("" list when it can): another dataset (by content),
 * or an experiment field that differs (except those in `RESUMABLE_CHANGES`).
 */
export function resumeConflicts(manifest: RunManifest, plan: RunPlan): string[] {
  const conflicts: string[] = [];
  if (manifest.dataset.sha256 !== plan.dataset.sha256) {
    conflicts.push(
      `dataset differs: the run used ${manifest.dataset.path} (sha256 ${manifest.dataset.sha256.slice(0, 12)}…), ` +
        `now ${plan.dataset.path} (sha256 ${plan.dataset.sha256.slice(0, 12)}…)`,
    );
  }
  const fields: (keyof Experiment)[] = [...EXPERIMENT_FIELDS, "loadModel"];
  for (const field of fields) {
    if (RESUMABLE_CHANGES.includes(field)) continue;
    const before = JSON.stringify(manifest.experiment[field]);
    const now = JSON.stringify(plan.experiment[field]);
    if (before !== now) conflicts.push(`experiment field '${field}' differs: the run has ${before}, now ${now}`);
  }
  return conflicts;
}

/**
 * Building `run.json` (its type, checks, reads and atomic write are lib/records/run-manifest.ts) from a running
 * experiment: a new run's manifest, a resumed run's next session, the end of a session; and what a resume must not
 * change (`resumeConflicts`).
 */

import { cpus, hostname, release, totalmem } from "node:os";
import { join } from "node:path";
import type { Clock } from "../base/clock";
import type { TransportDescription } from "./bedrock-clients";
import { type Experiment, EXPERIMENT_FIELDS, parseExperiment, rawFromExperiment } from "../inputs/experiment";
import {
  type EmulatorManifest,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type OffsetOrigin,
  type RunManifest,
  type RunSession,
  type RunStatus,
  type StopReason,
  parseRunManifest,
  readManifestJson,
} from "../records/run-manifest";
import type { RunPlan } from "./run-plan";
import { VERSION } from "../base/version";

/** The manifest as the engine holds it: the experiment resolved. */
export type ResolvedManifest = RunManifest<Experiment>;

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

/**
 * Where this session's offsets start (`RunSession.offsetOrigin`): now for a new run; for a resumed one, the first
 * session's origin carried to this process's monotonic clock through the wall clock, so offsets continue. A run whose
 * first session recorded no origin (a run.json written before it was added) starts its offsets again, now.
 */
export function offsetOriginFor(previous: RunManifest<object> | null, clock: Clock, nowMs: number): OffsetOrigin {
  const firstOrigin = previous?.sessions[0]?.offsetOrigin;
  const runStartMs = firstOrigin ? nowMs - (clock.epochMsAt(nowMs) - firstOrigin.epochMs) : nowMs;
  return { monotonicMs: runStartMs, epochMs: clock.epochMsAt(runStartMs) };
}

function runningSession(startedAt: Date, offsetOrigin: OffsetOrigin): RunSession {
  return { startedAt: startedAt.toISOString(), endedAt: null, status: "running", sent: 0, pid: process.pid, offsetOrigin };
}

/** A new manifest for a run about to start. */
export function newManifest(
  runId: string,
  plan: RunPlan,
  transport: TransportDescription,
  emulator: EmulatorManifest | null,
  startedAt: Date,
  offsetOrigin: OffsetOrigin,
): ResolvedManifest {
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
    sessions: [runningSession(startedAt, offsetOrigin)],
    estimate: {
      totalUsd: plan.estimate.totalUsd,
      requests: plan.estimate.requests,
      unpricedRequests: plan.estimate.unpricedRequests,
      method: plan.estimate.method,
    },
    measured: { costUsd: 0, byStatus: { success: 0, error: 0, timeout: 0, aborted: 0 }, recorded: 0 },
  };
}

/** The manifest of a resumed run's next session: the stored one running again, with `experiment` as now resolved. */
export function resumedManifest(
  previous: ResolvedManifest,
  experiment: Experiment,
  startedAt: Date,
  offsetOrigin: OffsetOrigin,
): ResolvedManifest {
  return {
    ...previous,
    status: "running",
    stopReason: null,
    message: "",
    endedAt: null,
    experiment,
    sessions: [...previous.sessions, runningSession(startedAt, offsetOrigin)],
  };
}

/** The session in progress: the last one. */
export function currentSession(manifest: RunManifest<object>): RunSession {
  return manifest.sessions[manifest.sessions.length - 1]!;
}

/** Records how the current session (and so the run, for now) ended. */
export function endSession(
  manifest: RunManifest<object>,
  end: { status: Exclude<RunStatus, "running">; stopReason: StopReason | null; message: string; endedAt: Date; measured: RunManifest["measured"] },
): void {
  const session = currentSession(manifest);
  session.endedAt = end.endedAt.toISOString();
  session.status = end.status;
  manifest.status = end.status;
  manifest.stopReason = end.stopReason;
  manifest.message = end.message;
  manifest.endedAt = end.endedAt.toISOString();
  manifest.measured = end.measured;
}

/** Checks a parsed `run.json` and returns it typed, with its experiment re-validated (and frozen) as this version reads it. */
export function parseManifest(value: unknown, path: string): ResolvedManifest {
  const manifest = parseRunManifest(value, path);
  const experiment = parseExperiment(rawFromExperiment(Object.freeze({ ...manifest.experiment })), `${path} (experiment)`);
  return { ...manifest, experiment };
}

/**
 * A run folder's `run.json` with its experiment resolved, for continuing the run.
 * @throws ManifestError (unreadable, not a manifest) or an InputError (an experiment this version refuses).
 */
export function readResolvedManifest(folder: string): ResolvedManifest {
  return parseManifest(readManifestJson(folder), join(folder, MANIFEST_FILE));
}

/** Fields of the experiment that may change when a run is resumed (they do not change what is sent or measured). */
export const RESUMABLE_CHANGES: readonly (keyof Experiment)[] = Object.freeze(["maxCostUsd", "outputDir"]);

/**
 * Why a plan cannot continue a run, one line per difference ("" list when it can): another dataset (by content),
 * or an experiment field that differs (except those in `RESUMABLE_CHANGES`).
 */
export function resumeConflicts(manifest: ResolvedManifest, plan: RunPlan): string[] {
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

/**
 * Where a session of a run starts: a new run's plan, or, with `resume`, the plan that continues a run folder (its own
 * experiment and dataset, checked against what the caller gives) and what the folder already holds. Then the budget:
 * nothing is sent when the estimate of what is left exceeds what is left of the cap.
 */

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError, type InputProblem } from "../base/input-error";
import { assertWithinBudget, estimateCost } from "../inputs/cost";
import { rawFromExperiment, readExperimentFile } from "../inputs/experiment";
import type { RequestRecord } from "../records/request-record";
import { MANIFEST_FILE } from "../records/run-manifest";
import { ResultsWriter } from "./results-writer";
import type { RunResources } from "./run-resources";
import { type ResolvedManifest, readResolvedManifest, resumeConflicts } from "./run-manifest";
import { type RunInputs, type RunPlan, planRun } from "./run-plan";
import type { PlannedRequest } from "./schedule";

/** A run folder cannot be continued with these inputs; nothing was sent. */
export class ResumeError extends InputError {
  override name = "ResumeError";
}

export interface StartOptions extends RunInputs {
  /** A run folder to complete. */
  readonly resume?: string;
}

/** Where a session starts. */
export interface RunStart {
  readonly plan: RunPlan;
  /** The run's manifest before this session (resume); null for a new run. */
  readonly previous: ResolvedManifest | null;
  /** The run folder reopened (resume); null for a new run, whose folder is created once requests can be sent. */
  readonly reopened: ResultsWriter | null;
  /** Records already in the folder: all sessions, aborted ones included. */
  readonly previousRecords: readonly RequestRecord[];
  /** Sequences with a completed record (any status but `aborted`: those are sent again). The session adds to it. */
  readonly done: Set<number>;
  /** The scheduled requests this session sends: those not done. */
  readonly toSend: readonly PlannedRequest[];
  /** Cost of the records already in the folder, USD. */
  readonly measuredBefore: number;
}

function resumeError(folder: string, messages: readonly string[]): ResumeError {
  const file = join(folder, MANIFEST_FILE);
  const problems: InputProblem[] = messages.map((m) => ({ file, field: "", value: "", expected: m }));
  return new ResumeError(`Cannot resume ${folder}: ${messages.length} problem${messages.length === 1 ? "" : "s"} (nothing was sent)`, problems);
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The plan that continues a run: the stored experiment, with what the caller gives on top (then checked). */
async function planForResume(options: RunInputs, folder: string): Promise<{ plan: RunPlan; manifest: ResolvedManifest }> {
  let manifest: ResolvedManifest;
  try {
    manifest = readResolvedManifest(folder);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw resumeError(folder, [`a bedrock-bench run folder with a readable run.json (${(err as Error).message})`]);
  }
  const last = manifest.sessions[manifest.sessions.length - 1];
  if (manifest.status === "running" && last && processAlive(last.pid)) {
    throw resumeError(folder, [`the run is in progress in another process (pid ${last.pid}); stop it first, or wait for it to end`]);
  }
  const stored = rawFromExperiment(manifest.experiment);
  let given: Record<string, unknown> = {};
  if (typeof options.experiment === "string") {
    given = readExperimentFile(options.experiment);
  } else if (options.experiment !== undefined) {
    given = rawFromExperiment(options.experiment as Record<string, unknown>);
  }
  const plan = await planRun({
    dataset: options.dataset,
    experiment: { ...stored, ...given },
    ...(options.overrides ? { overrides: options.overrides } : {}),
    pricing: options.pricing ?? (existsSync(manifest.pricing.path) ? manifest.pricing.path : undefined)!,
  });
  const conflicts = resumeConflicts(manifest, plan);
  if (conflicts.length > 0) throw resumeError(folder, conflicts);
  return { plan, manifest };
}

function startFrom(plan: RunPlan, previous: ResolvedManifest | null, reopened: ResultsWriter | null, previousRecords: readonly RequestRecord[]): RunStart {
  const done = new Set(previousRecords.filter((r) => r.status !== "aborted").map((r) => r.sequence));
  return {
    plan,
    previous,
    reopened,
    previousRecords,
    done,
    toSend: plan.schedule.filter((p) => !done.has(p.sequence)),
    measuredBefore: previousRecords.reduce((sum, r) => sum + (r.costUsd ?? 0), 0),
  };
}

/**
 * The plan of a new run, or (with `resume`) the plan that continues the folder and what it holds; the folder is
 * reopened (and held by `resources`) only once the checks passed, so a refused resume leaves it untouched.
 * @throws InputError (dataset, experiment, pricing), ResumeError.
 */
export async function startingPoint(options: StartOptions, resources: RunResources): Promise<RunStart> {
  if (options.resume === undefined) return startFrom(await planRun(options), null, null, []);
  const folder = resolve(options.resume);
  const { plan, manifest } = await planForResume(options, folder);
  const { store, records } = ResultsWriter.open(folder, plan.models);
  return startFrom(plan, manifest, resources.holdFolder(store), records);
}

/**
 * The budget before anything is sent: the estimate of what is left to send against what is left of the cap.
 * @throws BudgetExceededError
 */
export function refuseOverBudget(start: RunStart): void {
  const { experiment, pricing, dataset } = start.plan;
  if (experiment.maxCostUsd === null) return;
  const remaining = estimateCost(pricing, start.toSend.map((p) => dataset.scenarios[p.scenarioIndex]!));
  assertWithinBudget(remaining, experiment.maxCostUsd - start.measuredBefore);
}

/**
 * Running an experiment: the plan (`lib/run-plan.ts`) sent under its load model, one record per request written as it
 * completes, progress reported as events, and the run folder's manifest kept up to date.
 *
 * Order of a run: validate every input and the budget (nothing is sent if anything is wrong) → start the emulator
 * (target `emulator` without an `endpoint`) → create (or reopen, for `resume`) the run folder → warm-ups (closed loop)
 * → the measured requests (closed or open loop) → close everything, whatever happened.
 * The caller's `AbortSignal` stops scheduling and aborts the calls in flight, which are recorded as `aborted`;
 * a duration bound or the budget cap stops scheduling and lets the calls in flight finish.
 */

import { setMaxListeners } from "node:events";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { ClientPool, type TransportDescription } from "./bedrock-clients";
import { type Clock, realClock } from "../base/clock";
import { assertWithinBudget, estimateCost } from "../inputs/cost";
import { type DispatchTiming, runClosedLoop, runOpenLoop } from "./load-loop";
import { startEmulator } from "../emulator/emulator-server";
import { parseEmulatorOptions } from "../emulator/options";
import { rawFromExperiment, readExperimentFile } from "../inputs/experiment";
import { formatUsd } from "../base/number-format";
import { InputError, type InputProblem } from "../base/input-error";
import { recordFor } from "./record-builder";
import type { RequestRecord } from "../records/request-record";
import { type ConverseStreamTransport, executeRequest } from "./request-executor";
import { MANIFEST_FILE, ResultsStore, readManifest } from "./results-writer";
import { type EmulatorManifest, type RunManifest, type RunStatus, newManifest, parseManifest, resumeConflicts } from "./run-manifest";
import { type RunInputs, type RunPlan, planRun } from "./run-plan";
import { ProgressCounter, type RunEvent, type StatusCounts, type StopReason, emptyStatusCounts } from "./run-progress";
import { type PlannedRequest, pacerFor } from "./schedule";

export interface RunOptions extends RunInputs {
  /** Aborting stops scheduling, aborts the calls in flight (recorded as `aborted`) and ends the run as `interrupted`. */
  readonly signal?: AbortSignal;
  /** Called synchronously with every event; keep it cheap (the CLI and notebook views rate-limit their rendering). */
  readonly onProgress?: (event: RunEvent) => void;
  /** A run folder to complete: sends only what it lacks (same schedule), refusing another dataset or configuration. */
  readonly resume?: string;
  /** Root of run folders (overrides the experiment's `outputDir`). */
  readonly outputDir?: string;
  /** Test seam: the clock (default: `performance.now()` and real timers). */
  readonly clock?: Clock;
  /** Test seam: the transport of a region (default: the SDK clients of `ClientPool`). */
  readonly transport?: (region: string) => ConverseStreamTransport;
  /** Test seam, and for notebooks that run their own emulator: where an `emulator` target sends requests. */
  readonly emulatorStarter?: EmulatorStarter;
}

/** Starts an emulator for a run and says how to stop it. */
export type EmulatorStarter = (options: Readonly<Record<string, unknown>>) => Promise<{
  readonly endpoint: string;
  /** The options as the emulator resolved them (recorded in run.json). */
  readonly options: Readonly<Record<string, unknown>>;
  close(): Promise<void>;
}>;

export interface RunCounts {
  /** Requests in the schedule (warm-ups included). */
  readonly scheduled: number;
  /** Records in the run folder (all sessions; aborted ones included). */
  readonly recorded: number;
  /** Requests sent in this session. */
  readonly sentThisSession: number;
  /** Scheduled requests without a completed (non-aborted) record: what a resume would send. */
  readonly missing: number;
  /** Records by status (all sessions). */
  readonly byStatus: StatusCounts;
}

export interface RunOutcome {
  readonly runId: string;
  /** Absolute path of the run folder. */
  readonly folder: string;
  readonly status: Exclude<RunStatus, "running">;
  readonly stopReason: StopReason | null;
  /** true when the run ended before its schedule was done (aborted, duration, budget). */
  readonly stopped: boolean;
  /** One line for people ("completed: 40 requests, 2 errors"). */
  readonly message: string;
  readonly counts: RunCounts;
  /** Estimated cost of the whole schedule before the run, USD. */
  readonly estimatedCostUsd: number;
  /** Cost of the recorded requests (priced ones), USD. */
  readonly measuredCostUsd: number;
  /** Models (and tiers) the pricing table has no price for: their requests are left out of both costs. */
  readonly unpricedModels: readonly string[];
  /** true when requests are missing and `resume` would send them. */
  readonly resumable: boolean;
  readonly transport: TransportDescription;
  readonly startedAt: string;
  readonly endedAt: string;
}

/** A run folder cannot be continued with these inputs; nothing was sent. */
export class ResumeError extends InputError {
  override name = "ResumeError";
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
async function planForResume(options: RunOptions, folder: string): Promise<{ plan: RunPlan; manifest: RunManifest }> {
  let manifest: RunManifest;
  try {
    manifest = parseManifest(readManifest(folder), join(folder, MANIFEST_FILE));
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

const MAX_LOGGED_FAILURES_PER_CLASS = 20;

/** The built-in emulator, in this process, on a free loopback port (unless the options say otherwise). */
const defaultEmulatorStarter: EmulatorStarter = async (raw) => {
  const running = await startEmulator(parseEmulatorOptions(raw, "experiment", "emulator"));
  const { clock: _clock, signal: _signal, profiles, ...options } = running.options;
  return {
    endpoint: running.endpoint,
    options: { ...options, profiles: typeof profiles === "string" ? profiles : profiles === undefined ? "(shipped defaults)" : "(inline document)" },
    close: () => running.close(),
  };
};

/**
 * Runs an experiment (or completes one, with `resume`). Throws an `InputError` (dataset, experiment, pricing, resume),
 * or a `BudgetExceededError`, before anything is sent; once requests are sent, every one is a record and the outcome
 * says how the run ended.
 */
export async function runExperiment(options: RunOptions): Promise<RunOutcome> {
  const clock = options.clock ?? realClock;
  const callerSignal = options.signal;
  callerSignal?.throwIfAborted();

  const resumeFolder = options.resume === undefined ? null : resolve(options.resume);
  const { plan, manifest: previousManifest } =
    resumeFolder === null ? { plan: await planRun(options), manifest: null } : await planForResume(options, resumeFolder);
  const { experiment, schedule, dataset } = plan;

  // What is already done (resume): completed records, of any status but `aborted` (those are sent again).
  // Opened only after the checks above, so a refused resume leaves the folder untouched.
  let store: ResultsStore;
  const pendingOpen = resumeFolder !== null ? ResultsStore.open(resumeFolder, plan.models) : null;
  const previousRecords: readonly RequestRecord[] = pendingOpen?.records ?? [];
  const done = new Set(previousRecords.filter((r) => r.status !== "aborted").map((r) => r.sequence));
  const toSend = schedule.filter((p) => !done.has(p.sequence));

  // Budget: the estimate of what is left, against what is left of the cap.
  const measuredBefore = previousRecords.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  if (experiment.maxCostUsd !== null) {
    const remaining = estimateCost(plan.pricing, toSend.map((p) => dataset.scenarios[p.scenarioIndex]!));
    try {
      assertWithinBudget(remaining, experiment.maxCostUsd - measuredBefore);
    } catch (err) {
      pendingOpen?.store.close();
      throw err;
    }
  }

  // The emulator, when the run starts one.
  let emulator: { endpoint: string; options: Readonly<Record<string, unknown>>; close(): Promise<void> } | null = null;
  let endpoint = experiment.endpoint;
  let emulatorManifest: EmulatorManifest | null = null;
  if (experiment.target === "emulator" && experiment.endpoint === null && options.transport === undefined) {
    const starter = options.emulatorStarter ?? defaultEmulatorStarter;
    let started: Awaited<ReturnType<EmulatorStarter>>;
    try {
      started = await starter(experiment.emulator);
    } catch (err) {
      pendingOpen?.store.close();
      throw err;
    }
    emulator = started;
    endpoint = started.endpoint;
    emulatorManifest = { startedByRun: true, endpoint: started.endpoint, options: started.options };
  } else if (experiment.target === "emulator" && experiment.endpoint !== null) {
    emulatorManifest = { startedByRun: false, endpoint: experiment.endpoint, options: {} };
  }

  const pool = new ClientPool({ experiment, endpoint });
  if (experiment.target === "aws" && options.transport === undefined) {
    try {
      await pool.checkCredentials(plan.regions[0]!);
    } catch (err) {
      pool.destroy();
      pendingOpen?.store.close();
      throw err;
    }
  }
  const transportFor = options.transport ?? ((region: string) => pool.transport(region));
  const transports = new Map<string, ConverseStreamTransport>();
  const transportOf = (region: string): ConverseStreamTransport => {
    let t = transports.get(region);
    if (!t) {
      t = transportFor(region);
      transports.set(region, t);
    }
    return t;
  };
  const transport = pool.describe(plan.regions);

  const nowMs = clock.now();
  const startedAt = new Date(clock.epochMsAt(nowMs));
  // Offsets count from the run's first start; a resumed session continues them (through the wall clock).
  const firstOrigin = previousManifest?.sessions[0]?.offsetOrigin;
  const runStartMs = firstOrigin ? nowMs - (clock.epochMsAt(nowMs) - firstOrigin.epochMs) : nowMs;
  const offsetOrigin = { monotonicMs: runStartMs, epochMs: clock.epochMsAt(runStartMs) };
  let manifest: RunManifest;
  if (pendingOpen && previousManifest) {
    store = pendingOpen.store;
    manifest = {
      ...previousManifest,
      status: "running",
      stopReason: null,
      message: "",
      endedAt: null,
      experiment,
      sessions: [
        ...previousManifest.sessions,
        { startedAt: startedAt.toISOString(), endedAt: null, status: "running", sent: 0, pid: process.pid, offsetOrigin },
      ],
    };
  } else {
    store = ResultsStore.create(options.outputDir ?? experiment.outputDir, experiment.name, startedAt, plan.models);
    manifest = newManifest(store.runId, plan, transport, emulatorManifest, startedAt, offsetOrigin);
  }
  const session = manifest.sessions[manifest.sessions.length - 1]!;
  const byStatus = emptyStatusCounts();
  for (const r of previousRecords) byStatus[r.status]++;
  manifest.measured = { costUsd: measuredBefore, byStatus: { ...byStatus }, recorded: previousRecords.length };
  store.writeManifest(manifest);
  store.log(
    "info",
    `${pendingOpen ? "resuming" : "starting"} run ${store.runId}: ${toSend.length} request(s) to send of ${schedule.length} scheduled ` +
      `(${plan.warmupRequests} warm-up), ${experiment.loadModel} loop, concurrency ${experiment.concurrency}` +
      `${experiment.arrivals ? `, ${experiment.arrivals.distribution} arrivals at ${experiment.arrivals.ratePerSec}/s` : ""}; ` +
      `dataset ${dataset.path} (sha256 ${dataset.sha256}); seed ${experiment.seed}; transport ${transport.handler}, ` +
      `maxAttempts ${experiment.maxAttempts}; target ${experiment.target}${endpoint ? ` at ${endpoint}` : ""}; ` +
      `estimated cost ${formatUsd(plan.estimate.totalUsd)}`,
  );

  // Stopping: the caller's abort (in-flight calls aborted), a duration bound or the budget (in-flight calls finish).
  const inFlightAbort = new AbortController();
  // Every call in flight listens to it (and may while it waits for the send gate): not a leak.
  setMaxListeners(2 * experiment.concurrency + 16, inFlightAbort.signal);
  let stopReason: StopReason | null = null;
  let fatal: unknown = null;
  const counter = new ProgressCounter(schedule.length, previousRecords, () => clock.now());
  const emit = (event: RunEvent): void => {
    if (!options.onProgress) return;
    try {
      options.onProgress(event);
    } catch (err) {
      store.log("warn", `the progress callback threw (ignored): ${(err as Error).message}`);
    }
  };
  const stop = (reason: StopReason, message: string): void => {
    if (stopReason !== null) return;
    stopReason = reason;
    store.log("warn", message);
    emit({ type: "run-stopping", reason, message, progress: counter.snapshot() });
  };
  const onCallerAbort = (): void => {
    const reason = callerSignal?.reason;
    const detail = reason instanceof Error ? reason.message : reason === undefined ? "" : String(reason);
    stop("aborted", `stopped by the caller${detail ? ` (${detail})` : ""}: scheduling stopped, ${counter.inFlight} request(s) in flight aborted`);
    inFlightAbort.abort(reason);
  };
  callerSignal?.addEventListener("abort", onCallerAbort, { once: true });

  const failuresLogged = new Map<string, number>();
  let recordedThisSession = 0;
  const execute = async (planned: PlannedRequest, timing: DispatchTiming): Promise<void> => {
    const scenario = dataset.scenarios[planned.scenarioIndex]!;
    const input = plan.inputs[planned.scenarioIndex]!;
    counter.sent();
    session.sent++;
    const outcome = await executeRequest(transportOf(scenario.region), input.request, {
      clock,
      signal: inFlightAbort.signal,
      firstByteTimeoutMs: experiment.firstByteTimeoutMs,
      totalTimeoutMs: experiment.totalTimeoutMs,
    });
    try {
      const record = recordFor(
        { runId: store.runId, planned, scenario, input, experiment, runStartMs, dueMs: timing.dueMs, queueWaitMs: timing.queueWaitMs },
        outcome,
        clock,
        plan.pricing,
      );
      store.append(record, outcome.text);
      counter.completed(record);
      byStatus[record.status]++;
      recordedThisSession++;
      if (record.status !== "aborted") done.add(record.sequence);
      if (record.status === "error" || record.status === "timeout") {
        const n = (failuresLogged.get(record.errorClass) ?? 0) + 1;
        failuresLogged.set(record.errorClass, n);
        if (n <= MAX_LOGGED_FAILURES_PER_CLASS) {
          store.log(
            "warn",
            `request ${record.sequence} (${record.modelId}, ${record.region}) ${record.status}: ${record.errorClass} ${record.faultSide}` +
              `${record.httpStatus !== null ? ` HTTP ${record.httpStatus}` : ""}: ${record.errorMessage}` +
              (n === MAX_LOGGED_FAILURES_PER_CLASS ? ` (further ${record.errorClass} failures are in requests.csv only)` : ""),
          );
        }
      }
      emit({ type: "request-completed", record, progress: counter.snapshot() });
      if (experiment.maxCostUsd !== null && counter.measuredCostUsd >= experiment.maxCostUsd && stopReason === null) {
        stop("budget", `measured cost ${formatUsd(counter.measuredCostUsd)} reached the budget cap maxCostUsd ${formatUsd(experiment.maxCostUsd)}: scheduling stopped`);
      }
    } catch (err) {
      // The record could not be written (disk full, …): nothing more is sent, the error is thrown at the end.
      if (fatal === null) fatal = err;
      stop("aborted", `cannot record request ${planned.sequence}: ${(err as Error).message}; stopping`);
      inFlightAbort.abort(err);
    }
  };

  emit({
    type: "run-started",
    runId: store.runId,
    folder: store.folder,
    alreadyDone: previousRecords.length,
    toSend: toSend.length,
    progress: counter.snapshot(),
  });

  let status: Exclude<RunStatus, "running"> = "completed";
  try {
    const warmups = toSend.filter((p) => p.warmup);
    const measured = toSend.filter((p) => !p.warmup);
    const shouldStopBase = (): boolean => stopReason !== null || inFlightAbort.signal.aborted;
    if (warmups.length > 0) {
      emit({ type: "phase", phase: "warmup", progress: counter.snapshot() });
      store.log("info", `warm-up: ${warmups.length} request(s)`);
      await runClosedLoop({
        items: warmups,
        concurrency: experiment.concurrency,
        sleepBetweenMs: 0,
        clock,
        shouldStop: shouldStopBase,
        signal: inFlightAbort.signal,
        execute,
      });
    }
    if (measured.length > 0 && !shouldStopBase()) {
      emit({ type: "phase", phase: "measured", progress: counter.snapshot() });
      const phaseStartMs = clock.now();
      const deadlineMs = experiment.durationSec === null ? null : phaseStartMs + experiment.durationSec * 1000;
      const shouldStop = (): boolean => {
        if (shouldStopBase()) return true;
        if (deadlineMs !== null && clock.now() >= deadlineMs) {
          stop("duration", `duration bound durationSec ${experiment.durationSec} reached: scheduling stopped, ${counter.inFlight} request(s) in flight finish`);
          return true;
        }
        return false;
      };
      store.log("info", `measured phase: ${measured.length} request(s)`);
      if (experiment.arrivals === null) {
        await runClosedLoop({ items: measured, concurrency: experiment.concurrency, sleepBetweenMs: experiment.sleepBetweenMs, clock, shouldStop, signal: inFlightAbort.signal, execute });
      } else {
        const sent = await runOpenLoop({
          items: measured,
          pacer: pacerFor(experiment.arrivals, experiment.seed),
          maxInFlight: experiment.concurrency,
          startMs: phaseStartMs,
          deadlineMs,
          clock,
          shouldStop,
          signal: inFlightAbort.signal,
          execute,
        });
        if (sent < measured.length && stopReason === null && deadlineMs !== null) {
          stop("duration", `duration bound durationSec ${experiment.durationSec} reached: ${measured.length - sent} scheduled request(s) not sent`);
        }
      }
    }
    status = stopReason === "aborted" ? "interrupted" : stopReason === null ? "completed" : "stopped";
    if (fatal !== null) status = "failed";
  } catch (err) {
    fatal ??= err;
    status = "failed";
  } finally {
    callerSignal?.removeEventListener("abort", onCallerAbort);
    pool.destroy();
    if (emulator) {
      try {
        await emulator.close();
      } catch (err) {
        store.log("warn", `closing the emulator failed: ${(err as Error).message}`);
      }
    }
  }

  const endedAt = new Date(clock.epochMsAt(clock.now()));
  const recorded = previousRecords.length + recordedThisSession;
  const missing = schedule.length - done.size;
  const measuredCostUsd = counter.measuredCostUsd;
  const message = outcomeMessage(status, stopReason, byStatus, missing, fatal);
  session.endedAt = endedAt.toISOString();
  session.status = status;
  manifest.status = status;
  manifest.stopReason = stopReason;
  manifest.message = message;
  manifest.endedAt = endedAt.toISOString();
  manifest.measured = { costUsd: measuredCostUsd, byStatus: { ...byStatus }, recorded };
  try {
    store.writeManifest(manifest);
    store.log(status === "completed" ? "info" : status === "failed" ? "error" : "warn", message);
  } finally {
    store.close();
  }
  emit({ type: "run-finished", status, message, progress: counter.snapshot() });
  if (fatal !== null) throw fatal;

  return Object.freeze({
    runId: store.runId,
    folder: store.folder,
    status,
    stopReason,
    stopped: stopReason !== null,
    message,
    counts: Object.freeze({ scheduled: schedule.length, recorded, sentThisSession: session.sent, missing, byStatus: Object.freeze({ ...byStatus }) }),
    estimatedCostUsd: plan.estimate.totalUsd,
    unpricedModels: plan.estimate.unpricedModels,
    measuredCostUsd,
    resumable: missing > 0,
    transport,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
  });
}

function outcomeMessage(status: RunStatus, stopReason: StopReason | null, byStatus: StatusCounts, missing: number, fatal: unknown): string {
  const counts =
    `${byStatus.success} succeeded, ${byStatus.error} errors, ${byStatus.timeout} timeouts` + (byStatus.aborted > 0 ? `, ${byStatus.aborted} aborted` : "");
  if (status === "failed") return `failed: ${(fatal as Error)?.message ?? String(fatal)} (${counts})`;
  if (status === "completed") return `completed: ${counts}`;
  const why = stopReason === "aborted" ? "interrupted" : stopReason === "duration" ? "stopped at the duration bound" : "stopped at the budget cap";
  return `${why}: ${counts}; ${missing} scheduled request(s) not completed`;
}

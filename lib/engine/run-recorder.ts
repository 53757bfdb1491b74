/**
 * One session of a run in its folder: run.json written at the start and at the end, run.log (the start, each failure
 * up to a cap per error class, the end), each request's record appended as it completes, and the progress events.
 */

import type { Clock } from "../base/clock";
import { formatUsd } from "../base/number-format";
import type { RequestRecord } from "../records/request-record";
import { type OffsetOrigin, writeRunManifest } from "../records/run-manifest";
import { ResultsWriter } from "./results-writer";
import { type ResolvedManifest, currentSession, endSession, newManifest, offsetOriginFor, resumedManifest } from "./run-manifest";
import { type RunOutcome, type SessionEnd, outcomeMessage } from "./run-outcome";
import { ProgressCounter, type RunEvent, type StatusCounts, emptyStatusCounts } from "./run-progress";
import type { RunResources } from "./run-resources";
import type { RunStart } from "./run-start";
import type { RunTarget } from "./run-target";

const MAX_LOGGED_FAILURES_PER_CLASS = 20;

export interface RecorderOptions {
  readonly clock: Clock;
  /** Called synchronously with every event; a callback that throws is logged and ignored. */
  readonly onProgress?: ((event: RunEvent) => void) | undefined;
  /** Root of run folders (overrides the experiment's `outputDir`). */
  readonly outputDir?: string | undefined;
}

/** A session that has ended: its outcome, and the error that failed it. */
export interface EndedSession {
  readonly outcome: RunOutcome;
  readonly end: SessionEnd;
  /** Reports the end (the `run-finished` event): once the folder is closed. */
  announce(): void;
}

export class RunRecorder {
  /** Progress counts (all sessions), for events and the budget. */
  readonly counter: ProgressCounter;
  private readonly byStatus: StatusCounts = emptyStatusCounts();
  private recordedThisSession = 0;
  private readonly failuresLogged = new Map<string, number>();

  private constructor(
    private readonly store: ResultsWriter,
    private readonly manifest: ResolvedManifest,
    private readonly start: RunStart,
    private readonly target: RunTarget,
    private readonly options: RecorderOptions,
    private readonly startedAt: Date,
    private readonly offsetOrigin: OffsetOrigin,
  ) {
    const { clock } = options;
    this.counter = new ProgressCounter(start.plan.schedule.length, start.previousRecords, () => clock.now());
    for (const r of start.previousRecords) this.byStatus[r.status]++;
  }

  /**
   * Starts the session in its folder (the reopened one, or a new one under `outputDir`, held by `resources`): run.json
   * written with the counts so far, the start logged.
   */
  static open(start: RunStart, target: RunTarget, options: RecorderOptions, resources: RunResources): RunRecorder {
    const { plan, previous } = start;
    const { clock } = options;
    const nowMs = clock.now();
    const startedAt = new Date(clock.epochMsAt(nowMs));
    const offsetOrigin = offsetOriginFor(previous, clock, nowMs);
    let store: ResultsWriter;
    let manifest: ResolvedManifest;
    if (start.reopened && previous) {
      store = start.reopened;
      manifest = resumedManifest(previous, plan.experiment, startedAt, offsetOrigin);
    } else {
      const { experiment } = plan;
      store = resources.holdFolder(ResultsWriter.create(options.outputDir ?? experiment.outputDir, experiment.name, startedAt, plan.models));
      manifest = newManifest(store.runId, plan, target.transport, target.emulator, startedAt, offsetOrigin);
    }
    const recorder = new RunRecorder(store, manifest, start, target, options, startedAt, offsetOrigin);
    recorder.begin();
    return recorder;
  }

  get runId(): string {
    return this.store.runId;
  }

  get folder(): string {
    return this.store.folder;
  }

  /** Monotonic ms of the run's offset 0 (its first start; a resumed session continues the offsets). */
  get runStartMs(): number {
    return this.offsetOrigin.monotonicMs;
  }

  private measuredSoFar(costUsd: number): ResolvedManifest["measured"] {
    return {
      costUsd,
      byStatus: { ...this.byStatus },
      recorded: this.start.previousRecords.length + this.recordedThisSession,
    };
  }

  private begin(): void {
    const { plan, toSend, reopened } = this.start;
    const { experiment, dataset } = plan;
    const { transport, endpoint } = this.target;
    this.manifest.measured = this.measuredSoFar(this.start.measuredBefore);
    writeRunManifest(this.folder, this.manifest);
    this.log(
      "info",
      `${reopened ? "resuming" : "starting"} run ${this.runId}: ${toSend.length} request(s) to send of ${plan.schedule.length} scheduled ` +
        `(${plan.warmupRequests} warm-up), ${experiment.loadModel} loop, concurrency ${experiment.concurrency}` +
        `${experiment.arrivals ? `, ${experiment.arrivals.distribution} arrivals at ${experiment.arrivals.ratePerSec}/s` : ""}; ` +
        `dataset ${dataset.path} (sha256 ${dataset.sha256}); seed ${experiment.seed}; transport ${transport.handler}, ` +
        `maxAttempts ${experiment.maxAttempts}; target ${experiment.target}${endpoint ? ` at ${endpoint}` : ""}; ` +
        `estimated cost ${formatUsd(plan.estimate.totalUsd)}`,
    );
  }

  /** A line in run.log. */
  log(level: "info" | "warn" | "error", message: string): void {
    this.store.log(level, message);
  }

  /** Reports an event to the caller's `onProgress`; a callback that throws is logged and ignored. */
  emit(event: RunEvent): void {
    if (!this.options.onProgress) return;
    try {
      this.options.onProgress(event);
    } catch (err) {
      this.store.log("warn", `the progress callback threw (ignored): ${(err as Error).message}`);
    }
  }

  /** The `run-started` event. */
  started(): void {
    this.emit({
      type: "run-started",
      runId: this.runId,
      folder: this.folder,
      alreadyDone: this.start.previousRecords.length,
      toSend: this.start.toSend.length,
      progress: this.counter.snapshot(),
    });
  }

  /** A request is being sent. */
  sending(): void {
    this.counter.sent();
    currentSession(this.manifest).sent++;
  }

  /**
   * Appends a completed request's record (and its answer), counts it, logs a failure (up to a cap per error class) and
   * reports it. Throws when the record cannot be written.
   */
  record(record: RequestRecord, responseText: string): void {
    this.store.append(record, responseText);
    this.counter.completed(record);
    this.byStatus[record.status]++;
    this.recordedThisSession++;
    if (record.status !== "aborted") this.start.done.add(record.sequence);
    if (record.status === "error" || record.status === "timeout") this.logFailure(record);
    this.emit({ type: "request-completed", record, progress: this.counter.snapshot() });
  }

  private logFailure(record: RequestRecord): void {
    const n = (this.failuresLogged.get(record.errorClass) ?? 0) + 1;
    this.failuresLogged.set(record.errorClass, n);
    if (n > MAX_LOGGED_FAILURES_PER_CLASS) return;
    this.log(
      "warn",
      `request ${record.sequence} (${record.modelId}, ${record.region}) ${record.status}: ${record.errorClass} ${record.faultSide}` +
        `${record.httpStatus !== null ? ` HTTP ${record.httpStatus}` : ""}: ${record.errorMessage}` +
        (n === MAX_LOGGED_FAILURES_PER_CLASS ? ` (further ${record.errorClass} failures are in requests.csv only)` : ""),
    );
  }

  /** Ends the session: run.json and the last log line say how; returns the outcome. */
  end(end: SessionEnd): EndedSession {
    const { clock } = this.options;
    const { plan, done } = this.start;
    const endedAt = new Date(clock.epochMsAt(clock.now()));
    const missing = plan.schedule.length - done.size;
    const message = outcomeMessage(end, this.byStatus, missing);
    const measured = this.measuredSoFar(this.counter.measuredCostUsd);
    endSession(this.manifest, { status: end.status, stopReason: end.stopReason, message, endedAt, measured });
    writeRunManifest(this.folder, this.manifest);
    this.log(end.status === "completed" ? "info" : end.status === "failed" ? "error" : "warn", message);
    const outcome: RunOutcome = Object.freeze({
      runId: this.runId,
      folder: this.folder,
      status: end.status,
      stopReason: end.stopReason,
      stopped: end.stopReason !== null,
      message,
      counts: Object.freeze({
        scheduled: plan.schedule.length,
        recorded: measured.recorded,
        sentThisSession: currentSession(this.manifest).sent,
        missing,
        byStatus: Object.freeze({ ...this.byStatus }),
      }),
      estimatedCostUsd: plan.estimate.totalUsd,
      unpricedModels: plan.estimate.unpricedModels,
      measuredCostUsd: measured.costUsd,
      resumable: missing > 0,
      transport: this.target.transport,
      startedAt: this.startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
    });
    return {
      outcome,
      end,
      announce: () => this.emit({ type: "run-finished", status: end.status, message, progress: this.counter.snapshot() }),
    };
  }
}

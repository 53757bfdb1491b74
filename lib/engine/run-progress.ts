/**
 * Progress of a run as typed events (`onProgress`), for the CLI's bar or lines and the notebook's in-place display.
 * Every event carries the counts so far; `progressSnapshot(event)` turns any of them into the `ProgressSnapshot` that
 * `lib/notebook/progress-view.ts` renders.
 */
import { type RequestRecord, type RequestStatus, isThrottle } from "../records/request-record";
import type { StopReason } from "../records/run-manifest";

/** What a progress display shows: counts so far in a run. */
export interface ProgressSnapshot {
  done: number;
  total: number;
  errors: number;
  throttles: number;
  inFlight: number;
  elapsedMs: number;
  /** Completed requests per second so far. */
  ratePerSec: number;
  /** Measured cost so far, USD (omitted when unknown). */
  costUsd?: number;
  /** Set on the last update (run finished or stopped). */
  finished?: boolean;
  /** A closing line, e.g. "stopped by the user: 12 requests aborted". */
  message?: string;
  /** A standing line under the counts, e.g. where the results go and how to complete the run. */
  note?: string;
}

export type { StopReason } from "../records/run-manifest";

export interface ProgressCounts {
  /** Requests recorded, including those a resumed run had already recorded. */
  readonly done: number;
  /** Requests in the schedule (warm-ups included). */
  readonly total: number;
  /** Recorded requests that failed (`error` or `timeout`). */
  readonly errors: number;
  /** Failures that were throttling (`ThrottlingException`, incl. in-stream, or any HTTP 429), as the analysis counts them. */
  readonly throttles: number;
  readonly aborted: number;
  readonly inFlight: number;
  /** Since this session's first request, monotonic ms. */
  readonly elapsedMs: number;
  /** Requests completed per second in this session. */
  readonly ratePerSec: number;
  /** Measured cost so far (priced requests), USD. */
  readonly costUsd: number;
}

export type RunEvent =
  | {
      readonly type: "run-started";
      readonly runId: string;
      readonly folder: string;
      /** Requests a resumed run had already recorded (0 for a new run). */
      readonly alreadyDone: number;
      /** Requests this session will send (at most; a duration or budget bound may stop earlier). */
      readonly toSend: number;
      readonly progress: ProgressCounts;
    }
  | { readonly type: "phase"; readonly phase: "warmup" | "measured"; readonly progress: ProgressCounts }
  | { readonly type: "request-completed"; readonly record: RequestRecord; readonly progress: ProgressCounts }
  | { readonly type: "run-stopping"; readonly reason: StopReason; readonly message: string; readonly progress: ProgressCounts }
  | {
      readonly type: "run-finished";
      readonly status: "completed" | "stopped" | "interrupted" | "failed";
      readonly message: string;
      readonly progress: ProgressCounts;
    };

/** The progress display's view of an event. */
export function progressSnapshot(event: RunEvent): ProgressSnapshot {
  const p = event.progress;
  const snapshot: ProgressSnapshot = {
    done: p.done,
    total: p.total,
    errors: p.errors,
    throttles: p.throttles,
    inFlight: p.inFlight,
    elapsedMs: p.elapsedMs,
    ratePerSec: p.ratePerSec,
    costUsd: p.costUsd,
  };
  if (event.type === "run-finished") {
    snapshot.finished = true;
    snapshot.message = event.message;
  } else if (event.type === "run-stopping") {
    snapshot.message = event.message;
  }
  return snapshot;
}

/** Counts kept by the runner as records arrive. */
export class ProgressCounter {
  private done: number;
  private errors = 0;
  private throttles = 0;
  private aborted = 0;
  private completedThisSession = 0;
  private costUsd: number;
  inFlight = 0;
  private firstSendMs: number | null = null;

  constructor(
    private readonly total: number,
    previous: readonly Pick<RequestRecord, "status" | "errorClass" | "httpStatus" | "costUsd">[],
    private readonly now: () => number,
  ) {
    this.done = 0;
    this.costUsd = 0;
    for (const r of previous) this.count(r);
  }

  private count(r: Pick<RequestRecord, "status" | "errorClass" | "httpStatus" | "costUsd">): void {
    this.done++;
    if (r.status === "error" || r.status === "timeout") this.errors++;
    if (r.status !== "success" && isThrottle(r.errorClass, r.httpStatus)) this.throttles++;
    if (r.status === "aborted") this.aborted++;
    if (r.costUsd !== null) this.costUsd += r.costUsd;
  }

  sent(): void {
    this.inFlight++;
    if (this.firstSendMs === null) this.firstSendMs = this.now();
  }

  completed(r: Pick<RequestRecord, "status" | "errorClass" | "httpStatus" | "costUsd">): void {
    this.inFlight--;
    this.completedThisSession++;
    this.count(r);
  }

  get measuredCostUsd(): number {
    return this.costUsd;
  }

  /** Counts by status are kept by the runner; this is the display's view. */
  snapshot(): ProgressCounts {
    const elapsedMs = this.firstSendMs === null ? 0 : this.now() - this.firstSendMs;
    return Object.freeze({
      done: this.done,
      total: this.total,
      errors: this.errors,
      throttles: this.throttles,
      aborted: this.aborted,
      inFlight: this.inFlight,
      elapsedMs,
      ratePerSec: elapsedMs > 0 ? this.completedThisSession / (elapsedMs / 1000) : 0,
      costUsd: this.costUsd,
    });
  }
}

/** Counts of records by status. */
export type StatusCounts = Record<RequestStatus, number>;

export function emptyStatusCounts(): StatusCounts {
  return { success: 0, error: 0, timeout: 0, aborted: 0 };
}

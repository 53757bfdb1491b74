/** How a session of a run ended, as `runExperiment` returns it, and its one line for people. */

import type { RunStatus, StopReason } from "../records/run-manifest";
import type { TransportDescription } from "./bedrock-clients";
import type { StatusCounts } from "./run-progress";

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

/** How the phases left the session: its status, why it stopped, and the error that failed it. */
export interface SessionEnd {
  readonly status: Exclude<RunStatus, "running">;
  readonly stopReason: StopReason | null;
  /** Whether the session failed; `fatal` is then what failed it. */
  readonly failed: boolean;
  readonly fatal: unknown;
}

/** The outcome's line for people, also the run's last log line and run.json's `message`. */
export function outcomeMessage(end: SessionEnd, byStatus: StatusCounts, missing: number): string {
  const counts =
    `${byStatus.success} succeeded, ${byStatus.error} errors, ${byStatus.timeout} timeouts` + (byStatus.aborted > 0 ? `, ${byStatus.aborted} aborted` : "");
  if (end.status === "failed") return `failed: ${(end.fatal as Error)?.message ?? String(end.fatal)} (${counts})`;
  if (end.status === "completed") return `completed: ${counts}`;
  const why = end.stopReason === "aborted" ? "interrupted" : end.stopReason === "duration" ? "stopped at the duration bound" : "stopped at the budget cap";
  return `${why}: ${counts}; ${missing} scheduled request(s) not completed`;
}

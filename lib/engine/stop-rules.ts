/**
 * When a session stops scheduling, and why (the first reason given is the one kept):
 * - the caller's `AbortSignal`: scheduling stops and the calls in flight are aborted (recorded as `aborted`);
 * - the measured phase's duration bound (`durationSec`) and the budget cap (`maxCostUsd`, against the measured cost):
 *   scheduling stops and the calls in flight finish;
 * - a record that cannot be written (disk full, …): the calls in flight are aborted and the session fails.
 * Each stop is logged and reported as a `run-stopping` event.
 */

import { setMaxListeners } from "node:events";
import type { Clock } from "../base/clock";
import { formatUsd } from "../base/number-format";
import type { Experiment } from "../inputs/experiment";
import type { StopReason } from "../records/run-manifest";
import type { SessionEnd } from "./run-outcome";
import type { RunRecorder } from "./run-recorder";
import type { RunResources } from "./run-resources";

export class StopRules {
  private stopReason: StopReason | null = null;
  private failure: { error: unknown } | null = null;
  private readonly inFlight = new AbortController();

  constructor(
    private readonly experiment: Experiment,
    private readonly recorder: RunRecorder,
    private readonly clock: Clock,
    callerSignal: AbortSignal | undefined,
    resources: RunResources,
  ) {
    // Every call in flight listens to it (and may while it waits for the send gate): not a leak.
    setMaxListeners(2 * experiment.concurrency + 16, this.inFlight.signal);
    if (callerSignal?.aborted) {
      // Aborted while the session was starting (planning, the emulator, the credentials): an already aborted signal
      // never fires its listeners, so the abort is taken now, before anything is sent.
      this.callerAborted(callerSignal.reason);
    } else if (callerSignal) {
      const onCallerAbort = (): void => this.callerAborted(callerSignal.reason);
      callerSignal.addEventListener("abort", onCallerAbort, { once: true });
      resources.defer(() => callerSignal.removeEventListener("abort", onCallerAbort));
    }
  }

  /** Aborted when the calls in flight must end at once (the caller's abort, a record that cannot be written). */
  get signal(): AbortSignal {
    return this.inFlight.signal;
  }

  /** Whether scheduling has stopped. */
  stopped(): boolean {
    return this.stopReason !== null || this.inFlight.signal.aborted;
  }

  private stop(reason: StopReason, message: string): void {
    if (this.stopReason !== null) return;
    this.stopReason = reason;
    this.recorder.log("warn", message);
    this.recorder.emit({ type: "run-stopping", reason, message, progress: this.recorder.counter.snapshot() });
  }

  private callerAborted(reason: unknown): void {
    const detail = reason instanceof Error ? reason.message : reason === undefined ? "" : String(reason);
    this.stop("aborted", `stopped by the caller${detail ? ` (${detail})` : ""}: scheduling stopped, ${this.recorder.counter.inFlight} request(s) in flight aborted`);
    this.inFlight.abort(reason);
  }

  /** After each record: the budget cap, against the measured cost so far. */
  checkBudget(): void {
    const cap = this.experiment.maxCostUsd;
    const spent = this.recorder.counter.measuredCostUsd;
    if (cap !== null && spent >= cap && this.stopReason === null) {
      this.stop("budget", `measured cost ${formatUsd(spent)} reached the budget cap maxCostUsd ${formatUsd(cap)}: scheduling stopped`);
    }
  }

  /** The measured phase's deadline (monotonic ms) when it starts at `startMs`; null without a duration bound. */
  deadline(startMs: number): number | null {
    return this.experiment.durationSec === null ? null : startMs + this.experiment.durationSec * 1000;
  }

  /** Whether the measured phase stops scheduling: stopped already, or its deadline passed (which stops the run). */
  stoppedBy(deadlineMs: number | null): boolean {
    if (this.stopped()) return true;
    if (deadlineMs !== null && this.clock.now() >= deadlineMs) {
      this.stop(
        "duration",
        `duration bound durationSec ${this.experiment.durationSec} reached: scheduling stopped, ${this.recorder.counter.inFlight} request(s) in flight finish`,
      );
      return true;
    }
    return false;
  }

  /** The open loop left `unsent` requests unsent: at its deadline, unless the run had stopped for another reason. */
  unsentAtDeadline(unsent: number, deadlineMs: number | null): void {
    if (unsent > 0 && this.stopReason === null && deadlineMs !== null) {
      this.stop("duration", `duration bound durationSec ${this.experiment.durationSec} reached: ${unsent} scheduled request(s) not sent`);
    }
  }

  /** A record could not be written: nothing more is sent, the calls in flight are aborted, the session fails. */
  recordFailed(error: unknown, sequence: number): void {
    this.failed(error);
    this.stop("aborted", `cannot record request ${sequence}: ${(error as Error).message}; stopping`);
    this.inFlight.abort(error);
  }

  /** The session failed (the first error is the one reported). */
  failed(error: unknown): void {
    this.failure ??= { error };
  }

  /** How the session ends, by what stopped it. */
  end(): SessionEnd {
    const reason = this.stopReason;
    const status = this.failure ? "failed" : reason === "aborted" ? "interrupted" : reason === null ? "completed" : "stopped";
    return { status, stopReason: reason, failed: this.failure !== null, fatal: this.failure ? this.failure.error : null };
  }
}

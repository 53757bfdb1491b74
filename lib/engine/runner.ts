/**
 * Running an experiment: the plan (`lib/engine/run-plan.ts`) sent under its load model, one record per request written as it
 * completes, progress reported as events, and the run folder's manifest kept up to date.
 *
 * Order of a run: validate every input (for `resume`: read the run, check the inputs against it and reopen its folder)
 * and the budget (nothing is sent if anything is wrong) → start the emulator (target `emulator` without an
 * `endpoint`) → create (or continue) the run folder → warm-ups (closed loop) → the measured requests (closed or open
 * loop) → close everything, whatever happened.
 * The caller's `AbortSignal` stops scheduling and aborts the calls in flight, which are recorded as `aborted`;
 * a duration bound or the budget cap stops scheduling and lets the calls in flight finish.
 *
 * Each step is a module of its own: where the session starts and the budget (`run-start.ts`), where requests go
 * (`run-target.ts`), the folder, run.json, run.log and events (`run-recorder.ts`), when to stop (`stop-rules.ts`), the
 * phases (`run-phases.ts`), how it ended (`run-outcome.ts`); what is held open is released once (`run-resources.ts`).
 */

import { type Clock, realClock } from "../base/clock";
import { checkOutputFolder } from "../base/output-file";
import type { ConverseStreamTransport } from "./request-executor";
import type { RunOutcome } from "./run-outcome";
import { runPhases } from "./run-phases";
import type { RunEvent } from "./run-progress";
import { type EndedSession, RunRecorder } from "./run-recorder";
import { RunResources } from "./run-resources";
import { refuseOverBudget, startingPoint } from "./run-start";
import { type EmulatorStarter, connectTarget } from "./run-target";
import type { RunInputs } from "./run-plan";
import { StopRules } from "./stop-rules";

export { ResumeError } from "./run-start";
export type { EmulatorStarter } from "./run-target";
export type { RunCounts, RunOutcome } from "./run-outcome";

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

/**
 * Runs an experiment (or completes one, with `resume`). Throws an `InputError` (dataset, experiment, pricing, resume),
 * or a `BudgetExceededError`, before anything is sent; once requests are sent, every one is a record and the outcome
 * says how the run ended (a record that cannot be written fails the run: its `RecordWriteError` is thrown once the end
 * is recorded).
 */
export async function runExperiment(options: RunOptions): Promise<RunOutcome> {
  const clock = options.clock ?? realClock;
  options.signal?.throwIfAborted();
  const held = new RunResources();
  let ended: EndedSession;
  try {
    // The plan; with `resume`, the run's own, checked, and its folder reopened with what it holds.
    const start = await startingPoint(options, held);
    // Nothing is sent when the estimate of what is left exceeds what is left of the budget cap.
    refuseOverBudget(start);
    // The output folder checked (it exists as a folder or can be created) before the emulator starts and anything is sent.
    if (!start.reopened) {
      checkOutputFolder(
        options.outputDir ?? start.plan.experiment.outputDir,
        options.outputDir !== undefined ? "outputDir" : "the experiment's outputDir",
      );
    }
    // The emulator started (when the run starts one), the SDK clients, the AWS credentials checked.
    const target = await connectTarget(start.plan, options, held);
    // The folder created (or continued): run.json written, the start logged.
    const recorder = RunRecorder.open(start, target, { clock, onProgress: options.onProgress, outputDir: options.outputDir }, held);
    recorder.started();
    // The caller's abort (also one while the session was starting), the duration bound, the budget cap, a record that
    // cannot be written.
    const stop = new StopRules(start.plan.experiment, recorder, clock, options.signal, held);
    await runPhases({ start, target, recorder, stop, clock });
    // The clients and the emulator close before the end is recorded (closing may log a warning); a failure to close
    // them is logged, and the end recorded all the same.
    try {
      await held.releaseSending();
    } catch (err) {
      recorder.log("warn", `releasing the clients and the emulator failed: ${(err as Error).message}`);
    }
    ended = recorder.end(stop.end());
  } finally {
    // Whatever happened, once: the caller's-signal listener, the clients, the emulator, then the run folder.
    await held.release();
  }
  ended.announce();
  if (ended.end.failed) throw ended.end.fatal;
  return ended.outcome;
}

/**
 * The phases of a session: the warm-ups (closed loop), then the measured requests under the experiment's load model
 * (closed loop, or open loop at its arrival rate), each request sent and recorded as it completes, until the schedule
 * is done or a stop rule says otherwise.
 */

import type { Clock } from "../base/clock";
import { type DispatchTiming, runClosedLoop, runOpenLoop } from "./load-loop";
import { recordFor } from "./record-builder";
import { executeRequest } from "./request-executor";
import type { RunRecorder } from "./run-recorder";
import type { RunStart } from "./run-start";
import type { RunTarget } from "./run-target";
import { type PlannedRequest, pacerFor } from "./schedule";
import type { StopRules } from "./stop-rules";

/** What the phases work with. */
export interface Session {
  readonly start: RunStart;
  readonly target: RunTarget;
  readonly recorder: RunRecorder;
  readonly stop: StopRules;
  readonly clock: Clock;
}

/** Sends one planned request and records it; never rejects (a failed call is a record, a failed record a stop). */
function sender(session: Session): (planned: PlannedRequest, timing: DispatchTiming) => Promise<void> {
  const { start, target, recorder, stop, clock } = session;
  const { plan } = start;
  const { experiment } = plan;
  return async (planned, timing) => {
    const scenario = plan.dataset.scenarios[planned.scenarioIndex]!;
    const input = plan.inputs[planned.scenarioIndex]!;
    recorder.sending();
    const outcome = await executeRequest(target.transportOf(scenario.region), input.request, {
      clock,
      signal: stop.signal,
      firstByteTimeoutMs: experiment.firstByteTimeoutMs,
      totalTimeoutMs: experiment.totalTimeoutMs,
    });
    try {
      const record = recordFor(
        { runId: recorder.runId, planned, scenario, input, experiment, runStartMs: recorder.runStartMs, dueMs: timing.dueMs, queueWaitMs: timing.queueWaitMs },
        outcome,
        clock,
        plan.pricing,
      );
      recorder.record(record, outcome.text);
      stop.checkBudget();
    } catch (err) {
      stop.recordFailed(err, planned.sequence);
    }
  };
}

async function warmUp(session: Session, warmups: readonly PlannedRequest[], execute: ReturnType<typeof sender>): Promise<void> {
  const { recorder, stop, clock } = session;
  recorder.emit({ type: "phase", phase: "warmup", progress: recorder.counter.snapshot() });
  recorder.log("info", `warm-up: ${warmups.length} request(s)`);
  await runClosedLoop({
    items: warmups,
    concurrency: session.start.plan.experiment.concurrency,
    sleepBetweenMs: 0,
    clock,
    shouldStop: () => stop.stopped(),
    signal: stop.signal,
    execute,
  });
}

async function measure(session: Session, measured: readonly PlannedRequest[], execute: ReturnType<typeof sender>): Promise<void> {
  const { recorder, stop, clock } = session;
  const { experiment } = session.start.plan;
  recorder.emit({ type: "phase", phase: "measured", progress: recorder.counter.snapshot() });
  const phaseStartMs = clock.now();
  const deadlineMs = stop.deadline(phaseStartMs);
  const shouldStop = (): boolean => stop.stoppedBy(deadlineMs);
  recorder.log("info", `measured phase: ${measured.length} request(s)`);
  if (experiment.arrivals === null) {
    await runClosedLoop({ items: measured, concurrency: experiment.concurrency, sleepBetweenMs: experiment.sleepBetweenMs, clock, shouldStop, signal: stop.signal, execute });
    return;
  }
  const sent = await runOpenLoop({
    items: measured,
    pacer: pacerFor(experiment.arrivals, experiment.seed),
    maxInFlight: experiment.concurrency,
    startMs: phaseStartMs,
    deadlineMs,
    clock,
    shouldStop,
    signal: stop.signal,
    execute,
  });
  stop.unsentAtDeadline(measured.length - sent, deadlineMs);
}

/** Runs the warm-ups, then the measured requests (unless stopped). An error thrown on the way fails the session. */
export async function runPhases(session: Session): Promise<void> {
  const { toSend } = session.start;
  const execute = sender(session);
  try {
    const warmups = toSend.filter((p) => p.warmup);
    const measured = toSend.filter((p) => !p.warmup);
    if (warmups.length > 0) await warmUp(session, warmups, execute);
    if (measured.length > 0 && !session.stop.stopped()) await measure(session, measured, execute);
  } catch (err) {
    session.stop.failed(err);
  }
}

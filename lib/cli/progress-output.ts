/**
 * How `bedrock-bench run` shows progress on stderr: a bar (cli-progress) on a terminal, plain lines every few seconds
 * otherwise (logs, CI). Rendering is rate-limited and never happens inside a request's measurement: it runs on its own
 * timer between events.
 */

import { SingleBar } from "cli-progress";
import { formatUsd } from "../base/number-format";
import type { ProgressCounts, RunEvent } from "../engine/run-progress";
import type { Colors } from "./output";

export interface ProgressOutput {
  readonly onEvent: (event: RunEvent) => void;
  /** Stops the bar or the line timer (idempotent). */
  stop(): void;
}

function elapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** One plain progress line: `[12s] 45/120 done, 2 errors, 1 throttled, 8 in flight, 3.70 req/s, $0.0123`. */
export function progressLine(p: ProgressCounts): string {
  return (
    `[${elapsed(p.elapsedMs)}] ${p.done}/${p.total} done, ${p.errors} error${p.errors === 1 ? "" : "s"}, ${p.throttles} throttled, ` +
    `${p.inFlight} in flight, ${p.ratePerSec.toFixed(2)} req/s, ${formatUsd(p.costUsd)}`
  );
}

/** A bar redrawn in place on a terminal. */
export function barOutput(stream: NodeJS.WritableStream, c: Colors): ProgressOutput {
  const bar = new SingleBar({
    stream,
    fps: 4,
    barsize: 30,
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    format: `${c.cyan("{bar}")} {percentage}% | {value}/{total} | {errors} errors | {throttles} throttled | {inFlight} in flight | {rate} req/s | {elapsed}`,
  });
  let started = false;
  const payload = (p: ProgressCounts) => ({
    errors: p.errors,
    throttles: p.throttles,
    inFlight: p.inFlight,
    rate: p.ratePerSec.toFixed(2),
    elapsed: elapsed(p.elapsedMs),
  });
  return {
    onEvent(event) {
      const p = event.progress;
      if (!started) {
        bar.start(p.total, p.done, payload(p));
        started = true;
        return;
      }
      bar.update(p.done, payload(p));
      if (event.type === "run-stopping") {
        bar.stop();
        stream.write(`${c.yellow(event.message)}\n`);
        bar.start(p.total, p.done, payload(p));
      }
      if (event.type === "run-finished") bar.stop();
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Plain lines: at the start, every `intervalMs`, on phases and stops, and at the end. */
export function lineOutput(stream: NodeJS.WritableStream, intervalMs = 5000): ProgressOutput {
  let latest: ProgressCounts | null = null;
  let printed: ProgressCounts | null = null;
  const timer = setInterval(() => {
    if (latest && latest !== printed) {
      stream.write(`${progressLine(latest)}\n`);
      printed = latest;
    }
  }, intervalMs);
  timer.unref();
  return {
    onEvent(event) {
      latest = event.progress;
      switch (event.type) {
        case "run-started":
          stream.write(`run ${event.runId}: ${event.toSend} request(s) to send${event.alreadyDone > 0 ? ` (${event.alreadyDone} already recorded)` : ""}\n`);
          break;
        case "phase":
          stream.write(`${event.phase === "warmup" ? "warm-up" : "measured requests"}…\n`);
          break;
        case "run-stopping":
          stream.write(`${event.message}\n`);
          break;
        case "run-finished":
          stream.write(`${progressLine(event.progress)}\n`);
          printed = event.progress;
          clearInterval(timer);
          break;
        case "request-completed":
          break;
      }
    },
    stop() {
      clearInterval(timer);
    },
  };
}

import type { ClockReadings } from "../base/clock";
import type { StreamExceptionType } from "./event-stream";
import type { PlannedFault } from "./faults";
import type { GenerationPlan } from "./generation";
import type { GroundTruthEntry } from "./ground-truth";
import type { Exchange, OutgoingHeaders } from "./http-exchange";
import type { WriteTimer, ScheduledTask } from "./write-timer";

/**
 * Writes an event-stream response on schedule: headers and the first frames at TTFT, each next delta at its planned
 * offset (scheduled from the planned first-delta time, so lateness never accumulates), then the closing frames —
 * or the fault the request drew: an exception frame, a connection reset or a stall after `afterTokens` tokens.
 */
export interface StreamFormat {
  /** Frames written just before the first delta (`messageStart`, Anthropic `message_start` …); may be empty. */
  start(): Uint8Array[];
  /** One text delta; `tokensSoFar` includes its tokens, `first` marks the first delta. */
  delta(text: string, tokensSoFar: number, first: boolean): Uint8Array;
  /** Closing frames, reporting the measured latencies (ms, rounded as Bedrock reports them). */
  end(latencyMs: number, firstByteLatencyMs: number): Uint8Array[];
  /** An exception frame. */
  exception(type: StreamExceptionType, message: string): Uint8Array;
}

/** The `ErrorName` the SDK throws for each in-stream exception type. */
export const STREAM_EXCEPTION_CLASS: Readonly<Record<StreamExceptionType, string>> = Object.freeze({
  throttlingException: "ThrottlingException",
  modelStreamErrorException: "ModelStreamErrorException",
  internalServerException: "InternalServerException",
  serviceUnavailableException: "ServiceUnavailableException",
  validationException: "ValidationException",
  modelTimeoutException: "ModelTimeoutException",
});

export const STREAM_EXCEPTION_MESSAGES: Readonly<Record<StreamExceptionType, string>> = Object.freeze({
  throttlingException: "Too many tokens, please wait before trying again.",
  modelStreamErrorException: "The model encountered an error while streaming the response.",
  internalServerException: "The system encountered an unexpected error during processing. Try your request again.",
  serviceUnavailableException: "Bedrock is unable to process your request.",
  validationException: "The request failed validation.",
  modelTimeoutException: "Model has timed out in processing the request. Try your request again.",
});

export interface StreamDriverOptions {
  exchange: Exchange;
  plan: GenerationPlan;
  format: StreamFormat;
  headers: OutgoingHeaders;
  entry: GroundTruthEntry;
  fault: PlannedFault | undefined;
  scheduler: WriteTimer;
  clock: ClockReadings;
  timeScale: number;
  /** Called exactly once when the response is over, whatever the outcome. */
  onDone: (tokensSent: number) => void;
}

type PendingFault = Extract<PlannedFault, { afterTokens: number }>;

export class StreamDriver {
  private readonly o: StreamDriverOptions;
  private readonly firstDueMs: number;
  /** When the step that runs next is due. */
  private dueMs: number;
  private readonly pendingFault: PendingFault | undefined;
  private tokensSent = 0;
  private task: ScheduledTask | undefined;
  private stalled = false;
  private done = false;

  constructor(options: StreamDriverOptions) {
    this.o = options;
    const { plan, entry, timeScale } = options;
    const scheduled = plan.emulatedTtftMs * timeScale;
    this.firstDueMs = entry.receivedMs + scheduled;
    this.dueMs = this.firstDueMs;
    entry.scheduledTtftMs = scheduled;
    const fault = options.fault;
    this.pendingFault = fault !== undefined && "afterTokens" in fault ? fault : undefined;
  }

  start(): void {
    this.o.exchange.onEarlyClose(this.onEarlyClose);
    this.task = this.o.scheduler.at(this.firstDueMs, this.step, { precise: true });
  }

  /** Ends the response now (emulator closing): outcome `server-closed` unless it already ended. */
  abort(): void {
    if (this.done) return;
    if (this.task) this.o.scheduler.cancel(this.task);
    this.finish(this.stalled ? "stalled" : "server-closed");
  }

  private readonly onEarlyClose = (): void => {
    if (this.done) return;
    if (this.task) this.o.scheduler.cancel(this.task);
    this.finish(this.stalled ? "stalled" : "client-closed");
  };

  private readonly step = (): void => {
    this.task = undefined;
    const { exchange, plan, format, entry, clock } = this.o;
    if (this.done || exchange.closed) return;
    const fault = this.pendingFault;
    if (fault !== undefined && this.tokensSent >= fault.afterTokens) {
      this.fail(fault, [], false);
      return;
    }
    const chunks = plan.chunks;
    const first = chunks.index < 0;
    const frames: Uint8Array[] = first ? format.start() : [];
    const delta = chunks.advance();
    if (delta) {
      this.tokensSent += chunks.tokens;
      frames.push(format.delta(plan.text.take(chunks.tokens), this.tokensSent, first));
      entry.chunkCount++;
    }
    const last = chunks.last;
    if (last && fault !== undefined) {
      this.fail(fault, frames, delta);
      return;
    }
    if (last) {
      const nowMs = clock.now();
      const firstByte = entry.firstDeltaMs ?? nowMs;
      frames.push(...format.end(Math.round(nowMs - entry.receivedMs), Math.round(firstByte - entry.receivedMs)));
      entry.reportedLatencyMs = Math.round(nowMs - entry.receivedMs);
    }
    this.send(frames, delta, first);
    if (last) {
      exchange.end();
      this.finish("success");
      return;
    }
    this.dueMs = this.firstDueMs + chunks.nextOffsetMs * this.o.timeScale;
    this.task = this.o.scheduler.at(this.dueMs, this.step);
  };

  /** Writes `frames`; when they carry a text delta (the first one when `first`), records how late it went out. */
  private send(frames: Uint8Array[], delta: boolean, first: boolean): void {
    const { exchange, entry, clock } = this.o;
    if (frames.length === 0) return;
    if (!exchange.headersSent) {
      exchange.writeHead(200, this.o.headers);
      entry.httpStatus = 200;
    }
    exchange.write(frames.length === 1 ? (frames[0] as Uint8Array) : Buffer.concat(frames));
    if (!delta) return;
    const dueMs = this.dueMs;
    const latenessMs = clock.now() - dueMs;
    if (entry.maxDeltaLatenessMs === null || latenessMs > entry.maxDeltaLatenessMs) entry.maxDeltaLatenessMs = latenessMs;
    if (first && entry.firstDeltaMs === null) {
      entry.firstDeltaMs = dueMs + latenessMs;
      entry.firstDeltaLatenessMs = latenessMs;
    }
  }

  private fail(fault: PendingFault, frames: Uint8Array[], delta: boolean): void {
    const { exchange, entry, format } = this.o;
    entry.tokensBeforeFault = this.tokensSent;
    entry.chunksBeforeFault = entry.chunkCount;
    const first = delta && entry.chunkCount === 1;
    if (!("exceptionType" in fault) && fault.kind === "connectionReset") {
      this.send(frames, delta, first);
      exchange.reset();
      entry.errorClass = "ConnectionReset";
      entry.errorMessage = "The emulator reset the connection (injected connectionReset fault).";
      entry.errorSource = "fault";
      this.finish("reset");
      return;
    }
    if (!("exceptionType" in fault)) {
      this.send(frames, delta, first);
      this.stalled = true;
      entry.errorClass = "Stalled";
      entry.errorMessage = "The emulator stopped writing and never ended the response (injected stall fault).";
      entry.errorSource = "fault";
      return;
    }
    const message = STREAM_EXCEPTION_MESSAGES[fault.exceptionType];
    frames.push(format.exception(fault.exceptionType, message));
    this.send(frames, delta, first);
    exchange.end();
    entry.errorClass = STREAM_EXCEPTION_CLASS[fault.exceptionType];
    entry.errorMessage = message;
    entry.errorSource = "fault";
    this.finish("stream-error");
  }

  private finish(outcome: GroundTruthEntry["outcome"]): void {
    if (this.done) return;
    this.done = true;
    const { entry, clock } = this.o;
    entry.outcome = outcome;
    entry.outputTokens = this.tokensSent;
    if (outcome === "success") entry.stopReason = this.o.plan.stopReason;
    entry.endMs = clock.now();
    this.o.onDone(this.tokensSent);
  }
}

import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { FaultKind, OperationName } from "./faults";
import type { PerformanceLatency, ServiceTierName } from "./profiles";

/**
 * The emulator's ground truth: one entry per HTTP request it received (so one per SDK attempt: a retried call leaves
 * one entry per attempt, joined by `invocationId`). It says what the emulator decided and did, so a benchmark's
 * measurements can be checked against it.
 *
 * Times: `…Ms` fields without "Offset" are this process's monotonic clock (`performance.now()`, or the injected
 * clock's `now()`), fractional milliseconds; durations are real milliseconds unless named `emulated…`
 * (emulated = real / timeScale).
 */
export type RequestOutcome =
  /** Still being answered (only seen in `entries()` before the request ends). */
  | "in-flight"
  /** The response (JSON or complete event stream) was written in full. */
  | "success"
  /** An HTTP error before any response body (validation, quota, concurrency, injected fault, unknown operation). */
  | "error"
  /** An exception frame ended the event stream. */
  | "stream-error"
  /** The emulator reset the TCP connection (`connectionReset` fault). */
  | "reset"
  /** The emulator stopped writing and never ended the response (`stall` fault); ended when the client or `close()` gave up. */
  | "stalled"
  /** The client closed the stream or connection before the response ended. */
  | "client-closed"
  /** `close()` ended the emulator while the response was in flight. */
  | "server-closed";

/** Why an `error` / `stream-error` happened. */
export type ErrorSource = "request" | "quota" | "fault";

export interface GroundTruthEntry {
  /** `x-amzn-requestid` sent back (a UUID). */
  requestId: string;
  /** 1-based order of arrival among all requests this emulator received (the ordinal fault windows use). */
  ordinal: number;
  /** Header `amz-sdk-invocation-id`: the same for every attempt of one SDK call (null when absent). */
  invocationId: string | null;
  /** From `amz-sdk-request: attempt=N; max=M` (null when absent). */
  attempt: number | null;
  maxAttempts: number | null;
  /** "1.1" or "2". */
  httpVersion: string;
  /** Null when the path or method named no operation. */
  operation: OperationName | null;
  /** Model identifier from the path, percent-decoded (null when the path had none). */
  modelIdAsked: string | null;
  /** Foundation model ID it resolved to (null when it did not resolve). */
  modelId: string | null;
  /** Cross-region inference-profile geography used (`us`, `eu`, …), null for a bare model ID. */
  geography: string | null;
  /** Region from the SigV4 credential scope, else the default region. */
  region: string;
  /** "sigv4", "bearer" or "none". */
  authScheme: string;
  performanceConfigAsked: PerformanceLatency | null;
  /** What was served (and reported in `metadata.performanceConfig`); null when no generation was planned. */
  performanceConfigServed: PerformanceLatency | null;
  /** Why optimized was asked but standard served: "not-offered", "optimized-quota", "max-total-tokens". */
  performanceFallbackReason: string | null;
  serviceTierAsked: ServiceTierName | null;
  serviceTierServed: ServiceTierName | null;
  /** HTTP status sent (200 for streams, even those that later carry an exception frame); null when none was sent. */
  httpStatus: number | null;
  outcome: RequestOutcome;
  /** Error class as the SDK names it (`ThrottlingException`, `ModelStreamErrorException`, …); null on success. */
  errorClass: string | null;
  errorMessage: string | null;
  errorSource: ErrorSource | null;
  /** Injected fault kind and the index of the rule in `faults` (null when no fault). */
  faultKind: FaultKind | null;
  faultRule: number | null;
  /** In-stream faults, resets and stalls: output tokens the rule asked to send first. */
  faultAfterTokens: number | null;
  /** Output tokens and text-carrying deltas actually written before the fault (in-stream faults, resets, stalls); after a reset the client may have received fewer. */
  tokensBeforeFault: number | null;
  chunksBeforeFault: number | null;
  /** `slowFirstByte`: the extra emulated delay added before the first byte. */
  faultDelayMs: number | null;
  /** usage.inputTokens (tokens neither read from nor written to the prompt cache). */
  inputTokens: number | null;
  /** Output tokens written (equal to usage.outputTokens on success). */
  outputTokens: number | null;
  /** Output tokens the plan would have produced without a fault. */
  plannedOutputTokens: number | null;
  cacheReadInputTokens: number | null;
  cacheWriteInputTokens: number | null;
  /** maxTokens in force (asked, else the model's default). */
  maxTokens: number | null;
  /** Stop reason of a completed generation, in Converse terms (`end_turn`, `max_tokens`; Llama/Mistral bodies report them as `stop`/`length`); null when none was sent. */
  stopReason: string | null;
  /** Text-carrying deltas written. */
  chunkCount: number;
  /** Real time scale of this emulator (real = emulated × timeScale). */
  timeScale: number;
  /** Monotonic ms when the request's headers arrived. */
  receivedMs: number;
  /** Wall-clock time of `receivedMs`, ISO 8601. */
  receivedIso: string;
  /** Tier queueing delay drawn, emulated ms (included in the TTFT). */
  emulatedQueueMs: number | null;
  /** TTFT drawn by the latency model (queue + prefill + slow-first-byte fault), emulated ms. */
  emulatedTtftMs: number | null;
  /** When the first delta (streams) or the response (non-streaming) was due, real ms after `receivedMs`. */
  scheduledTtftMs: number | null;
  /** Monotonic ms when the first text delta was actually written (streams; null when none was). */
  firstDeltaMs: number | null;
  /** `firstDeltaMs − (receivedMs + scheduledTtftMs)`: how late the emulator wrote against its own schedule. */
  firstDeltaLatenessMs: number | null;
  /** The latest any text delta (the first included) was written against its schedule, ms (streams; null when none was written). */
  maxDeltaLatenessMs: number | null;
  /** `metrics.latencyMs` (and native `invocationLatency`) reported to the client, ms. */
  reportedLatencyMs: number | null;
  /** Monotonic ms when the response ended (last byte, error, reset) or the connection closed. */
  endMs: number | null;
}

export interface GroundTruthOptions {
  /** Most entries kept in memory (oldest dropped first). */
  limit: number;
  /** JSONL file to append every finished entry to. */
  file?: string | undefined;
}

/** Entries of requests in flight and of finished ones (bounded), with an optional JSONL log written off the hot path. */
export class GroundTruth {
  private readonly finished: GroundTruthEntry[] = [];
  private readonly byId = new Map<string, GroundTruthEntry>();
  private readonly inFlight = new Set<GroundTruthEntry>();
  private head = 0;
  private readonly limit: number;
  private readonly writer: JsonlAppender | undefined;
  private listeners: Array<(entry: GroundTruthEntry) => void> = [];
  /** Entries dropped from memory because of the limit. */
  dropped = 0;

  constructor(options: GroundTruthOptions) {
    this.limit = options.limit;
    this.writer = options.file === undefined ? undefined : new JsonlAppender(options.file);
  }

  /** The JSONL file, resolved (undefined when none). */
  get file(): string | undefined {
    return this.writer?.path;
  }

  /** Finished entries in order of completion, then those still in flight (in order of arrival). */
  entries(): GroundTruthEntry[] {
    const out = this.finished.slice(this.head);
    const pending = [...this.inFlight].sort((a, b) => a.ordinal - b.ordinal);
    return out.concat(pending);
  }

  /** Finished entries only. */
  completed(): GroundTruthEntry[] {
    return this.finished.slice(this.head);
  }

  /** Requests the emulator is still answering. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  byRequestId(requestId: string): GroundTruthEntry | undefined {
    return this.byId.get(requestId);
  }

  /** Every attempt of one SDK call (same `amz-sdk-invocation-id`), in order of arrival. */
  byInvocationId(invocationId: string): GroundTruthEntry[] {
    return this.entries()
      .filter((e) => e.invocationId === invocationId)
      .sort((a, b) => a.ordinal - b.ordinal);
  }

  /** Calls `listener` with each entry as it finishes; returns an unsubscribe function. */
  onEntry(listener: (entry: GroundTruthEntry) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Waits until every entry finished so far has reached the JSONL file. */
  async flush(): Promise<void> {
    await this.writer?.flush();
  }

  /** @internal The server registers a request when it arrives … */
  begin(entry: GroundTruthEntry): void {
    this.inFlight.add(entry);
    this.byId.set(entry.requestId, entry);
  }

  /** @internal … and finishes it once (later calls are ignored). */
  finish(entry: GroundTruthEntry): void {
    if (!this.inFlight.delete(entry)) return;
    if (this.limit === 0) {
      this.byId.delete(entry.requestId);
      this.dropped++;
    } else {
      this.finished.push(entry);
      if (this.finished.length - this.head > this.limit) {
        const old = this.finished[this.head] as GroundTruthEntry;
        this.byId.delete(old.requestId);
        this.head++;
        this.dropped++;
        if (this.head > 4096 && this.head * 2 > this.finished.length) {
          this.finished.splice(0, this.head);
          this.head = 0;
        }
      }
    }
    this.writer?.append(entry);
    for (const listener of this.listeners) listener(entry);
  }

  /** @internal Flushes and closes the file. */
  async close(): Promise<void> {
    await this.writer?.close();
  }
}

/**
 * Appends JSON lines to a file without touching the request path: entries are queued, then serialised and written
 * as one `write` per batch on a later turn of the event loop (the stream writes on libuv's thread pool).
 */
class JsonlAppender {
  readonly path: string;
  private queue: GroundTruthEntry[] = [];
  private scheduled = false;
  private stream: WriteStream | undefined;
  private ready: Promise<void>;
  private failure: Error | undefined;

  constructor(file: string) {
    this.path = resolve(file);
    this.ready = mkdir(dirname(this.path), { recursive: true }).then(
      () => {
        this.stream = createWriteStream(this.path, { flags: "a" });
        this.stream.on("error", (err) => {
          this.failure = err;
        });
      },
      (err: Error) => {
        this.failure = err;
      },
    );
  }

  append(entry: GroundTruthEntry): void {
    this.queue.push(entry);
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(() => this.drain(), 20).unref();
    }
  }

  private drain(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    let text = "";
    for (const entry of batch) text += `${JSON.stringify(entry)}\n`;
    if (this.stream !== undefined) this.stream.write(text);
    else void this.ready.then(() => this.stream?.write(text));
  }

  async flush(): Promise<void> {
    await this.ready;
    this.drain();
    const stream = this.stream;
    if (stream === undefined) {
      if (this.failure) throw this.failure;
      return;
    }
    await new Promise<void>((done) => {
      if (stream.writableNeedDrain) stream.once("drain", () => done());
      else stream.write("", () => done());
    });
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await this.flush();
    const stream = this.stream;
    if (stream !== undefined) await new Promise<void>((done) => stream.end(() => done()));
    if (this.failure) throw this.failure;
  }
}

/** A fresh entry with nothing decided yet (the server fills it in as the request proceeds). */
export function newGroundTruthEntry(fields: {
  requestId: string;
  ordinal: number;
  invocationId: string | null;
  attempt: number | null;
  maxAttempts: number | null;
  httpVersion: string;
  region: string;
  authScheme: string;
  timeScale: number;
  receivedMs: number;
  receivedIso: string;
}): GroundTruthEntry {
  return {
    requestId: fields.requestId,
    ordinal: fields.ordinal,
    invocationId: fields.invocationId,
    attempt: fields.attempt,
    maxAttempts: fields.maxAttempts,
    httpVersion: fields.httpVersion,
    operation: null,
    modelIdAsked: null,
    modelId: null,
    geography: null,
    region: fields.region,
    authScheme: fields.authScheme,
    performanceConfigAsked: null,
    performanceConfigServed: null,
    performanceFallbackReason: null,
    serviceTierAsked: null,
    serviceTierServed: null,
    httpStatus: null,
    outcome: "in-flight",
    errorClass: null,
    errorMessage: null,
    errorSource: null,
    faultKind: null,
    faultRule: null,
    faultAfterTokens: null,
    tokensBeforeFault: null,
    chunksBeforeFault: null,
    faultDelayMs: null,
    inputTokens: null,
    outputTokens: null,
    plannedOutputTokens: null,
    cacheReadInputTokens: null,
    cacheWriteInputTokens: null,
    maxTokens: null,
    stopReason: null,
    chunkCount: 0,
    timeScale: fields.timeScale,
    receivedMs: fields.receivedMs,
    receivedIso: fields.receivedIso,
    emulatedQueueMs: null,
    emulatedTtftMs: null,
    scheduledTtftMs: null,
    firstDeltaMs: null,
    firstDeltaLatenessMs: null,
    maxDeltaLatenessMs: null,
    reportedLatencyMs: null,
    endMs: null,
  };
}

/**
 * One ConverseStream call, measured (docs/measurement.md):
 * - start: the last thing before `send()`;
 * - first token: the first `contentBlockDelta` carrying non-empty text;
 * - end: the end of the event stream (after `metadata`), or the moment a failure was seen.
 * Nothing else happens between `send()` and the events: no I/O, no logging, no allocation beyond the text.
 *
 * Failures are outcomes, never exceptions: a service error before the stream, an exception or a broken connection
 * mid-stream (with the chunks received so far), a client-side failure before any HTTP response, a first-byte or total
 * timeout, or the caller's abort. Timeouts and aborts take effect at once (the call is abandoned and its connection
 * closed through the SDK's abort signal) and are timed when they fired.
 */

import type { ConverseStreamCommandInput, ConverseStreamCommandOutput } from "@aws-sdk/client-bedrock-runtime";
import type { Clock } from "../base/clock";
import { BenchError } from "../base/errors";
import type { FaultSide, RequestStatus } from "../records/request-record";

/** Sends one ConverseStream request (the SDK client in production; anything with the same shape in tests). */
export interface ConverseStreamTransport {
  send(request: ConverseStreamCommandInput, abortSignal: AbortSignal): Promise<ConverseStreamCommandOutput>;
  /**
   * Optional: waits until the client may prepare another request (`lib/engine/send-gate.ts`) and resolves with the release
   * of that admission, or with null when `abortSignal` aborts first. The executor calls it before its start, so the
   * wait is recorded as client-side queueing (`admitWaitMs`), not latency, then sends with the same signal. The
   * transport releases when the request reaches its HTTP handler; the executor releases too once the call settled
   * (releasing is idempotent), so a request that never got that far cannot hold the gate.
   */
  admit?(abortSignal: AbortSignal): Promise<(() => void) | null>;
}

export interface ExecuteOptions {
  readonly clock: Clock;
  /** The caller's signal: aborting it abandons the call and marks it `aborted`. */
  readonly signal: AbortSignal;
  /** No response event this long after `send()`: `timeout`. */
  readonly firstByteTimeoutMs: number;
  /** Stream not finished this long after `send()`: `timeout`. */
  readonly totalTimeoutMs: number;
}

export interface TokenUsage {
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cacheReadInputTokens: number | null;
  readonly cacheWriteInputTokens: number | null;
}

/** Why and where a call failed. */
export interface Failure {
  /** `ThrottlingException`, `ModelStreamErrorException`, `TimeoutError`, `AbortError`, `ECONNREFUSED`, … */
  readonly errorClass: string;
  readonly message: string;
  /**
   * `before-stream`: no response event arrived (an error response, a timeout or abort while waiting);
   * `mid-stream`: the stream had started; `client`: no HTTP response at all (connection refused, DNS, credentials…).
   */
  readonly side: Exclude<FaultSide, "">;
  /** Mid-stream: text chunks received before the failure. null otherwise. */
  readonly chunksBeforeFault: number | null;
}

interface OutcomeFields {
  /** Wait for the transport's send gate before the start, ms (client-side queueing; 0 without a gate). */
  readonly admitWaitMs: number;
  /** Monotonic ms just before `send()`. */
  readonly startMs: number;
  /** Monotonic ms when the first response event arrived (`send()` resolved); null if none did. */
  readonly firstEventMs: number | null;
  /** Monotonic ms of the first `contentBlockDelta` with text; null if none arrived. */
  readonly firstTokenMs: number | null;
  /** Monotonic ms of the end of the stream, or of the failure. */
  readonly endMs: number;
  readonly chunkCount: number;
  readonly text: string;
  readonly stopReason: string;
  /** From the `metadata` event; null when it did not arrive. */
  readonly usage: TokenUsage | null;
  readonly serverLatencyMs: number | null;
  /** `metadata.performanceConfig.latency`; "" when not reported. */
  readonly performanceConfigServed: string;
  /** `metadata.serviceTier.type`; "" when not reported. */
  readonly serviceTierServed: string;
  readonly attempts: number;
  readonly retryDelayMs: number;
  readonly requestId: string;
  readonly httpStatus: number | null;
}

export type RequestMeasurement =
  | (OutcomeFields & { readonly status: "success"; readonly failure: null })
  | (OutcomeFields & { readonly status: Exclude<RequestStatus, "success">; readonly failure: Failure });

/** The response ended without its `metadata` event (no usage, no served configuration): not a complete answer. */
export class IncompleteStreamError extends BenchError {
  override name = "IncompleteStreamError";
  override readonly kind = "runtime";
}

type StopCause = "aborted" | "first-byte-timeout" | "total-timeout";

type MutableObservation = { -readonly [K in keyof OutcomeFields]: OutcomeFields[K] };

interface SdkMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts?: number;
  totalRetryDelay?: number;
}

/**
 * What an SDK error says about the attempt: `$metadata`, completed from the raw `$response` when `$metadata` lacks
 * the status and request ID (an exception sent as the stream's first frame arrives with HTTP 200 and no status in
 * `$metadata`).
 */
function metadataOf(value: unknown): SdkMetadata | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const raw = (value as { $metadata?: unknown }).$metadata;
  const m: SdkMetadata = raw !== null && typeof raw === "object" ? { ...(raw as SdkMetadata) } : {};
  const response = (value as { $response?: { statusCode?: unknown; headers?: Record<string, unknown> } }).$response;
  if (response && typeof response === "object") {
    if (m.httpStatusCode === undefined && typeof response.statusCode === "number") m.httpStatusCode = response.statusCode;
    const requestId = response.headers?.["x-amzn-requestid"];
    if (m.requestId === undefined && typeof requestId === "string") m.requestId = requestId;
  }
  return Object.keys(m).length > 0 ? m : undefined;
}

function takeMetadata(obs: MutableObservation, m: SdkMetadata | undefined): void {
  if (!m) return;
  if (typeof m.attempts === "number") obs.attempts = m.attempts;
  if (typeof m.totalRetryDelay === "number") obs.retryDelayMs = m.totalRetryDelay;
  if (typeof m.requestId === "string" && m.requestId !== "") obs.requestId = m.requestId;
  if (typeof m.httpStatusCode === "number") obs.httpStatus = m.httpStatusCode;
}

/** In-stream exception members the SDK may yield rather than throw (it throws the modelled ones). */
const STREAM_EXCEPTIONS = [
  "internalServerException",
  "modelStreamErrorException",
  "serviceUnavailableException",
  "throttlingException",
  "validationException",
] as const;

async function consume(
  transport: ConverseStreamTransport,
  request: ConverseStreamCommandInput,
  abortSignal: AbortSignal,
  obs: MutableObservation,
  clock: Clock,
  firstEventArrived: () => void,
): Promise<void> {
  const output = await transport.send(request, abortSignal);
  obs.firstEventMs = clock.now();
  firstEventArrived();
  takeMetadata(obs, output.$metadata);
  const stream = output.stream;
  if (!stream) throw new IncompleteStreamError("the response carried no event stream");
  let metadataSeen = false;
  for await (const event of stream) {
    const delta = event.contentBlockDelta;
    if (delta !== undefined) {
      const text = delta.delta?.text;
      if (text) {
        if (obs.firstTokenMs === null) obs.firstTokenMs = clock.now();
        obs.chunkCount++;
        obs.text += text;
      }
    } else if (event.messageStop !== undefined) {
      obs.stopReason = event.messageStop.stopReason ?? "";
    } else if (event.metadata !== undefined) {
      const m = event.metadata;
      metadataSeen = true;
      const u = m.usage;
      obs.usage = u
        ? {
            inputTokens: u.inputTokens ?? null,
            outputTokens: u.outputTokens ?? null,
            // Bedrock omits the cache counts when nothing was read from or written to the cache.
            cacheReadInputTokens: u.cacheReadInputTokens ?? 0,
            cacheWriteInputTokens: u.cacheWriteInputTokens ?? 0,
          }
        : null;
      obs.serverLatencyMs = m.metrics?.latencyMs ?? null;
      obs.performanceConfigServed = m.performanceConfig?.latency ?? "";
      obs.serviceTierServed = m.serviceTier?.type ?? "";
    } else {
      for (const member of STREAM_EXCEPTIONS) {
        const exception = (event as unknown as Record<string, unknown>)[member] as { message?: string } | undefined;
        if (exception !== undefined) {
          const name = member[0]!.toUpperCase() + member.slice(1);
          throw Object.assign(new Error(exception.message ?? name), { name });
        }
      }
    }
  }
  obs.endMs = clock.now();
  if (!metadataSeen) {
    throw new IncompleteStreamError(
      "the event stream ended without its metadata event (no usage reported): the connection closed early (an HTTP/2 session reset ends the SDK's stream without an error)",
    );
  }
}

/**
 * The class of a failure: the SDK's error name (`ThrottlingException`, …), or a network error's code (`ECONNRESET`,
 * `ECONNREFUSED`, …), which wins over the name: the SDK renames ECONNRESET/EPIPE/ETIMEDOUT errors `TimeoutError` (to
 * retry them), which would read like one of our timeouts.
 */
function errorClassOf(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === "string" && /^E[A-Z0-9_]+$/.test(code)) return code;
    return err.name || "Error";
  }
  return typeof err;
}

function errorMessageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

function stopFailure(cause: StopCause, obs: MutableObservation, options: ExecuteOptions): { status: Exclude<RequestStatus, "success">; failure: Failure } {
  const started = obs.firstEventMs !== null;
  const side = started ? "mid-stream" : "before-stream";
  const chunksBeforeFault = started ? obs.chunkCount : null;
  if (cause === "aborted") {
    const reason = options.signal.reason;
    const detail = reason instanceof Error ? reason.message : reason === undefined ? "" : String(reason);
    return {
      status: "aborted",
      failure: { errorClass: "AbortError", message: `aborted by the caller${detail ? ` (${detail})` : ""}`, side, chunksBeforeFault },
    };
  }
  const message =
    cause === "first-byte-timeout"
      ? `no response event within firstByteTimeoutMs (${options.firstByteTimeoutMs} ms)`
      : `response not finished within totalTimeoutMs (${options.totalTimeoutMs} ms)`;
  return { status: "timeout", failure: { errorClass: "TimeoutError", message, side, chunksBeforeFault } };
}

/** Sends one request and measures it. Never throws: every failure is an outcome. */
export async function executeRequest(transport: ConverseStreamTransport, request: ConverseStreamCommandInput, options: ExecuteOptions): Promise<RequestMeasurement> {
  const { clock, signal } = options;
  const obs: MutableObservation = {
    admitWaitMs: 0,
    startMs: 0,
    firstEventMs: null,
    firstTokenMs: null,
    endMs: 0,
    chunkCount: 0,
    text: "",
    stopReason: "",
    usage: null,
    serverLatencyMs: null,
    performanceConfigServed: "",
    serviceTierServed: "",
    attempts: 1,
    retryDelayMs: 0,
    requestId: "",
    httpStatus: null,
  };
  const controller = new AbortController();
  let releaseAdmission = (): void => {};
  if (transport.admit !== undefined && !signal.aborted) {
    // Keyed by the signal send() will carry; the caller's abort gives the place in the queue up.
    const giveUp = (): void => controller.abort(signal.reason);
    signal.addEventListener("abort", giveUp, { once: true });
    const queuedMs = clock.now();
    const admission = await transport.admit(controller.signal);
    signal.removeEventListener("abort", giveUp);
    obs.admitWaitMs = clock.now() - queuedMs;
    if (admission !== null) releaseAdmission = admission;
    else {
      obs.startMs = obs.endMs = clock.now();
      return {
        ...obs,
        status: "aborted",
        failure: { errorClass: "AbortError", message: "aborted by the caller before it was sent", side: "client", chunksBeforeFault: null },
      };
    }
  }
  let cause: StopCause | null = null;
  // What was known when a timeout or abort fired: the abandoned call may still deliver events afterwards.
  let atStop: MutableObservation | null = null;
  let settled = false;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const halt = (why: StopCause): void => {
    if (settled || cause !== null) return;
    const endMs = clock.now();
    cause = why;
    atStop = { ...obs, endMs };
    controller.abort(why);
    wake();
  };
  const onAbort = (): void => halt("aborted");
  signal.addEventListener("abort", onAbort, { once: true });
  const cancelFirstByte = clock.setTimer(() => halt("first-byte-timeout"), options.firstByteTimeoutMs);
  const cancelTotal = clock.setTimer(() => halt("total-timeout"), options.totalTimeoutMs);

  let error: unknown = null;
  let failed = false;
  if (signal.aborted) {
    obs.startMs = clock.now();
    halt("aborted");
  } else {
    obs.startMs = clock.now();
    const consuming = consume(transport, request, controller.signal, obs, clock, cancelFirstByte);
    consuming.catch(() => {}); // after a stop, its rejection is expected and ignored
    try {
      await Promise.race([consuming, stopped]);
    } catch (err) {
      obs.endMs = clock.now();
      error = err;
      failed = true;
    }
  }
  settled = true;
  releaseAdmission();
  cancelFirstByte();
  cancelTotal();
  signal.removeEventListener("abort", onAbort);

  if (cause !== null && atStop !== null) return { ...(atStop as MutableObservation), ...stopFailure(cause, atStop, options) };
  const snapshot = { ...obs };
  if (!failed) return { ...snapshot, status: "success", failure: null };

  const started = obs.firstEventMs !== null;
  if (!started) takeMetadata(snapshot, metadataOf(error));
  const responded = started || snapshot.httpStatus !== null;
  return {
    ...snapshot,
    status: "error",
    failure: {
      errorClass: errorClassOf(error),
      message: errorMessageOf(error),
      side: started ? "mid-stream" : responded ? "before-stream" : "client",
      chunksBeforeFault: started ? obs.chunkCount : null,
    },
  };
}

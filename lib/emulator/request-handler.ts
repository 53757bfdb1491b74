import { randomUUID } from "node:crypto";
import type { PromptCache } from "./caching";
import { identifyCaller } from "./caller";
import type { ClockReadings } from "../base/clock";
import { BedrockError, ERROR_MESSAGES, type BedrockErrorName } from "./errors";
import type { FaultPlanner, OperationName, PlannedFault } from "./faults";
import { checkGenerationRequest, drawGenerationSpanMs, planGeneration, type CheckedRequest, type GenerationPlan } from "./generation";
import type { GenerationRequest } from "./generation-request";
import { newGroundTruthEntry, type GroundTruth, type GroundTruthEntry, type RequestOutcome } from "./ground-truth";
import { BodyTooLargeError, MAX_BODY_BYTES, type Exchange, type OutgoingHeaders } from "./http-exchange";
import type { ModelResolver, ResolvedModel } from "./model-resolver";
import type { NativeFormat } from "./native/native-format";
import { ConverseStreamFormat, converseResponseBody } from "./operations/converse";
import { parseConverseBody } from "./operations/converse-request";
import { countTokens } from "./operations/count-tokens";
import { invokeResponseHeaders, invokeStreamHeaders, InvokeStreamFormat, nativeResult, parseInvokeRequest } from "./operations/invoke-model";
import type { ProfilesDocument } from "./profiles";
import type { QuotaManager } from "./quotas";
import { SeededRandom } from "../base/random";
import { StreamDriver, type StreamFormat } from "./response-stream";
import { route } from "./router";
import type { WriteTimer } from "./write-timer";

/**
 * Answers one request: routes it, validates it as Bedrock does, applies the fault it drew, admits it against the
 * quotas, plans the generation and writes the response on schedule — recording all of it in the ground truth.
 */
export interface HandlerContext {
  clock: ClockReadings;
  models: ModelResolver;
  profiles: ProfilesDocument;
  quotas: QuotaManager;
  cache: PromptCache;
  scheduler: WriteTimer;
  faults: FaultPlanner;
  groundTruth: GroundTruth;
  seed: number;
  timeScale: number;
  defaultRegion: string;
  /** Monotonic ms when the emulator started (fault windows in seconds count from here). */
  startedMs: number;
}

/** Something in flight that `close()` must end. */
interface InFlight {
  abort(): void;
}

const HTTP_FAULT_MESSAGES: Readonly<Partial<Record<BedrockErrorName, string>>> = Object.freeze({
  ThrottlingException: ERROR_MESSAGES.throttledRequests,
  InternalServerException: ERROR_MESSAGES.internal,
  ServiceUnavailableException: ERROR_MESSAGES.serviceUnavailable,
  ModelNotReadyException: ERROR_MESSAGES.modelNotReady,
  ModelTimeoutException: ERROR_MESSAGES.modelTimeout,
  ModelErrorException: ERROR_MESSAGES.modelError,
});

const ATTEMPT_HEADER = /attempt=(\d+)/;
const MAX_HEADER = /max=(\d+)/;

export class RequestHandler {
  private ordinal = 0;
  private readonly inFlight = new Set<InFlight>();
  private closing = false;

  constructor(private readonly ctx: HandlerContext) {}

  /** Requests received so far. */
  get requestCount(): number {
    return this.ordinal;
  }

  /** Ends everything in flight (outcome `server-closed`, or `stalled` for stalled streams). */
  abortAll(): void {
    this.closing = true;
    for (const item of [...this.inFlight]) item.abort();
    this.inFlight.clear();
  }

  async handle(exchange: Exchange): Promise<void> {
    const { clock, groundTruth } = this.ctx;
    const receivedMs = clock.now();
    const ordinal = ++this.ordinal;
    const caller = identifyCaller(exchange.header("authorization"), this.ctx.defaultRegion);
    const sdkRequest = exchange.header("amz-sdk-request");
    const attempt = sdkRequest === undefined ? undefined : ATTEMPT_HEADER.exec(sdkRequest)?.[1];
    const max = sdkRequest === undefined ? undefined : MAX_HEADER.exec(sdkRequest)?.[1];
    const entry = newGroundTruthEntry({
      requestId: randomUUID(),
      ordinal,
      invocationId: exchange.header("amz-sdk-invocation-id") ?? null,
      attempt: attempt === undefined ? null : Number(attempt),
      maxAttempts: max === undefined ? null : Number(max),
      httpVersion: exchange.httpVersion,
      region: caller.region,
      authScheme: caller.authScheme,
      timeScale: this.ctx.timeScale,
      receivedMs,
      receivedIso: new Date(clock.epochMsAt(receivedMs)).toISOString(),
    });
    groundTruth.begin(entry);

    // Until a response is scheduled, a closing emulator or client ends the entry here.
    const pending: InFlight = { abort: () => this.close(entry, "server-closed") };
    this.inFlight.add(pending);
    exchange.onEarlyClose(() => {
      this.inFlight.delete(pending);
      this.close(entry, this.closing ? "server-closed" : "client-closed");
    });

    let body: Buffer;
    try {
      const routed = route(exchange.method, exchange.url);
      entry.operation = routed.operation;
      entry.modelIdAsked = routed.modelId;
      body = await exchange.readBody();
      this.inFlight.delete(pending);
      if (exchange.closed) return;
      this.dispatch(exchange, entry, routed.operation, routed.modelId, body);
    } catch (err) {
      this.inFlight.delete(pending);
      if (exchange.closed) {
        this.close(entry, this.closing ? "server-closed" : "client-closed");
        return;
      }
      if (err instanceof BodyTooLargeError) {
        this.sendError(exchange, entry, new BedrockError("ValidationException", `Request body exceeds the maximum size of ${MAX_BODY_BYTES} bytes.`), "request");
        return;
      }
      if (err instanceof BedrockError) {
        this.sendError(exchange, entry, err, "request");
        return;
      }
      this.sendError(exchange, entry, new BedrockError("InternalServerException", ERROR_MESSAGES.internal), "request");
      process.emitWarning(`bedrock-bench emulator: unexpected error answering ${entry.requestId}: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private dispatch(exchange: Exchange, entry: GroundTruthEntry, operation: OperationName, modelId: string, body: Buffer): void {
    try {
      if (operation === "CountTokens") {
        const resolved = this.resolve(entry, modelId, true);
        const inputTokens = countTokens(body, resolved.profile);
        const fault = this.planFault(entry, operation, resolved);
        if (fault !== undefined && this.applyEarlyFault(exchange, entry, fault)) return;
        entry.inputTokens = inputTokens;
        this.respondLater(exchange, entry, fault, 0, () => {
          const json = Buffer.from(JSON.stringify({ inputTokens }));
          return { headers: jsonHeaders(entry.requestId, json), body: json };
        });
        return;
      }
      let request: GenerationRequest;
      let resolved: ResolvedModel;
      let native: NativeFormat | undefined;
      if (operation === "Converse" || operation === "ConverseStream") {
        request = parseConverseBody(body);
        resolved = this.resolve(entry, modelId, false);
      } else {
        resolved = this.resolve(entry, modelId, false);
        const parsed = parseInvokeRequest(body, resolved.profile, (name) => exchange.header(name));
        request = parsed.request;
        native = parsed.format;
      }
      entry.performanceConfigAsked = request.performanceLatency;
      entry.serviceTierAsked = request.serviceTier ?? null;
      const checked = checkGenerationRequest(request, resolved);
      entry.maxTokens = checked.maxTokens;
      const fault = this.planFault(entry, operation, resolved);
      if (fault !== undefined && this.applyEarlyFault(exchange, entry, fault)) return;
      this.generate(exchange, entry, operation, checked, native, fault);
    } catch (err) {
      if (err instanceof BedrockError) this.sendError(exchange, entry, err, "request");
      else throw err;
    }
  }

  private resolve(entry: GroundTruthEntry, modelId: string, allowBareId: boolean): ResolvedModel {
    const resolved = this.ctx.models.resolve(modelId, entry.region, { allowBareId });
    entry.modelId = resolved.profile.modelId;
    entry.geography = resolved.geography ?? null;
    return resolved;
  }

  private planFault(entry: GroundTruthEntry, operation: OperationName, resolved: ResolvedModel): PlannedFault | undefined {
    if (this.ctx.faults.size === 0) return undefined;
    const fault = this.ctx.faults.plan({
      ordinal: entry.ordinal,
      emulatedSeconds: (entry.receivedMs - this.ctx.startedMs) / this.ctx.timeScale / 1000,
      operation,
      modelIdAsked: entry.modelIdAsked ?? "",
      modelId: resolved.profile.modelId,
      region: entry.region,
    });
    if (fault !== undefined) {
      entry.faultKind = fault.kind;
      entry.faultRule = fault.ruleIndex;
      if ("afterTokens" in fault) entry.faultAfterTokens = fault.afterTokens;
      if ("delayMs" in fault) entry.faultDelayMs = fault.delayMs;
    }
    return fault;
  }

  /** HTTP-error faults answer at once; returns true when the request is answered. */
  private applyEarlyFault(exchange: Exchange, entry: GroundTruthEntry, fault: PlannedFault): boolean {
    if (!("errorName" in fault)) return false;
    const extra =
      fault.errorName === "ModelErrorException"
        ? { originalStatusCode: 500, resourceName: `arn:aws:bedrock:${entry.region}::foundation-model/${entry.modelId ?? ""}` }
        : {};
    this.sendError(exchange, entry, new BedrockError(fault.errorName, HTTP_FAULT_MESSAGES[fault.errorName] ?? ERROR_MESSAGES.internal, extra), "fault");
    return true;
  }

  private generate(
    exchange: Exchange,
    entry: GroundTruthEntry,
    operation: OperationName,
    checked: CheckedRequest,
    native: NativeFormat | undefined,
    fault: PlannedFault | undefined,
  ): void {
    const random = SeededRandom.derive(this.ctx.seed, "request", entry.ordinal);
    const randoms = {
      request: random,
      chunks: SeededRandom.derive(this.ctx.seed, "chunks", entry.ordinal),
      text: SeededRandom.derive(this.ctx.seed, "text", entry.ordinal),
    };
    const extraTtftMs = fault?.kind === "slowFirstByte" ? fault.delayMs : 0;
    const planned = planGeneration(checked, this.ctx, randoms, extraTtftMs);
    if (planned instanceof BedrockError) {
      this.sendError(exchange, entry, planned, "quota");
      return;
    }
    const plan = planned;
    const cacheRequested = checked.tokens.checkpoints.length > 0;
    entry.performanceConfigServed = plan.performanceServed;
    entry.performanceFallbackReason = plan.performanceFallbackReason;
    entry.serviceTierServed = plan.tierServed;
    entry.inputTokens = plan.inputTokens;
    entry.cacheReadInputTokens = plan.cacheReadInputTokens;
    entry.cacheWriteInputTokens = plan.cacheWriteInputTokens;
    entry.plannedOutputTokens = plan.outputTokens;
    entry.emulatedQueueMs = plan.emulatedQueueMs;
    entry.emulatedTtftMs = plan.emulatedTtftMs;
    const release = (tokensSent: number): void => plan.lease.release(plan.promptTokens + tokensSent);

    if (operation === "ConverseStream" || operation === "InvokeModelWithResponseStream") {
      let format: StreamFormat;
      let headers: OutgoingHeaders;
      if (native === undefined) {
        format = new ConverseStreamFormat(plan, cacheRequested, random);
        headers = { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": entry.requestId };
      } else {
        format = new InvokeStreamFormat(native, nativeResult(plan, cacheRequested, random), random);
        headers = invokeStreamHeaders(plan, entry.requestId);
      }
      const driver = new StreamDriver({
        exchange,
        plan,
        format,
        headers,
        entry,
        fault,
        scheduler: this.ctx.scheduler,
        clock: this.ctx.clock,
        timeScale: this.ctx.timeScale,
        onDone: (tokensSent) => {
          this.inFlight.delete(driver);
          release(tokensSent);
          this.ctx.groundTruth.finish(entry);
        },
      });
      this.inFlight.add(driver);
      driver.start();
      return;
    }

    this.respondLater(
      exchange,
      entry,
      fault,
      plan.emulatedTtftMs + drawGenerationSpanMs(plan),
      (latencyMs) => {
        entry.outputTokens = plan.outputTokens;
        entry.stopReason = plan.stopReason;
        entry.reportedLatencyMs = latencyMs;
        const text = plan.text.take(plan.outputTokens);
        if (native === undefined) {
          const json = Buffer.from(JSON.stringify(converseResponseBody(plan, text, latencyMs, cacheRequested)));
          return { headers: jsonHeaders(entry.requestId, json), body: json };
        }
        const json = Buffer.from(JSON.stringify(native.response(nativeResult(plan, cacheRequested, random), text)));
        return { headers: invokeResponseHeaders(plan, entry.requestId, latencyMs, cacheRequested, json), body: json };
      },
      release,
      plan,
    );
  }

  /**
   * A JSON response written `emulatedDelayMs` after the request arrived (scaled), unless a transport fault resets the
   * connection or stalls at that moment.
   */
  private respondLater(
    exchange: Exchange,
    entry: GroundTruthEntry,
    fault: PlannedFault | undefined,
    emulatedDelayMs: number,
    build: (latencyMs: number) => { headers: OutgoingHeaders; body: Buffer },
    release: (tokensSent: number) => void = () => undefined,
    plan?: GenerationPlan,
  ): void {
    const { clock, scheduler, timeScale } = this.ctx;
    const extra = plan === undefined && fault?.kind === "slowFirstByte" ? fault.delayMs : 0;
    const delayMs = (emulatedDelayMs + extra) * timeScale;
    if (plan !== undefined) entry.scheduledTtftMs = plan.emulatedTtftMs * timeScale;
    let done = false;
    let stalled = false;
    const finish = (outcome: RequestOutcome, tokensSent: number): void => {
      if (done) return;
      done = true;
      this.inFlight.delete(item);
      release(tokensSent);
      this.close(entry, outcome);
    };
    const item: InFlight = {
      abort: () => {
        scheduler.cancel(task);
        finish(stalled ? "stalled" : "server-closed", 0);
      },
    };
    exchange.onEarlyClose(() => {
      scheduler.cancel(task);
      finish(stalled ? "stalled" : "client-closed", 0);
    });
    const task = scheduler.at(entry.receivedMs + delayMs, () => {
      if (done || exchange.closed) return;
      if (fault?.kind === "connectionReset") {
        exchange.reset();
        entry.errorClass = "ConnectionReset";
        entry.errorMessage = "The emulator reset the connection (injected connectionReset fault).";
        entry.errorSource = "fault";
        entry.tokensBeforeFault = 0;
        entry.chunksBeforeFault = 0;
        finish("reset", 0);
        return;
      }
      if (fault?.kind === "stall") {
        stalled = true;
        entry.errorClass = "Stalled";
        entry.errorMessage = "The emulator never answered (injected stall fault).";
        entry.errorSource = "fault";
        entry.tokensBeforeFault = 0;
        entry.chunksBeforeFault = 0;
        return;
      }
      const latencyMs = Math.round(clock.now() - entry.receivedMs);
      const response = build(latencyMs);
      exchange.writeHead(200, response.headers);
      exchange.end(response.body);
      entry.httpStatus = 200;
      finish("success", plan?.outputTokens ?? 0);
    }, { precise: true });
    this.inFlight.add(item);
  }

  private sendError(exchange: Exchange, entry: GroundTruthEntry, error: BedrockError, source: "request" | "quota" | "fault"): void {
    const body = Buffer.from(JSON.stringify(error.body()));
    exchange.writeHead(error.status, {
      "content-type": "application/json",
      "content-length": body.length,
      "x-amzn-errortype": error.errorName,
      "x-amzn-requestid": entry.requestId,
    });
    exchange.end(body);
    entry.httpStatus = error.status;
    entry.errorClass = error.errorName;
    entry.errorMessage = error.message;
    entry.errorSource = source;
    this.close(entry, "error");
  }

  private close(entry: GroundTruthEntry, outcome: RequestOutcome): void {
    if (entry.endMs !== null) return;
    entry.outcome = outcome;
    entry.endMs = this.ctx.clock.now();
    this.ctx.groundTruth.finish(entry);
  }
}

function jsonHeaders(requestId: string, body: Buffer): OutgoingHeaders {
  return { "content-type": "application/json", "content-length": body.length, "x-amzn-requestid": requestId };
}

import { z } from "zod";
import type { BedrockErrorName } from "./errors";
import type { StreamExceptionType } from "./event-stream";
import { SeededRandom } from "../base/random";

/**
 * Fault injection: rules that make chosen requests fail the way Bedrock (or the network) fails, deterministically under
 * the emulator's seed.
 *
 * For each request (every HTTP request, so every SDK attempt), the rules are tried in order; a rule applies when its
 * filters match (kind compatible with the operation, model, region, operation, request-ordinal and time windows) and
 * a draw from a random source derived from `(seed, "fault", request ordinal, rule index)` is below its `rate`.
 * The first rule that applies wins. The same seed and the same sequence of requests give the same faults, whatever
 * the timing.
 */

export const OPERATIONS = ["Converse", "ConverseStream", "InvokeModel", "InvokeModelWithResponseStream", "CountTokens"] as const;
export type OperationName = (typeof OPERATIONS)[number];

/** Operations that answer with an event stream. */
export const STREAMING_OPERATIONS: ReadonlySet<OperationName> = new Set(["ConverseStream", "InvokeModelWithResponseStream"]);

/** Faults answered with an HTTP error before any response body (status and `x-amzn-errortype` as Bedrock sends them). */
export const HTTP_FAULT_ERRORS = Object.freeze({
  throttling: "ThrottlingException",
  internalServer: "InternalServerException",
  serviceUnavailable: "ServiceUnavailableException",
  modelNotReady: "ModelNotReadyException",
  modelTimeout: "ModelTimeoutException",
  modelError: "ModelErrorException",
} as const satisfies Record<string, BedrockErrorName>);
export type HttpFaultKind = keyof typeof HTTP_FAULT_ERRORS;

/** Faults sent as an exception frame inside an event stream, after `afterTokens` output tokens (streaming operations only). */
export const STREAM_FAULT_EXCEPTIONS = Object.freeze({
  streamThrottling: "throttlingException",
  streamModelError: "modelStreamErrorException",
  streamInternalServer: "internalServerException",
  streamServiceUnavailable: "serviceUnavailableException",
} as const satisfies Record<string, StreamExceptionType>);
export type StreamFaultKind = keyof typeof STREAM_FAULT_EXCEPTIONS;

/** Transport faults: the TCP connection is reset, the response stops and never ends, or the first byte comes late. */
export const TRANSPORT_FAULTS = ["connectionReset", "stall", "slowFirstByte"] as const;
export type TransportFaultKind = (typeof TRANSPORT_FAULTS)[number];

export const FAULT_KINDS = [
  ...(Object.keys(HTTP_FAULT_ERRORS) as HttpFaultKind[]),
  ...(Object.keys(STREAM_FAULT_EXCEPTIONS) as StreamFaultKind[]),
  ...TRANSPORT_FAULTS,
] as const;
export type FaultKind = HttpFaultKind | StreamFaultKind | TransportFaultKind;

/** Default output tokens sent before an in-stream fault, a reset or a stall when a rule gives no `afterTokens`. */
export const DEFAULT_FAULT_AFTER_TOKENS = 0;
/** Default extra delay of a `slowFirstByte` fault, emulated ms. */
export const DEFAULT_SLOW_FIRST_BYTE_MS = 5_000;

/** One fault rule, as written in an experiment's `emulator.faults` or a `--faults` file. */
export interface FaultRule {
  kind: FaultKind;
  /** Probability (0–1) that a matching request gets the fault. */
  rate: number;
  /** Only requests for this model: the ID as sent (`us.anthropic…`, an ARN) or the foundation model ID it resolves to. */
  model?: string | string[];
  /** Only requests signed for this region (SigV4 credential scope). */
  region?: string | string[];
  operation?: OperationName | OperationName[];
  /** Only requests whose emulator-wide ordinal (1 = the first request the emulator received) is ≥ this. */
  fromRequest?: number;
  /** … and ≤ this (inclusive). */
  toRequest?: number;
  /** Only requests received at or after this many emulated seconds since the emulator started. */
  fromSecond?: number;
  /** … and before this many emulated seconds. */
  toSecond?: number;
  /** In-stream faults, `connectionReset`, `stall`: output tokens sent before the fault (default 0: before the first delta). */
  afterTokens?: number;
  /** `slowFirstByte`: extra emulated ms before the first byte of the response (default 5000). */
  delayMs?: number;
}

const oneOrMany = <T extends z.ZodType>(item: T, what: string) =>
  z.union([item, z.array(item).min(1, { error: `a non-empty list of ${what}` })], { error: `${what}, or a list of them` });

const nonNegativeInt = (what: string) => z.number({ error: what }).int({ error: what }).min(0, { error: what });

export const faultRuleSchema = z
  .strictObject({
    kind: z.enum(FAULT_KINDS, { error: `one of ${FAULT_KINDS.map((k) => JSON.stringify(k)).join(", ")}` }),
    rate: z.number({ error: "a probability from 0 to 1" }).min(0, { error: "a probability from 0 to 1" }).max(1, { error: "a probability from 0 to 1" }),
    model: oneOrMany(z.string({ error: "a model ID" }).min(1, { error: "a non-empty model ID" }), "model IDs").optional(),
    region: oneOrMany(
      z.string({ error: "an AWS region name" }).regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: "an AWS region name such as us-east-1" }),
      "region names",
    ).optional(),
    operation: oneOrMany(z.enum(OPERATIONS, { error: `one of ${OPERATIONS.join(", ")}` }), "operation names").optional(),
    fromRequest: z.number({ error: "a request ordinal ≥ 1" }).int({ error: "a request ordinal ≥ 1" }).min(1, { error: "a request ordinal ≥ 1" }).optional(),
    toRequest: z.number({ error: "a request ordinal ≥ 1" }).int({ error: "a request ordinal ≥ 1" }).min(1, { error: "a request ordinal ≥ 1" }).optional(),
    fromSecond: z.number({ error: "emulated seconds ≥ 0" }).min(0, { error: "emulated seconds ≥ 0" }).optional(),
    toSecond: z.number({ error: "emulated seconds > 0" }).positive({ error: "emulated seconds > 0" }).optional(),
    afterTokens: nonNegativeInt("a number of output tokens ≥ 0").optional(),
    delayMs: z.number({ error: "emulated milliseconds > 0" }).positive({ error: "emulated milliseconds > 0" }).optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.fromRequest !== undefined && rule.toRequest !== undefined && rule.toRequest < rule.fromRequest) {
      ctx.addIssue({ code: "custom", path: ["toRequest"], message: `a request ordinal ≥ fromRequest (${rule.fromRequest})` });
    }
    if (rule.fromSecond !== undefined && rule.toSecond !== undefined && rule.toSecond <= rule.fromSecond) {
      ctx.addIssue({ code: "custom", path: ["toSecond"], message: `emulated seconds > fromSecond (${rule.fromSecond})` });
    }
    const transportOrStream = rule.kind in STREAM_FAULT_EXCEPTIONS || rule.kind === "connectionReset" || rule.kind === "stall";
    if (rule.afterTokens !== undefined && !transportOrStream) {
      ctx.addIssue({ code: "custom", path: ["afterTokens"], message: `no afterTokens with kind "${rule.kind}" (it applies to in-stream faults, connectionReset and stall)` });
    }
    if (rule.delayMs !== undefined && rule.kind !== "slowFirstByte") {
      ctx.addIssue({ code: "custom", path: ["delayMs"], message: `no delayMs with kind "${rule.kind}" (it applies to slowFirstByte)` });
    }
    if (rule.kind in STREAM_FAULT_EXCEPTIONS && rule.operation !== undefined) {
      const ops = Array.isArray(rule.operation) ? rule.operation : [rule.operation];
      const bad = ops.find((op) => !STREAMING_OPERATIONS.has(op));
      if (bad !== undefined) {
        ctx.addIssue({ code: "custom", path: ["operation"], message: `streaming operations only (ConverseStream, InvokeModelWithResponseStream) with kind "${rule.kind}", not ${bad}` });
      }
    }
  });

/** What the planner decided for one request. */
export type PlannedFault =
  | { kind: HttpFaultKind; ruleIndex: number; errorName: BedrockErrorName }
  | { kind: StreamFaultKind; ruleIndex: number; exceptionType: StreamExceptionType; afterTokens: number }
  | { kind: "connectionReset" | "stall"; ruleIndex: number; afterTokens: number }
  | { kind: "slowFirstByte"; ruleIndex: number; delayMs: number };

/** What a rule is matched against. */
export interface FaultSubject {
  ordinal: number;
  /** Emulated seconds since the emulator started. */
  emulatedSeconds: number;
  operation: OperationName;
  modelIdAsked: string;
  /** Foundation model ID it resolved to (undefined when resolution failed; then model filters do not match). */
  modelId: string | undefined;
  region: string;
}

interface CompiledRule {
  index: number;
  rule: Readonly<FaultRule>;
  models: ReadonlySet<string> | undefined;
  regions: ReadonlySet<string> | undefined;
  operations: ReadonlySet<OperationName> | undefined;
}

const asSet = <T>(value: T | T[] | undefined): ReadonlySet<T> | undefined =>
  value === undefined ? undefined : new Set(Array.isArray(value) ? value : [value]);

export class FaultPlanner {
  private readonly rules: readonly CompiledRule[];

  constructor(
    rules: readonly FaultRule[],
    private readonly seed: number,
  ) {
    this.rules = rules.map((rule, index) => ({
      index,
      rule,
      models: asSet(rule.model),
      regions: asSet(rule.region),
      operations: asSet(rule.operation),
    }));
  }

  get size(): number {
    return this.rules.length;
  }

  /** The fault for this request, or undefined. */
  plan(subject: FaultSubject): PlannedFault | undefined {
    for (const compiled of this.rules) {
      if (!this.matches(compiled, subject)) continue;
      const { rule, index } = compiled;
      if (rule.rate <= 0) continue;
      if (rule.rate < 1 && !(SeededRandom.derive(this.seed, "fault", subject.ordinal, index).uniform() < rule.rate)) continue;
      return toPlanned(rule, index);
    }
    return undefined;
  }

  private matches(compiled: CompiledRule, s: FaultSubject): boolean {
    const { rule } = compiled;
    if (rule.kind in STREAM_FAULT_EXCEPTIONS && !STREAMING_OPERATIONS.has(s.operation)) return false;
    if (compiled.operations !== undefined && !compiled.operations.has(s.operation)) return false;
    if (compiled.regions !== undefined && !compiled.regions.has(s.region)) return false;
    if (compiled.models !== undefined && !compiled.models.has(s.modelIdAsked) && (s.modelId === undefined || !compiled.models.has(s.modelId))) {
      return false;
    }
    if (rule.fromRequest !== undefined && s.ordinal < rule.fromRequest) return false;
    if (rule.toRequest !== undefined && s.ordinal > rule.toRequest) return false;
    if (rule.fromSecond !== undefined && s.emulatedSeconds < rule.fromSecond) return false;
    if (rule.toSecond !== undefined && s.emulatedSeconds >= rule.toSecond) return false;
    return true;
  }
}

function toPlanned(rule: FaultRule, ruleIndex: number): PlannedFault {
  const kind = rule.kind;
  if (kind in HTTP_FAULT_ERRORS) return { kind: kind as HttpFaultKind, ruleIndex, errorName: HTTP_FAULT_ERRORS[kind as HttpFaultKind] };
  if (kind in STREAM_FAULT_EXCEPTIONS) {
    const streamKind = kind as StreamFaultKind;
    return { kind: streamKind, ruleIndex, exceptionType: STREAM_FAULT_EXCEPTIONS[streamKind], afterTokens: rule.afterTokens ?? DEFAULT_FAULT_AFTER_TOKENS };
  }
  if (kind === "slowFirstByte") return { kind, ruleIndex, delayMs: rule.delayMs ?? DEFAULT_SLOW_FIRST_BYTE_MS };
  return { kind: kind as "connectionReset" | "stall", ruleIndex, afterTokens: rule.afterTokens ?? DEFAULT_FAULT_AFTER_TOKENS };
}

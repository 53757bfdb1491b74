import type { Conversation } from "../conversation";
import { BedrockError, ERROR_MESSAGES } from "../errors";
import type { ModelProfile } from "../profiles";
import type { SeededRandom } from "../../base/random";
import { isRecord } from "../validation";

/**
 * A model-native body format of InvokeModel / InvokeModelWithResponseStream (Anthropic messages, Amazon Nova,
 * Meta Llama, Mistral): how its request reads, and how its response and stream chunks look.
 */
export interface NativeRequest {
  conversation: Conversation;
  /** Undefined: the model's default. */
  maxTokens: number | undefined;
  temperature: number | undefined;
  topP: number | undefined;
  stopSequences: string[];
}

/** What was generated, in the terms every format reports. */
export interface NativeResult {
  model: ModelProfile;
  /** usage input tokens (not read from / written to the cache). */
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
  /** The request carried cache points (formats then report cache counts, 0 included). */
  cacheRequested: boolean;
  stopReason: "end_turn" | "max_tokens";
  /** A message ID for formats that carry one (Anthropic `msg_bdrk_…`). */
  messageId: string;
}

/** `amazon-bedrock-invocationMetrics` of the last stream chunk. */
export interface InvocationMetrics {
  inputTokenCount: number;
  outputTokenCount: number;
  invocationLatency: number;
  firstByteLatency: number;
  cacheReadInputTokenCount?: number;
  cacheWriteInputTokenCount?: number;
}

export interface NativeFormat {
  /** Parses and validates a request body (already a JSON object); throws the ValidationException Bedrock sends. */
  parse(body: Record<string, unknown>, model: ModelProfile): NativeRequest;
  /** InvokeModel response body. */
  response(result: NativeResult, text: string): unknown;
  /** Stream chunks sent before the first text delta. */
  streamStart(result: NativeResult): unknown[];
  /** The chunk carrying one delta of text; `tokensSoFar` includes this delta's tokens. */
  streamDelta(text: string, tokensSoFar: number, first: boolean, result: NativeResult): unknown;
  /** Chunks after the last delta; the last carries the invocation metrics. */
  streamEnd(result: NativeResult, metrics: InvocationMetrics): unknown[];
}

export function malformed(detail: string): BedrockError {
  return new BedrockError("ValidationException", ERROR_MESSAGES.malformedInput(detail));
}

/** `amazon-bedrock-invocationMetrics` for a result. */
export function invocationMetrics(result: NativeResult, invocationLatency: number, firstByteLatency: number): InvocationMetrics {
  const metrics: InvocationMetrics = {
    inputTokenCount: result.inputTokens,
    outputTokenCount: result.outputTokens,
    invocationLatency,
    firstByteLatency,
  };
  if (result.cacheRequested) {
    metrics.cacheReadInputTokenCount = result.cacheReadInputTokens;
    metrics.cacheWriteInputTokenCount = result.cacheWriteInputTokens;
  }
  return metrics;
}

/** Llama / Mistral name stop reasons `stop` and `length`. */
export function completionStopReason(stopReason: NativeResult["stopReason"]): "stop" | "length" {
  return stopReason === "max_tokens" ? "length" : "stop";
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export function randomBase62(length: number, random: SeededRandom): string {
  let out = "";
  for (let i = 0; i < length; i++) out += BASE62.charAt(random.integer(0, 61));
  return out;
}

/**
 * Checks a native body the way Bedrock's JSON-schema validation answers: problems read
 * `#: required key [max_tokens] not found`, `#/temperature: 1.5 is not less or equal to 1`, and are concatenated into
 * one `Malformed input request: …, please reformat your input and try again.`
 */
export class BodyChecker {
  private readonly problems: string[] = [];

  constructor(
    private readonly body: Record<string, unknown>,
    allowed: readonly string[],
    private readonly pointer = "#",
    private readonly parent?: BodyChecker,
  ) {
    for (const key of Object.keys(body)) {
      if (!allowed.includes(key)) this.add(`${pointer}: extraneous key [${key}] is not permitted`);
    }
  }

  private add(problem: string): void {
    (this.parent ?? this).problems.push(problem);
  }

  private at(key: string): string {
    return `${this.pointer}/${key}`;
  }

  private present(key: string, required: boolean): boolean {
    const value = this.body[key];
    if (value === undefined || value === null) {
      if (required) this.add(`${this.pointer}: required key [${key}] not found`);
      return false;
    }
    return true;
  }

  private typeProblem(key: string, expected: string): void {
    const value = this.body[key];
    const found = Array.isArray(value) ? "JSONArray" : isRecord(value) ? "JSONObject" : typeof value === "string" ? "String" : typeof value === "boolean" ? "Boolean" : Number.isInteger(value) ? "Integer" : "BigDecimal";
    this.add(`${this.at(key)}: expected type: ${expected}, found: ${found}`);
  }

  private range(key: string, value: number, min: number | undefined, max: number | undefined): void {
    if (min !== undefined && value < min) this.add(`${this.at(key)}: ${value} is not greater or equal to ${min}`);
    if (max !== undefined && value > max) this.add(`${this.at(key)}: ${value} is not less or equal to ${max}`);
  }

  integer(key: string, options: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    if (!this.present(key, options.required ?? false)) return undefined;
    const value = this.body[key];
    if (typeof value !== "number" || !Number.isInteger(value)) {
      this.typeProblem(key, "Integer");
      return undefined;
    }
    this.range(key, value, options.min, options.max);
    return value;
  }

  number(key: string, options: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    if (!this.present(key, options.required ?? false)) return undefined;
    const value = this.body[key];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      this.typeProblem(key, "Number");
      return undefined;
    }
    this.range(key, value, options.min, options.max);
    return value;
  }

  string(key: string, options: { required?: boolean; minLength?: number; oneOf?: readonly string[] } = {}): string | undefined {
    if (!this.present(key, options.required ?? false)) return undefined;
    const value = this.body[key];
    if (typeof value !== "string") {
      this.typeProblem(key, "String");
      return undefined;
    }
    if (options.minLength !== undefined && value.length < options.minLength) {
      this.add(`${this.at(key)}: expected minLength: ${options.minLength}, actual: ${value.length}`);
    }
    if (options.oneOf !== undefined && !options.oneOf.includes(value)) this.add(`${this.at(key)}: ${value} is not a valid enum value`);
    return value;
  }

  stringArray(key: string, options: { maxItems?: number } = {}): string[] {
    if (!this.present(key, false)) return [];
    const value = this.body[key];
    if (!Array.isArray(value)) {
      this.typeProblem(key, "JSONArray");
      return [];
    }
    if (options.maxItems !== undefined && value.length > options.maxItems) {
      this.add(`${this.at(key)}: expected maximum item count: ${options.maxItems}, found: ${value.length}`);
    }
    const strings: string[] = [];
    value.forEach((item, i) => {
      if (typeof item === "string") strings.push(item);
      else this.add(`${this.at(key)}/${i}: expected type: String, found: ${typeof item}`);
    });
    return strings;
  }

  array(key: string, options: { required?: boolean; minItems?: number } = {}): unknown[] | undefined {
    if (!this.present(key, options.required ?? false)) return undefined;
    const value = this.body[key];
    if (!Array.isArray(value)) {
      this.typeProblem(key, "JSONArray");
      return undefined;
    }
    if (options.minItems !== undefined && value.length < options.minItems) {
      this.add(`${this.at(key)}: expected minimum item count: ${options.minItems}, found: ${value.length}`);
    }
    return value;
  }

  /** A nested object checked with its own allowed keys (problems are reported with this checker's). */
  object(key: string, allowed: readonly string[], options: { required?: boolean } = {}): BodyChecker | undefined {
    if (!this.present(key, options.required ?? false)) return undefined;
    const value = this.body[key];
    if (!isRecord(value)) {
      this.typeProblem(key, "JSONObject");
      return undefined;
    }
    return new BodyChecker(value, allowed, this.at(key), this.parent ?? this);
  }

  /** Throws the collected problems as one ValidationException. */
  done(): void {
    if (this.problems.length > 0) throw malformed(this.problems.join(""));
  }
}

import { encodeEventJson, encodeException, PADDING_VALUES, type StreamExceptionType } from "../event-stream";
import type { GenerationPlan } from "../generation";
import type { SeededRandom } from "../../base/random";
import type { StreamFormat } from "../response-stream";

/**
 * Converse and ConverseStream responses, model-independent.
 *
 * Converse: `{output: {message: {role, content[{text}]}}, stopReason, usage, metrics{latencyMs}, performanceConfig, serviceTier}`.
 * ConverseStream events: `messageStart {role}` → `contentBlockDelta {delta{text}, contentBlockIndex}`* →
 * `contentBlockStop {contentBlockIndex}` → `messageStop {stopReason}` → `metadata {usage, metrics{latencyMs},
 * performanceConfig{latency}, serviceTier{type}}`; each payload carries Bedrock's random `p` padding.
 */
export interface TokenUsageBody {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** `usage` as Converse reports it; cache counts appear when the request had cache points. */
export function tokenUsage(plan: GenerationPlan, outputTokens: number, cacheRequested: boolean): TokenUsageBody {
  const usage: TokenUsageBody = {
    inputTokens: plan.inputTokens,
    outputTokens,
    totalTokens: plan.inputTokens + outputTokens + plan.cacheReadInputTokens + plan.cacheWriteInputTokens,
  };
  if (cacheRequested) {
    usage.cacheReadInputTokens = plan.cacheReadInputTokens;
    usage.cacheWriteInputTokens = plan.cacheWriteInputTokens;
  }
  return usage;
}

export function converseResponseBody(plan: GenerationPlan, text: string, latencyMs: number, cacheRequested: boolean): unknown {
  return {
    output: { message: { role: "assistant", content: [{ text }] } },
    stopReason: plan.stopReason,
    usage: tokenUsage(plan, plan.outputTokens, cacheRequested),
    metrics: { latencyMs },
    performanceConfig: { latency: plan.performanceServed },
    serviceTier: { type: plan.tierServed },
  };
}

export class ConverseStreamFormat implements StreamFormat {
  constructor(
    private readonly plan: GenerationPlan,
    private readonly cacheRequested: boolean,
    private readonly random: SeededRandom,
  ) {}

  private pad(): string {
    return PADDING_VALUES[this.random.integer(0, PADDING_VALUES.length - 1)] as string;
  }

  start(): Uint8Array[] {
    return [encodeEventJson("messageStart", `{"p":"${this.pad()}","role":"assistant"}`)];
  }

  delta(text: string): Uint8Array {
    return encodeEventJson("contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":${JSON.stringify(text)}},"p":"${this.pad()}"}`);
  }

  end(latencyMs: number): Uint8Array[] {
    const plan = this.plan;
    return [
      encodeEventJson("contentBlockStop", `{"contentBlockIndex":0,"p":"${this.pad()}"}`),
      encodeEventJson("messageStop", `{"p":"${this.pad()}","stopReason":"${plan.stopReason}"}`),
      encodeEventJson(
        "metadata",
        JSON.stringify({
          metrics: { latencyMs },
          p: this.pad(),
          performanceConfig: { latency: plan.performanceServed },
          serviceTier: { type: plan.tierServed },
          usage: tokenUsage(plan, plan.outputTokens, this.cacheRequested),
        }),
      ),
    ];
  }

  exception(type: StreamExceptionType, message: string): Uint8Array {
    return encodeException(type, exceptionPayload(type, message));
  }
}

/** In-stream exception payload; modelStreamErrorException adds the model's original status and message. */
export function exceptionPayload(type: StreamExceptionType, message: string): { message: string } & Record<string, unknown> {
  return type === "modelStreamErrorException" ? { message, originalStatusCode: 500, originalMessage: "Model inference failed" } : { message };
}

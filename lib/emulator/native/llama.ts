import type { ModelProfile } from "../profiles";
import { BodyChecker, completionStopReason, type InvocationMetrics, type NativeFormat, type NativeResult } from "./native-format";

/**
 * Meta Llama (text completion with the chat template already applied by the caller).
 * Request: `{prompt, max_gen_len?, temperature?, top_p?, images?}`.
 * Response: `{generation, prompt_token_count, generation_token_count, stop_reason: "stop" | "length"}`.
 * Stream: one chunk per delta `{generation, prompt_token_count (first chunk only, else null), generation_token_count
 * (cumulative), stop_reason: null}`, then a last chunk with empty `generation`, the stop reason and
 * `amazon-bedrock-invocationMetrics`.
 */
const TOP_LEVEL = ["prompt", "max_gen_len", "temperature", "top_p", "images"];

export const llamaFormat: NativeFormat = {
  parse(body, model: ModelProfile) {
    const check = new BodyChecker(body, TOP_LEVEL);
    const prompt = check.string("prompt", { required: true, minLength: 1 });
    const maxTokens = check.integer("max_gen_len", { min: 1, max: model.maxOutputTokens });
    const temperature = check.number("temperature", { min: 0, max: 1 });
    const topP = check.number("top_p", { min: 0, max: 1 });
    check.done();
    return { conversation: { system: [], messages: [], rawPrompt: prompt ?? "" }, maxTokens, temperature, topP, stopSequences: [] };
  },

  response(result: NativeResult, text: string) {
    return {
      generation: text,
      prompt_token_count: result.inputTokens,
      generation_token_count: result.outputTokens,
      stop_reason: completionStopReason(result.stopReason),
    };
  },

  streamStart() {
    return [];
  },

  streamDelta(text, tokensSoFar, first, result) {
    return { generation: text, prompt_token_count: first ? result.inputTokens : null, generation_token_count: tokensSoFar, stop_reason: null };
  },

  streamEnd(result, metrics: InvocationMetrics) {
    return [
      {
        generation: "",
        prompt_token_count: null,
        generation_token_count: result.outputTokens,
        stop_reason: completionStopReason(result.stopReason),
        "amazon-bedrock-invocationMetrics": metrics,
      },
    ];
  },
};

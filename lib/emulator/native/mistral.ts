import type { ModelProfile } from "../profiles";
import { BodyChecker, completionStopReason, type InvocationMetrics, type NativeFormat, type NativeResult } from "./native-format";

/**
 * Mistral text completion (`<s>[INST] … [/INST]` prompts).
 * Request: `{prompt, max_tokens?, stop?, temperature?, top_p?, top_k?}`.
 * Response: `{outputs: [{text, stop_reason: "stop" | "length"}]}`.
 * Stream: `{outputs: [{text, stop_reason: null}]}` per delta, then `{outputs: [{text: "", stop_reason}],
 * amazon-bedrock-invocationMetrics}`. (The chat-style `messages` body of Mistral Large 2407 is not emulated.)
 */
const TOP_LEVEL = ["prompt", "max_tokens", "stop", "temperature", "top_p", "top_k"];

export const mistralFormat: NativeFormat = {
  parse(body, model: ModelProfile) {
    const check = new BodyChecker(body, TOP_LEVEL);
    const prompt = check.string("prompt", { required: true, minLength: 1 });
    const maxTokens = check.integer("max_tokens", { min: 1, max: model.maxOutputTokens });
    const stopSequences = check.stringArray("stop", { maxItems: 10 });
    const temperature = check.number("temperature", { min: 0, max: 1 });
    const topP = check.number("top_p", { min: 0, max: 1 });
    check.integer("top_k", { min: 0, max: 200 });
    check.done();
    return { conversation: { system: [], messages: [], rawPrompt: prompt ?? "" }, maxTokens, temperature, topP, stopSequences };
  },

  response(result: NativeResult, text: string) {
    return { outputs: [{ text, stop_reason: completionStopReason(result.stopReason) }] };
  },

  streamStart() {
    return [];
  },

  streamDelta(text) {
    return { outputs: [{ text, stop_reason: null }] };
  },

  streamEnd(result, metrics: InvocationMetrics) {
    return [{ outputs: [{ text: "", stop_reason: completionStopReason(result.stopReason) }], "amazon-bedrock-invocationMetrics": metrics }];
  },
};

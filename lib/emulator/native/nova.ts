import { parseConverseConversation } from "../operations/converse-request";
import type { ModelProfile } from "../profiles";
import { BodyChecker, type InvocationMetrics, type NativeFormat, type NativeResult } from "./native-format";

/**
 * Amazon Nova understanding models (`schemaVersion: "messages-v1"`), whose native schema mirrors Converse.
 * Request: `{schemaVersion?, system?: [{text}], messages[{role, content[{text}|{image}|{cachePoint}…]}],
 * inferenceConfig?: {maxTokens | max_new_tokens, temperature, topP | top_p, topK | top_k, stopSequences}, toolConfig?}`.
 * Response: `{output: {message: {content[{text}], role}}, stopReason, usage{inputTokens, outputTokens, totalTokens, …}}`.
 * Stream chunks: `{messageStart}`, `{contentBlockDelta}`*, `{contentBlockStop}`, `{messageStop}`, `{metadata, amazon-bedrock-invocationMetrics}`.
 */
const TOP_LEVEL = ["schemaVersion", "system", "messages", "inferenceConfig", "toolConfig"];
const INFERENCE = ["maxTokens", "max_new_tokens", "temperature", "topP", "top_p", "topK", "top_k", "stopSequences", "reasoningConfig"];

export const novaFormat: NativeFormat = {
  parse(body, model: ModelProfile) {
    const check = new BodyChecker(body, TOP_LEVEL);
    check.string("schemaVersion", { oneOf: ["messages-v1"] });
    check.array("messages", { required: true, minItems: 1 });
    check.array("system");
    const inference = check.object("inferenceConfig", INFERENCE);
    const maxTokens = inference?.integer("maxTokens", { min: 1, max: model.maxOutputTokens }) ?? inference?.integer("max_new_tokens", { min: 1, max: model.maxOutputTokens });
    const temperature = inference?.number("temperature", { min: 0, max: 1 });
    const topP = inference?.number("topP", { min: 0, max: 1 }) ?? inference?.number("top_p", { min: 0, max: 1 });
    inference?.integer("topK", { min: 0, max: 128 });
    inference?.integer("top_k", { min: 0, max: 128 });
    const stopSequences = inference?.stringArray("stopSequences", { maxItems: 4 }) ?? [];
    check.done();
    const conversation = parseConverseConversation(body);
    return { conversation, maxTokens, temperature, topP, stopSequences };
  },

  response(result: NativeResult, text: string) {
    return {
      output: { message: { content: [{ text }], role: "assistant" } },
      stopReason: result.stopReason,
      usage: usage(result),
    };
  },

  streamStart() {
    return [{ messageStart: { role: "assistant" } }];
  },

  streamDelta(text) {
    return { contentBlockDelta: { delta: { text }, contentBlockIndex: 0 } };
  },

  streamEnd(result, metrics: InvocationMetrics) {
    return [
      { contentBlockStop: { contentBlockIndex: 0 } },
      { messageStop: { stopReason: result.stopReason } },
      { metadata: { usage: usage(result), metrics: {}, trace: {} }, "amazon-bedrock-invocationMetrics": metrics },
    ];
  },
};

function usage(result: NativeResult): Record<string, number> {
  return {
    inputTokens: result.inputTokens,
    outputTokens: result.outputTokens,
    totalTokens: result.inputTokens + result.outputTokens + result.cacheReadInputTokens + result.cacheWriteInputTokens,
    cacheReadInputTokenCount: result.cacheReadInputTokens,
    cacheWriteInputTokenCount: result.cacheWriteInputTokens,
  };
}

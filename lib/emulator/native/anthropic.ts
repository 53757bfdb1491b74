import { otherBlock, type PromptBlock, type PromptMessage } from "../conversation";
import { BedrockError } from "../errors";
import type { ModelProfile } from "../profiles";
import { isRecord } from "../validation";
import { BodyChecker, type InvocationMetrics, type NativeFormat, type NativeResult } from "./native-format";

/**
 * Anthropic Claude messages API on Bedrock (`anthropic_version: "bedrock-2023-05-31"`).
 * Request: `{anthropic_version, max_tokens, messages[{role, content: string | blocks}], system?: string | blocks,
 * temperature?, top_p?, top_k?, stop_sequences?, tools?, tool_choice?, anthropic_beta?, thinking?, metadata?}`;
 * a block's `cache_control: {type: "ephemeral"}` ends a cacheable prefix.
 * Response: `{id, type: "message", role, model, content[{type: "text", text}], stop_reason, stop_sequence, usage}`.
 * Stream: `message_start`, `content_block_start`, `content_block_delta`*, `content_block_stop`, `message_delta`,
 * `message_stop` (with `amazon-bedrock-invocationMetrics`).
 */
const TOP_LEVEL = [
  "anthropic_version",
  "anthropic_beta",
  "max_tokens",
  "messages",
  "system",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "tools",
  "tool_choice",
  "thinking",
  "metadata",
];

export const ANTHROPIC_VERSION = "bedrock-2023-05-31";

/** `anthropic.claude-3-5-haiku-20241022-v1:0` → `claude-3-5-haiku-20241022` (the `model` field of responses). */
export function anthropicModelName(modelId: string): string {
  return modelId.replace(/^anthropic\./, "").replace(/-v\d+(:\d+)?$/, "");
}

function invalid(message: string): BedrockError {
  return new BedrockError("ValidationException", message);
}

function parseBlocks(value: unknown, path: string): PromptBlock[] {
  if (typeof value === "string") {
    if (value.trim() === "") throw invalid(`${path}: text content blocks must be non-empty`);
    return [{ kind: "text", text: value }];
  }
  if (!Array.isArray(value)) throw invalid(`${path}: Input should be a valid list`);
  const blocks: PromptBlock[] = [];
  value.forEach((block, i) => {
    if (!isRecord(block)) throw invalid(`${path}.${i}: Input should be a valid dictionary or object to extract fields from`);
    const type = block["type"];
    switch (type) {
      case "text": {
        const text = block["text"];
        if (typeof text !== "string") throw invalid(`${path}.${i}.text: Field required`);
        if (text.trim() === "") throw invalid(`${path}.${i}: text content blocks must be non-empty`);
        blocks.push({ kind: "text", text });
        break;
      }
      case "image":
        blocks.push({ kind: "image" });
        break;
      case "tool_use":
      case "tool_result":
      case "document":
      case "thinking":
      case "redacted_thinking":
        blocks.push(otherBlock(block));
        break;
      default:
        throw invalid(
          `${path}.${i}: Input tag '${String(type)}' found using 'type' does not match any of the expected tags: 'text', 'image', 'tool_use', 'tool_result', 'document', 'thinking', 'redacted_thinking'`,
        );
    }
    const cacheControl = block["cache_control"];
    if (cacheControl !== undefined && cacheControl !== null) {
      if (!isRecord(cacheControl) || cacheControl["type"] !== "ephemeral") throw invalid(`${path}.${i}.cache_control.type: Input should be 'ephemeral'`);
      blocks.push({ kind: "cachePoint" });
    }
  });
  return blocks;
}

export const anthropicFormat: NativeFormat = {
  parse(body, model: ModelProfile) {
    const check = new BodyChecker(body, TOP_LEVEL);
    check.string("anthropic_version", { required: true, oneOf: [ANTHROPIC_VERSION] });
    const maxTokens = check.integer("max_tokens", { required: true, min: 1 });
    const messages = check.array("messages", { required: true });
    const temperature = check.number("temperature", { min: 0, max: 1 });
    const topP = check.number("top_p", { min: 0, max: 1 });
    check.integer("top_k", { min: 0 });
    const stopSequences = check.stringArray("stop_sequences", { maxItems: 8191 });
    check.done();
    if (maxTokens !== undefined && maxTokens > model.maxOutputTokens) {
      throw invalid(`max_tokens: ${maxTokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${anthropicModelName(model.modelId)}`);
    }
    const list = messages ?? [];
    if (list.length === 0) throw invalid("messages: at least one message is required");
    const parsed: PromptMessage[] = list.map((message, i) => {
      if (!isRecord(message)) throw invalid(`messages.${i}: Input should be a valid dictionary`);
      const role = message["role"];
      if (role !== "user" && role !== "assistant") throw invalid(`messages.${i}.role: Input should be 'user' or 'assistant'`);
      return { role, content: parseBlocks(message["content"], `messages.${i}.content`) };
    });
    if (parsed[0]?.role !== "user") throw invalid("messages: first message must use the \"user\" role");
    for (let i = 1; i < parsed.length; i++) {
      if (parsed[i]?.role === parsed[i - 1]?.role) {
        throw invalid(`messages: roles must alternate between "user" and "assistant", but found multiple "${parsed[i]?.role}" roles in a row`);
      }
    }
    const system = body["system"] === undefined || body["system"] === null ? [] : parseBlocks(body["system"], "system");
    return { conversation: { system, messages: parsed }, maxTokens, temperature, topP, stopSequences };
  },

  response(result: NativeResult, text: string) {
    return {
      id: result.messageId,
      type: "message",
      role: "assistant",
      model: anthropicModelName(result.model.modelId),
      content: [{ type: "text", text }],
      stop_reason: result.stopReason,
      stop_sequence: null,
      usage: usage(result, result.outputTokens),
    };
  },

  streamStart(result) {
    return [
      {
        type: "message_start",
        message: {
          id: result.messageId,
          type: "message",
          role: "assistant",
          model: anthropicModelName(result.model.modelId),
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: usage(result, 1),
        },
      },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    ];
  },

  streamDelta(text) {
    return { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } };
  },

  streamEnd(result, metrics: InvocationMetrics) {
    return [
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: result.stopReason, stop_sequence: null }, usage: { output_tokens: result.outputTokens } },
      { type: "message_stop", "amazon-bedrock-invocationMetrics": metrics },
    ];
  },
};

function usage(result: NativeResult, outputTokens: number): Record<string, number> {
  const out: Record<string, number> = { input_tokens: result.inputTokens };
  if (result.cacheRequested) {
    out["cache_creation_input_tokens"] = result.cacheWriteInputTokens;
    out["cache_read_input_tokens"] = result.cacheReadInputTokens;
  }
  out["output_tokens"] = outputTokens;
  return out;
}

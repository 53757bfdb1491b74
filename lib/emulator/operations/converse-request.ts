import { otherBlock, type Conversation, type PromptBlock, type PromptMessage } from "../conversation";
import { BedrockError, ERROR_MESSAGES } from "../errors";
import type { GenerationRequest } from "../generation-request";
import { PERFORMANCE_LATENCIES, SERVICE_TIERS, type PerformanceLatency, type ServiceTierName } from "../profiles";
import {
  checkRange,
  constraintError,
  isRecord,
  optionalInteger,
  optionalNumber,
  optionalStringArray,
  parseJsonObject,
} from "../validation";

/** Parses and validates a Converse / ConverseStream request body (model-independent checks). */
export function parseConverseBody(body: Buffer): GenerationRequest {
  const request = parseJsonObject(body, (detail) => new BedrockError("ValidationException", ERROR_MESSAGES.malformedInput(detail)));
  const conversation = parseConverseConversation(request);
  const inference = request["inferenceConfig"];
  let maxTokens: number | undefined;
  let temperature: number | undefined;
  let topP: number | undefined;
  let stopSequences: string[] = [];
  if (inference !== undefined && inference !== null) {
    if (!isRecord(inference)) throw constraintError(inference, "inferenceConfig", "Member must be a structure");
    maxTokens = optionalInteger(inference, "maxTokens", "inferenceConfig.maxTokens");
    checkRange(maxTokens, "inferenceConfig.maxTokens", 1, Number.MAX_SAFE_INTEGER);
    temperature = optionalNumber(inference, "temperature", "inferenceConfig.temperature");
    checkRange(temperature, "inferenceConfig.temperature", 0, 1);
    topP = optionalNumber(inference, "topP", "inferenceConfig.topP");
    checkRange(topP, "inferenceConfig.topP", 0, 1);
    stopSequences = optionalStringArray(inference, "stopSequences", "inferenceConfig.stopSequences");
    if (stopSequences.length > 2500) throw constraintError(stopSequences.length, "inferenceConfig.stopSequences", "Member must have length less than or equal to 2500");
  }
  return {
    conversation,
    maxTokens,
    temperature,
    topP,
    stopSequences,
    performanceLatency: parsePerformanceConfig(request["performanceConfig"]),
    serviceTier: parseServiceTier(request["serviceTier"]),
  };
}

/** `messages` + `system` of a Converse request (also CountTokens' `input.converse`). */
export function parseConverseConversation(request: Record<string, unknown>, pathPrefix = ""): Conversation {
  const messagesValue = request["messages"];
  if (messagesValue === undefined || messagesValue === null) throw constraintError(null, `${pathPrefix}messages`, "Member must not be null");
  if (!Array.isArray(messagesValue)) throw constraintError(messagesValue, `${pathPrefix}messages`, "Member must be a list");
  if (messagesValue.length === 0) {
    throw new BedrockError(
      "ValidationException",
      "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
    );
  }
  const messages: PromptMessage[] = messagesValue.map((message, i) => parseMessage(message, i, pathPrefix));
  if (messages[0]?.role !== "user") {
    throw new BedrockError(
      "ValidationException",
      "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
    );
  }
  for (let i = 1; i < messages.length; i++) {
    if (messages[i]?.role === messages[i - 1]?.role) {
      throw new BedrockError(
        "ValidationException",
        "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.",
      );
    }
  }
  const systemValue = request["system"];
  let system: PromptBlock[] = [];
  if (systemValue !== undefined && systemValue !== null) {
    if (!Array.isArray(systemValue)) throw constraintError(systemValue, `${pathPrefix}system`, "Member must be a list");
    system = systemValue.map((block, j) => parseSystemBlock(block, `${pathPrefix}system.${j}`));
  }
  return { system, messages };
}

function parseMessage(value: unknown, index: number, pathPrefix: string): PromptMessage {
  const path = `${pathPrefix}messages.${index}`;
  if (!isRecord(value)) throw constraintError(value, `${path}.member`, "Member must be a structure");
  const role = value["role"];
  if (role !== "user" && role !== "assistant") {
    throw constraintError(role, `${path}.member.role`, "Member must satisfy enum value set: [user, assistant]");
  }
  const content = value["content"];
  if (!Array.isArray(content) || content.length === 0) {
    throw new BedrockError(
      "ValidationException",
      `The content field in the Message object at ${path} is empty. Add a ContentBlock object to the content field and try again.`,
    );
  }
  return { role, content: content.map((block, j) => parseContentBlock(block, `${path}.content.${j}`)) };
}

function parseContentBlock(value: unknown, path: string): PromptBlock {
  if (!isRecord(value)) throw constraintError(value, path, "Member must be a structure");
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    throw new BedrockError("ValidationException", `The ContentBlock object at ${path} must set exactly one of its members. Try again with exactly one member set.`);
  }
  const [key] = keys as [string];
  const member = value[key];
  switch (key) {
    case "text":
      if (typeof member !== "string") throw constraintError(member, `${path}.member.text`, "Member must be a string");
      if (member.trim() === "") {
        throw new BedrockError("ValidationException", `The text field in the ContentBlock object at ${path} is blank. Add text to the text field, and try again.`);
      }
      return { kind: "text", text: member };
    case "cachePoint":
      return parseCachePoint(member, `${path}.member.cachePoint`);
    case "image":
      return { kind: "image" };
    case "document":
    case "video":
    case "toolUse":
    case "toolResult":
    case "guardContent":
    case "reasoningContent":
    case "citationsContent":
      return otherBlock(member);
    default:
      throw new BedrockError("ValidationException", `The ContentBlock object at ${path} has an unknown member "${key}".`);
  }
}

function parseSystemBlock(value: unknown, path: string): PromptBlock {
  if (!isRecord(value)) throw constraintError(value, path, "Member must be a structure");
  if ("text" in value) {
    const text = value["text"];
    if (typeof text !== "string") throw constraintError(text, `${path}.member.text`, "Member must be a string");
    if (text.trim() === "") {
      throw new BedrockError("ValidationException", `The text field in the SystemContentBlock object at ${path} is blank. Add text to the text field, and try again.`);
    }
    return { kind: "text", text };
  }
  if ("cachePoint" in value) return parseCachePoint(value["cachePoint"], `${path}.member.cachePoint`);
  if ("guardContent" in value) return otherBlock(value["guardContent"]);
  throw new BedrockError("ValidationException", `The SystemContentBlock object at ${path} must set one of text, cachePoint or guardContent.`);
}

function parseCachePoint(value: unknown, path: string): PromptBlock {
  if (!isRecord(value) || value["type"] !== "default") {
    throw constraintError(isRecord(value) ? value["type"] : value, `${path}.type`, "Member must satisfy enum value set: [default]");
  }
  return { kind: "cachePoint" };
}

export function parsePerformanceConfig(value: unknown): PerformanceLatency {
  if (value === undefined || value === null) return "standard";
  if (!isRecord(value)) throw constraintError(value, "performanceConfig", "Member must be a structure");
  const latency = value["latency"];
  if (latency === undefined) return "standard";
  return parseLatencyName(latency, "performanceConfig.latency");
}

export function parseLatencyName(value: unknown, path: string): PerformanceLatency {
  if (typeof value !== "string" || !(PERFORMANCE_LATENCIES as readonly string[]).includes(value)) {
    throw constraintError(value, path, `Member must satisfy enum value set: [${PERFORMANCE_LATENCIES.join(", ")}]`);
  }
  return value as PerformanceLatency;
}

export function parseServiceTier(value: unknown): ServiceTierName | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw constraintError(value, "serviceTier", "Member must be a structure");
  return parseTierName(value["type"], "serviceTier.type");
}

export function parseTierName(value: unknown, path: string): ServiceTierName {
  if (typeof value !== "string" || !(SERVICE_TIERS as readonly string[]).includes(value)) {
    throw constraintError(value, path, `Member must satisfy enum value set: [${SERVICE_TIERS.join(", ")}]`);
  }
  return value as ServiceTierName;
}

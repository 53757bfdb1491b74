/**
 * The ConverseStream request a scenario sends. Built once per scenario, deep-frozen, and used both as the request body
 * and as the source of the record's "as sent" columns (maxTokens, temperature, topP, asked performance config and
 * tier), so what a record says was sent is what was sent.
 */

import type { ContentBlock, ConverseStreamCommandInput, Message, SystemContentBlock } from "@aws-sdk/client-bedrock-runtime";
import type { Scenario } from "../inputs/scenarios";

/** The request body and what the record reports about it. */
export interface ConverseInput {
  /** Passed to `new ConverseStreamCommand(...)` unchanged (deep-frozen). */
  readonly request: Readonly<ConverseStreamCommandInput>;
  readonly maxTokens: number;
  /** null when not sent (the model's default applies). */
  readonly temperature: number | null;
  readonly topP: number | null;
  readonly performanceConfig: string;
  /** "" when no tier was sent (Bedrock's default tier applies). */
  readonly serviceTier: string;
}

const CACHE_POINT = Object.freeze({ cachePoint: Object.freeze({ type: "default" as const }) });

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The ConverseStream input of a scenario: system prompt, the conversation, `inferenceConfig` with only the fields the
 * scenario sets (plus `maxTokens`), `performanceConfig.latency` (always sent, as the AWS notebook does),
 * `serviceTier` when set, and `cachePoint` blocks where `prompt_cache` places them (after the system prompt and/or
 * at the end of the last message).
 */
export function converseInputFor(s: Scenario): ConverseInput {
  const cacheSystem = s.promptCache === "system" || s.promptCache === "system+messages";
  const cacheMessages = s.promptCache === "messages" || s.promptCache === "system+messages";
  const messages: Message[] = s.messages.map((m, i) => {
    const content: ContentBlock[] = [{ text: m.text }];
    if (cacheMessages && i === s.messages.length - 1) content.push(CACHE_POINT);
    return { role: m.role, content };
  });
  const request: ConverseStreamCommandInput = { modelId: s.modelId, messages };
  if (s.systemPrompt !== null) {
    const system: SystemContentBlock[] = [{ text: s.systemPrompt }];
    if (cacheSystem) system.push(CACHE_POINT);
    request.system = system;
  }
  request.inferenceConfig = {
    maxTokens: s.maxTokens,
    ...(s.temperature !== null ? { temperature: s.temperature } : {}),
    ...(s.topP !== null ? { topP: s.topP } : {}),
    ...(s.stopSequences.length > 0 ? { stopSequences: [...s.stopSequences] } : {}),
  };
  request.performanceConfig = { latency: s.performanceConfig };
  if (s.serviceTier !== null) request.serviceTier = { type: s.serviceTier };
  deepFreeze(request);
  const sent = request.inferenceConfig!;
  return Object.freeze({
    request,
    maxTokens: sent.maxTokens!,
    temperature: sent.temperature ?? null,
    topP: sent.topP ?? null,
    performanceConfig: request.performanceConfig!.latency!,
    serviceTier: request.serviceTier?.type ?? "",
  });
}

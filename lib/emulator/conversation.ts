import { createHash } from "node:crypto";
import { countTextTokens, TOKEN_OVERHEAD } from "./tokens";

/**
 * The model-independent view of a request's prompt, built from Converse bodies and from each model-native body,
 * so that token counting, prompt caching and CountTokens treat them all the same way.
 */
export type PromptBlock =
  | { kind: "text"; text: string }
  /** End of a cacheable prefix (`cachePoint` in Converse/Nova, `cache_control` in Anthropic's native format). */
  | { kind: "cachePoint" }
  | { kind: "image" }
  /** Anything else (tool use/results, documents …) counted from its serialised form. */
  | { kind: "other"; tokens: number; fingerprint: string };

export interface PromptMessage {
  role: "user" | "assistant";
  content: PromptBlock[];
}

export interface Conversation {
  system: PromptBlock[];
  messages: PromptMessage[];
  /** A raw completion prompt (Llama / Mistral native bodies) instead of messages. */
  rawPrompt?: string;
}

/** A prompt-cache checkpoint: the number of input tokens up to it and a key identifying that exact prefix. */
export interface CacheCheckpoint {
  tokens: number;
  key: string;
}

export interface PromptTokens {
  total: number;
  checkpoints: CacheCheckpoint[];
}

/** Counts input tokens the way CountTokens and `usage` report them, and locates cache checkpoints. */
export function countPromptTokens(conversation: Conversation): PromptTokens {
  const hash = createHash("sha256");
  const checkpoints: CacheCheckpoint[] = [];
  let total = 0;
  const visit = (block: PromptBlock): void => {
    switch (block.kind) {
      case "text":
        total += countTextTokens(block.text);
        hash.update(`t:${block.text.length}:${block.text}`);
        break;
      case "image":
        total += TOKEN_OVERHEAD.image;
        hash.update("i;");
        break;
      case "other":
        total += block.tokens;
        hash.update(`o:${block.fingerprint}`);
        break;
      case "cachePoint":
        checkpoints.push({ tokens: total, key: hash.copy().digest("hex") });
        break;
    }
  };
  if (conversation.rawPrompt !== undefined) {
    total += countTextTokens(conversation.rawPrompt) + 1;
    hash.update(`r:${conversation.rawPrompt}`);
    return { total, checkpoints };
  }
  total += TOKEN_OVERHEAD.conversation;
  if (conversation.system.some((b) => b.kind !== "cachePoint")) total += TOKEN_OVERHEAD.system;
  hash.update("system;");
  for (const block of conversation.system) visit(block);
  for (const message of conversation.messages) {
    total += TOKEN_OVERHEAD.message;
    hash.update(`m:${message.role};`);
    for (const block of message.content) visit(block);
  }
  return { total, checkpoints };
}

/** Fingerprint + token count for a structured block counted from its JSON form. */
export function otherBlock(value: unknown): PromptBlock {
  const json = JSON.stringify(value) ?? "";
  return { kind: "other", tokens: countTextTokens(json), fingerprint: createHash("sha256").update(json).digest("hex") };
}

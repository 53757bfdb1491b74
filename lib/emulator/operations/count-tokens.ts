import { countPromptTokens } from "../conversation";
import { BedrockError, ERROR_MESSAGES } from "../errors";
import { NATIVE_FORMATS } from "../native/formats";
import type { ModelProfile } from "../profiles";
import { constraintError, isRecord, parseJsonObject } from "../validation";
import { parseConverseConversation } from "./converse-request";

/**
 * CountTokens: `{"input": {"converse": {messages, system, …}}}` or `{"input": {"invokeModel": {"body": "<base64 native JSON>"}}}`
 * → `{"inputTokens": N}`, counted exactly as `usage.inputTokens` of the same prompt without prompt caching.
 */
export const COUNT_TOKENS_UNSUPPORTED = "The provided model doesn't support counting tokens.";

export function countTokens(body: Buffer, model: ModelProfile): number {
  if (!model.countTokens) throw new BedrockError("ValidationException", COUNT_TOKENS_UNSUPPORTED);
  const request = parseJsonObject(body, (detail) => new BedrockError("ValidationException", ERROR_MESSAGES.malformedInput(detail)));
  const input = request["input"];
  if (input === undefined || input === null) throw constraintError(null, "input", "Member must not be null");
  if (!isRecord(input)) throw constraintError(input, "input", "Member must be a structure");
  const members = Object.keys(input).filter((k) => input[k] !== undefined && input[k] !== null);
  if (members.length !== 1) {
    throw new BedrockError("ValidationException", "The input field must set exactly one of converse or invokeModel. Try again with exactly one member set.");
  }
  const member = members[0] as string;
  const value = input[member];
  if (member === "converse") {
    if (!isRecord(value)) throw constraintError(value, "input.converse", "Member must be a structure");
    return countPromptTokens(parseConverseConversation(value, "input.converse.")).total;
  }
  if (member === "invokeModel") {
    if (!isRecord(value) || typeof value["body"] !== "string") throw constraintError(isRecord(value) ? value["body"] : value, "input.invokeModel.body", "Member must not be null");
    const native = parseJsonObject(Buffer.from(value["body"], "base64"), (detail) => new BedrockError("ValidationException", ERROR_MESSAGES.malformedInput(detail)));
    return countPromptTokens(NATIVE_FORMATS[model.format].parse(native, model).conversation).total;
  }
  throw new BedrockError("ValidationException", `The input field has an unknown member "${member}".`);
}

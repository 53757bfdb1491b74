import { BedrockError, ERROR_MESSAGES } from "./errors";
import type { OperationName } from "./faults";

/**
 * Bedrock Runtime's REST routes: `POST /model/{modelId}/{action}`, the model ID a percent-encoded path label
 * (`:` as `%3A`, an ARN's `/` as `%2F`).
 */
const ACTIONS: Readonly<Record<string, OperationName>> = Object.freeze({
  converse: "Converse",
  "converse-stream": "ConverseStream",
  invoke: "InvokeModel",
  "invoke-with-response-stream": "InvokeModelWithResponseStream",
  "count-tokens": "CountTokens",
});

export interface Route {
  operation: OperationName;
  /** Percent-decoded model identifier. */
  modelId: string;
}

export const UNKNOWN_OPERATION_MESSAGE = "Unknown operation";

/** The operation and model of a request, or the error Bedrock answers (404 UnknownOperationException). */
export function route(method: string, url: string): Route {
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  const parts = path.split("/");
  // ["", "model", "<id>", "<action>"]
  const action = parts.length === 4 && parts[0] === "" && parts[1] === "model" ? ACTIONS[parts[3] as string] : undefined;
  if (action === undefined || method !== "POST") throw new BedrockError("UnknownOperationException", UNKNOWN_OPERATION_MESSAGE);
  const encoded = parts[2] as string;
  let modelId: string;
  try {
    modelId = decodeURIComponent(encoded);
  } catch {
    throw new BedrockError("ValidationException", ERROR_MESSAGES.invalidModelId);
  }
  if (modelId === "") throw new BedrockError("ValidationException", ERROR_MESSAGES.invalidModelId);
  return { operation: action, modelId };
}

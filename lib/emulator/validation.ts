import { BedrockError } from "./errors";

/**
 * Bedrock's (Coral's) request-validation messages, e.g.
 * `1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1`.
 */
export function constraintError(value: unknown, path: string, constraint: string): BedrockError {
  const shown = value === null || value === undefined ? "null" : `'${typeof value === "string" ? value : JSON.stringify(value)}'`;
  return new BedrockError("ValidationException", `1 validation error detected: Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Reads an optional number field; wrong type → ValidationException naming the field. */
export function optionalNumber(container: Record<string, unknown>, key: string, path: string): number | undefined {
  const value = container[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw constraintError(value, path, "Member must be a number");
  return value;
}

export function optionalInteger(container: Record<string, unknown>, key: string, path: string): number | undefined {
  const value = optionalNumber(container, key, path);
  if (value !== undefined && !Number.isInteger(value)) throw constraintError(value, path, "Member must be an integer");
  return value;
}

export function checkRange(value: number | undefined, path: string, min: number, max: number): void {
  if (value === undefined) return;
  if (value < min) throw constraintError(value, path, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraintError(value, path, `Member must have value less than or equal to ${max}`);
}

export function optionalStringArray(container: Record<string, unknown>, key: string, path: string): string[] {
  const value = container[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw constraintError(value, path, "Member must be a list of strings");
  return value as string[];
}

/** Malformed JSON, or a body that is not a JSON object. */
export function parseJsonObject(body: Buffer, malformed: (detail: string) => BedrockError): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    throw malformed("request body is not valid JSON");
  }
  if (!isRecord(value)) throw malformed("expected a JSON object");
  return value;
}

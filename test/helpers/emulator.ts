import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Agent } from "node:http";
import { ConfiguredRetryStrategy } from "@smithy/util-retry";
import { loadDefaultProfiles, startEmulator, type EmulatorOptions, type ModelProfile, type ProfilesDocument, type RunningEmulator } from "../../lib/emulator";

/** The two transports the SDK offers: its default HTTP/2 handler and the HTTP/1.1 `NodeHttpHandler`. */
export const HANDLERS = ["http2", "http1"] as const;
export type HandlerKind = (typeof HANDLERS)[number];

/** Dummy credentials (a fresh object each time: the SDK annotates the object it is given). */
export function dummyCredentials() {
  return { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
}

/** A real SDK client against the emulator, on the chosen transport (no retries unless `maxAttempts` says so). */
export function clientFor(emulator: RunningEmulator, handler: HandlerKind, config: Partial<BedrockRuntimeClientConfig> = {}): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    endpoint: emulator.endpoint,
    region: "us-east-2",
    credentials: dummyCredentials(),
    maxAttempts: 1,
    ...(handler === "http1" ? { requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 500 }) }) } : {}),
    ...config,
  });
}

/** Starts an emulator for a test and closes it (and the clients made with `client`) when the test ends. */
export async function withEmulator<T>(
  options: EmulatorOptions,
  body: (emulator: RunningEmulator, client: (handler: HandlerKind, config?: Partial<BedrockRuntimeClientConfig>) => BedrockRuntimeClient) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator({ port: 0, ...options });
  const clients: BedrockRuntimeClient[] = [];
  try {
    return await body(emulator, (handler, config) => {
      const c = clientFor(emulator, handler, config);
      clients.push(c);
      return c;
    });
  } finally {
    for (const c of clients) c.destroy();
    await emulator.close();
  }
}

export const PROMPT = "Explain the concept of machine learning in simple terms.";

export function userMessage(text: string = PROMPT) {
  return [{ role: "user" as const, content: [{ text }] }];
}

/** Waits until `predicate` holds (polling), failing after `timeoutMs`. */
export async function eventually(predicate: () => boolean, timeoutMs = 5_000, what = "condition"): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The shipped profiles with one model changed by `edit` (a deep copy: the shipped defaults stay untouched). */
export function profilesWith(modelId: string, edit: (model: ModelProfile, doc: ProfilesDocument) => void): ProfilesDocument {
  const doc = loadDefaultProfiles();
  const model = doc.models.find((m) => m.modelId === modelId);
  if (model === undefined) throw new Error(`no model ${modelId} in the shipped profiles`);
  edit(model, doc);
  return doc;
}

/** Retries with 1 ms backoff: the SDK's own retry decisions (which errors, how many attempts) without its waits. */
export function fastRetries(maxAttempts = 3) {
  return { maxAttempts, retryStrategy: new ConfiguredRetryStrategy(maxAttempts, () => 1) };
}

/** Runs `fn` and returns the error it rejects with (fails if it resolves). */
export async function rejection(fn: () => Promise<unknown>): Promise<Error & { $metadata?: { attempts?: number; httpStatusCode?: number; requestId?: string }; $fault?: string }> {
  try {
    await fn();
  } catch (err) {
    return err as never;
  }
  throw new Error("expected a rejection");
}

/**
 * The documented fields of a ground-truth entry (`GroundTruthEntry`), in the order of the JSONL records. The README's
 * ground-truth reference is generated from this list (`npm run docs`), and a test checks that it names exactly the
 * fields the emulator writes.
 */
export interface GroundTruthField {
  name: string;
  type: string;
  unit: string;
  description: string;
}

const f = (name: string, type: string, unit: string, description: string): GroundTruthField => ({ name, type, unit, description });

export const GROUND_TRUTH_FIELDS: readonly GroundTruthField[] = Object.freeze([
  f("requestId", "string", "", "`x-amzn-requestid` sent back (a UUID); the SDK's `$metadata.requestId`."),
  f("ordinal", "integer", "", "1-based order of arrival among all requests this emulator received (what fault windows `fromRequest`/`toRequest` count)."),
  f("invocationId", "string or null", "", "Header `amz-sdk-invocation-id`: the same for every attempt (retry) of one SDK call."),
  f("attempt", "integer or null", "", "N of header `amz-sdk-request: attempt=N; max=M`."),
  f("maxAttempts", "integer or null", "", "M of the same header."),
  f("httpVersion", "string", "", "`1.1` or `2`."),
  f("operation", "string or null", "", "Converse, ConverseStream, InvokeModel, InvokeModelWithResponseStream or CountTokens; null for an unknown path or method."),
  f("modelIdAsked", "string or null", "", "Model identifier from the path, percent-decoded (profile ID, bare ID or ARN)."),
  f("modelId", "string or null", "", "Foundation model ID it resolved to; null when it did not resolve."),
  f("geography", "string or null", "", "Inference-profile prefix used (`us`, `eu`, `apac`, `global`, …); null for a bare model ID."),
  f("region", "string", "", "Region from the SigV4 credential scope, else the default region."),
  f("authScheme", "string", "", "`sigv4`, `bearer` (API key) or `none`."),
  f("performanceConfigAsked", "string or null", "", "`standard` or `optimized` as asked (body or `X-Amzn-Bedrock-PerformanceConfig-Latency`)."),
  f("performanceConfigServed", "string or null", "", "What was served and reported; null when no generation was planned."),
  f("performanceFallbackReason", "string or null", "", "Why optimized was asked but standard served: `not-offered`, `optimized-quota` or `max-total-tokens`."),
  f("serviceTierAsked", "string or null", "", "Service tier asked; null when the request named none."),
  f("serviceTierServed", "string or null", "", "Service tier served and reported (`default` when none was asked)."),
  f("httpStatus", "integer or null", "", "HTTP status sent (200 for streams, even those that later carry an exception frame); null when nothing was sent."),
  f("outcome", "string", "", "`success`, `error` (HTTP error), `stream-error` (exception frame), `reset`, `stalled`, `client-closed`, `server-closed`; `in-flight` while still being answered."),
  f("errorClass", "string or null", "", "Error class as the SDK names it (`ThrottlingException`, `ModelStreamErrorException`, …), `ConnectionReset` or `Stalled`; null on success."),
  f("errorMessage", "string or null", "", "The message sent (or what happened, for resets and stalls)."),
  f("errorSource", "string or null", "", "`request` (validation, unknown model…), `quota` (RPM, TPM, concurrency) or `fault` (injected)."),
  f("faultKind", "string or null", "", "Injected fault kind; null when no rule applied."),
  f("faultRule", "integer or null", "", "0-based index of the rule in `faults` that applied."),
  f("faultAfterTokens", "integer or null", "tokens", "In-stream faults, resets and stalls: output tokens the rule asked to send first."),
  f("tokensBeforeFault", "integer or null", "tokens", "Output tokens actually written before the fault."),
  f("chunksBeforeFault", "integer or null", "", "Text-carrying deltas actually written before the fault; after a reset the client may have received fewer (TCP drops unread data)."),
  f("faultDelayMs", "number or null", "emulated ms", "`slowFirstByte`: extra delay added before the first byte."),
  f("inputTokens", "integer or null", "tokens", "`usage.inputTokens`: prompt tokens neither read from nor written to the prompt cache (CountTokens: the count)."),
  f("outputTokens", "integer or null", "tokens", "Output tokens written (`usage.outputTokens` on success)."),
  f("plannedOutputTokens", "integer or null", "tokens", "Output tokens the answer would have had without a fault."),
  f("cacheReadInputTokens", "integer or null", "tokens", "Prompt tokens read from the cache."),
  f("cacheWriteInputTokens", "integer or null", "tokens", "Prompt tokens written to the cache."),
  f("maxTokens", "integer or null", "tokens", "maxTokens in force (asked, else the model's default)."),
  f("stopReason", "string or null", "", "Stop reason of a completed answer in Converse terms (`end_turn`, `max_tokens`; Llama and Mistral bodies say `stop`/`length`)."),
  f("chunkCount", "integer", "", "Text-carrying deltas written."),
  f("timeScale", "number", "", "The emulator's time scale (real = emulated × timeScale)."),
  f("receivedMs", "number", "ms", "When the request's headers arrived: this process's monotonic clock (`performance.now()`, or the injected clock)."),
  f("receivedIso", "string", "", "Wall-clock time of `receivedMs`, ISO 8601."),
  f("emulatedQueueMs", "number or null", "emulated ms", "Service-tier queueing delay drawn (part of the TTFT)."),
  f("emulatedTtftMs", "number or null", "emulated ms", "TTFT drawn by the latency model (queue + model latency + prefill + slow-first-byte delay)."),
  f("scheduledTtftMs", "number or null", "ms", "When the first delta was due after `receivedMs` (emulated TTFT × timeScale)."),
  f("firstDeltaMs", "number or null", "ms", "Monotonic time the first text delta was actually written (streams; null when none was)."),
  f("firstDeltaLatenessMs", "number or null", "ms", "`firstDeltaMs − (receivedMs + scheduledTtftMs)`: how late the emulator wrote against its own schedule."),
  f("maxDeltaLatenessMs", "number or null", "ms", "The latest any text delta, the first included, was written against its own schedule (streams; null when none was): what the emulator's inter-token timing is worth."),
  f("reportedLatencyMs", "number or null", "ms", "`metrics.latencyMs` (native: `invocationLatency`, `x-amzn-bedrock-invocation-latency`) reported to the client: real ms from receipt to the last event."),
  f("endMs", "number or null", "ms", "Monotonic time the response ended (last byte, error, reset) or the connection closed."),
]);

/** Markdown table of the fields (the README embeds it). */
export function groundTruthFieldsMarkdown(): string {
  const lines = ["| field | type | unit | meaning |", "|---|---|---|---|"];
  for (const field of GROUND_TRUTH_FIELDS) lines.push(`| \`${field.name}\` | ${field.type} | ${field.unit} | ${field.description.replace(/\|/g, "\\|")} |`);
  return lines.join("\n");
}

export const GROUND_TRUTH_BEGIN = "<!-- ground-truth:begin (generated from lib/emulator/ground-truth-fields.ts by `npm run docs`) -->";
export const GROUND_TRUTH_END = "<!-- ground-truth:end -->";

/** `readme` with the generated ground-truth table between the markers. Throws if the markers are missing. */
export function withGroundTruthReference(readme: string): string {
  const begin = readme.indexOf(GROUND_TRUTH_BEGIN);
  const end = readme.indexOf(GROUND_TRUTH_END);
  if (begin < 0 || end < begin) throw new Error(`README lacks the markers ${GROUND_TRUTH_BEGIN} … ${GROUND_TRUTH_END}`);
  return `${readme.slice(0, begin + GROUND_TRUTH_BEGIN.length)}\n${groundTruthFieldsMarkdown()}\n${readme.slice(end)}`;
}

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvokeModelCommand, InvokeModelWithResponseStreamCommand, type BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { HANDLERS, PROMPT, rejection, withEmulator } from "../helpers/emulator";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- model-native bodies of several formats

interface FormatCase {
  format: string;
  modelId: string;
  region: string;
  body: Json;
  /** Text of the answer, from an InvokeModel response body. */
  text: (body: Json) => string;
  /** [input tokens, output tokens, stop reason] from an InvokeModel response body. */
  usage: (body: Json) => [number, number, string];
  /** Chunk kinds in order (one name per chunk), for comparing stream shapes. */
  kind: (chunk: Json) => string;
  /** Text carried by a delta chunk ("" for others). */
  deltaText: (chunk: Json) => string;
  /** Expected kinds: before deltas, the delta kind, after deltas. */
  shape: [string[], string, string[]];
  finishReasons: [string, string];
}

const CASES: FormatCase[] = [
  {
    format: "anthropic",
    modelId: "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    region: "us-east-2",
    body: { anthropic_version: "bedrock-2023-05-31", max_tokens: 60, system: "Be brief.", messages: [{ role: "user", content: [{ type: "text", text: PROMPT }] }] },
    text: (b) => b.content[0].text,
    usage: (b) => [b.usage.input_tokens, b.usage.output_tokens, b.stop_reason],
    kind: (c) => c.type,
    deltaText: (c) => (c.type === "content_block_delta" ? c.delta.text : ""),
    shape: [["message_start", "content_block_start"], "content_block_delta", ["content_block_stop", "message_delta", "message_stop"]],
    finishReasons: ["end_turn", "max_tokens"],
  },
  {
    format: "nova",
    modelId: "us.amazon.nova-pro-v1:0",
    region: "us-east-2",
    body: { schemaVersion: "messages-v1", system: [{ text: "Be brief." }], messages: [{ role: "user", content: [{ text: PROMPT }] }], inferenceConfig: { maxTokens: 60, temperature: 0.2 } },
    text: (b) => b.output.message.content[0].text,
    usage: (b) => [b.usage.inputTokens, b.usage.outputTokens, b.stopReason],
    kind: (c) => Object.keys(c).find((k) => k !== "amazon-bedrock-invocationMetrics")!,
    deltaText: (c) => c.contentBlockDelta?.delta.text ?? "",
    shape: [["messageStart"], "contentBlockDelta", ["contentBlockStop", "messageStop", "metadata"]],
    finishReasons: ["end_turn", "max_tokens"],
  },
  {
    format: "llama",
    modelId: "us.meta.llama3-1-70b-instruct-v1:0",
    region: "us-east-2",
    body: { prompt: `<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n${PROMPT}<|eot_id|><|start_header_id|>assistant<|end_header_id|>`, max_gen_len: 60, temperature: 0.5 },
    text: (b) => b.generation,
    usage: (b) => [b.prompt_token_count, b.generation_token_count, b.stop_reason],
    kind: (c) => (c.stop_reason === null ? "generation" : "final"),
    deltaText: (c) => (c.stop_reason === null ? c.generation : ""),
    shape: [[], "generation", ["final"]],
    finishReasons: ["stop", "length"],
  },
  {
    format: "mistral",
    modelId: "mistral.mistral-large-2402-v1:0",
    region: "us-east-1",
    body: { prompt: `<s>[INST] ${PROMPT} [/INST]`, max_tokens: 60, temperature: 0.5 },
    text: (b) => b.outputs[0].text,
    usage: () => [NaN, NaN, ""],
    kind: (c) => (c.outputs[0].stop_reason === null ? "output" : "final"),
    deltaText: (c) => (c.outputs[0].stop_reason === null ? c.outputs[0].text : ""),
    shape: [[], "output", ["final"]],
    finishReasons: ["stop", "length"],
  },
];

/** Captures the raw HTTP response headers of the client's next calls (what the SDK output does not expose). */
function captureHeaders(client: BedrockRuntimeClient): { headers: Record<string, string> } {
  const box = { headers: {} as Record<string, string> };
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      box.headers = (result.response as { headers: Record<string, string> }).headers;
      return result;
    },
    { step: "deserialize", name: "captureHeaders" },
  );
  return box;
}

const encode = (body: Json) => new TextEncoder().encode(JSON.stringify(body));
const decode = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes)) as Json;

describe("InvokeModel and InvokeModelWithResponseStream with model-native bodies", () => {
  for (const handler of HANDLERS) {
    for (const c of CASES) {
      it(`${c.format}: InvokeModel body, served configuration and token headers agree with the ground truth (${handler})`, async () => {
        await withEmulator({ timeScale: 0.01 }, async (emulator, client) => {
          const sdk = client(handler, { region: c.region });
          const captured = captureHeaders(sdk);
          const out = await sdk.send(new InvokeModelCommand({ modelId: c.modelId, body: encode(c.body), contentType: "application/json", accept: "application/json" }));
          const body = decode(out.body);
          const truth = emulator.groundTruth.byRequestId(out.$metadata.requestId!)!;
          assert.equal(truth.operation, "InvokeModel");
          assert.equal(truth.outcome, "success");
          assert.equal(out.contentType, "application/json");
          assert.ok(c.text(body).length > 0);
          assert.equal(out.performanceConfigLatency, "standard");
          assert.equal(out.serviceTier, "default");
          assert.equal(Number(captured.headers["x-amzn-bedrock-input-token-count"]), truth.inputTokens);
          assert.equal(Number(captured.headers["x-amzn-bedrock-output-token-count"]), truth.outputTokens);
          assert.equal(Number(captured.headers["x-amzn-bedrock-invocation-latency"]), truth.reportedLatencyMs);
          assert.ok(truth.outputTokens! <= 60);
          if (c.format !== "mistral") {
            const [input, output, stop] = c.usage(body);
            assert.equal(input, truth.inputTokens);
            assert.equal(output, truth.outputTokens);
            assert.equal(stop, truth.stopReason === "max_tokens" ? c.finishReasons[1] : c.finishReasons[0]);
          } else {
            assert.equal(body.outputs[0].stop_reason, truth.stopReason === "max_tokens" ? "length" : "stop");
          }
        });
      });

      it(`${c.format}: the response stream has the native chunk shapes and invocation metrics last (${handler})`, async () => {
        await withEmulator({ timeScale: 0.01, seed: 3 }, async (emulator, client) => {
          const out = await client(handler, { region: c.region }).send(
            new InvokeModelWithResponseStreamCommand({ modelId: c.modelId, body: encode(c.body), contentType: "application/json" }),
          );
          const chunks: Json[] = [];
          for await (const event of out.body!) {
            assert.ok(event.chunk, `unexpected event ${Object.keys(event).join()}`);
            chunks.push(decode(event.chunk.bytes));
          }
          const truth = emulator.groundTruth.byRequestId(out.$metadata.requestId!)!;
          const kinds = chunks.map(c.kind);
          const [before, delta, after] = c.shape;
          assert.deepEqual(kinds, [...before, ...Array(truth.chunkCount).fill(delta), ...after]);
          assert.ok(truth.chunkCount > 1);
          const text = chunks.map(c.deltaText).join("");
          assert.ok(text.length > 0);
          const metrics = chunks.at(-1)!["amazon-bedrock-invocationMetrics"];
          assert.deepEqual(Object.keys(metrics).sort(), ["firstByteLatency", "inputTokenCount", "invocationLatency", "outputTokenCount"]);
          assert.equal(metrics.inputTokenCount, truth.inputTokens);
          assert.equal(metrics.outputTokenCount, truth.outputTokens);
          assert.equal(metrics.invocationLatency, truth.reportedLatencyMs);
          assert.equal(metrics.firstByteLatency, Math.round(truth.firstDeltaMs! - truth.receivedMs));
          assert.ok(metrics.firstByteLatency <= metrics.invocationLatency);
          assert.equal(out.performanceConfigLatency, "standard");
          if (c.format === "anthropic") {
            assert.equal(chunks[0]!.message.usage.input_tokens, truth.inputTokens);
            assert.match(chunks[0]!.message.id, /^msg_bdrk_[0-9A-Za-z]{24}$/);
            assert.equal(chunks[0]!.message.model, "claude-3-5-haiku-20241022");
            assert.equal(chunks.at(-2)!.usage.output_tokens, truth.outputTokens);
            assert.equal(chunks.at(-2)!.delta.stop_reason, truth.stopReason);
          }
          if (c.format === "llama") {
            assert.equal(chunks[0]!.prompt_token_count, truth.inputTokens);
            assert.ok(chunks.slice(1).every((x) => x.prompt_token_count === null));
            const counts = chunks.map((x) => x.generation_token_count as number);
            assert.deepEqual([...counts].sort((a, b) => a - b), counts, "generation_token_count is cumulative");
            assert.equal(counts.at(-1), truth.outputTokens);
          }
          if (c.format === "nova") {
            assert.equal(chunks.at(-1)!.metadata.usage.inputTokens, truth.inputTokens);
            assert.equal(chunks.at(-2)!.messageStop.stopReason, truth.stopReason);
          }
        });
      });
    }
  }

  it("echoes the performance-config and service-tier headers as served", async () => {
    await withEmulator({ timeScale: 0.01 }, async (emulator, client) => {
      const sdk = client("http2");
      const nova = CASES[1]!;
      const optimized = await sdk.send(new InvokeModelCommand({ modelId: nova.modelId, body: encode(nova.body), performanceConfigLatency: "optimized", serviceTier: "priority" }));
      assert.equal(optimized.performanceConfigLatency, "optimized");
      assert.equal(optimized.serviceTier, "priority");
      const llama8b = await sdk.send(
        new InvokeModelCommand({ modelId: "us.meta.llama3-1-8b-instruct-v1:0", body: encode({ prompt: "hi", max_gen_len: 5 }), performanceConfigLatency: "optimized" }),
      );
      assert.equal(llama8b.performanceConfigLatency, "standard", "optimized is not offered for Llama 3.1 8B: served standard, and said so");
      const truth = emulator.groundTruth.byRequestId(llama8b.$metadata.requestId!)!;
      assert.equal(truth.performanceFallbackReason, "not-offered");
    });
  });

  const invalid: Array<{ what: string; modelId: string; body: Json; message: RegExp }> = [
    { what: "Anthropic without max_tokens", modelId: CASES[0]!.modelId, body: { anthropic_version: "bedrock-2023-05-31", messages: [{ role: "user", content: "hi" }] }, message: /^Malformed input request: #: required key \[max_tokens\] not found, please reformat your input and try again\.$/ },
    { what: "Anthropic with an unknown key", modelId: CASES[0]!.modelId, body: { anthropic_version: "bedrock-2023-05-31", max_tokens: 5, prompt: "x", messages: [{ role: "user", content: "hi" }] }, message: /#: extraneous key \[prompt\] is not permitted/ },
    { what: "Anthropic max_tokens above the model's maximum", modelId: CASES[0]!.modelId, body: { anthropic_version: "bedrock-2023-05-31", max_tokens: 9000, messages: [{ role: "user", content: "hi" }] }, message: /max_tokens: 9000 > 8192/ },
    { what: "Anthropic with no messages", modelId: CASES[0]!.modelId, body: { anthropic_version: "bedrock-2023-05-31", max_tokens: 5, messages: [] }, message: /at least one message is required/ },
    { what: "Llama max_gen_len above 2048", modelId: CASES[2]!.modelId, body: { prompt: "hi", max_gen_len: 5000 }, message: /#\/max_gen_len: 5000 is not less or equal to 2048/ },
    { what: "Llama with a string temperature", modelId: CASES[2]!.modelId, body: { prompt: "hi", temperature: "hot" }, message: /#\/temperature: expected type: Number, found: String/ },
    { what: "Nova without messages", modelId: CASES[1]!.modelId, body: { inferenceConfig: { maxTokens: 5 } }, message: /#: required key \[messages\] not found/ },
  ];
  for (const c of invalid) {
    it(`rejects ${c.what} with ValidationException`, async () => {
      await withEmulator({}, async (emulator, client) => {
        const err = await rejection(() => client("http1").send(new InvokeModelCommand({ modelId: c.modelId, body: encode(c.body) })));
        assert.equal(err.name, "ValidationException");
        assert.equal(err.$metadata?.httpStatusCode, 400);
        assert.match(err.message, c.message);
        assert.equal(emulator.groundTruth.entries()[0]?.operation, "InvokeModel");
      });
    });
  }

  it("rejects an invalid performance-config header value", async () => {
    await withEmulator({}, async (_emulator, client) => {
      const err = await rejection(() =>
        client("http2").send(new InvokeModelCommand({ modelId: CASES[1]!.modelId, body: encode(CASES[1]!.body), performanceConfigLatency: "fastest" as never })),
      );
      assert.equal(err.name, "ValidationException");
      assert.match(err.message, /Value 'fastest' at 'performanceConfigLatency' failed to satisfy constraint: Member must satisfy enum value set: \[standard, optimized\]/);
    });
  });
});

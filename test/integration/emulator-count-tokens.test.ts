import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConverseCommand, CountTokensCommand, InvokeModelCommand } from "@aws-sdk/client-bedrock-runtime";
import { HANDLERS, rejection, withEmulator } from "../helpers/emulator";

const SONNET_37_ID = "anthropic.claude-3-7-sonnet-20250219-v1:0";

const conversation = {
  system: [{ text: "You are a careful assistant. Answer in two sentences." }],
  messages: [
    { role: "user" as const, content: [{ text: "What is a token bucket?" }] },
    { role: "assistant" as const, content: [{ text: "A rate limiter that refills at a steady rate." }] },
    { role: "user" as const, content: [{ text: "And how does it allow bursts of 42 requests?" }] },
  ],
};

describe("CountTokens", () => {
  for (const handler of HANDLERS) {
    it(`agrees with usage.inputTokens of Converse and InvokeModel for the same prompt (${handler})`, async () => {
      await withEmulator({ timeScale: 0.001 }, async (emulator, client) => {
        const c = client(handler);
        const counted = await c.send(new CountTokensCommand({ modelId: SONNET_37_ID, input: { converse: conversation } }));
        const used = await c.send(new ConverseCommand({ modelId: `us.${SONNET_37_ID}`, ...conversation, inferenceConfig: { maxTokens: 5 } }));
        assert.ok(counted.inputTokens! > 20);
        assert.equal(counted.inputTokens, used.usage?.inputTokens);

        const native = { anthropic_version: "bedrock-2023-05-31", max_tokens: 5, messages: [{ role: "user", content: "How many tokens is this?" }] };
        const countedNative = await c.send(new CountTokensCommand({ modelId: SONNET_37_ID, input: { invokeModel: { body: new TextEncoder().encode(JSON.stringify(native)) } } }));
        const invoked = await c.send(new InvokeModelCommand({ modelId: `us.${SONNET_37_ID}`, body: JSON.stringify(native) }));
        const usage = JSON.parse(new TextDecoder().decode(invoked.body)).usage;
        assert.equal(countedNative.inputTokens, usage.input_tokens);
        const entries = emulator.groundTruth.entries();
        assert.equal(entries[0]?.operation, "CountTokens");
        assert.equal(entries[0]?.inputTokens, counted.inputTokens);
        assert.equal(entries[0]?.outputTokens, null);
      });
    });
  }

  it("accepts the foundation model ID even where inference needs a profile, and rejects models without counting", async () => {
    await withEmulator({}, async (_emulator, client) => {
      const c = client("http2");
      const ok = await c.send(new CountTokensCommand({ modelId: SONNET_37_ID, input: { converse: conversation } }));
      assert.ok(ok.inputTokens! > 0);
      const err = await rejection(() => c.send(new CountTokensCommand({ modelId: "us.amazon.nova-pro-v1:0", input: { converse: conversation } })));
      assert.equal(err.name, "ValidationException");
      assert.match(err.message, /doesn't support counting tokens/);
    });
  });

  it("does not use the model's request quota", async () => {
    await withEmulator({}, async (emulator, client) => {
      const c = client("http1");
      for (let i = 0; i < 20; i++) await c.send(new CountTokensCommand({ modelId: SONNET_37_ID, input: { converse: conversation } }));
      assert.equal(emulator.groundTruth.entries().filter((e) => e.errorClass !== null).length, 0);
    });
  });
});

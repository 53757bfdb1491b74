import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { performance } from "node:perf_hooks";
import { ConverseCommand, InvokeModelCommand, type ContentBlock, type SystemContentBlock } from "@aws-sdk/client-bedrock-runtime";
import { loadDefaultProfiles } from "../../lib/emulator";
import { clockFromNow } from "../helpers/manual-clock";
import { userMessage, withEmulator } from "../helpers/emulator";

const SONNET_37 = "us.anthropic.claude-3-7-sonnet-20250219-v1:0";
/** A system prompt long enough to be cached (Claude 3.7's minimum is 1,024 tokens). */
const LONG_SYSTEM = Array.from({ length: 1500 }, (_, i) => `rule${i % 50}`).join(" ");

function cachedCall(question: string) {
  const system: SystemContentBlock[] = [{ text: LONG_SYSTEM }, { cachePoint: { type: "default" } }];
  return new ConverseCommand({ modelId: SONNET_37, system, messages: userMessage(question), inferenceConfig: { maxTokens: 5 } });
}

describe("prompt caching", () => {
  it("writes the prefix on first use, reads it after, and a hit lowers TTFT", async () => {
    await withEmulator({ timeScale: 0.001, seed: 9 }, async (emulator, client) => {
      const c = client("http2");
      const first = await c.send(cachedCall("What is rule 7?"));
      const second = await c.send(cachedCall("And rule 8?"));
      const written = first.usage!.cacheWriteInputTokens!;
      assert.ok(written >= 1024, `wrote ${written} tokens`);
      assert.equal(first.usage?.cacheReadInputTokens, 0);
      assert.equal(second.usage?.cacheReadInputTokens, written);
      assert.equal(second.usage?.cacheWriteInputTokens, 0);
      assert.ok(second.usage!.inputTokens! < 30, "only the uncached question counts as input");
      assert.equal(first.usage?.totalTokens, first.usage!.inputTokens! + first.usage!.outputTokens! + written);
      const [a, b] = emulator.groundTruth.entries();
      assert.equal(a?.cacheWriteInputTokens, written);
      assert.equal(b?.cacheReadInputTokens, written);
      // Same seed-derived base draw is not guaranteed across requests; compare the prefill part instead.
      const profile = emulator.profiles.models.find((m) => m.modelId === "anthropic.claude-3-7-sonnet-20250219-v1:0")!.latency.standard.ttft;
      const savedMs = ((profile.prefillMsPerThousandTokens - profile.cacheReadMsPerThousandTokens) * written) / 1000;
      assert.ok(savedMs > 50, `a hit saves ${savedMs} ms of prefill`);
    });
  });

  it("a hit lowers TTFT by exactly the prefill it saves (same seed, with and without the cache point)", async () => {
    const run = (withCachePoint: boolean) =>
      withEmulator({ timeScale: 0.001, seed: 4 }, async (emulator, client) => {
        const c = client("http1");
        for (let i = 0; i < 10; i++) {
          const system: SystemContentBlock[] = withCachePoint ? [{ text: LONG_SYSTEM }, { cachePoint: { type: "default" } }] : [{ text: LONG_SYSTEM }];
          await c.send(new ConverseCommand({ modelId: SONNET_37, system, messages: userMessage(`question ${i}`), inferenceConfig: { maxTokens: 5 } }));
        }
        return emulator.groundTruth.entries();
      });
    const cached = await run(true);
    const plain = await run(false);
    const profile = loadDefaultProfiles().models.find((m) => m.modelId === "anthropic.claude-3-7-sonnet-20250219-v1:0")!.latency.standard.ttft;
    const cachedTokens = cached[0]!.cacheWriteInputTokens!;
    const savedMs = ((profile.prefillMsPerThousandTokens - profile.cacheReadMsPerThousandTokens) * cachedTokens) / 1000;
    assert.ok(Math.abs(cached[0]!.emulatedTtftMs! - plain[0]!.emulatedTtftMs!) < 1e-6, "a cache write costs the same prefill as no cache");
    for (let i = 1; i < 10; i++) {
      assert.equal(cached[i]!.cacheReadInputTokens, cachedTokens);
      // us-east-2 has a TTFT multiplier of 1.
      assert.ok(Math.abs(plain[i]!.emulatedTtftMs! - cached[i]!.emulatedTtftMs! - savedMs) < 1e-6, `request ${i}`);
    }
  });

  it("expires after the TTL in emulated time", async () => {
    let jumpMs = 0;
    const clock = clockFromNow(() => performance.now() + jumpMs);
    await withEmulator({ clock, timeScale: 0.001 }, async (_emulator, client) => {
      const c = client("http2");
      await c.send(cachedCall("one"));
      assert.ok((await c.send(cachedCall("two"))).usage!.cacheReadInputTokens! > 0);
      jumpMs = 301; // 301 emulated s at timeScale 0.001: past the 300 s TTL (refreshed by the hit above)
      const third = await c.send(cachedCall("three"));
      assert.equal(third.usage?.cacheReadInputTokens, 0);
      assert.ok(third.usage!.cacheWriteInputTokens! > 0);
    });
  });

  it("ignores a cache point before the model's minimum, and caches Anthropic cache_control in native bodies", async () => {
    await withEmulator({ timeScale: 0.001 }, async (emulator, client) => {
      const c = client("http2");
      const short: ContentBlock[] = [{ text: "short prefix" }, { cachePoint: { type: "default" } }, { text: "question" }];
      const out = await c.send(new ConverseCommand({ modelId: SONNET_37, messages: [{ role: "user", content: short }], inferenceConfig: { maxTokens: 5 } }));
      assert.equal(out.usage?.cacheWriteInputTokens, 0);
      assert.equal(out.usage?.cacheReadInputTokens, 0);
      const body = {
        anthropic_version: "bedrock-2023-05-31",
        max_tokens: 5,
        system: [{ type: "text", text: LONG_SYSTEM, cache_control: { type: "ephemeral" } }],
        messages: [{ role: "user", content: "hello" }],
      };
      const decode = (b: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(b));
      const one = decode((await c.send(new InvokeModelCommand({ modelId: SONNET_37, body: JSON.stringify(body) }))).body);
      const two = decode((await c.send(new InvokeModelCommand({ modelId: SONNET_37, body: JSON.stringify(body) }))).body);
      assert.ok(one.usage.cache_creation_input_tokens > 1000);
      assert.equal(two.usage.cache_read_input_tokens, one.usage.cache_creation_input_tokens);
      assert.equal(emulator.groundTruth.entries().length, 3);
    });
  });
});

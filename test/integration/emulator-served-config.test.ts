import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConverseCommand, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { profilesWith, userMessage, withEmulator } from "../helpers/emulator";

const NOVA_PRO = "us.amazon.nova-pro-v1:0";

describe("latency-optimized inference and service tiers", () => {
  it("serves optimized where offered, and standard (saying so) where not", async () => {
    await withEmulator({ timeScale: 0.001 }, async (emulator, client) => {
      const east2 = client("http2");
      const euClient = client("http2", { region: "eu-west-3" });
      const ask = (c: typeof east2, modelId: string) =>
        c.send(new ConverseCommand({ modelId, messages: userMessage(), inferenceConfig: { maxTokens: 5 }, performanceConfig: { latency: "optimized" } }));
      assert.equal((await ask(east2, NOVA_PRO)).performanceConfig?.latency, "optimized");
      assert.equal((await ask(east2, "us.anthropic.claude-3-5-sonnet-20241022-v2:0")).performanceConfig?.latency, "standard", "no optimized profile for Sonnet 3.5 v2");
      assert.equal((await ask(euClient, "eu.amazon.nova-pro-v1:0")).performanceConfig?.latency, "standard", "optimized is offered only through us. profiles in us regions");
      assert.equal((await ask(client("http2", { region: "us-east-1" }), "amazon.nova-pro-v1:0")).performanceConfig?.latency, "standard", "not through the bare model ID");
      assert.deepEqual(
        emulator.groundTruth.entries().map((e) => [e.performanceConfigAsked, e.performanceConfigServed, e.performanceFallbackReason]),
        [
          ["optimized", "optimized", null],
          ["optimized", "standard", "not-offered"],
          ["optimized", "standard", "not-offered"],
          ["optimized", "standard", "not-offered"],
        ],
      );
    });
  });

  it("falls back to standard past the optimized quota, and reports it in the stream's metadata", async () => {
    const profiles = profilesWith("amazon.nova-pro-v1:0", (m, doc) => {
      m.latency.optimized!.requestsPerMinute = 2;
      doc.quotaBurstSeconds = 60;
    });
    await withEmulator({ profiles, timeScale: 0.01 }, async (emulator, client) => {
      const c = client("http1");
      const served: string[] = [];
      for (let i = 0; i < 4; i++) {
        const out = await c.send(new ConverseStreamCommand({ modelId: NOVA_PRO, messages: userMessage(), inferenceConfig: { maxTokens: 5 }, performanceConfig: { latency: "optimized" } }));
        for await (const event of out.stream!) if (event.metadata) served.push(event.metadata.performanceConfig!.latency!);
      }
      assert.deepEqual(served, ["optimized", "optimized", "standard", "standard"]);
      assert.deepEqual(emulator.groundTruth.entries().map((e) => e.performanceFallbackReason), [null, null, "optimized-quota", "optimized-quota"]);
    });
  });

  it("serves Llama 3.1 405B at standard above 11,000 total tokens", async () => {
    await withEmulator({ timeScale: 0.001 }, async (emulator, client) => {
      const c = client("http2");
      const ask = (prompt: string, maxTokens: number) =>
        c.send(new ConverseCommand({ modelId: "us.meta.llama3-1-405b-instruct-v1:0", messages: userMessage(prompt), inferenceConfig: { maxTokens }, performanceConfig: { latency: "optimized" } }));
      assert.equal((await ask("short question", 100)).performanceConfig?.latency, "optimized");
      const long = "word ".repeat(11_000);
      const out = await ask(long, 100);
      assert.equal(out.performanceConfig?.latency, "standard");
      assert.equal(emulator.groundTruth.entries()[1]?.performanceFallbackReason, "max-total-tokens");
    });
  });

  it("echoes the asked service tier and queues flex requests longer", async () => {
    await withEmulator({ timeScale: 0.001, seed: 5 }, async (emulator, client) => {
      const c = client("http2");
      const ask = (type: "default" | "priority" | "flex") =>
        c.send(new ConverseCommand({ modelId: NOVA_PRO, messages: userMessage(), inferenceConfig: { maxTokens: 5 }, serviceTier: { type } }));
      for (let i = 0; i < 40; i++) {
        assert.equal((await ask("flex")).serviceTier?.type, "flex");
        assert.equal((await ask("priority")).serviceTier?.type, "priority");
      }
      const entries = emulator.groundTruth.entries();
      const meanTtft = (tier: string) => {
        const xs = entries.filter((e) => e.serviceTierServed === tier).map((e) => e.emulatedTtftMs!);
        return xs.reduce((a, b) => a + b, 0) / xs.length;
      };
      assert.ok(entries.filter((e) => e.serviceTierServed === "flex").every((e) => e.emulatedQueueMs! >= 0));
      assert.ok(meanTtft("flex") > meanTtft("priority") + 500, `flex ${meanTtft("flex")} ms vs priority ${meanTtft("priority")} ms`);
      const unasked = await c.send(new ConverseCommand({ modelId: NOVA_PRO, messages: userMessage(), inferenceConfig: { maxTokens: 5 } }));
      assert.equal(unasked.serviceTier?.type, "default");
      assert.equal(emulator.groundTruth.byRequestId(unasked.$metadata.requestId!)?.serviceTierAsked, null);
    });
  });
});

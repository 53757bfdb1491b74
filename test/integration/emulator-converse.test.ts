import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConverseCommand, ConverseStreamCommand, type ConverseStreamOutput } from "@aws-sdk/client-bedrock-runtime";
import { HANDLERS, PROMPT, userMessage, withEmulator } from "../helpers/emulator";

const HAIKU = "us.anthropic.claude-3-5-haiku-20241022-v1:0";

/** Event names in order, and the events themselves. */
async function collect(stream: AsyncIterable<ConverseStreamOutput>): Promise<{ names: string[]; events: ConverseStreamOutput[] }> {
  const names: string[] = [];
  const events: ConverseStreamOutput[] = [];
  for await (const event of stream) {
    const name = Object.keys(event).find((k) => (event as unknown as Record<string, unknown>)[k] !== undefined) as string;
    names.push(name);
    events.push(event);
  }
  return { names, events };
}

describe("Converse and ConverseStream through the real SDK", () => {
  for (const handler of HANDLERS) {
    it(`streams events in Bedrock's order with usage matching the ground truth (${handler})`, async () => {
      await withEmulator({ timeScale: 0.02, seed: 7 }, async (emulator, client) => {
        const out = await client(handler).send(
          new ConverseStreamCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 50 } }),
        );
        const { names, events } = await collect(out.stream!);
        assert.equal(names[0], "messageStart");
        assert.equal(names.at(-3), "contentBlockStop");
        assert.equal(names.at(-2), "messageStop");
        assert.equal(names.at(-1), "metadata");
        const deltas = events.filter((e) => e.contentBlockDelta);
        assert.ok(deltas.length >= 10, `expected many deltas, got ${deltas.length}`);
        assert.deepEqual(names.slice(1, -3), deltas.map(() => "contentBlockDelta"));
        assert.equal(events[0]?.messageStart?.role, "assistant");
        const metadata = events.at(-1)!.metadata!;
        const truth = emulator.groundTruth.byRequestId(out.$metadata.requestId!);
        assert.ok(truth, "ground truth has the request ID the SDK saw");
        assert.equal(truth.httpVersion, handler === "http2" ? "2" : "1.1");
        assert.equal(truth.operation, "ConverseStream");
        assert.equal(truth.outcome, "success");
        assert.equal(truth.region, "us-east-2", "region comes from the SigV4 credential scope");
        assert.equal(truth.modelId, "anthropic.claude-3-5-haiku-20241022-v1:0");
        assert.equal(truth.geography, "us");
        assert.equal(metadata.usage?.inputTokens, truth.inputTokens);
        assert.equal(metadata.usage?.outputTokens, truth.outputTokens);
        assert.equal(metadata.usage?.totalTokens, (truth.inputTokens ?? 0) + (truth.outputTokens ?? 0));
        assert.equal(truth.chunkCount, deltas.length);
        assert.equal(events.at(-2)?.messageStop?.stopReason, truth.stopReason);
        assert.equal(metadata.metrics?.latencyMs, truth.reportedLatencyMs);
        assert.equal(metadata.performanceConfig?.latency, "standard");
        assert.equal(metadata.serviceTier?.type, "default");
        assert.equal(deltas.map((d) => d.contentBlockDelta!.delta!.text).join("").length > 0, true);
        assert.ok(truth.outputTokens! <= 50);
        assert.ok(truth.firstDeltaMs !== null && truth.endMs !== null && truth.endMs >= truth.firstDeltaMs);
        assert.equal(truth.attempt, 1);
        assert.ok(truth.invocationId && /^[0-9a-f-]{36}$/.test(truth.invocationId));
      });
    });

    it(`answers Converse with the same served configuration and usage (${handler})`, async () => {
      await withEmulator({ timeScale: 0.02 }, async (emulator, client) => {
        const out = await client(handler).send(
          new ConverseCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 400 }, performanceConfig: { latency: "optimized" } }),
        );
        const truth = emulator.groundTruth.byRequestId(out.$metadata.requestId!)!;
        assert.equal(truth.operation, "Converse");
        assert.equal(out.output?.message?.role, "assistant");
        assert.equal(out.stopReason, truth.stopReason);
        assert.equal(out.usage?.outputTokens, truth.outputTokens);
        assert.equal(out.usage?.inputTokens, truth.inputTokens);
        assert.equal(out.performanceConfig?.latency, "optimized");
        assert.equal(truth.performanceConfigAsked, "optimized");
        assert.equal(truth.performanceConfigServed, "optimized");
        assert.equal(out.metrics?.latencyMs, truth.reportedLatencyMs);
        assert.ok(out.output?.message?.content?.[0]?.text);
      });
    });
  }

  it("keeps a conversation's input token count consistent across handlers and calls", async () => {
    await withEmulator({ timeScale: 0.01 }, async (_emulator, client) => {
      const a = await client("http2").send(new ConverseCommand({ modelId: HAIKU, messages: userMessage(PROMPT) }));
      const b = await client("http1").send(new ConverseCommand({ modelId: HAIKU, messages: userMessage(PROMPT) }));
      assert.equal(a.usage?.inputTokens, b.usage?.inputTokens);
    });
  });

  it("resolves inference-profile and foundation-model ARNs (the SDK percent-encodes their ':' and '/')", async () => {
    await withEmulator({ timeScale: 0.01 }, async (emulator, client) => {
      const c = client("http2");
      const profileArn = "arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0";
      const modelArn = "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0";
      await c.send(new ConverseCommand({ modelId: profileArn, messages: userMessage(), inferenceConfig: { maxTokens: 3 } }));
      await client("http1", { region: "us-west-2" }).send(new ConverseCommand({ modelId: modelArn, messages: userMessage(), inferenceConfig: { maxTokens: 3 } }));
      const [a, b] = emulator.groundTruth.entries();
      assert.equal(a?.modelIdAsked, profileArn);
      assert.equal(a?.geography, "us");
      assert.equal(b?.modelIdAsked, modelArn);
      assert.equal(b?.geography, null);
      assert.ok([a, b].every((e) => e?.modelId === "anthropic.claude-3-5-haiku-20241022-v1:0" && e.outcome === "success"));
    });
  });
});

import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { describe, it } from "node:test";
import { ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import type { GroundTruthEntry } from "../../lib/emulator";
import { userMessage, withEmulator } from "../helpers/emulator";

const NOVA = "us.amazon.nova-lite-v1:0";

/** One stream; client-side TTFT and total (ms from just before send()) and the ground truth. */
async function measure(timeScale: number): Promise<{ ttftMs: number; totalMs: number; truth: GroundTruthEntry }> {
  return withEmulator({ timeScale, seed: 21 }, async (emulator, client) => {
    const c = client("http1");
    // Warm the connection and the code paths first (request 1), measure request 2.
    for await (const _ of (await c.send(new ConverseStreamCommand({ modelId: NOVA, messages: userMessage(), inferenceConfig: { maxTokens: 5 } }))).stream!) {
      // drain
    }
    const start = performance.now();
    const out = await c.send(new ConverseStreamCommand({ modelId: NOVA, messages: userMessage(), inferenceConfig: { maxTokens: 60 } }));
    let ttftMs = NaN;
    for await (const event of out.stream!) if (event.contentBlockDelta && Number.isNaN(ttftMs)) ttftMs = performance.now() - start;
    const totalMs = performance.now() - start;
    return { ttftMs, totalMs, truth: emulator.groundTruth.byRequestId(out.$metadata.requestId!)! };
  });
}

describe("timeScale", () => {
  it("shrinks every delay proportionally while the emulated draws stay the same", async () => {
    const full = await measure(1);
    const tenth = await measure(0.1);
    // Same seed, same request ordinal: the same emulated TTFT, length and chunk plan.
    assert.equal(tenth.truth.emulatedTtftMs, full.truth.emulatedTtftMs);
    assert.equal(tenth.truth.outputTokens, full.truth.outputTokens);
    assert.equal(tenth.truth.chunkCount, full.truth.chunkCount);
    assert.ok(Math.abs(tenth.truth.scheduledTtftMs! - full.truth.scheduledTtftMs! * 0.1) < 1e-9);
    // What the client measures follows the schedule (it cannot be earlier; allow load-induced lateness).
    for (const run of [full, tenth]) {
      assert.ok(run.ttftMs >= run.truth.scheduledTtftMs! - 1, `client TTFT ${run.ttftMs} vs scheduled ${run.truth.scheduledTtftMs}`);
      assert.ok(run.ttftMs <= run.truth.scheduledTtftMs! + 150, `client TTFT ${run.ttftMs} vs scheduled ${run.truth.scheduledTtftMs}`);
    }
    const serverSpanFull = full.truth.endMs! - full.truth.receivedMs;
    const serverSpanTenth = tenth.truth.endMs! - tenth.truth.receivedMs;
    assert.ok(Math.abs(serverSpanTenth / serverSpanFull - 0.1) < 0.03, `server spans ${serverSpanFull} and ${serverSpanTenth} ms`);
    assert.ok(tenth.totalMs < full.totalMs / 4);
  });
});

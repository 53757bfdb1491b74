import assert from "node:assert/strict";
import { createReadStream, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { describe, it } from "node:test";
import ndjson from "ndjson";
import { ConverseCommand, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { startEmulator, type GroundTruthEntry } from "../../lib/emulator";
import { newGroundTruthEntry } from "../../lib/emulator/ground-truth";
import { GROUND_TRUTH_FIELDS, withGroundTruthReference } from "../../lib/emulator/ground-truth-fields";
import { clientFor, eventually, userMessage, withEmulator } from "../helpers/emulator";
import { clockFromNow } from "../helpers/manual-clock";

const HAIKU = "us.anthropic.claude-3-5-haiku-20241022-v1:0";

async function readJsonl(file: string): Promise<GroundTruthEntry[]> {
  const rows: GroundTruthEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    createReadStream(file)
      .pipe(ndjson.parse())
      .on("data", (row: GroundTruthEntry) => rows.push(row))
      .on("end", resolve)
      .on("error", reject);
  });
  return rows;
}

describe("ground truth", () => {
  it("records times on the injected clock: received (monotonic and ISO), scheduled TTFT, first delta, lateness, end", async () => {
    const origin = Date.UTC(2025, 0, 2, 3, 4, 5);
    const clock = clockFromNow(() => performance.now(), origin);
    await withEmulator({ clock, timeScale: 0.05 }, async (emulator, client) => {
      const before = performance.now();
      const out = await client("http2").send(new ConverseStreamCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 30 } }));
      let firstDeltaSeen: number | undefined;
      for await (const event of out.stream!) if (event.contentBlockDelta && firstDeltaSeen === undefined) firstDeltaSeen = performance.now();
      const after = performance.now();
      const e = emulator.groundTruth.byRequestId(out.$metadata.requestId!)!;
      assert.ok(e.receivedMs >= before && e.receivedMs <= after);
      assert.equal(e.receivedIso, new Date(origin + e.receivedMs).toISOString());
      assert.ok(Math.abs(e.scheduledTtftMs! - e.emulatedTtftMs! * 0.05) < 1e-9, "scheduled = emulated × timeScale");
      assert.ok(Math.abs(e.firstDeltaMs! - (e.receivedMs + e.scheduledTtftMs! + e.firstDeltaLatenessMs!)) < 1e-9);
      assert.ok(e.firstDeltaLatenessMs! >= 0, "never early");
      assert.ok(e.firstDeltaMs! <= firstDeltaSeen!, "written before the client read it");
      assert.ok(e.endMs! >= e.firstDeltaMs! && e.endMs! <= after);
      // Reported when the closing frames were built: after the first delta, no later than the end.
      assert.ok(e.reportedLatencyMs! <= e.endMs! - e.receivedMs + 0.5 && e.reportedLatencyMs! >= e.firstDeltaMs! - e.receivedMs - 0.5);
      assert.equal(e.timeScale, 0.05);
      assert.equal(e.maxTokens, 30);
      assert.equal(e.outcome, "success");
    });
  });

  it("records the latest delta against its schedule: a loop blocked after the first delta shows in maxDeltaLatenessMs", async () => {
    await withEmulator({ timeScale: 0.2, seed: 5 }, async (emulator, client) => {
      const out = await client("http2").send(new ConverseStreamCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 40 } }));
      let deltas = 0;
      for await (const event of out.stream!) {
        if (event.contentBlockDelta && ++deltas === 1) {
          const until = performance.now() + 150; // the emulator shares this event loop: hold it for 150 ms
          while (performance.now() < until);
        }
      }
      const e = emulator.groundTruth.byRequestId(out.$metadata.requestId!)!;
      assert.ok(e.chunkCount >= 3, `${e.chunkCount} deltas`);
      // The second delta was due about one chunk interval (≤ 5 tokens at ~56 tokens/s × 0.2 ≈ 18 ms) after the first.
      assert.ok(e.maxDeltaLatenessMs! >= 100, `maxDeltaLatenessMs ${e.maxDeltaLatenessMs}`);
      assert.ok(e.maxDeltaLatenessMs! >= e.firstDeltaLatenessMs!);
    });
    await withEmulator({ timeScale: 0.001 }, async (emulator, client) => {
      const out = await client("http1").send(new ConverseCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 5 } }));
      assert.equal(emulator.groundTruth.byRequestId(out.$metadata.requestId!)!.maxDeltaLatenessMs, null, "no deltas, no delta lateness");
    });
  });

  it("appends every entry to a JSONL file off the request path, never truncating it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bb-gt-"));
    const file = join(dir, "nested", "ground-truth.jsonl");
    try {
      for (let run = 0; run < 2; run++) {
        await withEmulator({ timeScale: 0.001, groundTruthFile: file, groundTruthLimit: 2 }, async (emulator, client) => {
          const c = client("http1");
          for (let i = 0; i < 4; i++) await c.send(new ConverseCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 3 } }));
          await c.send(new ConverseCommand({ modelId: "nope", messages: userMessage() })).catch(() => undefined);
          assert.equal(emulator.groundTruth.entries().length, 2, "memory keeps the newest groundTruthLimit entries");
          assert.equal(emulator.groundTruth.dropped, 3);
          await emulator.groundTruth.flush();
          const rows = await readJsonl(file);
          assert.equal(rows.length, 5 * (run + 1));
          assert.deepEqual(rows.slice(-2), JSON.parse(JSON.stringify(emulator.groundTruth.entries())));
        });
      }
      const rows = await readJsonl(file);
      assert.equal(rows.length, 10);
      assert.deepEqual(rows.map((r) => r.ordinal), [1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
      assert.equal(rows[4]?.errorClass, "ValidationException");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("joins retried attempts by invocation ID and notifies listeners as entries finish", async () => {
    await withEmulator({ faults: [{ kind: "internalServer", rate: 1, toRequest: 2 }] }, async (emulator, client) => {
      const seen: string[] = [];
      const stop = emulator.groundTruth.onEntry((e) => seen.push(e.outcome));
      const out = await client("http2", { maxAttempts: 3 }).send(new ConverseCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 3 } }));
      stop();
      assert.equal(out.$metadata.attempts, 3);
      const attempts = emulator.groundTruth.byInvocationId(emulator.groundTruth.byRequestId(out.$metadata.requestId!)!.invocationId!);
      assert.deepEqual(attempts.map((e) => [e.attempt, e.maxAttempts, e.outcome]), [
        [1, 3, "error"],
        [2, 3, "error"],
        [3, 3, "success"],
      ]);
      assert.deepEqual(seen, ["error", "error", "success"]);
    });
  });

  it("close() ends open streams at once (outcome server-closed) and the client sees the stream end", async () => {
    const emulator = await startEmulator({ port: 0 });
    for (const handler of ["http2", "http1"] as const) {
      const client = clientFor(emulator, handler);
      const out = await client.send(new ConverseStreamCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 4000 } }));
      const reading = (async () => {
        try {
          for await (const _ of out.stream!) {
            // keep reading until the server goes away
          }
        } catch {
          // a reset connection is fine here
        }
      })();
      await eventually(() => emulator.groundTruth.byRequestId(out.$metadata.requestId!)!.chunkCount > 0, 10_000, "first delta");
      if (handler === "http1") {
        const started = performance.now();
        await emulator.close();
        assert.ok(performance.now() - started < 1000, "close() does not wait for streams to finish");
      }
      if (handler === "http2") {
        // keep both streams open until close()
        void reading;
        continue;
      }
      await reading;
      client.destroy();
    }
    const outcomes = emulator.groundTruth.entries().map((e) => e.outcome);
    assert.deepEqual(outcomes, ["server-closed", "server-closed"]);
    await emulator.close();
  });

  it("an abort signal closes the emulator", async () => {
    const controller = new AbortController();
    const emulator = await startEmulator({ port: 0, signal: controller.signal });
    const client = clientFor(emulator, "http1");
    await client.send(new ConverseCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 1 } })).catch(() => undefined);
    controller.abort();
    await emulator.close();
    await assert.rejects(client.send(new ConverseCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 1 } })), /ECONNREFUSED|socket hang up|ECONNRESET/);
    client.destroy();
  });
});

describe("ground truth reference", () => {
  it("documents exactly the fields the emulator writes, in order", () => {
    const entry = newGroundTruthEntry({
      requestId: "r",
      ordinal: 1,
      invocationId: null,
      attempt: null,
      maxAttempts: null,
      httpVersion: "2",
      region: "us-east-1",
      authScheme: "none",
      timeScale: 1,
      receivedMs: 0,
      receivedIso: "",
    });
    assert.deepEqual(GROUND_TRUTH_FIELDS.map((f) => f.name), Object.keys(entry));
  });

  it("the README's ground-truth reference is up to date (run `npm run docs`)", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    assert.equal(withGroundTruthReference(readme), readme);
  });
});

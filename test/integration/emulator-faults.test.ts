import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { performance } from "node:perf_hooks";
import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelWithResponseStreamCommand,
  type BedrockRuntimeClient,
} from "@aws-sdk/client-bedrock-runtime";
import type { FaultRule, GroundTruthEntry } from "../../lib/emulator";
import { clockFromNow } from "../helpers/manual-clock";
import { eventually, fastRetries, HANDLERS, rejection, userMessage, withEmulator } from "../helpers/emulator";

const HAIKU = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
const NOVA = "us.amazon.nova-pro-v1:0";

function stream(client: BedrockRuntimeClient, maxTokens = 200, signal?: AbortSignal) {
  return client.send(new ConverseStreamCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens } }), signal ? { abortSignal: signal } : {});
}

/** Reads a ConverseStream to its end or its error: deltas seen, whether metadata arrived, the error thrown. */
async function drain(stream: AsyncIterable<object> | undefined): Promise<{ deltas: number; metadata: boolean; error: (Error & Record<string, unknown>) | undefined }> {
  let deltas = 0;
  let metadata = false;
  try {
    for await (const item of stream ?? []) {
      const event = item as Record<string, unknown>;
      if (event["contentBlockDelta"] || event["chunk"]) deltas++;
      if (event["metadata"]) metadata = true;
    }
  } catch (err) {
    return { deltas, metadata, error: err as Error & Record<string, unknown> };
  }
  return { deltas, metadata, error: undefined };
}

describe("in-stream exceptions", () => {
  const kinds: Array<{ kind: FaultRule["kind"]; name: string }> = [
    { kind: "streamThrottling", name: "ThrottlingException" },
    { kind: "streamModelError", name: "ModelStreamErrorException" },
    { kind: "streamInternalServer", name: "InternalServerException" },
    { kind: "streamServiceUnavailable", name: "ServiceUnavailableException" },
  ];
  for (const handler of HANDLERS) {
    for (const k of kinds) {
      it(`${k.kind} after 12 tokens arrives as a typed ${k.name} from the ConverseStream loop (${handler})`, async () => {
        await withEmulator({ timeScale: 0.01, faults: [{ kind: k.kind, rate: 1, afterTokens: 12 }] }, async (emulator, client) => {
          const out = await stream(client(handler, fastRetries()));
          const result = await drain(out.stream);
          assert.equal(result.error?.name, k.name);
          assert.equal(result.metadata, false);
          const truth = emulator.groundTruth.byRequestId(out.$metadata.requestId!)!;
          assert.equal(truth.outcome, "stream-error");
          assert.equal(truth.errorClass, k.name);
          assert.equal(truth.httpStatus, 200);
          assert.equal(truth.faultKind, k.kind);
          assert.equal(truth.faultAfterTokens, 12);
          assert.ok(truth.tokensBeforeFault! >= 12, `fault after ${truth.tokensBeforeFault} tokens`);
          assert.ok(truth.tokensBeforeFault! < 12 + 5, "within one chunk of the requested point");
          assert.equal(truth.chunksBeforeFault, result.deltas, "the client saw exactly the deltas written before the fault");
          assert.equal(emulator.groundTruth.entries().length, 1, "a mid-stream exception is not retried");
          if (k.kind === "streamModelError") assert.equal(result.error?.["originalStatusCode"], 500);
        });
      });
    }

    it(`an InvokeModelWithResponseStream exception arrives typed as well (${handler})`, async () => {
      await withEmulator({ timeScale: 0.01, faults: [{ kind: "streamModelError", rate: 1, afterTokens: 5, operation: "InvokeModelWithResponseStream" }] }, async (emulator, client) => {
        const body = new TextEncoder().encode(JSON.stringify({ messages: userMessage(), inferenceConfig: { maxTokens: 100 } }));
        const out = await client(handler).send(new InvokeModelWithResponseStreamCommand({ modelId: NOVA, body }));
        const result = await drain(out.body);
        assert.equal(result.error?.name, "ModelStreamErrorException");
        const truth = emulator.groundTruth.byRequestId(out.$metadata.requestId!)!;
        // Nova sends a messageStart chunk before the first delta chunk.
        assert.equal(result.deltas, truth.chunksBeforeFault! + 1);
      });
    });

    it(`an exception as the first frame is thrown by send(): retried for throttling, not for a model stream error (${handler})`, async () => {
      await withEmulator(
        { timeScale: 0.01, faults: [{ kind: "streamThrottling", rate: 1, afterTokens: 0, model: HAIKU }, { kind: "streamModelError", rate: 1, afterTokens: 0 }] },
        async (emulator, client) => {
          const throttled = await rejection(() => stream(client(handler, fastRetries())));
          assert.equal(throttled.name, "ThrottlingException");
          assert.equal(throttled.$metadata?.attempts, 3);
          const modelError = await rejection(() =>
            client(handler, fastRetries()).send(new ConverseStreamCommand({ modelId: NOVA, messages: userMessage(), inferenceConfig: { maxTokens: 10 } })),
          );
          assert.equal(modelError.name, "ModelStreamErrorException");
          assert.equal(modelError.$metadata?.attempts, 1);
          const entries = emulator.groundTruth.entries();
          assert.deepEqual(entries.map((e) => e.faultKind), ["streamThrottling", "streamThrottling", "streamThrottling", "streamModelError"]);
          assert.ok(entries.every((e) => e.chunksBeforeFault === 0 && e.firstDeltaMs === null));
        },
      );
    });
  }
});

describe("transport faults", () => {
  it("a connection reset mid-stream fails the HTTP/1.1 stream with ECONNRESET", async () => {
    await withEmulator({ timeScale: 0.1, faults: [{ kind: "connectionReset", rate: 1, afterTokens: 10 }] }, async (emulator, client) => {
      const out = await stream(client("http1"));
      const result = await drain(out.stream);
      assert.equal(result.error?.["code"], "ECONNRESET");
      const truth = emulator.groundTruth.byRequestId(out.$metadata.requestId!)!;
      assert.equal(truth.outcome, "reset");
      // A TCP reset drops data the client had not read yet: it may see fewer deltas than were written.
      assert.ok(result.deltas > 0 && result.deltas <= truth.chunksBeforeFault!, `${result.deltas} of ${truth.chunksBeforeFault} deltas`);
    });
  });

  it("a connection reset mid-stream ends the SDK's HTTP/2 stream early and silently: no metadata event", async () => {
    // This is the SDK's behaviour (NodeHttp2Handler), not the emulator's: a benchmark must treat a stream without
    // `metadata` as failed.
    await withEmulator({ timeScale: 0.1, faults: [{ kind: "connectionReset", rate: 1, afterTokens: 10 }] }, async (emulator, client) => {
      const out = await stream(client("http2"));
      const result = await drain(out.stream);
      assert.equal(result.metadata, false);
      const truth = emulator.groundTruth.byRequestId(out.$metadata.requestId!)!;
      assert.equal(truth.outcome, "reset");
      assert.ok(result.deltas > 0 && result.deltas <= truth.chunksBeforeFault!, `${result.deltas} of ${truth.chunksBeforeFault} deltas`);
      assert.ok(truth.plannedOutputTokens! > truth.tokensBeforeFault!);
    });
  });

  for (const handler of HANDLERS) {
    it(`a connection reset before the first byte is retried by the SDK (${handler})`, async () => {
      await withEmulator({ timeScale: 0.01, faults: [{ kind: "connectionReset", rate: 1 }] }, async (emulator, client) => {
        const err = await rejection(() => stream(client(handler, fastRetries())));
        assert.match(String(err["code" as keyof typeof err] ?? err.message), /ECONNRESET/);
        assert.equal(err.$metadata?.attempts, 3);
        assert.deepEqual(emulator.groundTruth.entries().map((e) => e.outcome), ["reset", "reset", "reset"]);
      });
    });

    it(`a stalled stream stops after k tokens and never ends until the client gives up (${handler})`, async () => {
      await withEmulator({ timeScale: 0.01, faults: [{ kind: "stall", rate: 1, afterTokens: 8 }] }, async (emulator, client) => {
        const abort = new AbortController();
        const out = await stream(client(handler), 200, abort.signal);
        const truth = () => emulator.groundTruth.byRequestId(out.$metadata.requestId!)!;
        const reading = drain(out.stream);
        await eventually(() => truth().errorClass === "Stalled", 5_000, "the stall");
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(truth().outcome, "in-flight", "a stalled response does not end by itself");
        abort.abort();
        const result = await reading;
        assert.equal(result.metadata, false);
        await eventually(() => truth().outcome !== "in-flight", 5_000, "the client to close");
        assert.equal(truth().outcome, "stalled");
        assert.ok(truth().tokensBeforeFault! >= 8);
        assert.equal(truth().chunksBeforeFault, result.deltas);
      });
    });
  }

  it("a stall holds the request until close(), which ends it as stalled", async () => {
    let entry: GroundTruthEntry | undefined;
    await withEmulator({ timeScale: 0.01, faults: [{ kind: "stall", rate: 1 }] }, async (emulator, client) => {
      const pending = client("http2").send(new ConverseCommand({ modelId: HAIKU, messages: userMessage() }));
      pending.catch(() => undefined);
      await eventually(() => emulator.groundTruth.entries()[0]?.errorClass === "Stalled", 5_000, "the stall");
      entry = emulator.groundTruth.entries()[0];
    });
    assert.equal(entry?.outcome, "stalled");
  });

  it("a slow first byte delays the first delta by the rule's emulated delay", async () => {
    await withEmulator({ timeScale: 0.1, faults: [{ kind: "slowFirstByte", rate: 1, delayMs: 3000, fromRequest: 2 }] }, async (emulator, client) => {
      const c = client("http2");
      const times: number[] = [];
      for (let i = 0; i < 2; i++) {
        const start = performance.now();
        const out = await stream(c, 5);
        await drain(out.stream);
        times.push(emulator.groundTruth.byRequestId(out.$metadata.requestId!)!.firstDeltaMs! - start);
      }
      const [normal, slow] = emulator.groundTruth.entries();
      assert.equal(normal?.faultKind, null);
      assert.equal(slow?.faultKind, "slowFirstByte");
      assert.equal(slow?.faultDelayMs, 3000);
      assert.ok(slow!.emulatedTtftMs! >= 3000);
      assert.ok(times[1]! >= 300, `first delta after ${times[1]} ms (3000 emulated ms × 0.1)`);
      assert.ok(times[1]! - times[0]! > 200);
    });
  });
});

describe("fault selection", () => {
  async function faultedOrdinals(seed: number, rules: FaultRule[], requests = 40): Promise<number[]> {
    return withEmulator({ seed, timeScale: 0.001, faults: rules }, async (emulator, client) => {
      const c = client("http1");
      for (let i = 0; i < requests; i++) {
        await c.send(new ConverseCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 5 } })).catch(() => undefined);
      }
      return emulator.groundTruth.entries().filter((e) => e.faultKind !== null).map((e) => e.ordinal);
    });
  }

  it("is deterministic under a seed and changes with it", async () => {
    const rules: FaultRule[] = [{ kind: "internalServer", rate: 0.3 }];
    const a = await faultedOrdinals(11, rules);
    const b = await faultedOrdinals(11, rules);
    const c = await faultedOrdinals(12, rules);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.ok(a.length >= 4 && a.length <= 22, `${a.length} of 40 at rate 0.3`);
  });

  it("limits a rule to a window of request ordinals (one throttle burst)", async () => {
    const ordinals = await faultedOrdinals(1, [{ kind: "throttling", rate: 1, fromRequest: 30, toRequest: 35 }]);
    assert.deepEqual(ordinals, [30, 31, 32, 33, 34, 35]);
  });

  it("limits a rule to a model, a region and an operation", async () => {
    await withEmulator({ timeScale: 0.001, faults: [{ kind: "modelTimeout", rate: 1, model: "anthropic.claude-3-5-haiku-20241022-v1:0", region: "us-east-2", operation: "Converse" }] }, async (emulator, client) => {
      const east2 = client("http2");
      const west2 = client("http2", { region: "us-west-2" });
      const send = (c: BedrockRuntimeClient, modelId: string) =>
        c.send(new ConverseCommand({ modelId, messages: userMessage(), inferenceConfig: { maxTokens: 5 } })).then(() => "ok", (e: Error) => e.name);
      assert.equal(await send(east2, HAIKU), "ModelTimeoutException", "the foundation model ID matches the profile it was invoked through");
      assert.equal(await send(east2, NOVA), "ok");
      assert.equal(await send(west2, HAIKU), "ok");
      const out = await east2.send(new ConverseStreamCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 5 } }));
      assert.equal((await drain(out.stream)).error, undefined);
      assert.equal(emulator.groundTruth.entries().filter((e) => e.faultKind !== null).length, 1);
    });
  });

  it("limits a rule to a window of emulated seconds since the emulator started", async () => {
    let jumpMs = 0;
    const clock = clockFromNow(() => performance.now() + jumpMs, 1_700_000_000_000);
    // timeScale 0.001: one emulated second is one real millisecond, so jumping the clock 150 ms is 150 emulated s.
    await withEmulator({ clock, timeScale: 0.001, faults: [{ kind: "internalServer", rate: 1, fromSecond: 100, toSecond: 200 }] }, async (emulator, client) => {
      const c = client("http1");
      const send = () => c.send(new ConverseCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 5 } })).then(() => "ok", (e: Error) => e.name);
      assert.equal(await send(), "ok");
      jumpMs = 150;
      assert.equal(await send(), "InternalServerException");
      jumpMs = 250;
      assert.equal(await send(), "ok");
      assert.deepEqual(emulator.groundTruth.entries().map((e) => e.faultKind), [null, "internalServer", null]);
    });
  });
});

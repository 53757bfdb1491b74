import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { executeRequest, type ExecuteOptions } from "../../lib/engine/request-executor";
import { ManualClock } from "../helpers/manual-clock";
import { answerSteps, scriptedTransport, type CallScript } from "../helpers/scripted-transport";

const request = { modelId: "us.amazon.nova-pro-v1:0", messages: [{ role: "user" as const, content: [{ text: "hi" }] }] };

function setup(script: CallScript, over: Partial<ExecuteOptions> = {}) {
  const clock = new ManualClock();
  const caller = new AbortController();
  const { transport, calls } = scriptedTransport(clock, () => script);
  const options: ExecuteOptions = { clock, signal: caller.signal, firstByteTimeoutMs: 10_000, totalTimeoutMs: 60_000, ...over };
  return { clock, caller, calls, run: () => clock.run(executeRequest(transport, request, options)) };
}

function sdkError(name: string, message: string, $metadata?: Record<string, unknown>): Error {
  return Object.assign(new Error(message), { name, ...($metadata ? { $metadata, $fault: "client" } : {}) });
}

describe("executeRequest: a complete answer", () => {
  test("TTFT at the first delta with text, total at the end of the stream, usage and served configuration", async () => {
    const steps = answerSteps({
      startAt: 50,
      chunks: [
        { at: 200, text: "" }, // an empty delta is not the first token
        { at: 300, text: "Hello" },
        { at: 420.25, text: ", world" },
        { at: 500, text: "!" },
      ],
      endAt: 600.5,
      outputTokens: 31,
      inputTokens: 12,
      latencyMs: 590,
      served: { latency: "standard", tier: "priority" },
      stopReason: "max_tokens",
      cache: { read: 1024 },
    });
    const { run, calls, clock } = setup({ respondAt: 50, steps, $metadata: { httpStatusCode: 200, requestId: "abc-123", attempts: 2, totalRetryDelay: 48.5 } });
    const outcome = await run();
    assert.equal(outcome.status, "success");
    assert.equal(outcome.failure, null);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.sentAt, 0);
    assert.deepEqual(
      { ...outcome },
      {
        status: "success",
        failure: null,
        admitWaitMs: 0,
        startMs: 0,
        firstEventMs: 50,
        firstTokenMs: 300,
        endMs: 600.5,
        chunkCount: 3,
        text: "Hello, world!",
        stopReason: "max_tokens",
        usage: { inputTokens: 12, outputTokens: 31, cacheReadInputTokens: 1024, cacheWriteInputTokens: 0 },
        serverLatencyMs: 590,
        performanceConfigServed: "standard",
        serviceTierServed: "priority",
        attempts: 2,
        retryDelayMs: 48.5,
        requestId: "abc-123",
        httpStatus: 200,
      },
    );
    assert.equal(clock.pendingTimers, 0, "timeouts are cancelled");
  });
});

describe("executeRequest: failures are outcomes with class and side", () => {
  test("an error response before the stream: class, HTTP status, attempts and retry delay from $metadata", async () => {
    const error = sdkError("ThrottlingException", "Too many requests", { httpStatusCode: 429, requestId: "t-1", attempts: 3, totalRetryDelay: 1500 });
    const outcome = await setup({ respondAt: 1520, sendError: error, steps: [] }).run();
    assert.equal(outcome.status, "error");
    assert.deepEqual(outcome.failure, { errorClass: "ThrottlingException", message: "Too many requests", side: "before-stream", chunksBeforeFault: null });
    assert.deepEqual([outcome.httpStatus, outcome.attempts, outcome.retryDelayMs, outcome.requestId, outcome.endMs], [429, 3, 1500, "t-1", 1520]);
    assert.equal(outcome.firstTokenMs, null);
  });

  test("no HTTP response at all is a client-side failure named by its code", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    const outcome = await setup({ respondAt: 3, sendError: refused, steps: [] }).run();
    assert.deepEqual(outcome.failure, { errorClass: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:9", side: "client", chunksBeforeFault: null });
    assert.equal(outcome.httpStatus, null);
    assert.equal(outcome.endMs, 3);
  });

  test("an exception mid-stream keeps the chunks received, the TTFT and the response's request id", async () => {
    const steps = [
      ...answerSteps({ startAt: 10, chunks: [{ at: 100, text: "a" }, { at: 150, text: "b" }], endAt: 999, outputTokens: 2 }).slice(0, 3),
      { at: 180, error: sdkError("ModelStreamErrorException", "The model encountered an error") },
    ];
    const outcome = await setup({ respondAt: 10, steps, $metadata: { httpStatusCode: 200, requestId: "m-1", attempts: 1, totalRetryDelay: 0 } }).run();
    assert.equal(outcome.status, "error");
    assert.deepEqual(outcome.failure, { errorClass: "ModelStreamErrorException", message: "The model encountered an error", side: "mid-stream", chunksBeforeFault: 2 });
    assert.deepEqual([outcome.firstTokenMs, outcome.endMs, outcome.httpStatus, outcome.requestId, outcome.usage], [100, 180, 200, "m-1", null]);
  });

  test("an exception event the SDK yields instead of throwing is still a failure", async () => {
    const steps = [{ at: 20, event: { throttlingException: { message: "slow down" } } as never }];
    const outcome = await setup({ respondAt: 10, steps }).run();
    assert.deepEqual(outcome.failure, { errorClass: "ThrottlingException", message: "slow down", side: "mid-stream", chunksBeforeFault: 0 });
  });

  test("a stream that ends without its metadata event is incomplete, not a success", async () => {
    const steps = answerSteps({ startAt: 5, chunks: [{ at: 50, text: "partial" }], endAt: 80, outputTokens: 3 }).slice(0, -1);
    const outcome = await setup({ respondAt: 5, steps }).run();
    assert.equal(outcome.status, "error");
    assert.equal(outcome.failure?.errorClass, "IncompleteStreamError");
    assert.equal(outcome.failure?.side, "mid-stream");
    assert.equal(outcome.endMs, 80);
  });
});

describe("executeRequest: timeouts and the caller's abort", () => {
  test("first-byte timeout: timed when it fired, the call's signal aborted", async () => {
    const { run, calls } = setup({ respondAt: 5000, steps: [] }, { firstByteTimeoutMs: 1000 });
    const outcome = await run();
    assert.equal(outcome.status, "timeout");
    assert.deepEqual(outcome.failure, {
      errorClass: "TimeoutError",
      message: "no response event within firstByteTimeoutMs (1000 ms)",
      side: "before-stream",
      chunksBeforeFault: null,
    });
    assert.equal(outcome.endMs, 1000);
    assert.ok(calls[0]!.signal.aborted, "the SDK call is aborted so its connection closes");
  });

  test("total timeout mid-stream: the chunks so far and the TTFT are kept", async () => {
    const steps = answerSteps({ startAt: 10, chunks: [{ at: 100, text: "a" }, { at: 200, text: "b" }], endAt: 9e9, outputTokens: 2 }).slice(0, 3);
    const { run, clock } = setup({ respondAt: 10, steps, hang: true }, { firstByteTimeoutMs: 500, totalTimeoutMs: 2000 });
    // The stream hangs after its chunks; time moves on only through the clock: push it past the deadline.
    const outcome = await run();
    assert.equal(clock.now(), 2000);
    assert.equal(outcome.endMs, 2000);
    assert.equal(outcome.failure?.message, "response not finished within totalTimeoutMs (2000 ms)");
    assert.equal(outcome.status, "timeout");
    assert.equal(outcome.failure?.side, "mid-stream");
    assert.equal(outcome.failure?.chunksBeforeFault, 2);
    assert.equal(outcome.firstTokenMs, 100);
  });

  test("the caller's abort mid-stream marks the call aborted at that moment", async () => {
    const caller = new AbortController();
    const steps = [
      ...answerSteps({ startAt: 10, chunks: [{ at: 100, text: "a" }], endAt: 9e9, outputTokens: 1 }).slice(0, 2),
      { at: 350, run: () => caller.abort(new Error("SIGINT")) },
      { at: 400, event: { contentBlockDelta: { contentBlockIndex: 0, delta: { text: "late" } } } },
    ];
    const clock = new ManualClock();
    const { transport, calls } = scriptedTransport(clock, () => ({ respondAt: 10, steps }));
    const outcome = await clock.run(executeRequest(transport, request, { clock, signal: caller.signal, firstByteTimeoutMs: 1e4, totalTimeoutMs: 1e5 }));
    assert.equal(outcome.status, "aborted");
    assert.deepEqual(outcome.failure, { errorClass: "AbortError", message: "aborted by the caller (SIGINT)", side: "mid-stream", chunksBeforeFault: 1 });
    assert.equal(outcome.endMs, 350);
    assert.equal(outcome.text, "a");
    assert.ok(calls[0]!.signal.aborted);
  });

  test("a caller signal aborted before the call sends nothing", async () => {
    const { run, caller, calls } = setup({ respondAt: 1, steps: [] });
    caller.abort();
    const outcome = await run();
    assert.equal(outcome.status, "aborted");
    assert.equal(outcome.failure?.side, "before-stream");
    assert.equal(calls.length, 0);
  });
});

describe("executeRequest: a transport with a send gate", () => {
  test("the wait for admission is measured apart and the start comes after it; the admission is released", async () => {
    const clock = new ManualClock();
    const { transport, calls } = scriptedTransport(clock, () => {
      const t = clock.now();
      return { respondAt: t + 10, steps: answerSteps({ startAt: t + 10, chunks: [{ at: t + 40, text: "x" }], endAt: t + 60, outputTokens: 1 }) };
    });
    let released = 0;
    const gated = {
      ...transport,
      admit: async (signal: AbortSignal) => {
        await clock.sleep(25, signal);
        return () => {
          released++;
        };
      },
    };
    const outcome = await clock.run(executeRequest(gated, request, { clock, signal: new AbortController().signal, firstByteTimeoutMs: 1e4, totalTimeoutMs: 1e5 }));
    assert.equal(outcome.status, "success");
    assert.deepEqual([outcome.admitWaitMs, outcome.startMs, outcome.firstTokenMs, outcome.endMs, calls[0]!.sentAt], [25, 25, 65, 85, 25]);
    assert.equal(released, 1);
  });

  test("an abort while waiting for admission sends nothing and records a client-side abort", async () => {
    const clock = new ManualClock();
    const { transport, calls } = scriptedTransport(clock, () => ({ respondAt: 1, steps: [] }));
    const caller = new AbortController();
    const gated = {
      ...transport,
      admit: (signal: AbortSignal) =>
        new Promise<(() => void) | null>((resolve) => signal.addEventListener("abort", () => resolve(null), { once: true })),
    };
    clock.setTimer(() => caller.abort(), 30);
    const outcome = await clock.run(executeRequest(gated, request, { clock, signal: caller.signal, firstByteTimeoutMs: 1e4, totalTimeoutMs: 1e5 }));
    assert.equal(outcome.status, "aborted");
    assert.deepEqual(outcome.failure, { errorClass: "AbortError", message: "aborted by the caller before it was sent", side: "client", chunksBeforeFault: null });
    assert.equal(outcome.admitWaitMs, 30);
    assert.equal(calls.length, 0);
  });
});

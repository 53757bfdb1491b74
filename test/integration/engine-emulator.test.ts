// The engine against the emulator: the real SDK over real sockets, every record joined with the emulator's ground
// truth on its request ID. These are issue 4's "done when" tests.
import { describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { quantile } from "../../lib/analysis/stats";
import { HTTP_FAULT_ERRORS, type FaultRule, type GroundTruthEntry, type RunningEmulator } from "../../lib/emulator";
import { DatasetError } from "../../lib/base/input-error";
import type { RequestRecord } from "../../lib/records/request-record";
import { readRequestsCsv } from "../../lib/records/record-reader";
import { runExperiment, type RunOutcome } from "../../lib/engine/runner";
import type { RunManifest } from "../../lib/records/run-manifest";
import type { RunEvent } from "../../lib/engine/run-progress";
import { constantPacer } from "../../lib/engine/schedule";
import { eventually, profilesWith, withEmulator } from "../helpers/emulator";
import { withTempDir, writeJsonl } from "../helpers/temp-dir";

const AWS_SAMPLE = join(__dirname, "..", "fixtures", "datasets", "aws-notebook-dummy-prompts.jsonl");
/** Nova Micro on demand in us-east-1: the emulator's highest quotas (2,000 requests/min, 400 concurrent). */
const MICRO = { text_prompt: "Explain the concept of machine learning in simple terms.", expected_output_tokens: 50, model_id: "amazon.nova-micro-v1:0", region: "us-east-1" };

function records(outcome: RunOutcome): RequestRecord[] {
  return readRequestsCsv(join(outcome.folder, "requests.csv")).sort((a, b) => a.sequence - b.sequence);
}

function manifest(outcome: RunOutcome): RunManifest {
  return JSON.parse(readFileSync(join(outcome.folder, "run.json"), "utf8")) as RunManifest;
}

function truthOf(emulator: RunningEmulator, r: RequestRecord): GroundTruthEntry {
  const g = emulator.groundTruth.byRequestId(r.requestId);
  assert.ok(g, `request ${r.sequence} (${r.requestId}) is in the emulator's ground truth`);
  return g;
}

const ms = (values: number[], p: number) => quantile(values, p);

/**
 * Runs `count` requests at `concurrency` and compares every successful, non-warm-up record with the ground truth.
 * Returns the differences measured − truth for TTFT and total, and the two legs of the TTFT difference on the one
 * monotonic clock the run and the emulator share: request leg (send() → headers received by the emulator) and
 * response leg (first delta written by the emulator → first token seen by the engine).
 */
/** Quotas out of the way: these tests measure timing, not throttling (quotas count in emulated time). */
const UNTHROTTLED = profilesWith("amazon.nova-micro-v1:0", (m) => {
  m.quotas = { requestsPerMinute: 1_000_000, tokensPerMinute: 1_000_000_000, maxConcurrency: 10_000 };
});

async function accuracy(t: TestContext, handler: "http2" | "http1", concurrency: number, count: number, timeScale: number) {
  return withTempDir((dir) =>
    withEmulator({ seed: 11, timeScale, profiles: UNTHROTTLED }, async (emulator) => {
      const dataset = writeJsonl(dir, "micro.jsonl", [MICRO]);
      const outcome = await runExperiment({
        dataset,
        experiment: { endpoint: emulator.endpoint, invocationsPerScenario: count, concurrency, warmupRequests: 1, httpHandler: handler, seed: 2 },
        outputDir: dir,
      });
      assert.equal(outcome.status, "completed");
      const all = records(outcome);
      assert.equal(all.length, count + 1);
      assert.deepEqual(outcome.counts.byStatus, { success: count + 1, error: 0, timeout: 0, aborted: 0 });
      assert.equal(emulator.groundTruth.completed().length, count + 1, "one HTTP request per record (no retries)");
      const origin = manifest(outcome).sessions[0]!.offsetOrigin!.monotonicMs;
      const ttft: number[] = [];
      const total: number[] = [];
      const requestLeg: number[] = [];
      const responseLeg: number[] = [];
      for (const r of all.filter((x) => !x.warmup)) {
        const g = truthOf(emulator, r);
        assert.equal(g.httpVersion, handler === "http2" ? "2" : "1.1");
        const start = origin + r.sendOffsetMs;
        requestLeg.push(g.receivedMs - start);
        responseLeg.push(start + r.ttftMs! - g.firstDeltaMs!);
        ttft.push(r.ttftMs! - (g.firstDeltaMs! - g.receivedMs));
        total.push(r.totalMs! - (g.endMs! - g.receivedMs));
        assert.equal(r.outputTokens, g.outputTokens);
        assert.equal(r.inputTokens, g.inputTokens);
        assert.equal(r.chunkCount, g.chunkCount);
        assert.equal(r.serverLatencyMs, g.reportedLatencyMs);
        assert.equal(r.performanceConfigServed, g.performanceConfigServed);
      }
      // Causality on one clock: the engine starts before the emulator receives, and sees the first token after it
      // was written. A measurement taken at the wrong moment (after send() resolves, at headers) breaks these.
      assert.ok(Math.min(...requestLeg) > 0, `request leg min ${Math.min(...requestLeg)}`);
      assert.ok(Math.min(...responseLeg) > 0, `response leg min ${Math.min(...responseLeg)}`);
      const figures = {
        ttft: { p50: ms(ttft, 0.5), p75: ms(ttft, 0.75), p90: ms(ttft, 0.9), max: Math.max(...ttft) },
        total: { p50: ms(total, 0.5), p90: ms(total, 0.9), max: Math.max(...total) },
        requestLeg: { p50: ms(requestLeg, 0.5), p90: ms(requestLeg, 0.9) },
        responseLeg: { p50: ms(responseLeg, 0.5), p90: ms(responseLeg, 0.9) },
        queueWaitMax: Math.max(...all.map((r) => r.queueWaitMs)),
      };
      t.diagnostic(`${handler} concurrency ${concurrency}, timeScale ${timeScale}: measured − ground truth (ms) ${JSON.stringify(figures, (_k, v: unknown) => (typeof v === "number" ? Math.round(v * 100) / 100 : v))}`);
      return figures;
    }),
  );
}

/*
 * Tolerances, for a 2-core machine shared with other test runs, where the engine and the emulator share one Node
 * thread. What separates the engine's TTFT from the emulator's is real client work: the SDK's preparation of the
 * request (serialisation, endpoint rules, SigV4: ≈0.3–0.5 ms), connection set-up (a new HTTP/2 session per stream),
 * delivery and decoding of the first frame; measured here at 2–5 ms per request at concurrency 1. At concurrency 100 the
 * same thread also runs the emulator's work for 100 streams; the emulator is slowed down 5× (timeScale 5) so that the
 * shared thread stays far from saturation and what is measured is the engine's overhead, not the test machine's
 * queueing (at timeScale 1 the one thread handles ≈130 requests/s of both sides and tail delays reach 100+ ms). The
 * send gate keeps a burst's SDK preparation out of the measured interval (recorded as queueWaitMs instead).
 * Medians must be within about ten milliseconds (2–5 ms idle, up to 9 ms seen while other test files run): the errors
 * these bounds exist to catch are far larger — timing from the wrong moment shifts TTFT by a queue wait, a chunk
 * interval (≈20 ms here) or the whole emulated TTFT (≈180 ms at timeScale 0.5). The other bounds leave room for
 * scheduling noise on a loaded machine.
 * Causality (the engine starts before the emulator receives, and sees the first token after it was written) must hold
 * for every request.
 */
describe("measured TTFT and total match the emulator's ground truth, per request (joined on request ID)", () => {
  for (const handler of ["http2", "http1"] as const) {
    test(`${handler}, concurrency 1`, async (t) => {
      const f = await accuracy(t, handler, 1, 15, 0.5);
      assert.ok(f.ttft.p50 < 12, `TTFT p50 ${f.ttft.p50} ms`);
      assert.ok(f.ttft.max < 30, `TTFT max ${f.ttft.max} ms`);
      assert.ok(Math.abs(f.total.p50) < 12, `total p50 ${f.total.p50} ms`);
      assert.ok(f.responseLeg.p90 < 5, `first token seen ${f.responseLeg.p90} ms after it was written (p90)`);
    });
    test(`${handler}, concurrency 100`, async (t) => {
      const f = await accuracy(t, handler, 100, 200, 5);
      // HTTP/2 (the SDK default) opens a new connection and session per request: its set-up, several turns of a
      // busy event loop, is client time inside the TTFT (as a TLS handshake is against Bedrock). The tail of that
      // set-up follows the load other processes put on the machine (p90 14–55 ms over repeated runs here), so the
      // bounds are on the median and the third quartile; the response leg, the moment TTFT is taken, stays tight.
      assert.ok(f.ttft.p50 < 20, `TTFT p50 ${f.ttft.p50} ms`);
      assert.ok(f.ttft.p75 < 40, `TTFT p75 ${f.ttft.p75} ms`);
      assert.ok(Math.abs(f.total.p50) < 20, `total p50 ${f.total.p50} ms`);
      assert.ok(f.responseLeg.p90 < 10, `first token seen ${f.responseLeg.p90} ms after it was written (p90)`);
    });
  }
});

/** One rule per fault kind, each applied to exactly one request (by arrival ordinal). */
const FAULT_CASES: readonly Omit<FaultRule, "rate">[] = [
  { kind: "throttling" },
  { kind: "internalServer" },
  { kind: "serviceUnavailable" },
  { kind: "modelNotReady" },
  { kind: "modelTimeout" },
  { kind: "modelError" },
  { kind: "streamThrottling", afterTokens: 5 },
  { kind: "streamModelError", afterTokens: 5 },
  { kind: "streamInternalServer", afterTokens: 5 },
  { kind: "streamServiceUnavailable", afterTokens: 5 },
  { kind: "streamModelError", afterTokens: 0 },
  { kind: "connectionReset", afterTokens: 5 },
  { kind: "connectionReset", afterTokens: 0 },
  { kind: "stall", afterTokens: 3 },
  { kind: "stall", afterTokens: 0 },
  { kind: "slowFirstByte", delayMs: 20_000 },
];

interface Expected {
  status: RequestRecord["status"];
  errorClass: string;
  faultSide: RequestRecord["faultSide"];
  chunksBeforeFault: number | null;
  httpStatus: number | null;
}

/** What the record must say for a request that met `rule`, given what the emulator did (`g`). */
function expectedFor(rule: Omit<FaultRule, "rate"> | undefined, g: GroundTruthEntry, handler: "http2" | "http1"): Expected {
  if (!rule) return { status: "success", errorClass: "", faultSide: "", chunksBeforeFault: null, httpStatus: 200 };
  const after = rule.afterTokens ?? 0;
  if (rule.kind in HTTP_FAULT_ERRORS) {
    return { status: "error", errorClass: HTTP_FAULT_ERRORS[rule.kind as keyof typeof HTTP_FAULT_ERRORS], faultSide: "before-stream", chunksBeforeFault: null, httpStatus: g.httpStatus };
  }
  if (rule.kind.startsWith("stream")) {
    // an exception as the first frame is thrown by send(): the stream never started
    return after > 0
      ? { status: "error", errorClass: g.errorClass!, faultSide: "mid-stream", chunksBeforeFault: g.chunksBeforeFault, httpStatus: 200 }
      : { status: "error", errorClass: g.errorClass!, faultSide: "before-stream", chunksBeforeFault: null, httpStatus: 200 };
  }
  if (rule.kind === "connectionReset") {
    // HTTP/1.1 reports the reset; over HTTP/2 the SDK's stream may just end: the engine then records the response
    // as incomplete (IncompleteStreamError), never as a success
    return after > 0
      ? { status: "error", errorClass: handler === "http1" ? "ECONNRESET" : "ECONNRESET|IncompleteStreamError", faultSide: "mid-stream", chunksBeforeFault: g.chunksBeforeFault, httpStatus: 200 }
      : { status: "error", errorClass: "ECONNRESET", faultSide: "client", chunksBeforeFault: null, httpStatus: null };
  }
  // stall and slowFirstByte: the engine's own timeouts
  return after > 0
    ? { status: "timeout", errorClass: "TimeoutError", faultSide: "mid-stream", chunksBeforeFault: g.chunksBeforeFault, httpStatus: 200 }
    : { status: "timeout", errorClass: "TimeoutError", faultSide: "before-stream", chunksBeforeFault: null, httpStatus: null };
}

describe("a run with injected faults: exactly one record per scheduled request, each with the right class and side", () => {
  for (const handler of ["http2", "http1"] as const) {
    test(handler, async () => {
      await withTempDir(async (dir) => {
        const faults = FAULT_CASES.map((rule, i) => ({ ...rule, rate: 1, fromRequest: i + 1, toRequest: i + 1 }) as FaultRule);
        await withEmulator({ seed: 5, timeScale: 0.2, faults }, async (emulator) => {
          const outcome = await runExperiment({
            dataset: writeJsonl(dir, "micro.jsonl", [MICRO]),
            experiment: {
              endpoint: emulator.endpoint,
              invocationsPerScenario: FAULT_CASES.length + 2,
              order: "sequential",
              httpHandler: handler,
              firstByteTimeoutMs: 1500,
              totalTimeoutMs: 3000,
              seed: 1,
            },
            outputDir: dir,
          });
          const rs = records(outcome);
          assert.deepEqual(rs.map((r) => r.sequence), [...Array(FAULT_CASES.length + 2).keys()], "one record per scheduled request");
          await eventually(() => emulator.groundTruth.inFlightCount === 0, 5000, "the emulator to finish every response");
          const truth = emulator.groundTruth.entries().sort((a, b) => a.ordinal - b.ordinal);
          assert.equal(truth.length, rs.length, "one HTTP request per record");
          for (const r of rs) {
            // concurrency 1, sequential order, no retries: request n is the emulator's ordinal n + 1
            const g = truth[r.sequence]!;
            const rule = FAULT_CASES[r.sequence];
            assert.equal(g.faultKind ?? null, rule?.kind ?? null);
            const expected = expectedFor(rule, g, handler);
            const what = `${rule ? `${rule.kind} after ${rule.afterTokens ?? 0} tokens` : "no fault"} (sequence ${r.sequence})`;
            const classes = expected.errorClass.split("|");
            assert.ok(classes.includes(r.errorClass), `${what}: class ${r.errorClass}, expected ${expected.errorClass}`);
            if (rule?.kind === "connectionReset" && expected.chunksBeforeFault !== null) {
              // a TCP reset discards what was still in flight: the engine counts the chunks it received
              assert.ok(r.chunksBeforeFault !== null && r.chunksBeforeFault <= expected.chunksBeforeFault, `${what}: ${r.chunksBeforeFault} chunks`);
              expected.chunksBeforeFault = r.chunksBeforeFault;
            }
            assert.deepEqual(
              { status: r.status, faultSide: r.faultSide, chunksBeforeFault: r.chunksBeforeFault, httpStatus: r.httpStatus },
              { status: expected.status, faultSide: expected.faultSide, chunksBeforeFault: expected.chunksBeforeFault, httpStatus: expected.httpStatus },
              what,
            );
            if (r.httpStatus !== null) assert.equal(r.requestId, g.requestId, `${what}: request ID`);
            if (r.faultSide === "mid-stream") assert.ok(r.ttftMs !== null && r.ttftMs > 0, `${what}: TTFT of the chunks before the fault`);
            if (r.status !== "success") assert.equal(r.costUsd, null, `${what}: no usage, no cost`);
          }
          // the engine's timeouts really closed the calls: the emulator saw the client go away
          const timedOut = rs.filter((r) => r.status === "timeout").map((r) => truth[r.sequence]!.outcome);
          assert.deepEqual(timedOut, ["stalled", "stalled", "client-closed"]);
          const log = readFileSync(join(outcome.folder, "run.log"), "utf8");
          assert.match(log, /request 0 \(amazon\.nova-micro-v1:0, us-east-1\) error: ThrottlingException before-stream HTTP 429/);
        });
      });
    });
  }
});

describe("the AWS notebook's sample dataset runs unchanged", () => {
  test("every scenario succeeds through the emulator the run starts itself, which is closed at the end", async () => {
    await withTempDir(async (dir) => {
      const outcome = await runExperiment({ dataset: AWS_SAMPLE, experiment: { name: "aws-sample", emulator: { timeScale: 0.2, seed: 4 } }, outputDir: dir });
      assert.equal(outcome.status, "completed");
      const rs = records(outcome);
      assert.deepEqual(outcome.counts.byStatus, { success: 5, error: 0, timeout: 0, aborted: 0 });
      assert.deepEqual(
        rs.map((r) => [r.scenarioLine, r.modelId, r.region, r.performanceConfigAsked, r.performanceConfigServed]).sort((a, b) => (a[0] as number) - (b[0] as number)),
        [
          [1, "us.meta.llama3-1-70b-instruct-v1:0", "us-east-2", "optimized", "optimized"],
          [2, "us.anthropic.claude-3-5-haiku-20241022-v1:0", "us-east-2", "optimized", "optimized"],
          [3, "us.anthropic.claude-3-5-haiku-20241022-v1:0", "us-east-2", "standard", "standard"],
          [4, "amazon.nova-micro-v1:0", "us-east-1", "standard", "standard"],
          [5, "anthropic.claude-3-5-sonnet-20241022-v2:0", "us-west-2", "standard", "standard"],
        ],
      );
      for (const r of rs) {
        assert.equal(r.maxTokens, 50);
        assert.equal(r.temperature, null, "not sent, not recorded");
        assert.ok(r.outputTokens! > 0 && r.outputTokens! <= 50);
        assert.ok(r.ttftMs! > 0 && r.totalMs! > r.ttftMs!);
        assert.ok(r.costUsd! > 0);
      }
      const m = manifest(outcome);
      assert.equal(m.emulator?.startedByRun, true);
      assert.equal(m.emulator?.options["timeScale"], 0.2);
      assert.equal(m.emulator?.options["seed"], 4);
      assert.equal(m.transport.credentials, "dummy static credentials (emulator)");
      assert.deepEqual([...m.transport.regions].sort(), ["us-east-1", "us-east-2", "us-west-2"]);
      const port = Number(new URL(m.emulator!.endpoint).port);
      await assert.rejects(
        new Promise((resolve, reject) => connect(port, "127.0.0.1").once("connect", resolve).once("error", reject)),
        /ECONNREFUSED/,
        "the run's emulator is closed",
      );
    });
  });
});

describe("bad input is rejected before any request reaches the emulator", () => {
  test("a malformed dataset, a bad emulator option", async () => {
    await withTempDir((dir) =>
      withEmulator({}, async (emulator) => {
        const bad = writeJsonl(dir, "bad.jsonl", [MICRO, { ...MICRO, model_id: "amazon nova" }, "{oops"]);
        await assert.rejects(runExperiment({ dataset: bad, experiment: { endpoint: emulator.endpoint } }), (err: DatasetError) => {
          assert.ok(err instanceof DatasetError);
          assert.deepEqual(err.problems.map((p) => [p.line, p.field]), [[2, "model_id"], [3, ""]]);
          return true;
        });
        await assert.rejects(
          runExperiment({ dataset: writeJsonl(dir, "ok.jsonl", [MICRO]), experiment: { emulator: { timeScale: -1, faults: [{ kind: "meteor", rate: 1 }] } } }),
          /field 'emulator\.timeScale' is -1 \(number\)[\s\S]*field 'emulator\.faults\[0\]\.kind' is "meteor"/,
        );
        assert.equal(emulator.requestCount, 0);
      }),
    );
  });
});

describe("abort, open loop, transports", () => {
  test("an abort marks the requests in flight aborted, and their streams are really closed", async () => {
    await withTempDir((dir) =>
      withEmulator({ seed: 2, timeScale: 1 }, async (emulator) => {
        const controller = new AbortController();
        let done = 0;
        const onProgress = (e: RunEvent): void => {
          if (e.type === "request-completed" && ++done === 4) controller.abort(new Error("test abort"));
        };
        const outcome = await runExperiment({
          dataset: writeJsonl(dir, "micro.jsonl", [MICRO]),
          experiment: { endpoint: emulator.endpoint, invocationsPerScenario: 30, concurrency: 4, seed: 3 },
          outputDir: dir,
          signal: controller.signal,
          onProgress,
        });
        assert.equal(outcome.status, "interrupted");
        const rs = records(outcome);
        const aborted = rs.filter((r) => r.status === "aborted");
        assert.equal(aborted.length, 3, "the other three workers' requests were in flight");
        assert.equal(rs.filter((r) => r.status === "success").length, 4);
        assert.equal(outcome.counts.missing, 26);
        for (const r of aborted) {
          assert.equal(r.errorClass, "AbortError");
          assert.equal(r.errorMessage, "aborted by the caller (test abort)");
          // aborted while waiting for the first event (no request ID yet) or mid-stream (with it)
          if (r.faultSide === "mid-stream") assert.equal(truthOf(emulator, r).outcome, "client-closed");
          else assert.equal(r.faultSide, "before-stream");
        }
        await eventually(() => emulator.groundTruth.inFlightCount === 0, 3000, "the aborted streams to close");
        const closed = emulator.groundTruth.completed().filter((g) => g.outcome === "client-closed");
        assert.equal(closed.length, 3, "the emulator saw three streams closed by the client");
      }),
    );
  });

  test("open loop: requests leave at their due times whatever the completions; schedule lag is recorded", async () => {
    await withTempDir((dir) =>
      withEmulator({ seed: 9, timeScale: 1 }, async (emulator) => {
        const outcome = await runExperiment({
          dataset: writeJsonl(dir, "micro.jsonl", [MICRO]),
          experiment: { endpoint: emulator.endpoint, invocationsPerScenario: 25, arrivals: { ratePerSec: 25 }, seed: 3, httpHandler: "http1" },
          outputDir: dir,
        });
        assert.equal(outcome.status, "completed");
        const rs = records(outcome);
        const pacer = constantPacer(25);
        const first = rs[0]!.scheduledOffsetMs;
        rs.forEach((r, i) => {
          assert.ok(Math.abs(r.scheduledOffsetMs - first - pacer.dueMs(i)) < 1e-6, `request ${i} due every 40 ms`);
          assert.ok(r.scheduleLagMs >= 0, `request ${i} left ${r.scheduleLagMs} ms after it was due`);
          assert.equal(r.sendOffsetMs - r.scheduledOffsetMs, r.scheduleLagMs);
          assert.equal(r.loadModel, "open");
        });
        // each request takes ≈1 s: 25 requests in 1 s overlap; a closed loop at concurrency 1 would take 25 s
        const lastSend = rs.at(-1)!.sendOffsetMs - first;
        assert.ok(lastSend < 2000, `the last request left ${lastSend} ms after the first`);
        assert.ok(ms(rs.map((r) => r.scheduleLagMs), 0.5) < 20, "median lag of a few ms on an idle client");
      }),
    );
  });
});

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { converseInputFor } from "../../lib/engine/converse-input";
import { PRICING_COLUMNS, parsePricing } from "../../lib/inputs/pricing";
import { derivedMetrics, recordFor, type RequestPlacement } from "../../lib/engine/record-builder";
import { RECORD_COLUMN_NAMES } from "../../lib/records/request-record";
import type { RequestMeasurement } from "../../lib/engine/request-executor";
import { parseScenario } from "../../lib/inputs/scenarios";
import { ManualClock } from "../helpers/manual-clock";

describe("derivedMetrics (hand-computed)", () => {
  test("generation, decode OTPS, E2E tokens/s and ITL", () => {
    // TTFT 400 ms, total 1400 ms, 51 tokens: generation 1000 ms → 51 tok/s decode, 51/1.4 E2E, ITL 1000/50 = 20 ms
    assert.deepEqual(derivedMetrics(400, 1400, 51), {
      generationMs: 1000,
      outputTokensPerSecond: 51,
      outputTokensPerSecondE2E: 51 / 1.4,
      interTokenLatencyMs: 20,
    });
  });
  test("undefined divisions are null, never Infinity or NaN", () => {
    assert.deepEqual(derivedMetrics(500, 500, 1), { generationMs: 0, outputTokensPerSecond: null, outputTokensPerSecondE2E: 2, interTokenLatencyMs: null });
    assert.deepEqual(derivedMetrics(null, 800, 10), { generationMs: null, outputTokensPerSecond: null, outputTokensPerSecondE2E: 12.5, interTokenLatencyMs: null });
    assert.deepEqual(derivedMetrics(100, 300, null), { generationMs: 200, outputTokensPerSecond: null, outputTokensPerSecondE2E: null, interTokenLatencyMs: null });
  });
});

const pricing = parsePricing(
  [PRICING_COLUMNS.join(","), "anthropic.claude-3-5-haiku-*,0.001,0.005,0.0001,0.00125,0.002,0.01,2,0.5,2025-01-01,test"].join("\n"),
  "test.csv",
);
const scenario = parseScenario(
  {
    scenario_id: "s-7",
    task_type: "qa",
    tags: ["a", "b"],
    model_id: "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    region: "us-west-2",
    inference_profile: "optimized",
    text_prompt: "q",
    max_tokens: 64,
    temperature: 0,
    service_tier: "priority",
  },
  { file: "inline", line: 9 },
).scenario!;

function placement(over: Partial<RequestPlacement> = {}): RequestPlacement {
  return {
    runId: "20250101_000000_t",
    planned: { sequence: 12, scenarioIndex: 0, repeat: 1, invocation: 3, warmup: false },
    scenario,
    input: converseInputFor(scenario),
    experiment: { target: "emulator", loadModel: "open", concurrency: 8 },
    runStartMs: 1000,
    dueMs: 1500,
    queueWaitMs: 2.5,
    ...over,
  };
}

const success: RequestMeasurement = {
  status: "success",
  failure: null,
  admitWaitMs: 1.5,
  startMs: 1510,
  firstEventMs: 1600,
  firstTokenMs: 1910,
  endMs: 2910,
  chunkCount: 12,
  text: "four",
  stopReason: "end_turn",
  usage: { inputTokens: 1000, outputTokens: 51, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
  serverLatencyMs: 1395,
  performanceConfigServed: "standard",
  serviceTierServed: "priority",
  attempts: 1,
  retryDelayMs: 0,
  requestId: "rid",
  httpStatus: 200,
};

describe("recordFor", () => {
  test("a success: offsets from run start, lag, timings, as-sent values, served configuration and cost at the served price", () => {
    const r = recordFor(placement(), success, new ManualClock(Date.UTC(2025, 0, 1)), pricing);
    assert.deepEqual(Object.keys(r).sort(), [...RECORD_COLUMN_NAMES].sort(), "every column, nothing else");
    assert.equal(r.startTimeIso, new Date(Date.UTC(2025, 0, 1) + 1510).toISOString());
    assert.deepEqual(
      [r.sequence, r.repeat, r.invocation, r.scenarioId, r.scenarioLine, r.taskType, r.tags, r.warmup, r.loadModel, r.concurrency],
      [12, 1, 3, "s-7", 9, "qa", "a;b", false, "open", 8],
    );
    // queue wait: the in-flight cap's 2.5 ms and the send gate's 1.5 ms, both part of the 10 ms lag
    assert.deepEqual([r.scheduledOffsetMs, r.sendOffsetMs, r.scheduleLagMs, r.queueWaitMs], [500, 510, 10, 4]);
    assert.deepEqual([r.ttftMs, r.totalMs, r.generationMs, r.outputTokensPerSecond, r.interTokenLatencyMs], [400, 1400, 1000, 51, 20]);
    assert.deepEqual([r.maxTokens, r.temperature, r.topP], [64, 0, null]);
    assert.deepEqual([r.performanceConfigAsked, r.performanceConfigServed, r.serviceTierAsked, r.serviceTierServed], ["optimized", "standard", "priority", "priority"]);
    // served standard (fallback): standard prices, priority ×2: (1000×0.001 + 51×0.005)/1000 × 2
    assert.ok(Math.abs(r.costUsd! - ((1000 * 0.001 + 51 * 0.005) / 1000) * 2) < 1e-15);
    assert.deepEqual([r.status, r.errorClass, r.faultSide, r.chunksBeforeFault, r.responseChars], ["success", "", "", null, 4]);
  });

  test("closed loop: due when sent, no lag", () => {
    const r = recordFor(placement({ dueMs: null, queueWaitMs: 0 }), { ...success, admitWaitMs: 0 }, new ManualClock(), pricing);
    assert.deepEqual([r.scheduledOffsetMs, r.sendOffsetMs, r.scheduleLagMs], [510, 510, 0]);
  });

  test("a failure keeps its timing and side, without derived rates or cost", () => {
    const failed: RequestMeasurement = {
      ...success,
      status: "error",
      failure: { errorClass: "ModelStreamErrorException", message: "boom", side: "mid-stream", chunksBeforeFault: 5 },
      endMs: 2100,
      usage: null,
      performanceConfigServed: "",
      serviceTierServed: "",
      serverLatencyMs: null,
    };
    const r = recordFor(placement(), failed, new ManualClock(), pricing);
    assert.deepEqual([r.ttftMs, r.totalMs, r.generationMs, r.outputTokensPerSecond, r.outputTokens, r.costUsd], [400, 590, null, null, null, null]);
    assert.deepEqual([r.status, r.errorClass, r.errorMessage, r.faultSide, r.chunksBeforeFault, r.httpStatus], ["error", "ModelStreamErrorException", "boom", "mid-stream", 5, 200]);
  });
});

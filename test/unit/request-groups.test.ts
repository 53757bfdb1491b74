import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_GROUP_DIMENSIONS, groupRecords, sortedSample } from "../../lib/analysis/request-groups";
import { isThrottle } from "../../lib/records/request-record";
import { summarize } from "../../lib/analysis/summary";
import { failedRecord, successRecord } from "../fixtures/analysis/synthetic-records";

test("the default grouping pools task types (as the AWS notebook's summary) and splits by tags, concurrency and load model", () => {
  assert.ok(!DEFAULT_GROUP_DIMENSIONS.includes("taskType"));
  assert.ok(!DEFAULT_GROUP_DIMENSIONS.includes("runId"));
  const groups = groupRecords([
    successRecord({ taskType: "qa", ttftMs: 100, totalMs: 200 }),
    successRecord({ taskType: "code", ttftMs: 300, totalMs: 400 }),
    successRecord({ taskType: "qa", tags: "long;rag", ttftMs: 500, totalMs: 900 }),
    successRecord({ taskType: "qa", concurrency: 8, ttftMs: 500, totalMs: 900 }),
    successRecord({ taskType: "qa", loadModel: "open", ttftMs: 500, totalMs: 900 }),
  ]);
  assert.deepEqual(
    groups.map((g) => [g.label, g.requests, g.taskTypes]),
    [
      ["claude-3-5-haiku-20241022-v1:0 · standard · c=1 · closed · no tags", 2, ["code", "qa"]],
      ["claude-3-5-haiku-20241022-v1:0 · standard · c=1 · closed · tags long;rag", 1, ["qa"]],
      ["claude-3-5-haiku-20241022-v1:0 · standard · c=1 · open · no tags", 1, ["qa"]],
      ["claude-3-5-haiku-20241022-v1:0 · standard · c=8 · closed · no tags", 1, ["qa"]],
    ],
  );
  assert.equal(summarize(groups)[0]!.task_type, "code|qa");
  const byTask = groupRecords(
    [successRecord({ taskType: "qa", ttftMs: 100, totalMs: 200 }), successRecord({ taskType: "code", ttftMs: 300, totalMs: 400 })],
    { dimensions: [...DEFAULT_GROUP_DIMENSIONS, "taskType"] },
  );
  assert.deepEqual(
    byTask.map((g) => g.key.taskType),
    ["code", "qa"],
  );
});

test("warm-ups are counted apart, and join every statistic only with includeWarmup", () => {
  const records = [
    successRecord({ warmup: true, ttftMs: 2000, totalMs: 3000, costUsd: 0.5 }),
    successRecord({ ttftMs: 100, totalMs: 200, costUsd: 0.25 }),
    successRecord({ ttftMs: 300, totalMs: 400, costUsd: 0.25 }),
  ];
  const [plain] = summarize(groupRecords(records));
  assert.equal(plain!.requests, 2);
  assert.equal(plain!.warmup_requests, 1);
  assert.equal(plain!.ttft_ms_max, 300);
  assert.equal(plain!.cost_usd_total, 0.5);
  assert.equal(plain!.warmup_cost_usd, 0.5);
  const [included] = summarize(groupRecords(records, { includeWarmup: true }));
  assert.equal(included!.requests, 3);
  assert.equal(included!.warmup_requests, 1);
  assert.equal(included!.ttft_ms_max, 2000);
  assert.equal(included!.ttft_ms_mean, 800); // (2000 + 100 + 300) / 3
  assert.equal(included!.cost_usd_total, 1);
});

test("a throttle is a ThrottlingException or any failure with HTTP 429", () => {
  assert.equal(isThrottle("ThrottlingException", null), true);
  assert.equal(isThrottle("TooManyRequestsException", 429), true);
  assert.equal(isThrottle("ServiceUnavailableException", 503), false);
  const [row] = summarize(
    groupRecords([
      failedRecord({ errorClass: "ThrottlingException" }),
      failedRecord({ errorClass: "TooManyRequestsException", httpStatus: 429 }),
      failedRecord({ errorClass: "ServiceUnavailableException", httpStatus: 503 }),
      successRecord({ ttftMs: 100, totalMs: 200 }),
    ]),
  );
  assert.equal(row!.throttles, 2);
  assert.equal(row!.throttle_rate, 0.5);
  assert.equal(row!.error_rate, 0.75);
});

test("sorted samples are the finite values in order, computed once per column", () => {
  const [group] = groupRecords([
    successRecord({ ttftMs: 300, totalMs: 400 }),
    successRecord({ ttftMs: 100, totalMs: 200 }),
    successRecord({ ttftMs: 200, totalMs: 250, serverLatencyMs: null }),
  ]);
  assert.deepEqual(Array.from(sortedSample(group!, "ttftMs")), [100, 200, 300]);
  assert.deepEqual(Array.from(sortedSample(group!, "serverLatencyMs")), [180, 380]);
  assert.equal(sortedSample(group!, "ttftMs"), sortedSample(group!, "ttftMs"));
});

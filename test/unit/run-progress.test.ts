import { test } from "node:test";
import assert from "node:assert/strict";
import { ProgressCounter, progressSnapshot } from "../../lib/engine/run-progress";

test("ProgressCounter counts errors, throttles (as the analysis does: ThrottlingException or any 429), aborts, cost and rate", () => {
  let t = 1000;
  const counter = new ProgressCounter(
    10,
    [
      { status: "success", errorClass: "", httpStatus: 200, costUsd: 0.5 },
      { status: "aborted", errorClass: "AbortError", httpStatus: null, costUsd: null },
    ],
    () => t,
  );
  counter.sent();
  counter.sent();
  counter.sent();
  counter.sent();
  t = 3000;
  counter.completed({ status: "error", errorClass: "ThrottlingException", httpStatus: 200, costUsd: null }); // in-stream
  counter.completed({ status: "error", errorClass: "ModelNotReadyException", httpStatus: 429, costUsd: null });
  counter.completed({ status: "error", errorClass: "ServiceUnavailableException", httpStatus: 503, costUsd: null });
  counter.completed({ status: "timeout", errorClass: "FirstByteTimeout", httpStatus: null, costUsd: 0.25 });
  const p = counter.snapshot();
  assert.deepEqual(p, {
    done: 6,
    total: 10,
    errors: 4,
    throttles: 2,
    aborted: 1,
    inFlight: 0,
    elapsedMs: 2000,
    ratePerSec: 2,
    costUsd: 0.75,
  });
  assert.deepEqual(progressSnapshot({ type: "phase", phase: "measured", progress: p }), {
    done: 6,
    total: 10,
    errors: 4,
    throttles: 2,
    inFlight: 0,
    elapsedMs: 2000,
    ratePerSec: 2,
    costUsd: 0.75,
  });
});

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { runClosedLoop, runOpenLoop, type DispatchTiming } from "../../lib/engine/load-loop";
import { constantPacer } from "../../lib/engine/schedule";
import { ManualClock } from "../helpers/manual-clock";

interface Sent {
  item: number;
  at: number;
  done: number;
  timing: DispatchTiming;
}

/** Each item takes `durations[item]` ms of (manual) time. */
function harness(durations: readonly number[]) {
  const clock = new ManualClock();
  const sent: Sent[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const execute = async (item: number, timing: DispatchTiming): Promise<void> => {
    const at = clock.now();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await clock.sleep(durations[item]!);
    inFlight--;
    sent.push({ item, at, done: clock.now(), timing });
  };
  return { clock, sent, execute, maxInFlight: () => maxInFlight };
}

const items = (n: number) => Array.from({ length: n }, (_, i) => i);
const byItem = (sent: Sent[]) => [...sent].sort((a, b) => a.item - b.item);

describe("runClosedLoop", () => {
  test("N workers take requests in schedule order; each sends its next when its last finished", async () => {
    const h = harness([100, 30, 50, 10, 40]);
    const count = await h.clock.run(
      runClosedLoop({ items: items(5), concurrency: 2, sleepBetweenMs: 0, clock: h.clock, shouldStop: () => false, signal: new AbortController().signal, execute: h.execute }),
    );
    assert.equal(count, 5);
    // worker A: 0 (0–100); worker B: 1 (0–30), 2 (30–80), 3 (80–90), 4 (90–130)
    assert.deepEqual(byItem(h.sent).map((s) => [s.item, s.at, s.done]), [[0, 0, 100], [1, 0, 30], [2, 30, 80], [3, 80, 90], [4, 90, 130]]);
    assert.ok(h.sent.every((s) => s.timing.dueMs === null && s.timing.queueWaitMs === 0));
    assert.equal(h.maxInFlight(), 2);
  });

  test("sleep between invocations, per worker", async () => {
    const h = harness([10, 10, 10]);
    await h.clock.run(runClosedLoop({ items: items(3), concurrency: 1, sleepBetweenMs: 25, clock: h.clock, shouldStop: () => false, signal: new AbortController().signal, execute: h.execute }));
    assert.deepEqual(byItem(h.sent).map((s) => s.at), [0, 35, 70]);
  });

  test("stops scheduling when told, and waits for what was sent", async () => {
    const h = harness([50, 50, 50, 50, 50, 50]);
    const count = await h.clock.run(
      runClosedLoop({ items: items(6), concurrency: 2, sleepBetweenMs: 0, clock: h.clock, shouldStop: () => h.clock.now() >= 60, signal: new AbortController().signal, execute: h.execute }),
    );
    assert.equal(count, 4);
    assert.deepEqual(byItem(h.sent).map((s) => [s.item, s.done]), [[0, 50], [1, 50], [2, 100], [3, 100]]);
  });
});

describe("runOpenLoop", () => {
  test("requests go out at their due times regardless of completions (no coordinated omission)", async () => {
    const h = harness([500, 500, 500, 500]);
    const count = await h.clock.run(
      runOpenLoop({ items: items(4), pacer: constantPacer(10), maxInFlight: 100, startMs: 1000, deadlineMs: null, clock: h.clock, shouldStop: () => false, signal: new AbortController().signal, execute: h.execute }),
    );
    assert.equal(count, 4);
    assert.deepEqual(byItem(h.sent).map((s) => [s.at, s.timing.dueMs, s.timing.queueWaitMs]), [[1000, 1000, 0], [1100, 1100, 0], [1200, 1200, 0], [1300, 1300, 0]]);
    assert.equal(h.maxInFlight(), 4);
  });

  test("a saturated in-flight cap is a queue: its wait is reported, and later arrivals lag behind their due times", async () => {
    const h = harness([250, 250, 250, 10]);
    await h.clock.run(
      runOpenLoop({ items: items(4), pacer: constantPacer(10), maxInFlight: 2, startMs: 0, deadlineMs: null, clock: h.clock, shouldStop: () => false, signal: new AbortController().signal, execute: h.execute }),
    );
    // due 0, 100, 200, 300; cap 2: #2 waits for #0 to finish at 250; #3 (due 300) waits for #1 to finish at 350
    assert.deepEqual(byItem(h.sent).map((s) => [s.at, s.timing.dueMs, s.timing.queueWaitMs]), [[0, 0, 0], [100, 100, 0], [250, 200, 50], [350, 300, 50]]);
    assert.equal(h.maxInFlight(), 2);
  });

  test("the duration bound: nothing due after the deadline is sent", async () => {
    const h = harness(Array(10).fill(5));
    const count = await h.clock.run(
      runOpenLoop({ items: items(10), pacer: constantPacer(100), maxInFlight: 5, startMs: 0, deadlineMs: 50, clock: h.clock, shouldStop: () => false, signal: new AbortController().signal, execute: h.execute }),
    );
    assert.equal(count, 5); // due 0, 10, 20, 30, 40 (not 50: the bound is half-open)
  });

  test("an abort wakes the pacer and the slot wait at once", async () => {
    const h = harness([1000, 1000, 1000]);
    const controller = new AbortController();
    h.clock.setTimer(() => controller.abort(), 150);
    const count = await h.clock.run(
      runOpenLoop({ items: items(3), pacer: constantPacer(10), maxInFlight: 1, startMs: 0, deadlineMs: null, clock: h.clock, shouldStop: () => controller.signal.aborted, signal: controller.signal, execute: h.execute }),
    );
    assert.equal(count, 1, "the second request waited for a slot and was never sent");
  });
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { SendGate } from "../../lib/engine/send-gate";

const turn = () => new Promise((r) => setImmediate(r));

test("one holder at a time, in arrival order, the next admitted a turn of the event loop after a release", async () => {
  const gate = new SendGate();
  const order: string[] = [];
  const a = await gate.acquire();
  assert.ok(a);
  const pb = gate.acquire().then((r) => (order.push("b"), r));
  const pc = gate.acquire().then((r) => (order.push("c"), r));
  assert.equal(gate.queued, 2);
  a!();
  a!(); // idempotent: does not admit two at once
  await Promise.resolve();
  assert.deepEqual(order, [], "not in the same turn");
  await turn();
  assert.deepEqual(order, ["b"]);
  const b = await pb;
  await turn();
  assert.deepEqual(order, ["b"], "c waits for b's release");
  b!();
  const c = await pc;
  assert.deepEqual(order, ["b", "c"]);
  c!();
  const d = await gate.acquire();
  assert.ok(d, "free again");
  d!();
});

test("an abort gives the place up; an abort after admission still hands over the release", async () => {
  const gate = new SendGate();
  const holder = await gate.acquire();
  const quitter = new AbortController();
  const late = new AbortController();
  const pq = gate.acquire(quitter.signal);
  const pl = gate.acquire(late.signal);
  quitter.abort();
  assert.equal(await pq, null);
  assert.equal(gate.queued, 1);
  holder!();
  late.abort(); // admitted already (on its way): keeps the release, so the gate is not lost
  const release = await pl;
  assert.ok(release);
  release!();
  assert.ok(await gate.acquire(), "the gate is free");
  const aborted = new AbortController();
  aborted.abort();
  assert.equal(await gate.acquire(aborted.signal), null);
});

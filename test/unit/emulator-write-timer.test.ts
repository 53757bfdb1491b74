import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { describe, it } from "node:test";
import { WriteTimer } from "../../lib/emulator/write-timer";

const now = () => performance.now();

describe("write timer", () => {
  it("runs precise and relaxed tasks in due order, never early", async () => {
    const s = new WriteTimer({ now });
    const start = now();
    const ran: Array<{ name: string; at: number; due: number; late: number }> = [];
    const offsets = [30, 5, 20, 5, 12, 1, 25];
    await new Promise<void>((resolve) => {
      offsets.forEach((offset, i) => {
        const due = start + offset;
        s.at(
          due,
          (late) => {
            ran.push({ name: `t${i}`, at: now(), due, late });
            if (ran.length === offsets.length) resolve();
          },
          { precise: i % 2 === 0 },
        );
      });
    });
    // Within each class, due order with ties by insertion, whatever the machine's load.
    const names = ran.map((r) => r.name);
    const precise = names.filter((n) => Number(n.slice(1)) % 2 === 0);
    const relaxed = names.filter((n) => Number(n.slice(1)) % 2 === 1);
    assert.deepEqual(precise, ["t4", "t2", "t6", "t0"], "precise tasks by due time");
    assert.deepEqual(relaxed, ["t5", "t1", "t3"], "relaxed tasks by due time, ties by insertion");
    // Across classes, due order holds when the loop was on time (a busy loop lets a due precise task jump relaxed ones
    // due earlier, by design: the next test pins that rule on a fake clock). The closest dues are 7 ms apart (5 → 12).
    if (ran.every((r) => r.at - r.due < 7)) {
      assert.deepEqual(names, ["t5", "t1", "t3", "t4", "t2", "t6", "t0"], "by due time, ties by insertion");
    }
    for (const r of ran) {
      assert.ok(r.at >= r.due, `${r.name} ran ${r.due - r.at} ms early`);
      assert.ok(r.late >= 0);
    }
  });

  it("runs a due precise task before relaxed tasks due earlier, re-reading the clock before each task", async () => {
    let t = 0; // fake monotonic clock: each relaxed task "takes" the time the test gives it
    const s = new WriteTimer({ now: () => t });
    const ran: Array<[string, number]> = [];
    s.at(1, (late) => {
      ran.push(["r1", late]);
      t = 3; // a slow write: by now r2 (due 2) and p (due 2.5) are both due
    });
    s.at(2, (late) => ran.push(["r2", late]));
    s.at(3, (late) => ran.push(["r3", late]));
    s.at(2.5, (late) => ran.push(["p", late]), { precise: true });
    t = 1;
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(ran, [
      ["r1", 0],
      ["p", 0.5],
      ["r2", 1],
      ["r3", 0],
    ]);
    assert.equal(s.size, 0);
  });

  it("checkpoint() runs due precise tasks at once and nothing else", async () => {
    let t = 0;
    const s = new WriteTimer({ now: () => t });
    const ran: string[] = [];
    s.at(5, () => ran.push("p"), { precise: true });
    s.at(1, () => ran.push("r"));
    s.checkpoint();
    assert.deepEqual(ran, [], "nothing is due at t = 0");
    t = 6;
    s.checkpoint();
    assert.deepEqual(ran, ["p"], "the due precise task ran inside checkpoint(); the relaxed one waits for the timer");
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(ran, ["p", "r"]);
  });

  it("skips cancelled tasks and ignores tasks after stop()", async () => {
    const s = new WriteTimer({ now });
    const ran: string[] = [];
    const a = s.at(now() + 5, () => ran.push("a"), { precise: true });
    s.at(now() + 6, () => ran.push("b"));
    s.cancel(a);
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(ran, ["b"]);
    s.stop();
    const late = s.at(now() + 1, () => ran.push("c"));
    assert.equal(late.cancelled, true);
    await new Promise((r) => setTimeout(r, 15));
    assert.deepEqual(ran, ["b"]);
    assert.equal(s.size, 0);
  });

  it("keeps running other tasks when one throws, and reports the failure as a process warning", async () => {
    const s = new WriteTimer({ now });
    const ran: string[] = [];
    const warned = new Promise<Error>((resolve) => process.once("warning", resolve));
    s.at(now() + 2, () => {
      throw new Error("boom");
    });
    s.at(now() + 3, () => ran.push("after"));
    const warning = await warned;
    assert.equal(warning.name, "EmulatorSchedulerWarning");
    assert.match(warning.message, /boom/);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(ran, ["after"]);
  });
});

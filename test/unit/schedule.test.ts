import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { buildSchedule, constantPacer, pacerFor, poissonPacer, uniformSource, type ScheduleOptions } from "../../lib/engine/schedule";
import { parseScenario, type Scenario } from "../../lib/inputs/scenarios";

function scenario(line: number, model: string, profile: "standard" | "optimized" = "standard"): Scenario {
  const { scenario: s } = parseScenario(
    { text_prompt: `p${line}`, expected_output_tokens: 10, model_id: model, region: "us-east-1", inference_profile: profile },
    { file: "inline", line },
  );
  return s!;
}

// Three configurations: A standard (two scenarios), A optimized, B standard.
const scenarios = [scenario(1, "A"), scenario(2, "A", "optimized"), scenario(3, "B"), scenario(4, "A")];
const options: ScheduleOptions = { invocationsPerScenario: 3, repeats: 2, order: "shuffled", seed: 42, warmupRequests: 0 };

const keys = (plan: ReturnType<typeof buildSchedule>) => plan.map((p) => `${p.repeat}:${p.scenarioIndex}:${p.invocation}${p.warmup ? "w" : ""}`);

describe("buildSchedule", () => {
  test("every scenario × invocation × repeat appears exactly once, sequences are positions", () => {
    const plan = buildSchedule(scenarios, options);
    assert.equal(plan.length, 4 * 3 * 2);
    assert.deepEqual(
      plan.map((p) => p.sequence),
      plan.map((_, i) => i),
    );
    const expected: string[] = [];
    for (let r = 0; r < 2; r++) for (let s = 0; s < 4; s++) for (let i = 0; i < 3; i++) expected.push(`${r}:${s}:${i}`);
    assert.deepEqual([...keys(plan)].sort(), expected.sort());
    // repeats are blocks: all of repeat 0 before repeat 1
    assert.deepEqual(
      plan.map((p) => p.repeat),
      [...Array(12).fill(0), ...Array(12).fill(1)],
    );
    assert.ok(Object.isFrozen(plan) && Object.isFrozen(plan[0]));
  });

  test("the same seed gives the same schedule; another seed another order; repeats are shuffled independently", () => {
    assert.deepEqual(buildSchedule(scenarios, options), buildSchedule(scenarios, options));
    const other = buildSchedule(scenarios, { ...options, seed: 43 });
    assert.notDeepEqual(keys(other), keys(buildSchedule(scenarios, options)));
    const plan = keys(buildSchedule(scenarios, options));
    const strip = (k: string) => k.slice(2);
    assert.notDeepEqual(plan.slice(0, 12).map(strip), plan.slice(12).map(strip));
  });

  test("shuffled order interleaves configurations instead of running them in blocks", () => {
    const plan = buildSchedule(scenarios, { ...options, invocationsPerScenario: 10, repeats: 1 });
    let switches = 0;
    for (let i = 1; i < plan.length; i++) if (plan[i]!.scenarioIndex !== plan[i - 1]!.scenarioIndex) switches++;
    // 40 requests in 4 blocks would switch 3 times; a shuffle switches far more often.
    assert.ok(switches > 15, `only ${switches} switches`);
  });

  test("interleaved is round-robin over scenarios; sequential runs each scenario's invocations together", () => {
    const one = { ...options, repeats: 1, invocationsPerScenario: 2 };
    assert.deepEqual(keys(buildSchedule(scenarios, { ...one, order: "interleaved" })), ["0:0:0", "0:1:0", "0:2:0", "0:3:0", "0:0:1", "0:1:1", "0:2:1", "0:3:1"]);
    assert.deepEqual(keys(buildSchedule(scenarios, { ...one, order: "sequential" })), ["0:0:0", "0:0:1", "0:1:0", "0:1:1", "0:2:0", "0:2:1", "0:3:0", "0:3:1"]);
  });

  test("warm-ups come first: N per configuration, round-robin, using each configuration's first scenario", () => {
    const plan = buildSchedule(scenarios, { ...options, warmupRequests: 2 });
    assert.equal(plan.length, 24 + 2 * 3);
    assert.deepEqual(keys(plan.slice(0, 6)), ["0:0:0w", "0:1:0w", "0:2:0w", "0:0:1w", "0:1:1w", "0:2:1w"]);
    assert.ok(plan.slice(6).every((p) => !p.warmup));
    // warm-ups do not change the measured order
    assert.deepEqual(keys(plan.slice(6)), keys(buildSchedule(scenarios, options)));
  });
});

describe("pacers (tables, no sleeping)", () => {
  test("constant: request n is due at n × 1000/rate; pace is the wait from now", () => {
    const pacer = constantPacer(4); // every 250 ms
    const table: [elapsedMs: number, sent: number, waitMs: number][] = [
      [0, 0, 0],
      [0, 1, 250],
      [100, 1, 150],
      [250, 1, 0],
      [300, 1, 0], // late: send now
      [300, 2, 200],
      [1000, 4, 0],
      [999, 4, 1],
    ];
    for (const [elapsed, sent, wait] of table) assert.equal(pacer.pace(elapsed, sent), wait, `pace(${elapsed}, ${sent})`);
    assert.deepEqual([0, 1, 2, 3].map((n) => pacer.dueMs(n)), [0, 250, 500, 750]);
    assert.throws(() => constantPacer(0), RangeError);
    assert.throws(() => constantPacer(Number.POSITIVE_INFINITY), RangeError);
  });

  test("poisson: seeded, fixed due times, mean gap 1000/rate, exponential gaps", () => {
    const a = poissonPacer(10, 5);
    const b = poissonPacer(10, 5);
    const n = 20_000;
    const dueA = Array.from({ length: n }, (_, i) => a.dueMs(i));
    assert.deepEqual(dueA, Array.from({ length: n }, (_, i) => b.dueMs(i)), "same seed, same arrivals");
    assert.equal(a.dueMs(5), dueA[5], "due times are remembered");
    assert.notEqual(poissonPacer(10, 6).dueMs(1), dueA[1]);
    assert.equal(dueA[0], 0);
    const gaps = dueA.slice(1).map((t, i) => t - dueA[i]!);
    assert.ok(gaps.every((g) => g > 0));
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    assert.ok(Math.abs(mean - 100) < 3, `mean gap ${mean}`); // standard error 100/√20000 ≈ 0.7 ms
    // exponential: P(gap > mean) = e^-1 ≈ 0.368
    const above = gaps.filter((g) => g > 100).length / gaps.length;
    assert.ok(Math.abs(above - Math.exp(-1)) < 0.02, `share above the mean ${above}`);
    assert.equal(a.pace(dueA[3]! - 7, 3), 7);
    assert.equal(a.pace(dueA[3]! + 7, 3), 0);
  });

  test("pacerFor picks the distribution; uniformSource is seeded and inside (0, 1]", () => {
    assert.equal(pacerFor({ ratePerSec: 2, distribution: "constant" }, 1).dueMs(3), 1500);
    assert.equal(pacerFor({ ratePerSec: 2, distribution: "poisson" }, 1).dueMs(3), poissonPacer(2, 1).dueMs(3));
    const u = uniformSource(9);
    const v = uniformSource(9);
    for (let i = 0; i < 1000; i++) {
      const x = u();
      assert.equal(x, v());
      assert.ok(x > 0 && x <= 1);
    }
  });
});

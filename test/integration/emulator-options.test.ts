import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ClockReadings } from "../../lib/base/clock";
import { InputError } from "../../lib/base/input-error";
import {
  EmulatorOptionsError,
  loadDefaultProfiles,
  parseEmulatorOptions,
  parseFaultRules,
  ProfilesError,
  startEmulator,
} from "../../lib/emulator";

function problemsOf(fn: () => unknown): Array<{ field: string; value: string; expected: string; hint?: string }> {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return err.problems.map((p) => ({ field: p.field, value: p.value, expected: p.expected, ...(p.hint ? { hint: p.hint } : {}) }));
  }
  throw new Error("expected an error");
}

describe("parseEmulatorOptions", () => {
  it("accepts JSON-able options and freezes them", () => {
    const options = parseEmulatorOptions(
      { port: 4010, seed: 3, timeScale: 0.1, faults: [{ kind: "throttling", rate: 1, fromRequest: 30, toRequest: 45 }], defaultRegion: "eu-west-1" },
      "experiment.json",
    );
    assert.equal(options.port, 4010);
    assert.equal(options.faults?.[0]?.toRequest, 45);
    assert.ok(Object.isFrozen(options));
    assert.ok(Object.isFrozen(options.faults?.[0]));
    assert.deepEqual(parseEmulatorOptions(undefined, "x"), {});
  });

  it("names the field path, the bad value and what was expected", () => {
    const problems = problemsOf(() => parseEmulatorOptions({ faults: [{ kind: "throttling", rate: 1.5 }] }, "experiment.json"));
    assert.deepEqual(problems, [{ field: "emulator.faults[0].rate", value: "1.5 (number)", expected: "a probability from 0 to 1" }]);
    try {
      parseEmulatorOptions({ faults: [{ kind: "throttling", rate: 1.5 }] }, "experiment.json");
    } catch (err) {
      assert.ok(err instanceof EmulatorOptionsError);
      assert.match((err as Error).message, /experiment\.json: field 'emulator\.faults\[0\]\.rate' is 1\.5 \(number\); expected a probability from 0 to 1/);
    }
  });

  it("reports every problem at once, with suggestions for misspelt fields", () => {
    const problems = problemsOf(() =>
      parseEmulatorOptions(
        {
          timeScale: 0,
          port: 70000,
          sed: 4,
          faults: [
            { kind: "throttle", rate: 1 },
            { kind: "throttling", rate: 1, afterTokens: 3 },
            { kind: "streamModelError", rate: 0.1, operation: "Converse" },
            { kind: "internalServer", rate: 1, fromRequest: 10, toRequest: 5 },
            { kind: "stall", rate: 1, delayMs: 10 },
          ],
        },
        "cli",
      ),
    );
    const fields = problems.map((p) => p.field).sort();
    assert.deepEqual(fields, [
      "emulator.faults[0].kind",
      "emulator.faults[1].afterTokens",
      "emulator.faults[2].operation",
      "emulator.faults[3].toRequest",
      "emulator.faults[4].delayMs",
      "emulator.port",
      "emulator.sed",
      "emulator.timeScale",
    ]);
    assert.equal(problems.find((p) => p.field === "emulator.sed")?.hint, "unknown field, did you mean 'seed'?");
    assert.match(problems.find((p) => p.field === "emulator.faults[0].kind")!.expected, /"throttling"/);
  });

  it("validates an inline profiles document with its field paths", () => {
    const profiles = loadDefaultProfiles() as unknown as { models: Array<Record<string, unknown>> };
    profiles.models[2]!["maxOutputTokens"] = -1;
    const problems = problemsOf(() => parseEmulatorOptions({ profiles }, "experiment.json"));
    assert.deepEqual(problems.map((p) => p.field), ["emulator.profiles.models[2].maxOutputTokens"]);
  });

  it("reads a fault list on its own (a --faults file) with fields from the list", () => {
    assert.deepEqual(parseFaultRules([{ kind: "stall", rate: 0.1, afterTokens: 5 }], "faults.json"), [{ kind: "stall", rate: 0.1, afterTokens: 5 }]);
    assert.deepEqual(problemsOf(() => parseFaultRules([{ kind: "stall" }], "faults.json")).map((p) => p.field), ["[0].rate"]);
    assert.deepEqual(problemsOf(() => parseFaultRules({ kind: "stall" }, "faults.json")).map((p) => p.expected), ["a list of fault rules"]);
  });
});

describe("startEmulator options", () => {
  it("rejects bad programmatic options before listening", async () => {
    await assert.rejects(startEmulator({ timeScale: -1 }), (err: unknown) => err instanceof EmulatorOptionsError && /timeScale/.test((err as Error).message));
  });

  it("rejects a clock of another shape (the earlier monotonicMs/epochMs one) naming the field and what it needs", async () => {
    const old = { monotonicMs: () => 0, epochMs: () => 0 } as unknown as ClockReadings;
    await assert.rejects(startEmulator({ clock: old }), (err: unknown) => {
      assert.ok(err instanceof EmulatorOptionsError);
      assert.deepEqual(err.problems.map((p) => [p.field, p.value]), [["clock", "an object with monotonicMs, epochMs"]]);
      assert.match(err.problems[0]!.expected, /now\(\).*epochMsAt\(monotonicMs\)/);
      return true;
    });
  });

  it("reports an unreadable or invalid profiles file as a ProfilesError naming the file", async () => {
    await assert.rejects(startEmulator({ profiles: "/nonexistent/profiles.json" }), (err: unknown) => err instanceof ProfilesError && /nonexistent\/profiles\.json/.test((err as Error).message));
  });
});

// The runner with an injected transport and clock: exact scheduling, records, files, abort, resume and budget.
// (test/integration/engine-emulator.test.ts runs the same code through the real SDK against the emulator.)
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import fs, { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { BudgetExceededError } from "../../lib/inputs/cost";
import { DatasetError, ExperimentConfigError } from "../../lib/base/input-error";
import type { RequestRecord } from "../../lib/records/request-record";
import { readRequestsCsv } from "../../lib/records/record-reader";
import { type EmulatorStarter, ResumeError, runExperiment, type RunOptions } from "../../lib/engine/runner";
import { ClientPool } from "../../lib/engine/bedrock-clients";
import { RecordWriteError, ResultsWriter } from "../../lib/engine/results-writer";
import { OutputFolderError } from "../../lib/base/output-file";
import { exitCodeOf } from "../../lib/cli/cli-error";
import { readManifestJson, writeManifestJson } from "../../lib/records/run-manifest";
import { estimateRun, planRun } from "../../lib/engine/run-plan";
import { progressSnapshot, type RunEvent } from "../../lib/engine/run-progress";
import { ManualClock } from "../helpers/manual-clock";
import { answerSteps, scriptedTransport } from "../helpers/scripted-transport";
import { withTempDir, writeJsonl } from "../helpers/temp-dir";

const SCENARIOS = [
  { scenario_id: "nova", text_prompt: "Hello there", expected_output_tokens: 20, model_id: "us.amazon.nova-pro-v1:0", region: "us-east-1" },
  { scenario_id: "haiku-opt", text_prompt: "Hi", expected_output_tokens: 20, model_id: "us.anthropic.claude-3-5-haiku-20241022-v1:0", region: "us-west-2", inference_profile: "optimized" },
  { scenario_id: "haiku-std", text_prompt: "Hi", expected_output_tokens: 20, model_id: "us.anthropic.claude-3-5-haiku-20241022-v1:0", region: "us-west-2" },
];

/** Every call answers: first event after 20 ms, tokens at +100/+150, done at +200 (5 output tokens). */
function fixture(dir: string, durationMs = 200, outputTokens = 5) {
  const clock = new ManualClock();
  const regions: string[] = [];
  const { transport, calls } = scriptedTransport(clock, (request) => {
    const t = clock.now();
    const optimized = request.performanceConfig?.latency === "optimized";
    return {
      respondAt: t + 20,
      steps: answerSteps({
        startAt: t + 20,
        chunks: [{ at: t + 100, text: "Hel" }, { at: t + 150, text: "lo" }],
        endAt: t + durationMs,
        outputTokens,
        inputTokens: 3,
        served: { latency: optimized ? "optimized" : "standard", tier: "default" },
      }),
    };
  });
  const dataset = writeJsonl(dir, "scenarios.jsonl", SCENARIOS);
  const events: RunEvent[] = [];
  const base: RunOptions = {
    dataset,
    outputDir: join(dir, "results"),
    clock,
    transport: (region) => {
      regions.push(region);
      return transport;
    },
    onProgress: (e) => events.push(e),
  };
  return { clock, calls, dataset, events, base, regions };
}

function bySequence(records: RequestRecord[]): Map<number, RequestRecord[]> {
  const out = new Map<number, RequestRecord[]>();
  for (const r of records) out.set(r.sequence, [...(out.get(r.sequence) ?? []), r]);
  return out;
}

describe("runExperiment: closed loop", () => {
  test("one record per scheduled request, warm-ups first and flagged, files written, events reported", async () => {
    await withTempDir(async (dir) => {
      const f = fixture(dir);
      const outcome = await f.clock.run(
        runExperiment({ ...f.base, experiment: { name: "unit", seed: 11, invocationsPerScenario: 2, repeats: 2, warmupRequests: 1, concurrency: 2 } }),
      );
      assert.equal(outcome.status, "completed");
      assert.equal(outcome.stopped, false);
      assert.equal(outcome.counts.scheduled, 3 + 3 * 2 * 2);
      assert.deepEqual(outcome.counts.byStatus, { success: 15, error: 0, timeout: 0, aborted: 0 });
      assert.equal(outcome.counts.missing, 0);
      assert.equal(outcome.resumable, false);
      assert.match(outcome.runId, /^\d{8}_\d{6}_unit$/);

      const records = readRequestsCsv(join(outcome.folder, "requests.csv"));
      assert.equal(records.length, 15);
      assert.deepEqual([...bySequence(records).keys()].sort((a, b) => a - b), [...Array(15).keys()]);
      const plan = await planRun({ dataset: f.dataset, experiment: { seed: 11, invocationsPerScenario: 2, repeats: 2, warmupRequests: 1, concurrency: 2 } });
      // sent in schedule order (2 workers): the first three sends are the warm-ups
      assert.deepEqual(f.calls.slice(0, 3).map((c) => c.request.modelId), plan.schedule.slice(0, 3).map((p) => SCENARIOS[p.scenarioIndex]!.model_id));
      assert.ok(records.filter((r) => r.sequence < 3).every((r) => r.warmup));
      assert.ok(records.filter((r) => r.sequence >= 3).every((r) => !r.warmup));
      for (const r of records) {
        assert.equal(r.ttftMs, 100);
        assert.equal(r.totalMs, 200);
        assert.equal(r.generationMs, 100);
        assert.equal(r.outputTokensPerSecond, 50);
        assert.equal(r.interTokenLatencyMs, 25);
        assert.equal(r.scheduleLagMs, 0);
        assert.equal(r.queueWaitMs, 0);
        assert.equal(r.loadModel, "closed");
        assert.ok(r.costUsd !== null && r.costUsd > 0);
      }
      const haiku = records.find((r) => r.scenarioId === "haiku-opt")!;
      assert.deepEqual([haiku.performanceConfigAsked, haiku.performanceConfigServed, haiku.region], ["optimized", "optimized", "us-west-2"]);
      assert.deepEqual([...new Set(f.regions)].sort(), ["us-east-1", "us-west-2"], "one transport per region");

      const files = readdirSync(outcome.folder).sort();
      assert.deepEqual(files, [
        "answers_us.amazon.nova-pro-v1_0.json",
        "answers_us.anthropic.claude-3-5-haiku-20241022-v1_0.json",
        "requests.csv",
        "run.json",
        "run.log",
      ]);
      const answersDoc = JSON.parse(readFileSync(join(outcome.folder, files[1]!), "utf8")) as { model_name: string; run_id: string; responses: { responseText: string }[] };
      assert.equal(answersDoc.model_name, "us.anthropic.claude-3-5-haiku-20241022-v1:0");
      assert.equal(answersDoc.run_id, basename(outcome.folder));
      const answers = answersDoc.responses;
      assert.equal(answers.length, 10);
      assert.equal(answers[0]!.responseText, "Hello");
      const manifest = JSON.parse(readFileSync(join(outcome.folder, "run.json"), "utf8"));
      assert.equal(manifest.status, "completed");
      assert.equal(manifest.experiment.seed, 11);
      assert.equal(manifest.experiment.concurrency, 2);
      assert.equal(manifest.dataset.sha256, plan.dataset.sha256);
      assert.equal(manifest.schedule.requests, 15);
      assert.equal(manifest.measured.byStatus.success, 15);
      assert.equal(manifest.sessions.length, 1);
      assert.equal(manifest.versions.node, process.version);
      assert.match(manifest.versions.awsSdkClientBedrockRuntime, /^3\.\d+\.\d+$/);
      assert.equal(manifest.transport.httpHandler, "http2");

      const types = f.events.map((e) => e.type);
      assert.deepEqual([types[0], types[1], types.at(-1)], ["run-started", "phase", "run-finished"]);
      assert.equal(types.filter((t) => t === "request-completed").length, 15);
      const last = progressSnapshot(f.events.at(-1)!);
      assert.deepEqual([last.done, last.total, last.errors, last.inFlight, last.finished], [15, 15, 0, 0, true]);
      assert.ok(last.ratePerSec > 0);
    });
  });

  test("input errors are thrown before anything is sent or any folder is made", async () => {
    await withTempDir(async (dir) => {
      const f = fixture(dir);
      const bad = writeJsonl(dir, "bad.jsonl", [{ ...SCENARIOS[0], region: "moon" }]);
      await assert.rejects(runExperiment({ ...f.base, dataset: bad }), DatasetError);
      await assert.rejects(runExperiment({ ...f.base, experiment: { concurency: 2 } }), ExperimentConfigError);
      assert.equal(f.calls.length, 0);
      assert.equal(existsSync(join(dir, "results")), false);
    });
  });

  test("the budget: refused above the estimate before sending; scheduling stops when the measured cost reaches the cap", async () => {
    await withTempDir(async (dir) => {
      const f = fixture(dir);
      const experiment = { seed: 1, invocationsPerScenario: 10 };
      const estimate = await estimateRun({ dataset: f.dataset, experiment });
      assert.equal(estimate.requests, 30);
      assert.equal(estimate.withinBudget, true);
      const capped = await estimateRun({ dataset: f.dataset, experiment: { ...experiment, maxCostUsd: estimate.estimate.totalUsd / 2 } });
      assert.equal(capped.withinBudget, false);
      assert.match(capped.budgetMessage, /exceeds the budget cap/);
      await assert.rejects(
        runExperiment({ ...f.base, experiment: { ...experiment, maxCostUsd: estimate.estimate.totalUsd / 2 } }),
        BudgetExceededError,
      );
      assert.equal(f.calls.length, 0);
      assert.equal(existsSync(join(dir, "results")), false);

    });
  });

  test("scheduling stops when the measured cost reaches the cap (answers longer than expected)", async () => {
    await withTempDir(async (dir) => {
      const f = fixture(dir, 200, 400); // 400 output tokens where the dataset expects 20
      const experiment = { seed: 1, invocationsPerScenario: 10, order: "interleaved" };
      const estimate = await estimateRun({ dataset: f.dataset, experiment });
      const cap = estimate.estimate.totalUsd; // allowed to start: the estimate is within the cap
      const outcome = await f.clock.run(runExperiment({ ...f.base, experiment: { ...experiment, maxCostUsd: cap } }));
      assert.equal(outcome.status, "stopped");
      assert.equal(outcome.stopReason, "budget");
      assert.ok(outcome.counts.sentThisSession < 30);
      const records = readRequestsCsv(join(outcome.folder, "requests.csv"));
      const costs = records.map((r) => r.costUsd!);
      const total = costs.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - outcome.measuredCostUsd) < 1e-12);
      // concurrency 1: the request that crossed the cap was the last one sent
      assert.ok(total >= cap && total - costs.at(-1)! < cap, `measured ${total}, cap ${cap}`);
      assert.equal(outcome.resumable, true);
      assert.match(readFileSync(join(outcome.folder, "run.log"), "utf8"), /reached the budget cap maxCostUsd/);
    });
  });
});

describe("runExperiment: open loop", () => {
  test("requests are sent at their due times; a saturated in-flight cap shows as queue wait and schedule lag", async () => {
    await withTempDir(async (dir) => {
      const f = fixture(dir, 250);
      const outcome = await f.clock.run(
        runExperiment({ ...f.base, experiment: { seed: 3, invocationsPerScenario: 2, arrivals: { ratePerSec: 10 }, concurrency: 2, order: "interleaved" } }),
      );
      assert.equal(outcome.status, "completed");
      const records = readRequestsCsv(join(outcome.folder, "requests.csv")).sort((a, b) => a.sequence - b.sequence);
      // due every 100 ms; each call takes 250 ms; at most 2 in flight: sends at 0, 100, 250, 350, 500, 600
      assert.deepEqual(records.map((r) => r.scheduledOffsetMs), [0, 100, 200, 300, 400, 500]);
      assert.deepEqual(records.map((r) => r.sendOffsetMs), [0, 100, 250, 350, 500, 600]);
      assert.deepEqual(records.map((r) => r.scheduleLagMs), [0, 0, 50, 50, 100, 100]);
      assert.deepEqual(records.map((r) => r.queueWaitMs), [0, 0, 50, 50, 100, 100]);
      assert.ok(records.every((r) => r.loadModel === "open" && r.concurrency === 2));
    });
  });

  test("a duration bound stops scheduling; the run is complete as far as it was meant to go", async () => {
    await withTempDir(async (dir) => {
      const f = fixture(dir);
      const outcome = await f.clock.run(
        runExperiment({ ...f.base, experiment: { seed: 3, invocationsPerScenario: 100, arrivals: { ratePerSec: 10 }, durationSec: 1 } }),
      );
      assert.equal(outcome.status, "stopped");
      assert.equal(outcome.stopReason, "duration");
      assert.equal(outcome.counts.sentThisSession, 10); // due at 0, 100, …, 900 ms: rate × duration
      assert.equal(readRequestsCsv(join(outcome.folder, "requests.csv")).length, 10);
    });
  });
});

describe("runExperiment: abort and resume", () => {
  test("an abort marks in-flight calls aborted; resume sends only what is missing, with the same schedule", async () => {
    await withTempDir(async (dir) => {
      const f = fixture(dir);
      const controller = new AbortController();
      const experiment = { seed: 5, invocationsPerScenario: 4, concurrency: 3, warmupRequests: 1 };
      // 15 requests, 3 at a time, 200 ms each: abort at 450 ms, with the third wave in flight
      const onProgress = (e: RunEvent): void => {
        if (e.type === "run-started") f.clock.setTimer(() => controller.abort(new Error("SIGINT")), 450);
      };
      const first = await f.clock.run(runExperiment({ ...f.base, experiment, signal: controller.signal, onProgress }));
      assert.equal(first.status, "interrupted");
      assert.equal(first.stopReason, "aborted");
      assert.deepEqual(first.counts.byStatus, { success: 6, error: 0, timeout: 0, aborted: 3 });
      assert.equal(first.counts.missing, 9);
      assert.equal(first.resumable, true);
      const aborted = readRequestsCsv(join(first.folder, "requests.csv")).filter((r) => r.status === "aborted");
      assert.equal(aborted.length, 3);
      for (const r of aborted) {
        assert.deepEqual([r.errorClass, r.faultSide, r.totalMs, r.errorMessage], ["AbortError", "mid-stream", 50, "aborted by the caller (SIGINT)"]);
      }
      assert.ok(f.calls.slice(6).every((c) => c.signal.aborted), "in-flight SDK calls were aborted");
      const manifest = JSON.parse(readFileSync(join(first.folder, "run.json"), "utf8"));
      assert.equal(manifest.status, "interrupted");

      // Resume: a different configuration or dataset is refused, saying which, and nothing is sent.
      const sentBefore = f.calls.length;
      await assert.rejects(runExperiment({ ...f.base, resume: first.folder, overrides: { concurrency: 4 } }), (err: ResumeError) => {
        assert.ok(err instanceof ResumeError);
        assert.match(err.message, /experiment field 'concurrency' differs: the run has 3, now 4/);
        return true;
      });
      const other = writeJsonl(dir, "other.jsonl", SCENARIOS.slice(0, 2));
      await assert.rejects(runExperiment({ ...f.base, dataset: other, resume: first.folder }), /dataset differs: the run used .*scenarios\.jsonl \(sha256 [0-9a-f]{12}…\), now .*other\.jsonl/);
      assert.equal(f.calls.length, sentBefore);

      const second = await f.clock.run(runExperiment({ ...f.base, resume: first.folder }));
      assert.equal(second.status, "completed");
      assert.equal(second.folder, first.folder);
      assert.equal(second.counts.sentThisSession, 9);
      assert.equal(second.counts.missing, 0);
      const records = readRequestsCsv(join(first.folder, "requests.csv"));
      const groups = bySequence(records);
      assert.equal(groups.size, 15);
      for (const [sequence, rows] of groups) {
        assert.equal(rows.filter((r) => r.status !== "aborted").length, 1, `sequence ${sequence} has one completed record`);
      }
      // the resumed requests are the same planned requests (same scenario per sequence) as a fresh plan
      const plan = await planRun({ dataset: f.dataset, experiment });
      for (const r of records) assert.equal(r.scenarioId, SCENARIOS[plan.schedule[r.sequence]!.scenarioIndex]!.scenario_id);
      const resumedManifest = JSON.parse(readFileSync(join(first.folder, "run.json"), "utf8"));
      assert.equal(resumedManifest.status, "completed");
      assert.equal(resumedManifest.sessions.length, 2);
      assert.deepEqual(resumedManifest.sessions.map((s: { sent: number }) => s.sent), [9, 9]);

      // Resuming a complete run sends nothing.
      const third = await f.clock.run(runExperiment({ ...f.base, resume: first.folder }));
      assert.equal(third.counts.sentThisSession, 0);
      assert.equal(third.status, "completed");
    });
  });
});

describe("runExperiment: a record that cannot be written", () => {
  test("fails the run as a runtime failure (exit 1), not as unreadable results (exit 2); the end is recorded", async (t) => {
    await withTempDir(async (dir) => {
      const f = fixture(dir);
      const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      const writeSync = fs.writeSync;
      let rows = 0;
      // The disk fills up at the third requests.csv row (a row starts with the run ID; log lines with their time).
      t.mock.method(fs, "writeSync", function (this: unknown, fd: number, data: unknown, ...rest: unknown[]) {
        if (typeof data === "string" && /^\d{8}_\d{6}/.test(data) && ++rows === 3) throw full;
        return (writeSync as (...args: unknown[]) => number).call(this, fd, data, ...rest);
      });
      let folder = "";
      const failed = await f.clock.run(
        runExperiment({
          ...f.base,
          experiment: { seed: 5, invocationsPerScenario: 2 },
          onProgress: (e) => {
            if (e.type === "run-started") folder = e.folder;
          },
        }).then(
          () => assert.fail("the run did not fail"),
          (err: unknown) => err,
        ),
      );
      assert.ok(failed instanceof RecordWriteError);
      assert.deepEqual(
        [failed.message, failed.cause, failed.kind, exitCodeOf(failed)],
        [`cannot write to ${join(folder, "requests.csv")}: ENOSPC: no space left on device, write`, full, "runtime", 1],
      );
      const manifest = readManifestJson(folder) as { status: string; stopReason: string; message: string };
      assert.deepEqual([manifest.status, manifest.stopReason], ["failed", "aborted"]);
      assert.equal(manifest.message, `failed: ${failed.message} (2 succeeded, 0 errors, 0 timeouts)`);
    });
  });
});

describe("runExperiment: older run folders", () => {
  test("a run.json of the first format (sessions without offsetOrigin) resumes; the resumed offsets start again, as before", async () => {
    await withTempDir(async (dir) => {
      const f = fixture(dir);
      const controller = new AbortController();
      const experiment = { seed: 5, invocationsPerScenario: 4, concurrency: 3, warmupRequests: 1 };
      const onProgress = (e: RunEvent): void => {
        if (e.type === "run-started") f.clock.setTimer(() => controller.abort(new Error("SIGINT")), 450);
      };
      const first = await f.clock.run(runExperiment({ ...f.base, experiment, signal: controller.signal, onProgress }));
      assert.equal(first.counts.missing, 9);
      // The run.json of the first format version 1: this one without the fields added since (sessions[].offsetOrigin).
      const stored = readManifestJson(first.folder) as { sessions: Record<string, unknown>[] };
      for (const session of stored.sessions) delete session["offsetOrigin"];
      writeManifestJson(first.folder, stored);
      const resumeAt = f.clock.now();
      assert.equal(resumeAt, 450);

      const second = await f.clock.run(runExperiment({ ...f.base, resume: first.folder }));
      assert.equal(second.status, "completed");
      assert.equal(second.counts.sentThisSession, 9);
      assert.equal(second.counts.missing, 0);
      const manifest = readManifestJson(first.folder) as { status: string; sessions: { sent: number; offsetOrigin?: unknown }[] };
      assert.equal(manifest.status, "completed");
      assert.deepEqual(manifest.sessions.map((s) => s.sent), [9, 9]);
      assert.equal("offsetOrigin" in manifest.sessions[0]!, false, "the first session is written back as it was");
      // No first origin to continue from: the resumed session's offsets start at its own start (the old code's rule).
      assert.deepEqual(manifest.sessions[1]!.offsetOrigin, { monotonicMs: resumeAt, epochMs: Date.UTC(2025, 0, 1) + resumeAt });
      const resumed = readRequestsCsv(join(first.folder, "requests.csv")).filter((r) => r.startTimeIso >= new Date(Date.UTC(2025, 0, 1) + resumeAt).toISOString());
      assert.deepEqual(resumed.map((r) => r.sendOffsetMs), [0, 0, 0, 200, 200, 200, 400, 400, 400]);
    });
  });
});

describe("runExperiment: start-up and release", () => {
  test("an abort while the session starts (inside the emulator's start) ends the run interrupted, nothing sent, no listener left", async (t) => {
    await withTempDir(async (dir) => {
      const f = fixture(dir);
      // No transport given: the run starts its emulator; the SDK clients' transports are the scripted one.
      const { transport, ...base } = f.base;
      t.mock.method(ClientPool.prototype, "transport", transport!);
      const controller = new AbortController();
      let closed = 0;
      const emulatorStarter: EmulatorStarter = async (options) => {
        controller.abort(new Error("SIGINT"));
        return { endpoint: "http://127.0.0.1:9", options, close: async () => void closed++ };
      };
      const outcome = await f.clock.run(
        runExperiment({ ...base, experiment: { seed: 5, invocationsPerScenario: 2, warmupRequests: 1 }, signal: controller.signal, emulatorStarter }),
      );
      assert.deepEqual(
        [outcome.status, outcome.stopReason, outcome.counts.sentThisSession, outcome.counts.recorded, outcome.counts.missing, outcome.resumable],
        ["interrupted", "aborted", 0, 0, 9, true],
      );
      assert.equal(f.calls.length, 0);
      assert.equal(closed, 1);
      assert.equal(getEventListeners(controller.signal, "abort").length, 0);
      assert.deepEqual(f.events.map((e) => e.type), ["run-started", "run-stopping", "phase", "run-finished"]);
      const manifest = readManifestJson(outcome.folder) as { status: string; stopReason: string; emulator: { startedByRun: boolean; endpoint: string } };
      assert.deepEqual([manifest.status, manifest.stopReason, manifest.emulator.startedByRun, manifest.emulator.endpoint], ["interrupted", "aborted", true, "http://127.0.0.1:9"]);
      const log = readFileSync(join(outcome.folder, "run.log"), "utf8");
      assert.match(log, / warn  stopped by the caller \(SIGINT\): scheduling stopped, 0 request\(s\) in flight aborted\n/);
      assert.deepEqual(readRequestsCsv(join(outcome.folder, "requests.csv")), []);
    });
  });

  test("a failure to release the clients is logged, and the end is recorded all the same", async (t) => {
    await withTempDir(async (dir) => {
      const f = fixture(dir);
      const destroy = ClientPool.prototype.destroy;
      t.mock.method(ClientPool.prototype, "destroy", function (this: ClientPool) {
        destroy.call(this);
        throw new Error("the handler would not close");
      });
      const outcome = await f.clock.run(runExperiment({ ...f.base, experiment: { seed: 5, invocationsPerScenario: 1 } }));
      assert.equal(outcome.status, "completed");
      assert.equal(outcome.message, "completed: 3 succeeded, 0 errors, 0 timeouts");
      const manifest = readManifestJson(outcome.folder) as { status: string; message: string; endedAt: string | null; sessions: { status: string }[] };
      assert.deepEqual([manifest.status, manifest.message, manifest.endedAt, manifest.sessions[0]!.status], ["completed", outcome.message, outcome.endedAt, "completed"]);
      const log = readFileSync(join(outcome.folder, "run.log"), "utf8").trimEnd().split("\n").map((line) => line.replace(/^\S+ /, ""));
      assert.deepEqual(log.slice(-2), ["warn  releasing the clients and the emulator failed: the handler would not close", "info  completed: 3 succeeded, 0 errors, 0 timeouts"]);
    });
  });

  test("a warning given before the run has a folder goes to the process's warnings (stderr), not nowhere", async (t) => {
    await withTempDir(async (dir) => {
      const f = fixture(dir);
      const { transport: _transport, ...base } = f.base;
      // The folder is checked before the emulator starts; its creation failing after (a disk gone) is what is left.
      t.mock.method(ResultsWriter, "create", () => {
        throw Object.assign(new Error("the disk went away"), { code: "EIO" });
      });
      const emulatorStarter: EmulatorStarter = async (options) => ({
        endpoint: "http://127.0.0.1:9",
        options,
        close: async () => {
          throw new Error("the port stayed open");
        },
      });
      const warnings = t.mock.method(process, "emitWarning", () => undefined);
      await assert.rejects(runExperiment({ ...base, experiment: { seed: 5, invocationsPerScenario: 1 }, emulatorStarter }), { code: "EIO" });
      assert.deepEqual(warnings.mock.calls.map((c) => c.arguments), [["bedrock-bench run: closing the emulator failed: the port stayed open", "BedrockBenchRunWarning"]]);
      assert.equal(f.calls.length, 0);
    });
  });

  test("an output folder that cannot be created (a file, a path under a file) is refused before the emulator starts (issue 18)", async () => {
    await withTempDir(async (dir) => {
      const f = fixture(dir);
      const { transport: _transport, outputDir: _out, ...base } = f.base;
      const file = join(dir, "a-file");
      writeFileSync(file, "a file where the results folder should be");
      let started = 0;
      const emulatorStarter: EmulatorStarter = async (options) => {
        started++;
        return { endpoint: "http://127.0.0.1:9", options, close: async () => undefined };
      };
      for (const [run, field] of [
        [{ outputDir: file }, "outputDir"],
        [{ outputDir: join(file, "sub") }, "outputDir"],
        [{ experiment: { seed: 5, invocationsPerScenario: 1, outputDir: file } }, "the experiment's outputDir"],
      ] as const) {
        const err = await runExperiment({ experiment: { seed: 5, invocationsPerScenario: 1 }, ...base, ...run, emulatorStarter }).then(
          () => assert.fail("the run should be refused"),
          (e: unknown) => e,
        );
        assert.ok(err instanceof OutputFolderError, String(err));
        assert.equal(err.kind, "input");
        assert.equal(exitCodeOf(err), 2);
        assert.ok(err.message.startsWith(`${field} ${"outputDir" in run ? run.outputDir : file} cannot be used: `), err.message);
        assert.match(err.message, /expected a folder that can be created/);
        assert.doesNotMatch(err.message, /\n/);
      }
      assert.equal(started, 0);
      assert.equal(f.calls.length, 0);
      assert.deepEqual(f.events, []);
    });
  });
});

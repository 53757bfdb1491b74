// What notebook 01 shows: the plan, live progress, the outcome, first answers; the kernel's interrupt stopping a run
// (the real SDK against the emulator, in this process, over real sockets).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { Display } from "../../lib/notebook/display";
import { ProgressView } from "../../lib/notebook/progress-view";
import { readRequestsCsv } from "../../lib/records/record-reader";
import { loadResults } from "../../lib/analysis/results-loader";
import { answerRows, estimateConfigurationRows, estimateRows, excerpt, lastNotebookRun, outcomeRows, runInNotebook, scenarioRows } from "../../lib/notebook/run-display";
import { estimateRun } from "../../lib/engine/run-plan";
import { DatasetError } from "../../lib/base/input-error";
import { loadScenarios } from "../../lib/inputs/scenarios";
import { resumeInputs } from "../../lib/app/resume";
import { withTempDir, writeJsonl } from "../helpers/temp-dir";

const FIXTURE = join(__dirname, "..", "fixtures", "notebook-run");

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const DATASET = join(FIXTURE, "scenarios.jsonl");

/** A display that keeps what it was given. */
function capture(): { display: Display; html: string[]; progress: ProgressView; progressHtml: string[] } {
  const html: string[] = [];
  const progressHtml: string[] = [];
  return {
    display: new Display({ html: (h) => html.push(h) }),
    html,
    progress: new ProgressView({ html: (h) => progressHtml.push(h) }, 0),
    progressHtml,
  };
}

describe("excerpt", () => {
  test("flattens whitespace and cuts with an ellipsis", () => {
    assert.equal(excerpt("a\n  b\tc", 10), "a b c");
    assert.equal(excerpt("abcdefghij", 10), "abcdefghij");
    assert.equal(excerpt("abcdefghijk", 10), "abcdefghi…");
  });
});

describe("scenarioRows", () => {
  test("one row per scenario with the asked configuration and the last user turn", async () => {
    const rows = scenarioRows(await loadScenarios(DATASET), 20);
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[0], {
      scenario: "xss-prompt",
      line: 1,
      task_type: "Escaping",
      model: "us.amazon.nova-micro-v1:0",
      region: "us-east-1",
      performance_config: "standard",
      service_tier: "(default)",
      max_tokens: 40,
      turns: 1,
      prompt: "Repeat exactly: <sc…",
    });
    assert.equal(rows[1]?.performance_config, "optimized");
  });
});

describe("estimateRows", () => {
  test("requests, load, cost and the verdict; per-configuration tokens and cost", async () => {
    const estimate = await estimateRun({ dataset: DATASET, experiment: { invocationsPerScenario: 2, warmupRequests: 1, concurrency: 3, maxCostUsd: 0.0001 } });
    const rows = Object.fromEntries(estimateRows(estimate).map((r) => [r.item, r.value]));
    assert.equal(rows["requests"], "9 (6 measured + 3 warm-up)");
    assert.equal(rows["load"], "closed loop, concurrency 3");
    assert.equal(rows["target"], "emulator");
    assert.equal(rows["budget cap"], "$0.000100");
    assert.match(String(rows["verdict"]), /^refused: /);
    const perConfig = estimateConfigurationRows(estimate);
    assert.equal(perConfig.length, 3);
    // "Summarise the benefits of streaming responses in two sentences." is 64 characters: 16 tokens; 60 expected out.
    const haiku = perConfig.find((r) => r.performance_config === "optimized");
    assert.equal(haiku?.requests, 3);
    assert.equal(haiku?.input_tokens_per_request, 16);
    assert.equal(haiku?.output_tokens_per_request, 60);
    // Claude 3.5 Haiku optimized: $1.00 / $5.00 per 1M tokens → 3 × (16 × 1 + 60 × 5) / 1e6.
    assert.equal(haiku?.estimated_cost, "$0.000948");
  });
});

describe("runInNotebook against the emulator", () => {
  test("no run yet: lastNotebookRun says what to do", () => {
    assert.throws(() => lastNotebookRun(), /No run has started in this kernel yet/);
  });

  test("progress in place, the outcome table, first answers per model, hostile text kept as data", async () => {
    await withTempDir(async (dir) => {
      const ui = capture();
      const outcome = await runInNotebook({
        dataset: DATASET,
        experiment: join(FIXTURE, "experiment.json"),
        overrides: { outputDir: join(dir, "results") },
        display: ui.display,
        progress: ui.progress,
      });
      assert.equal(outcome.status, "completed");
      assert.equal(outcome.counts.recorded, 15);
      // The fixture's throttle burst hits the 5th and 6th requests the emulator receives.
      assert.equal(outcome.counts.byStatus.error, 2);
      const last = ui.progressHtml[ui.progressHtml.length - 1] ?? "";
      assert.match(last, /data-status="finished"/);
      assert.match(last, /15 \/ 15 requests \(100%\) · 2 errors · 2 throttled · 0 in flight/);
      assert.ok(ui.progressHtml.length >= 15, "one update per completed request at least (no rate limit here)");
      assert.equal(ui.html.length, 1, "one outcome table");
      assert.match(ui.html[0] ?? "", /completed: 13 succeeded, 2 errors, 0 timeouts/);
      assert.doesNotMatch(ui.html[0] ?? "", /to complete it/);

      const answers = answerRows(outcome.folder);
      assert.deepEqual(answers.map((a) => a.model).sort(), ["us.amazon.nova-micro-v1:0", "us.anthropic.claude-3-5-haiku-20241022-v1:0"]);
      const records = readRequestsCsv(join(outcome.folder, "requests.csv"));
      for (const a of answers) {
        const firstMeasured = records.filter((r) => r.modelId === a.model && !r.warmup).sort((x, y) => x.sequence - y.sequence)[0];
        assert.equal(a.sequence, firstMeasured?.sequence, "the first measured answer of the model");
        assert.equal(a.status, firstMeasured?.status);
      }
    });
  });

  test("the kernel's interrupt aborts the calls in flight, keeps completed records, and the outcome says how to resume", async () => {
    await withTempDir(async (dir) => {
      const dataset = writeJsonl(dir, "slow.jsonl", [
        { scenario_id: "slow", text_prompt: "Write at length.", expected_output_tokens: 200, model_id: "us.meta.llama3-1-70b-instruct-v1:0", region: "us-east-2" },
      ]);
      const experiment = { invocationsPerScenario: 8, concurrency: 2, warmupRequests: 0, emulator: { seed: 1, timeScale: 0.2 }, outputDir: join(dir, "results") };
      const ui = capture();
      let interrupted = false;
      const outcome = await runInNotebook({
        dataset,
        experiment,
        display: ui.display,
        progress: ui.progress,
        onProgress: (event) => {
          // As Jupyter's ■ does: SIGINT to the kernel process (emitted, so the test runner itself is not signalled).
          if (event.type === "request-completed" && !interrupted) {
            interrupted = true;
            process.emit("SIGINT", "SIGINT");
          }
        },
      });
      assert.equal(outcome.status, "interrupted");
      assert.equal(outcome.stopReason, "aborted");
      assert.equal(outcome.counts.byStatus.success, 1);
      assert.ok(outcome.counts.byStatus.aborted >= 1, "the call in flight was aborted and recorded");
      assert.equal(outcome.resumable, true);
      assert.equal(process.listenerCount("SIGINT"), 0, "the interrupt handler is removed after the run");
      const rows = Object.fromEntries(outcomeRows(outcome, { cwd: dir }).map((r) => [r.item, r.value]));
      assert.equal(rows["to complete it"], `await runInNotebook(resumeInputs("results/${outcome.runId}"));`);
      // tslab ends an interrupted cell at once: the progress box itself names the folder from the start, and the call
      // that completes the run at the end; later cells find the run through lastNotebookRun().
      const rel = relative(process.cwd(), outcome.folder);
      const shown = rel.startsWith("..") ? outcome.folder : rel; // relative when inside the working directory
      assert.match(ui.progressHtml[0] ?? "", new RegExp(`<div class="bb-progress-note">results: ${escapeRegExp(shown)}</div>`));
      assert.ok(
        (ui.progressHtml[ui.progressHtml.length - 1] ?? "").includes(`results: ${shown} · to complete it: await runInNotebook(resumeInputs(&quot;${shown}&quot;));`),
        ui.progressHtml[ui.progressHtml.length - 1],
      );
      assert.deepEqual(lastNotebookRun(), { runId: outcome.runId, folder: outcome.folder });

      const inputs = resumeInputs(outcome.folder);
      assert.equal(inputs.dataset, dataset, "the run's own dataset");
      assert.equal(inputs.experiment["invocationsPerScenario"], 8, "the run's own experiment");
      const resumed = await runInNotebook({ ...inputs, display: ui.display, progress: ui.progress, abortOnInterrupt: false });
      assert.equal(resumed.status, "completed");
      assert.equal(resumed.runId, outcome.runId);
      assert.equal(resumed.counts.missing, 0);
      const records = readRequestsCsv(join(outcome.folder, "requests.csv"));
      const completedSequences = records.filter((r) => r.status !== "aborted").map((r) => r.sequence).sort((a, b) => a - b);
      assert.deepEqual(completedSequences, [0, 1, 2, 3, 4, 5, 6, 7], "every scheduled request completed exactly once");
      // The analysis counts each scheduled request once: the aborted rows the resume re-sent are left out.
      const analysed = await loadResults(outcome.folder, { keepRecords: true });
      assert.equal(analysed.recordCount, resumed.counts.scheduled);
      assert.equal(analysed.runs[0]!.supersededAborted, records.length - resumed.counts.scheduled);
      assert.ok(analysed.runs[0]!.supersededAborted >= 1);
      assert.deepEqual(analysed.records!.map((r) => r.sequence).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);
    });
  });

  test("bad input is refused before anything is sent, naming file, line and field", async () => {
    await withTempDir(async (dir) => {
      const dataset = writeJsonl(dir, "bad.jsonl", [
        { text_prompt: "ok", expected_output_tokens: 10, model_id: "us.amazon.nova-micro-v1:0", region: "us-east-1" },
        { text_prompt: "bad", expected_output_tokens: -3, model_id: "us.amazon.nova-micro-v1:0", region: "us-east-1" },
      ]);
      const ui = capture();
      await assert.rejects(
        runInNotebook({ dataset, experiment: { outputDir: join(dir, "results") }, display: ui.display, progress: ui.progress }),
        (err: unknown) => {
          assert.ok(err instanceof DatasetError);
          assert.equal(err.problems.length, 1);
          assert.deepEqual({ ...err.problems[0], expected: undefined, hint: undefined }, {
            file: dataset,
            line: 2,
            field: "expected_output_tokens",
            value: "-3 (number)",
            expected: undefined,
            hint: undefined,
          });
          return true;
        },
      );
      assert.deepEqual(ui.progressHtml, [], "no progress: nothing started");
      assert.deepEqual(ui.html, [], "no outcome: nothing ran");
      assert.equal(existsSync(join(dir, "results")), false, "no run folder");
    });
  });
});

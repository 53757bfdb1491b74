/**
 * A run as a notebook shows it: the plan and its cost estimate before anything is sent, live progress that updates one
 * output in place, and the outcome (with the command that completes an interrupted run). The rows are pure functions so
 * tests reach them; `runInNotebook` only wires them to tslab's display and to the kernel's interrupt.
 */

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type Display, notebook } from "./display";
import { unpricedNote } from "../inputs/cost";
import { formatUsd } from "../base/number-format";
import { type ProgressView, notebookProgress } from "./progress-view";
import type { RunEstimate } from "../engine/run-plan";
import { progressSnapshot } from "../engine/run-progress";
import { type AnswerEntry, readAnswersFile } from "../engine/results-writer";
import { abortOnSignals } from "../app/interrupt";
import { shownPath } from "../app/shown-path";
import type { ScenarioSet } from "../inputs/scenarios";
import { type RunOptions, type RunOutcome, runExperiment } from "../engine/runner";

type Row = Record<string, string | number>;

/** `text` cut to `max` characters (an ellipsis marks the cut), on one line. */
export function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

/** One row per scenario: what will be asked of which model, and how (prompts cut to `promptChars`). */
export function scenarioRows(dataset: ScenarioSet, promptChars = 100): Row[] {
  return dataset.scenarios.map((s) => ({
    scenario: s.id,
    line: s.line,
    task_type: s.taskType,
    model: s.modelId,
    region: s.region,
    performance_config: s.performanceConfig,
    service_tier: s.serviceTier ?? "(default)",
    max_tokens: s.maxTokens,
    turns: s.messages.length,
    prompt: excerpt(s.messages[s.messages.length - 1]?.text ?? "", promptChars),
  }));
}

/**
 * A few measured answers from a run folder's `answers_<model>.json` files, first ones per model in sending order:
 * enough to check that the models answered what was asked (responses cut to `responseChars`).
 */
export function answerRows(folder: string, options: { perModel?: number; responseChars?: number } = {}): Row[] {
  const perModel = options.perModel ?? 1;
  const chars = options.responseChars ?? 160;
  const files = readdirSync(folder).filter((f) => /^answers_.*\.json$/.test(f)).sort();
  const rows: Row[] = [];
  for (const file of files) {
    const entries: AnswerEntry[] = readAnswersFile(join(folder, file))
      .filter((a) => !a.warmup)
      .sort((a, b) => a.sequence - b.sequence);
    for (const a of entries.slice(0, perModel)) {
      rows.push({
        sequence: a.sequence,
        scenario: a.scenarioId,
        model: a.modelId,
        served: `${a.performanceConfigServed} / ${a.serviceTierServed}`,
        status: a.status,
        ttft_ms: a.timings.ttftMs === null ? "" : Math.round(a.timings.ttftMs),
        output_tokens: a.tokens.output ?? "",
        stop_reason: a.stopReason,
        response: a.error ? `${a.error.class}: ${excerpt(a.error.message, chars)}` : excerpt(a.responseText, chars),
      });
    }
  }
  return rows;
}

/** The plan in a few lines: what will be sent, where, how, and whether the budget allows it. */
export function estimateRows(e: RunEstimate): Row[] {
  const rows: Row[] = [
    { item: "requests", value: `${e.requests} (${e.measuredRequests} measured + ${e.warmupRequests} warm-up)` },
    { item: "load", value: `${e.loadModel} loop, concurrency ${e.concurrency}` },
    { item: "target", value: e.target },
    { item: "models", value: e.models.join(", ") },
    { item: "regions", value: e.regions.join(", ") },
    { item: "estimated cost", value: formatUsd(e.estimate.totalUsd) },
    { item: "budget cap", value: e.maxCostUsd === null ? "none" : formatUsd(e.maxCostUsd) },
    { item: "estimate method", value: e.estimate.method },
  ];
  if (e.durationBoundRequests !== null) rows.splice(1, 0, { item: "duration bound", value: `at most ${e.durationBoundRequests} requests` });
  if (e.estimate.unpricedRequests > 0) {
    rows.push({ item: "unpriced models", value: `${e.estimate.unpricedModels.join(", ")} (add them to the pricing table)` });
  }
  rows.push({ item: "verdict", value: e.withinBudget ? "within budget: ready to run" : `refused: ${e.budgetMessage}` });
  return rows;
}

/** The estimate per configuration (model × region × performance config × tier). */
export function estimateConfigurationRows(e: RunEstimate): Row[] {
  return e.estimate.byConfiguration.map((c) => ({
    model: c.modelId,
    region: c.region,
    performance_config: c.performanceConfig,
    service_tier: c.serviceTier,
    requests: c.requests,
    input_tokens_per_request: Math.round(c.inputTokens / Math.max(1, c.requests)),
    output_tokens_per_request: Math.round(c.outputTokens / Math.max(1, c.requests)),
    estimated_cost: c.costUsd === null ? "no price" : formatUsd(c.costUsd),
  }));
}

/** Shows the plan and its estimate; says plainly when the run would be refused. */
export function showEstimate(display: Display, e: RunEstimate): void {
  display.table(estimateRows(e), { caption: "Plan" });
  display.table(estimateConfigurationRows(e), { caption: "Estimated cost per configuration" });
}

/** How to complete a run that stopped early, as code for a notebook cell (or notebook 01's `resume` parameter). */
export function resumeCode(folder: string): string {
  return `await runInNotebook(resumeInputs(${JSON.stringify(folder)}));`;
}

/** The outcome in a few lines: status, counts, cost, where the results are, how to resume. */
export function outcomeRows(o: RunOutcome, options: { cwd?: string } = {}): Row[] {
  const cwd = options.cwd ?? process.cwd();
  const b = o.counts.byStatus;
  const rows: Row[] = [
    { item: "run", value: o.runId },
    { item: "status", value: o.message },
    { item: "records", value: `${o.counts.recorded} (${b.success} success, ${b.error} error, ${b.timeout} timeout, ${b.aborted} aborted)` },
    { item: "sent in this session", value: String(o.counts.sentThisSession) },
    {
      item: "cost",
      value: `measured ${formatUsd(o.measuredCostUsd)}, estimated ${formatUsd(o.estimatedCostUsd)}${unpricedNote(o.unpricedModels)}`,
    },
    { item: "transport", value: `${o.transport.handler} → ${o.transport.endpoint ?? "Bedrock Runtime's regional endpoints"}` },
    { item: "results", value: shownPath(o.folder, cwd) },
  ];
  if (o.resumable) rows.push({ item: "to complete it", value: resumeCode(shownPath(o.folder, cwd)) });
  return rows;
}

/** The run a notebook started last, known from its first event on: still there when an interrupt ends the cell early. */
let lastRun: { runId: string; folder: string } | undefined;

/**
 * The run `runInNotebook` started last in this kernel (its id and folder), even when the kernel's interrupt ended the
 * cell before the outcome came back; later cells use it. Throws when no run has started yet.
 */
export function lastNotebookRun(): { runId: string; folder: string } {
  if (!lastRun) throw new Error("No run has started in this kernel yet: run the cell that calls runInNotebook first.");
  return lastRun;
}

export interface NotebookRunOptions extends RunOptions {
  /** Where the plan and outcome go. Default: the tslab display. */
  readonly display?: Display;
  /** Where progress goes. Default: a fresh in-place tslab output. */
  readonly progress?: ProgressView;
  /** Abort on the kernel's interrupt (SIGINT) while the run lasts. Default true. */
  readonly abortOnInterrupt?: boolean;
}

/**
 * Runs an experiment from a notebook: progress updates one output in place (requests done, errors, throttles, in
 * flight, rate, cost), the kernel's interrupt (■ in Jupyter) aborts the calls in flight (recorded as `aborted`, the
 * completed records kept), and the outcome is shown with the results folder and, when requests are missing, the call
 * that completes the run. tslab ends an interrupted cell at once, before the outcome is back: the progress box itself
 * names the results folder from the start and, at the end, the call that completes the run, and `lastNotebookRun()`
 * gives later cells the folder. Returns the outcome.
 */
export async function runInNotebook(options: NotebookRunOptions): Promise<RunOutcome> {
  const { display: given, progress: givenProgress, abortOnInterrupt = true, ...runOptions } = options;
  const display = given ?? notebook();
  const progress = givenProgress ?? notebookProgress();
  const controller = new AbortController();
  const stopListening = abortOnInterrupt
    ? abortOnSignals(controller, { signals: ["SIGINT"], reason: () => new Error("interrupted from the notebook") })
    : () => {};
  const forward = (): void => controller.abort(runOptions.signal?.reason);
  if (runOptions.signal?.aborted) forward();
  else runOptions.signal?.addEventListener("abort", forward, { once: true });
  // The folder as shown, computed once: progress events arrive as requests complete, while others are in flight.
  let shownFolder: string | undefined;
  try {
    const outcome = await runExperiment({
      ...runOptions,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === "run-started") {
          lastRun = { runId: event.runId, folder: event.folder };
          shownFolder = shownPath(event.folder);
        }
        const snapshot = progressSnapshot(event);
        if (shownFolder !== undefined) {
          // Shown from the start: an interrupt ends the cell at once (tslab), so the box itself says where things are.
          const incomplete = event.type === "run-finished" && event.status !== "completed";
          snapshot.note = incomplete ? `results: ${shownFolder} · to complete it: ${resumeCode(shownFolder)}` : `results: ${shownFolder}`;
        }
        progress.update(snapshot);
        runOptions.onProgress?.(event);
      },
    });
    progress.flush();
    display.table(outcomeRows(outcome), { caption: "Run" });
    return outcome;
  } finally {
    stopListening();
    runOptions.signal?.removeEventListener("abort", forward);
  }
}

/**
 * The demo: the two main notebooks run headless, as a user would run them in JupyterLab, against the built-in emulator.
 * `01_run_benchmark` runs the demo experiment (several models, standard and latency-optimized, two service tiers, one
 * injected throttle burst) into `results/`; `02_analyze_results` analyses exactly that run and writes the summary CSV
 * and the HTML and Markdown reports into `results-analysis/`, where both notebooks are exported as HTML too.
 * Nothing already in those folders is overwritten.
 */

import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { executeNotebook, type ExecutedNotebook } from "./notebook-runner";
import { fileTimestamp } from "../base/output-file";
import { projectRoot } from "../base/project-paths";
import { planRun } from "../engine/run-plan";
import { InputError, describeValue } from "../base/input-error";
import { BenchError } from "../base/errors";

/** The demo's inputs, relative to the project root. */
export const DEMO_DATASET = "datasets/demo/scenarios.jsonl";
export const DEMO_EXPERIMENT = "datasets/demo/experiment.json";

/** The notebooks the demo runs, in order. */
export const DEMO_NOTEBOOKS = Object.freeze(["01_run_benchmark.ipynb", "02_analyze_results.ipynb"] as const);

export interface DemoOptions {
  /** Where run folders go. Default: `results/` in the project. */
  resultsDir?: string;
  /** Where the reports and the exported notebooks go. Default: `results-analysis/` in the project. */
  outputDir?: string;
  /** The dataset to run. Default: the demo's. */
  dataset?: string;
  /** The experiment configuration. Default: the demo's. */
  experiment?: string;
  /** Receives progress lines (which notebook is running, nbconvert's own lines). */
  onLog?: (line: string) => void;
}

export interface DemoResult {
  /** The run folder `01_run_benchmark` wrote. */
  runFolder: string;
  /** The analysis report (self-contained HTML) `02_analyze_results` wrote: the page to open. */
  report: string;
  /** The Markdown report and the summary CSV written beside it. */
  markdownReport: string | null;
  summaryCsv: string | null;
  /** The executed notebooks, exported as HTML, in the order they ran. */
  notebooks: ExecutedNotebook[];
  durationMs: number;
}

export class DemoError extends BenchError {
  override name = "DemoError";
  override readonly kind = "runtime";
}

function entries(dir: string): Set<string> {
  return new Set(existsSync(dir) ? readdirSync(dir) : []);
}

function created(dir: string, before: ReadonlySet<string>, pattern: RegExp): string[] {
  return [...entries(dir)].filter((name) => !before.has(name) && pattern.test(name)).sort();
}

/**
 * Runs 01 then 02 headless and returns where everything went. Throws a `NotebookExecutionError` naming the failing
 * cell if a notebook fails (its partial HTML is kept as `<name>_FAILED.html`), or an `InputError` naming file, line and
 * field before anything runs if the dataset or the experiment is invalid.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const started = performance.now();
  const root = projectRoot();
  const resultsDir = resolve(options.resultsDir ?? join(root, "results"));
  const outputDir = resolve(options.outputDir ?? join(root, "results-analysis"));
  mkdirSync(resultsDir, { recursive: true });
  mkdirSync(outputDir, { recursive: true });
  const dataset = resolve(options.dataset ?? join(root, DEMO_DATASET));
  const experiment = resolve(options.experiment ?? join(root, DEMO_EXPERIMENT));
  // Bad input is reported here, with file, line and field, before Jupyter starts (the notebook would say the same later).
  // The demo always runs the built-in emulator: a configuration made for real Bedrock is switched to it, and one that
  // names an endpoint is refused, so nothing leaves the machine and nothing is billed.
  const plan = await planRun({ dataset, experiment, overrides: { target: "emulator", outputDir: resultsDir } });
  if (plan.experiment.endpoint !== null) {
    throw new InputError(`${experiment}: the demo runs the built-in emulator only (nothing was run)`, [
      { file: experiment, field: "endpoint", value: describeValue(plan.experiment.endpoint), expected: "no endpoint: the demo starts its own emulator" },
    ]);
  }
  const stamp = fileTimestamp(new Date());
  const log = options.onLog ?? (() => undefined);
  const run = (notebook: string, params: Record<string, string | string[]>): Promise<ExecutedNotebook> => {
    log(`running ${notebook} …`);
    return executeNotebook({
      notebook: join(root, "notebooks", notebook),
      outputDir,
      outputName: `${notebook.replace(/\.ipynb$/, "")}_${stamp}`,
      params,
      onLog: log,
    });
  };

  const runsBefore = entries(resultsDir);
  const first = await run(DEMO_NOTEBOOKS[0], {
    dataset,
    experiment,
    target: "emulator",
    outputDir: resultsDir,
  });
  const runs = created(resultsDir, runsBefore, /^\d{8}_\d{6}/);
  if (runs.length !== 1) {
    throw new DemoError(`${DEMO_NOTEBOOKS[0]} should have written one run folder in ${resultsDir}; found ${runs.length} new: ${runs.join(", ") || "none"}`);
  }
  const runFolder = join(resultsDir, runs[0]!);

  const reportsBefore = entries(outputDir);
  const second = await run(DEMO_NOTEBOOKS[1], { inputs: [runFolder], outputDir, title: "bedrock-bench demo (built-in emulator)" });
  const report = created(outputDir, reportsBefore, /^analysis_report_.*\.html$/)[0];
  if (report === undefined) throw new DemoError(`${DEMO_NOTEBOOKS[1]} wrote no analysis_report_*.html in ${outputDir}`);
  const markdown = created(outputDir, reportsBefore, /^analysis_report_.*\.md$/)[0];
  const summary = created(outputDir, reportsBefore, /^analysis_summary_.*\.csv$/)[0];
  return {
    runFolder,
    report: join(outputDir, report),
    markdownReport: markdown === undefined ? null : join(outputDir, markdown),
    summaryCsv: summary === undefined ? null : join(outputDir, summary),
    notebooks: [first, second],
    durationMs: performance.now() - started,
  };
}

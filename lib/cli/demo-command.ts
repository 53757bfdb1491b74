import type { Command } from "commander";
import { runDemo, type DemoResult } from "../app/demo";
import { shownPath } from "../app/shown-path";
import { colors, printJson, processStreams, useColor, type CliStreams } from "./output";

interface DemoOptions {
  resultsDir?: string;
  out?: string;
  dataset?: string;
  config?: string;
  verbose?: boolean;
  json?: boolean;
  color?: boolean;
}

const HELP_AFTER = `
Runs notebooks/01_run_benchmark.ipynb (the demo experiment against the built-in emulator: three models, standard and
latency-optimized, two service tiers, one injected throttle burst) and then notebooks/02_analyze_results.ipynb on that
run, headless, as JupyterLab would. The target is always the emulator (a configuration made for "aws" is switched to it;
one naming an endpoint is refused): nothing leaves the machine. About 70 seconds with the demo's inputs.

Leaves: a run folder in results/, the analysis report (HTML and Markdown) and summary CSV in results-analysis/, and both
notebooks exported as self-contained HTML beside them; nothing already there is overwritten.

Examples:
  $ bedrock-bench demo
  $ bedrock-bench demo --dataset datasets/examples/mixed-models.jsonl --config datasets/examples/closed-loop.experiment.json
  $ bedrock-bench demo --json

Exit codes: 0 done; 2 bad input (the message names file, line and field); 1 a notebook failed (its failing cell is
named, and its partial HTML kept as <name>_FAILED.html).`;

/** Runs the command; returns the exit code. */
export async function demoCommand(o: DemoOptions, streams: CliStreams = processStreams): Promise<number> {
  const c = colors(useColor(streams.stdout, streams.env, o.color === false));
  const result: DemoResult = await runDemo({
    ...(o.resultsDir ? { resultsDir: o.resultsDir } : {}),
    ...(o.out ? { outputDir: o.out } : {}),
    ...(o.dataset ? { dataset: o.dataset } : {}),
    ...(o.config ? { experiment: o.config } : {}),
    onLog: (line) => {
      if (o.verbose || line.startsWith("running ")) streams.stderr.write(`${line}\n`);
    },
  });
  if (o.json) {
    printJson(
      {
        runFolder: result.runFolder,
        report: result.report,
        markdownReport: result.markdownReport,
        summaryCsv: result.summaryCsv,
        notebooks: result.notebooks.map((n) => ({ html: n.htmlPath, durationMs: Math.round(n.durationMs) })),
        durationMs: Math.round(result.durationMs),
      },
      streams,
    );
    return 0;
  }
  const lines = [
    `run:       ${shownPath(result.runFolder)}`,
    ...result.notebooks.map((n) => `notebook:  ${shownPath(n.htmlPath)}`),
    ...(result.summaryCsv ? [`summary:   ${shownPath(result.summaryCsv)}`] : []),
    ...(result.markdownReport ? [`markdown:  ${shownPath(result.markdownReport)}`] : []),
    `report:    ${shownPath(result.report)}`,
    "",
    `Open the report: ${c.bold(result.report)}`,
  ];
  streams.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("run the demo notebooks headless against the built-in emulator; print the HTML report's path")
    .option("--dataset <file>", "scenario dataset (JSONL) instead of the demo's")
    .option("--config <file>", "experiment configuration (JSON) instead of the demo's")
    .option("--results-dir <dir>", "folder of run folders (default: results/)")
    .option("--out <dir>", "folder for the reports and exported notebooks (default: results-analysis/)")
    .option("--verbose", "show Jupyter's progress lines")
    .option("--json", "print a JSON summary of what was written (only that on stdout)")
    .option("--no-color", "no colours (also: NO_COLOR)")
    .addHelpText("after", HELP_AFTER)
    .action(async (opts: DemoOptions) => {
      process.exitCode = await demoCommand(opts);
    });
}

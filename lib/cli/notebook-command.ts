import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Command } from "commander";
import { executeNotebook } from "../app/notebook-runner";
import type { Params } from "../app/notebook-params";
import { shownPath } from "../app/shown-path";
import { projectRoot } from "../base/project-paths";
import { fileTimestamp } from "../base/output-file";
import { CliError, EXIT } from "./cli-error";
import { printJson, processStreams, type CliStreams } from "./output";

interface NotebookOptions {
  params?: string;
  out?: string;
  timeout?: string;
  verbose?: boolean;
  json?: boolean;
}

const HELP_AFTER = `
Executes a notebook headless with the tslab kernel, as JupyterLab would (working directory: notebooks/), and exports it
to a self-contained HTML file (<name>_<timestamp>.html, never over an existing file). Parameters come from --params (a
JSON object of the notebook's parameter names) and from BB_PARAM_<NAME> environment variables, which win.

Examples:
  $ bedrock-bench notebook 01_run_benchmark --params my-run.json
  $ BB_PARAM_INPUTS=../results/20251122_153012_mixed bedrock-bench notebook 02_analyze_results   # paths from notebooks/
  $ bedrock-bench notebook notebooks/00_environment_check.ipynb --out /tmp/check

Exit codes: 0 every cell ran; 2 bad input (no such notebook, unreadable params); 1 a cell failed (the cell and its error
are printed, the partly executed notebook kept as <name>_FAILED.html).`;

/** A notebook given by name (`01_run_benchmark`), file name, or path. */
export function resolveNotebook(arg: string, root: string = projectRoot()): string {
  const candidates = [resolve(arg), join(root, "notebooks", arg), join(root, "notebooks", `${arg}.ipynb`)];
  const found = candidates.find((c) => c.endsWith(".ipynb") && existsSync(c));
  if (found) return found;
  throw new CliError(`no notebook '${arg}': give a path, or the name of one in ${join(root, "notebooks")}`, "input");
}

function readParams(file: string): Params {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new CliError(`${file}: cannot read parameters (${(err as Error).message})`, "input");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`${file}: expected a JSON object of parameters`, "input");
  }
  return parsed as Params;
}

/** Runs the command; returns the exit code. */
export async function notebookCommand(arg: string, o: NotebookOptions, streams: CliStreams = processStreams): Promise<number> {
  const notebook = resolveNotebook(arg);
  const params = o.params ? readParams(resolve(o.params)) : undefined;
  let timeout: number | undefined;
  if (o.timeout !== undefined) {
    timeout = Number(o.timeout);
    if (!Number.isInteger(timeout) || timeout < 1) throw new CliError(`--timeout: '${o.timeout}' is not a whole number of seconds ≥ 1`, "input");
  }
  const outputDir = resolve(o.out ?? join(projectRoot(), "results-analysis"));
  streams.stderr.write(`running ${basename(notebook)} …\n`);
  const result = await executeNotebook({
    notebook,
    outputDir,
    outputName: `${basename(notebook, ".ipynb")}_${fileTimestamp(new Date())}`,
    ...(params ? { params } : {}),
    ...(timeout !== undefined ? { cellTimeoutSec: timeout } : {}),
    ...(o.verbose ? { onLog: (line: string) => streams.stderr.write(`${line}\n`) } : {}),
  });
  if (o.json) printJson({ notebook, html: result.htmlPath, durationMs: Math.round(result.durationMs) }, streams);
  else streams.stdout.write(`${shownPath(result.htmlPath)}\n`);
  return EXIT.ok;
}

export function registerNotebookCommand(program: Command): void {
  program
    .command("notebook")
    .description("execute a notebook headless with its parameters and export it to self-contained HTML")
    .argument("<notebook>", "a notebook name (01_run_benchmark), file name or path")
    .option("--params <file>", "JSON object of the notebook's parameters")
    .option("--out <dir>", "folder for the HTML (default: results-analysis/)")
    .option("--timeout <sec>", "seconds a single cell may run (default 1200)")
    .option("--verbose", "show Jupyter's progress lines")
    .option("--json", "print {notebook, html, durationMs} as JSON (only that on stdout)")
    .option("--no-color", "accepted for consistency (this command prints no colours)")
    .addHelpText("after", HELP_AFTER)
    .action(async (arg: string, opts: NotebookOptions) => {
      process.exitCode = await notebookCommand(arg, opts);
    });
}

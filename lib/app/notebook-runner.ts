import { spawn } from "node:child_process";
import { constants, existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { PARAMS_FILE_ENV, type Params } from "./notebook-params";
import { projectRoot } from "../base/project-paths";
import { BenchError } from "../base/errors";

export interface ExecuteNotebookOptions {
  /** Path of the `.ipynb` to run. */
  notebook: string;
  /** Folder that receives the exported HTML (created if missing). */
  outputDir: string;
  /** File name of the HTML without extension; defaults to the notebook's name. A number is added rather than overwrite. */
  outputName?: string;
  /** Parameters for the notebook's first cell (see `notebookParameters`), passed as a JSON file. */
  params?: Params;
  /** Seconds a single cell may run. Default 1200. */
  cellTimeoutSec?: number;
  /** Extra environment for the kernel. */
  env?: NodeJS.ProcessEnv;
  /** Receives nbconvert's progress lines. */
  onLog?: (line: string) => void;
}

export interface ExecutedNotebook {
  htmlPath: string;
  durationMs: number;
}

/** A notebook cell failed (or Jupyter could not run): the message carries the failing cell's error. */
export class NotebookExecutionError extends BenchError {
  override name = "NotebookExecutionError";
  override readonly kind = "runtime";
  constructor(
    message: string,
    readonly notebook: string,
    readonly output: string,
  ) {
    super(message);
  }
}

/**
 * The Python that runs Jupyter: $BEDROCK_BENCH_PYTHON, else the one `scripts/setup-jupyter.sh` recorded in
 * `.jupyter/python-path` (the project's `.venv/` with JupyterLab by default), else `.venv/bin/python` if present, else
 * python3. `npm run jupyter`, the headless runner and the tests all use this one.
 */
export function jupyterPython(root: string = projectRoot(), env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env["BEDROCK_BENCH_PYTHON"];
  if (chosen) return chosen;
  const recorded = join(root, ".jupyter", "python-path");
  if (existsSync(recorded)) {
    const path = readFileSync(recorded, "utf8").trim();
    if (path) return path;
  }
  const venv = join(root, ".venv", "bin", "python");
  if (existsSync(venv)) return venv;
  return existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

/** Environment under which Jupyter finds the project's tslab kernel (registered in `.jupyter/` by the setup script). */
export function jupyterEnv(root: string = projectRoot(), base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const local = join(root, ".jupyter", "share", "jupyter");
  const existing = base["JUPYTER_PATH"];
  return {
    ...base,
    JUPYTER_PATH: existing ? `${local}:${existing}` : local,
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
  };
}

/** Copies `src` to `dir/name.ext`, or `name_2.ext`, `name_3.ext`, … : never overwrites an existing file. */
export async function copyWithoutOverwrite(src: string, dir: string, name: string, ext: string): Promise<string> {
  for (let n = 1; ; n++) {
    const dest = join(dir, n === 1 ? `${name}${ext}` : `${name}_${n}${ext}`);
    try {
      await copyFile(src, dest, constants.COPYFILE_EXCL);
      return dest;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}

const EXIT_CELL_FAILED = 3;

/**
 * What went wrong, for people: a failed cell (exit 3 of `execute-notebook.py`) as `Notebook X failed: cell N (id …)
 * failed:`, the cell's first line and its error text (its end, where the reason is); anything else as Jupyter not
 * running at all, with the last line it printed and how to set it up.
 */
export function failureSummary(notebook: string, code: number, text: string): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (code === EXIT_CELL_FAILED) {
    const head = lines.findIndex((l) => /^cell \d+ \(id .*\) failed:$/.test(l) || l.startsWith("a cell ran longer than"));
    if (head >= 0 && lines[head]!.startsWith("cell ")) {
      const separator = lines.indexOf("------------------", head);
      const firstSourceLine = lines[head + 1] ?? "";
      const error = separator >= 0 ? lines.slice(separator + 1) : lines.slice(head + 1);
      const shown = error.length > 40 ? ["…", ...error.slice(-40)] : error;
      return `Notebook ${notebook} failed: ${lines[head]}\n  ${firstSourceLine}${separator > head + 2 ? " …" : ""}\n${shown.join("\n")}`;
    }
    if (head >= 0) return `Notebook ${notebook} failed: ${lines.slice(head).join("\n")}`;
  }
  const last = lines[lines.length - 1] ?? `exit code ${code}`;
  return `Jupyter could not run ${notebook}: ${last.trim()}. Is Jupyter installed with the tslab kernel? Run 'npm run setup' (or set BEDROCK_BENCH_PYTHON to a Python with Jupyter).`;
}

/**
 * Executes a notebook headless with the tslab kernel (nbclient, through `scripts/execute-notebook.py`) and exports it to a
 * self-contained HTML file (the project's `offline` template: nothing fetched when opened). A failing cell rejects with
 * {@link NotebookExecutionError} carrying the cell and its error text, and leaves the partly executed notebook as
 * `<name>_FAILED.html` in `outputDir`. The notebook runs with its own folder as working directory, as in Jupyter.
 */
export async function executeNotebook(options: ExecuteNotebookOptions): Promise<ExecutedNotebook> {
  const root = projectRoot();
  const notebook = resolve(options.notebook);
  if (!existsSync(notebook)) throw new Error(`Notebook not found: ${notebook}`);
  const name = options.outputName ?? basename(notebook, ".ipynb");
  const started = performance.now();
  const work = await mkdtemp(join(tmpdir(), "bedrock-bench-nb-"));
  try {
    const env: NodeJS.ProcessEnv = { ...jupyterEnv(root), ...(options.env ?? {}) };
    if (options.params) {
      const paramsFile = join(work, "params.json");
      await writeFile(paramsFile, JSON.stringify(options.params, null, 2));
      env[PARAMS_FILE_ENV] = paramsFile;
    }
    const produced = join(work, `${name}.html`);
    const args = [
      join(root, "scripts", "execute-notebook.py"),
      notebook,
      produced,
      join(root, "scripts", "nbconvert-templates"),
      String(options.cellTimeoutSec ?? 1200),
    ];
    const output = await run(jupyterPython(root), args, env, options.onLog);
    await mkdir(options.outputDir, { recursive: true });
    if (output.code !== 0) {
      // A failed cell still leaves the partly executed notebook for inspection, under a name that cannot pass for a report.
      const partial = existsSync(produced) ? await copyWithoutOverwrite(produced, options.outputDir, `${name}_FAILED`, ".html") : undefined;
      throw new NotebookExecutionError(
        `${failureSummary(basename(notebook), output.code, output.text)}${partial ? `\nThe partly executed notebook: ${partial}` : ""}`,
        notebook,
        output.text,
      );
    }
    const htmlPath = await copyWithoutOverwrite(produced, options.outputDir, name, ".html");
    return { htmlPath, durationMs: performance.now() - started };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLog?: (line: string) => void,
): Promise<{ code: number; text: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: string[] = [];
    const collect = (data: Buffer) => {
      const text = data.toString("utf8");
      chunks.push(text);
      if (onLog) for (const line of text.split("\n")) if (line.trim()) onLog(line);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", (err) =>
      reject(new Error(`Cannot start Jupyter (${command}): ${err.message}. Run 'npm run setup' first.`)),
    );
    child.on("close", (code) => resolvePromise({ code: code ?? 1, text: chunks.join("") }));
  });
}

import { join } from "node:path";
import { executeNotebook, type ExecutedNotebook } from "./notebook-runner";
import type { Params } from "./notebook-params";
import { projectRoot } from "./project-paths";

/** The notebooks the demo runs, in order, with the headless parameters it gives each. */
export const DEMO_NOTEBOOKS: readonly { notebook: string; params?: Params }[] = Object.freeze([
  { notebook: "00_environment_check.ipynb" },
]);

export interface DemoOptions {
  /** Where the HTML reports go. Default: `results-analysis/` in the project. */
  outputDir?: string;
  onLog?: (line: string) => void;
}

/** A timestamp for file names, local time: `20261122_153012`. */
export function fileTimestamp(date: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}_${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/**
 * Runs the demo notebooks headless against the built-in emulator and exports each to a self-contained HTML report.
 * Returns the executed notebooks; the last one's HTML is the report to open.
 */
export async function runDemo(options: DemoOptions = {}): Promise<ExecutedNotebook[]> {
  const root = projectRoot();
  const outputDir = options.outputDir ?? join(root, "results-analysis");
  const stamp = fileTimestamp();
  const done: ExecutedNotebook[] = [];
  for (const { notebook, params } of DEMO_NOTEBOOKS) {
    options.onLog?.(`running ${notebook} …`);
    const result = await executeNotebook({
      notebook: join(root, "notebooks", notebook),
      outputDir,
      outputName: `${notebook.replace(/\.ipynb$/, "")}_${stamp}`,
      ...(params ? { params } : {}),
      ...(options.onLog ? { onLog: options.onLog } : {}),
    });
    done.push(result);
  }
  return done;
}

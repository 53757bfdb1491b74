import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = join(__dirname, "..", "..");
const MAIN = join(ROOT, "lib", "cli", "main.ts");
/** tsx's loader by absolute URL, so the command can run in any working directory. */
const TSX = pathToFileURL(join(dirname(require.resolve("tsx/package.json")), "dist", "loader.mjs")).href;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  readonly child: ChildProcess;
  readonly result: Promise<CliResult>;
  /** Resolves when stderr (or stdout) has matched `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  output(): { stdout: string; stderr: string };
}

/**
 * Starts `bedrock-bench <args>` from the sources (tsx), as a user would run it, without a TTY, from `cwd`, with colours
 * off unless `env` says otherwise (an `undefined` value removes a variable).
 */
export function startCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...options.env };
  if (options.env?.["FORCE_COLOR"] === undefined) delete env["FORCE_COLOR"];
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const child = spawn(process.execPath, ["--import", TSX, MAIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      if (w.pattern.test(stderr) || w.pattern.test(stdout)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    check();
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    check();
  });
  const result = new Promise<CliResult>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    result,
    output: () => ({ stdout, stderr }),
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stderr so far:\n${stderr}\nstdout:\n${stdout}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        check();
        void result.then(() => {
          if (waiters.some((w) => w.pattern === pattern)) {
            clearTimeout(timer);
            reject(new Error(`the command ended before ${pattern}; stderr:\n${stderr}\nstdout:\n${stdout}`));
          }
        });
      });
    },
  };
}

/** Runs `bedrock-bench <args>` to completion. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return startCli(args, options).result;
}

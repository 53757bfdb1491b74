import pc from "picocolors";

/**
 * How every subcommand writes to the terminal, so they all behave alike:
 * - results for people go to stdout; progress, logs and warnings go to stderr;
 * - with `--json`, stdout carries exactly one JSON document and nothing else (logs still go to stderr);
 * - colour only on a TTY, never with `NO_COLOR` set (https://no-color.org) or `--no-color`;
 * - failures end with one line `bedrock-bench: <reason>` on stderr (details, if any, on the lines after it) and the
 *   exit code of `EXIT` (lib/cli/cli-error.ts).
 */
export interface CliStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const processStreams: CliStreams = { stdout: process.stdout, stderr: process.stderr, env: process.env };

/** Whether to colour output written to `stream`. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, noColorFlag = false): boolean {
  if (noColorFlag) return false;
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  if (env["FORCE_COLOR"] !== undefined && env["FORCE_COLOR"] !== "0") return true;
  return stream.isTTY === true && env["TERM"] !== "dumb";
}

export type Colors = ReturnType<typeof pc.createColors>;

/** picocolors functions that colour only when `enabled`. */
export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

/** Writes one JSON document to stdout (the whole of stdout under `--json`). */
export function printJson(value: unknown, streams: CliStreams = processStreams): void {
  streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

#!/usr/bin/env node
import { CommanderError } from "commander";
import { EXIT, exitCodeOf } from "./cli-error";
import { buildProgram } from "./program";

/**
 * First line: `bedrock-bench: <reason>`; an input error's problem list follows on the next lines. The exit code comes
 * from the error's kind (`exitCodeOf`, the one table in lib/cli/cli-error.ts).
 */
function report(err: unknown): number {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`bedrock-bench: ${message}\n`);
  return exitCodeOf(err);
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed help / the usage error; help and --version exit 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return report(err);
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = report(err);
  },
);

#!/usr/bin/env node
import { CommanderError } from "commander";
import { InputError } from "../base/input-error";
import { CliError, EXIT } from "./cli-error";
import { buildProgram } from "./program";

/** First line: `bedrock-bench: <reason>`; an input error's problem list follows on the next lines. */
function report(err: unknown): number {
  if (err instanceof CliError) {
    process.stderr.write(`bedrock-bench: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof InputError) {
    process.stderr.write(`bedrock-bench: ${err.message}\n`);
    return EXIT.usage;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`bedrock-bench: ${message}\n`);
  return EXIT.failure;
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

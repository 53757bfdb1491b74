#!/usr/bin/env node
import { CommanderError } from "commander";
import { CliError, EXIT } from "./cli-error";
import { buildProgram } from "./program";

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
    if (err instanceof CliError) {
      process.stderr.write(`bedrock-bench: ${err.message}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`bedrock-bench: ${message}\n`);
    return EXIT.failure;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bedrock-bench: ${String(err)}\n`);
    process.exitCode = EXIT.failure;
  },
);

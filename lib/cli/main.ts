#!/usr/bin/env node
import { CommanderError } from "commander";
import { errorKind } from "../base/errors";
import { InputError } from "../base/input-error";
import { EXIT, exitCodeOf } from "./cli-error";
import { printJson } from "./output";
import { buildProgram } from "./program";

/** Whether the command being run was given `--json` (set before its action runs). */
let jsonOutput = false;

/**
 * First line: `bedrock-bench: <reason>`; an input error's problem list follows on the next lines. The exit code comes
 * from the error's kind (`exitCodeOf`, the one table in lib/cli/cli-error.ts).
 */
function report(err: unknown): number {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`bedrock-bench: ${message}\n`);
  // Under --json, stdout is one JSON document whatever happens: the error, its kind and (for bad input) every problem.
  if (jsonOutput) printJson({ error: errorDocument(err) });
  return exitCodeOf(err);
}

/** `{ kind, name, message, problems }` of an error: `message` is its first line, `problems` its input problems ([] if none). */
function errorDocument(err: unknown): { kind: string; name: string; message: string; problems: unknown[] } {
  const message = err instanceof Error ? err.message : String(err);
  return {
    kind: errorKind(err) ?? "runtime",
    name: err instanceof Error ? err.name : "Error",
    message: message.split("\n")[0] ?? "",
    problems: err instanceof InputError ? err.problems.map((p) => ({ ...p })) : [],
  };
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.hook("preAction", (_program, actionCommand) => {
    jsonOutput = actionCommand.opts()["json"] === true;
  });
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed help / the usage error; help and --version exit 0.
      if (err.exitCode === 0) return EXIT.ok;
      // A flag refused while parsing (before any action ran): under --json, stdout still gets the error document.
      const args = argv.slice(2);
      const end = args.indexOf("--");
      if ((end === -1 ? args : args.slice(0, end)).includes("--json")) {
        printJson({ error: { kind: "input", name: "UsageError", message: err.message.replace(/^error: /, ""), problems: [] } });
      }
      return EXIT.usage;
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

import { Command } from "commander";
import { VERSION } from "../base/version";
import { registerAnalyzeCommand } from "./analyze-command";
import { registerDemoCommand } from "./demo-command";
import { registerReportCommand } from "./report-command";
import { registerEmulatorCommand } from "./emulator-command";
import { registerNotebookCommand } from "./notebook-command";
import { registerRunCommand } from "./run-command";

/**
 * Builds the `bedrock-bench` command. Each subcommand lives in its own module (`lib/cli/<name>-command.ts`)
 * exporting `register…Command(program)`; they are registered here in the order `--help` lists them.
 */
export function buildProgram(): Command {
  const program = new Command("bedrock-bench")
    .description("Benchmark LLMs on Amazon Bedrock, or on the built-in Bedrock Runtime emulator")
    .version(VERSION)
    .configureOutput({
      // Usage errors end like every other failure: one line `bedrock-bench: <reason> (…--help…)`.
      outputError: (text, write) => write(`bedrock-bench: ${text.trim().replace(/^error: /, "")} (run with --help for usage)\n`),
    })
    .exitOverride();
  registerRunCommand(program);
  registerAnalyzeCommand(program);
  registerReportCommand(program);
  registerDemoCommand(program);
  registerNotebookCommand(program);
  registerEmulatorCommand(program);
  return program;
}

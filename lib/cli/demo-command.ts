import type { Command } from "commander";
import { runDemo } from "../demo";
import { relative } from "node:path";

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("Run the demo notebooks headless against the built-in emulator and export HTML reports to results-analysis/")
    .option("--out <dir>", "folder for the HTML reports (default: results-analysis/)")
    .option("--verbose", "show Jupyter's progress lines")
    .action(async (opts: { out?: string; verbose?: boolean }) => {
      const results = await runDemo({
        ...(opts.out ? { outputDir: opts.out } : {}),
        onLog: (line) => {
          if (opts.verbose || line.startsWith("running ")) process.stderr.write(`${line}\n`);
        },
      });
      for (const r of results) process.stdout.write(`report: ${relative(process.cwd(), r.htmlPath) || r.htmlPath}\n`);
      const last = results[results.length - 1];
      if (last) process.stdout.write(`\nOpen the report: ${last.htmlPath}\n`);
    });
}

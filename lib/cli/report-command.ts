import { checkOutputFolder } from "../base/output-file";
import { InvalidArgumentError, Option, type Command } from "commander";
import { resolve } from "node:path";
import { parseReportFormats, writeReports, type ReportFormat } from "../report/report-files";
import { shownPath } from "../app/shown-path";
import { addAnalysisOptions, analyzeFromCli, type AnalysisCliOptions } from "./analysis-options";
import { printJson, processStreams, type CliStreams } from "./output";

interface ReportOptions extends AnalysisCliOptions {
  format: ReportFormat[];
  out: string;
  title?: string;
  distribution: "box" | "violin";
  svg?: boolean;
}

const HELP_AFTER = `
Examples:
  $ bedrock-bench report                                     # the latest run under results/, HTML and Markdown
  $ bedrock-bench report results/20250708_120000_demo --format html --title "Haiku: standard vs optimized"
  $ bedrock-bench report "results/2025*" ~/old/invocations_*.csv --out reports/
  $ bedrock-bench report --svg                               # also every chart as an SVG file
  $ bedrock-bench report --format html,md,simple-csv         # also the simple CLI benchmark's summary columns

Writes analysis_report_<timestamp>.html (self-contained: plotly.js inlined, opens offline, every chart downloads as
SVG), analysis_report_<timestamp>.md and analysis_summary_<timestamp>.csv into --out, never overwriting an earlier
file, and prints their paths. The reports hold the configuration (from each run's run.json), an overview, results per
group, latency and TTFT tables, comparisons with verdicts, errors, throttles, retries and fallbacks, cost, the charts
(HTML) and the definitions of every metric.

--svg also writes every chart as <chart id>.svg (e.g. ttft-box.svg) into a new folder beside the reports,
analysis_report_<timestamp>_charts/, drawn by Plotly in a headless Chromium: $BEDROCK_BENCH_CHROMIUM, else
/usr/bin/chromium, else chromium or google-chrome on PATH. Without one it fails (exit 1) before writing anything:
install Chromium (apt-get install chromium) or set BEDROCK_BENCH_CHROMIUM.

--format simple-csv also writes simple_summary_<timestamp>.csv: one row per model (its groups pooled) in the columns
of a simple CLI benchmark, model_name, total_calls, successful_calls, error_rate (a fraction), avg/min/max_response_time
(seconds), total_input_tokens, total_output_tokens, total_cost, cost_per_call (USD), errors_timeout,
errors_rate_limit, errors_service (see the README's Reports).

Exit codes: 0 done; 2 bad input (a missing path, or a bad cell: the message names file, line, column and value);
1 any other failure.`;

function parseFormats(value: string): ReportFormat[] {
  try {
    return parseReportFormats(value.split(","));
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function registerReportCommand(program: Command, streams: CliStreams = processStreams): void {
  addAnalysisOptions(
    program.command("report").description("Write the HTML and Markdown reports (and the summary CSV) of saved results, and print their paths"),
  )
    .addOption(new Option("--format <formats>", "any of html, md, simple-csv").argParser(parseFormats).default(["html", "md"], "html,md"))
    .option("--out <dir>", "folder for the reports", "results-analysis")
    .option("--title <title>", "report title (default: from the experiments' names)")
    .addOption(new Option("--distribution <kind>", "latency distributions as box or violin plots").choices(["box", "violin"]).default("box"))
    .option("--svg", "also write every chart as an SVG file into analysis_report_<timestamp>_charts/ (needs Chromium)")
    .addHelpText("after", HELP_AFTER)
    .action(async (inputs: string[], opts: ReportOptions) => {
      const log = (line: string) => streams.stderr.write(`${line}\n`);
      // The output folder checked before any analysis work (a file, a path under a file: exit 2).
      checkOutputFolder(opts.out, "--out");
      const analysis = await analyzeFromCli(inputs, opts, { distribution: opts.distribution }, log);
      const paths = await writeReports(analysis, {
        outputDir: resolve(opts.out),
        formats: opts.format,
        ...(opts.title !== undefined ? { title: opts.title } : {}),
        ...(opts.svg === true ? { svg: true } : {}),
      });
      if (opts.json) {
        printJson({ inputs: analysis.inputs, files: analysis.results.runs.map((r) => r.file), ...paths }, streams);
        return;
      }
      if (paths.html) streams.stdout.write(`HTML report: ${shownPath(paths.html)}\n`);
      if (paths.markdown) streams.stdout.write(`Markdown report: ${shownPath(paths.markdown)}\n`);
      if (paths.summaryCsv) streams.stdout.write(`Summary CSV: ${shownPath(paths.summaryCsv)}\n`);
      if (paths.svgCharts) streams.stdout.write(`SVG charts: ${shownPath(paths.svgCharts)}\n`);
      if (paths.simpleCsv) streams.stdout.write(`Simple summary CSV: ${shownPath(paths.simpleCsv)}\n`);
    });
}

import { checkOutputFolder } from "../base/output-file";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { Analysis } from "../analysis/analyze-results";
import { formatNumber, formatPercent, formatPValue, formatSignedMs, formatUsd } from "../base/number-format";
import { shortModelName } from "../analysis/request-groups";
import type { ReportTable } from "../report/report-tables";
import { COMPARED_METRIC_NAMES, metricVerdict, OUTCOME_LABELS, verdictOf, withVerdicts } from "../report/verdicts";
import { writeSummaryCsv } from "../analysis/summary";
import { shownPath } from "../app/shown-path";
import { addAnalysisOptions, analyzeFromCli, type AnalysisCliOptions } from "./analysis-options";
import { colors, printJson, processStreams, useColor, type CliStreams, type Colors } from "./output";
import { textTable } from "./text-table";

interface AnalyzeOptions extends AnalysisCliOptions {
  out: string;
  csv: boolean;
}

const HELP_AFTER = `
Examples:
  $ bedrock-bench analyze                                   # the latest run under results/
  $ bedrock-bench analyze results/20250708_120000_demo
  $ bedrock-bench analyze "results/2025*" --group-by model,performanceConfig
  $ bedrock-bench analyze ~/old/invocations_20250708_111100.csv   # the AWS latency-benchmarking notebook's output
  $ bedrock-bench analyze results/run-a results/run-b --json > summary.json

Prints the summary per group (model × region × served performance config × tier × concurrency × …), every
comparison with its verdict (optimized vs standard, tier vs tier, model vs model), and how often Bedrock served
something else than asked; writes results-analysis/analysis_summary_<timestamp>.csv (never overwriting).
Latency statistics use successful requests only; warm-ups are counted apart unless --include-warmup.

Exit codes: 0 done; 2 bad input (a missing path, or a bad cell: the message names file, line, column and value);
1 any other failure.`;

/** The per-group table for a terminal: the columns people look at first. */
function terminalGroupsTable(analysis: Analysis): ReportTable {
  const usd = (v: number | null) => (v === null ? "—" : formatUsd(v));
  const right = (label: string) => ({ label, align: "right" as const });
  return {
    id: "groups",
    caption: "Results per group",
    columns: [
      { label: "group", align: "left" },
      right("requests"),
      right("ok"),
      right("errors"),
      right("TTFT p50"),
      right("TTFT p90"),
      right("total p50"),
      right("total p90"),
      right("decode tok/s"),
      right("e2e tok/s"),
      right("USD/1k out"),
    ],
    rows: analysis.summary.map((r) => [
      r.group_label,
      r.requests.toLocaleString("en-US"),
      r.successes.toLocaleString("en-US"),
      formatPercent(r.error_rate),
      formatNumber(r.ttft_ms_p50),
      formatNumber(r.ttft_ms_p90),
      formatNumber(r.total_ms_p50),
      formatNumber(r.total_ms_p90),
      formatNumber(r.decode_tokens_per_s_p50),
      formatNumber(r.e2e_tokens_per_s_p50),
      usd(r.cost_usd_per_1k_output_tokens),
    ]),
  };
}

/** The analysis as text for a terminal. */
export function analysisText(analysis: Analysis, c: Colors, summaryCsv: string | null): string {
  const o = analysis.overview;
  const lines: string[] = [];
  lines.push(
    `${c.bold("Analysed")} ${o.records.toLocaleString("en-US")} records from ${o.files} file${o.files === 1 ? "" : "s"}: ` +
      `${o.requests.toLocaleString("en-US")} requests, ${o.successes.toLocaleString("en-US")} successful (${formatPercent(o.successRate)}), ` +
      `${o.failures.toLocaleString("en-US")} failed, ${o.aborted.toLocaleString("en-US")} aborted; ` +
      `${o.warmups.toLocaleString("en-US")} warm-up${o.warmups === 1 ? "" : "s"} ${analysis.settings.includeWarmup ? "included" : "counted apart"}; ` +
      `${o.groups} group${o.groups === 1 ? "" : "s"}${o.costUsd === null ? "" : `; estimated cost ${formatUsd(o.costUsd)}`}.`,
  );
  if (analysis.summary.length === 0) {
    lines.push("", o.warmups > 0 ? "Nothing to summarise: every record is a warm-up (use --include-warmup to count them)." : "Nothing to summarise: the results hold no request.");
  } else {
    lines.push("", c.bold("Per group: latency in ms and token rates at the median, over successful requests"), textTable(terminalGroupsTable(analysis), { header: c.bold }));
  }
  if (analysis.comparisons.length > 0) {
    lines.push("", c.bold(`Comparisons (Δ = candidate − baseline, ${Math.round(analysis.settings.level * 100)}% bootstrap CI, rank-sum p)`));
    for (const cmp of analysis.comparisons) {
      lines.push(`${c.cyan(`${cmp.candidate.name} vs ${cmp.baseline.name}`)}${cmp.context ? c.dim(` (${cmp.context})`) : ""}`);
      for (const m of cmp.metrics) {
        const ci = m.medianDifferenceMs;
        const verdict = OUTCOME_LABELS[m.outcome];
        const painted = m.outcome === "too-few-samples" ? c.yellow(verdict) : m.outcome === "no-clear-difference" ? verdict : c.green(verdict);
        lines.push(
          `  ${COMPARED_METRIC_NAMES[m.metric]}: median ${formatSignedMs(ci.estimate)} [${formatSignedMs(ci.lower)}, ${formatSignedMs(ci.upper)}], ` +
            `p90 ${formatSignedMs(m.p90DifferenceMs.estimate)}, ${formatPValue(m.rankSum.pValue)}, n ${m.candidateCount}/${m.baselineCount} → ${painted}`,
        );
        lines.push(c.dim(`    ${metricVerdict(cmp, m)}`));
      }
      if (cmp.metrics.length === 0) lines.push(`  ${verdictOf(cmp)}`);
    }
  }
  const fallbacks = analysis.fallbacks.filter((f) => f.fallbacks > 0);
  if (analysis.fallbacks.length > 0) {
    lines.push("", c.bold("Served vs asked"));
    if (fallbacks.length === 0) lines.push("  every request whose served configuration is known was served what it asked for");
    for (const f of fallbacks) {
      const instead = Object.entries(f.servedInstead)
        .map(([served, n]) => `${served} ×${n}`)
        .join(", ");
      lines.push(`  ${shortModelName(f.model)} ${f.region}: ${f.kind} ${f.asked} asked, ${f.fallbacks} of ${f.requests} served otherwise (${formatPercent(f.rate)}: ${instead})`);
    }
  }
  const notes = [...analysis.warnings, ...analysis.notes];
  if (notes.length > 0) {
    lines.push("", c.bold("Notes"));
    for (const n of notes) lines.push(c.dim(`  - ${n}`));
  }
  if (summaryCsv) lines.push("", `Summary CSV: ${shownPath(summaryCsv)}`);
  return `${lines.join("\n")}\n`;
}

/** The analysis as one JSON document (every summary column at full precision; each comparison with its verdicts in words). */
export function analysisJson(analysis: Analysis, summaryCsv: string | null): unknown {
  return {
    inputs: analysis.inputs,
    files: analysis.results.runs.map((r) => ({ runId: r.runId, source: r.source, file: r.file, records: r.records, experimentName: r.experimentName })),
    settings: analysis.settings,
    overview: analysis.overview,
    summaryCsv,
    groups: analysis.summary,
    comparisons: analysis.comparisons.map(withVerdicts),
    fallbacks: analysis.fallbacks,
    warnings: analysis.warnings,
    notes: analysis.notes,
  };
}

export function registerAnalyzeCommand(program: Command, streams: CliStreams = processStreams): void {
  addAnalysisOptions(
    program
      .command("analyze")
      .description("Summarise saved results: statistics per group, comparisons with verdicts, fallbacks; writes the summary CSV"),
  )
    .option("--out <dir>", "folder for the summary CSV", "results-analysis")
    .option("--no-csv", "do not write the summary CSV")
    .addHelpText("after", HELP_AFTER)
    .action(async (inputs: string[], opts: AnalyzeOptions) => {
      const log = (line: string) => streams.stderr.write(`${line}\n`);
      // The output folder checked before any analysis work (a file, a path under a file: exit 2).
      if (opts.csv) checkOutputFolder(opts.out, "--out");
      const analysis = await analyzeFromCli(inputs, opts, {}, log);
      const summaryCsv = opts.csv ? await writeSummaryCsv(analysis.summary, { outDir: resolve(opts.out) }) : null;
      if (opts.json) {
        printJson(analysisJson(analysis, summaryCsv), streams);
        return;
      }
      streams.stdout.write(analysisText(analysis, colors(useColor(streams.stdout, streams.env, opts.color === false)), summaryCsv));
    });
}

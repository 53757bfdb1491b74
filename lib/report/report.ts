/**
 * A report as a document: sections of paragraphs, notes, tables and charts, built once from an analysis and rendered
 * as HTML (lib/report/report-html.ts, self-contained and offline) or Markdown (lib/report/report-markdown.ts). All text here is
 * plain text: the renderers escape it for their format. It opens with the findings in words (lib/report/findings.ts)
 * and ends with the run configuration as a folded appendix.
 */
import type { Analysis } from "../analysis/analyze-results";
import { chartsOf, type AnalysisChart, type ChartSection } from "./analysis-charts";
import { comparisonMethod, METRIC_DEFINITIONS, PERCENTILE_METHOD, type MetricDefinition } from "./metric-definitions";
import { verdictOf } from "./verdicts";
import { FINDINGS_HEADINGS, wordedFindings } from "./findings";
import { formatPercent, formatUsd } from "../base/number-format";
import {
  awsCompatibleTable,
  comparisonsTable,
  configurationTable,
  costTable,
  errorClassesTable,
  errorsTable,
  fallbacksTable,
  groupsTable,
  latencyTable,
  overviewTable,
  runsTable,
  throughputTable,
  type ReportTable,
} from "./report-tables";
import { AWS_NOTEBOOK_SOURCE } from "../records/aws-notebook-import";
import { VERSION } from "../base/version";

export type ReportBlock =
  | { kind: "heading"; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "note"; tone: "info" | "warning"; text: string }
  | { kind: "table"; table: ReportTable }
  | { kind: "chart"; chart: AnalysisChart }
  | { kind: "definitions"; items: readonly MetricDefinition[] };

export type ReportSectionId =
  | "findings"
  | "overview"
  | "configuration"
  | "results"
  | "latency"
  | "throughput"
  | "comparisons"
  | "errors"
  | "cost"
  | "definitions";

/** Sections in report order: the findings first, the run configuration last (a folded appendix). */
export const REPORT_SECTION_IDS: readonly ReportSectionId[] = Object.freeze([
  "findings",
  "overview",
  "results",
  "latency",
  "throughput",
  "comparisons",
  "errors",
  "cost",
  "definitions",
  "configuration",
]);

export interface ReportSection {
  id: ReportSectionId;
  title: string;
  blocks: ReportBlock[];
  /** An appendix: HTML folds it (a closed `<details>`), Markdown puts it last like any section. */
  folded?: boolean;
}

export interface ReportDocument {
  title: string;
  /** One line under the title: what was analysed, when. */
  subtitle: string;
  generatedAt: Date;
  /** `bedrock-bench <version>`. */
  generator: string;
  sections: ReportSection[];
}

export interface ReportOptions {
  /** Report title (default: from the experiments' names or run ids). */
  title?: string;
}

const table = (t: ReportTable): ReportBlock => ({ kind: "table", table: t });
const heading = (text: string): ReportBlock => ({ kind: "heading", text });
const paragraph = (text: string): ReportBlock => ({ kind: "paragraph", text });
const note = (text: string, tone: "info" | "warning" = "info"): ReportBlock => ({ kind: "note", tone, text });

function defaultTitle(analysis: Analysis): string {
  const names = [...new Set(analysis.results.runs.map((r) => r.experimentName ?? r.runId))];
  if (names.length === 0) return "Benchmark report";
  const shown = names.slice(0, 3).join(", ");
  return `Benchmark report: ${shown}${names.length > 3 ? ` and ${names.length - 3} more` : ""}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

function overviewParagraph(analysis: Analysis): string {
  const o = analysis.overview;
  const parts = [
    `${plural(o.requests, "request")} to ${plural(o.models.length, "model")} in ${plural(o.regions.length, "region")}, ` +
      `read from ${plural(o.files, "file")}, in ${plural(o.groups, "group")}.`,
  ];
  if (o.successRate !== null) parts.push(`${formatPercent(o.successRate)} succeeded; ${plural(o.failures, "failure")}, ${plural(o.throttles, "throttle")}.`);
  if (o.spanS !== null) parts.push(`The requests ran from ${o.firstSendIso} to ${o.lastCompletionIso} (UTC).`);
  parts.push(o.costUsd === null ? "No cost was recorded." : `Cost from token usage and the pricing table: ${formatUsd(o.costUsd)} (warm-ups excluded).`);
  return parts.join(" ");
}

function chartBlocks(analysis: Analysis, section: ChartSection): ReportBlock[] {
  return chartsOf(analysis).charts.filter((c) => c.section === section).map((chart) => ({ kind: "chart", chart }) as ReportBlock);
}

function omittedNote(analysis: Analysis, section: ChartSection): ReportBlock[] {
  const omitted = chartsOf(analysis).omitted.filter((o) => o.section === section);
  if (omitted.length === 0) return [];
  return [note(`Charts left out: ${omitted.map((o) => `the ${o.title} (${o.reason})`).join("; ")}.`)];
}

function configurationSection(analysis: Analysis): ReportSection {
  const blocks: ReportBlock[] = [];
  for (const run of analysis.results.runs) {
    const t = configurationTable(run);
    if (t) {
      blocks.push(table(t));
    } else if (run.source === AWS_NOTEBOOK_SOURCE) {
      blocks.push(
        paragraph(
          `${run.runId}: imported from the AWS latency-benchmarking notebook${run.experimentName ? ` (experiment ${run.experimentName})` : ""}; ` +
            "its files do not record the configuration (concurrency, retries, timeouts).",
        ),
      );
    } else {
      blocks.push(paragraph(`${run.runId}: no readable run.json next to ${run.file}, so its configuration is not known.`));
    }
  }
  if (blocks.length === 0) blocks.push(paragraph("The results were built in memory; no run configuration was given."));
  return { id: "configuration", title: "Appendix: run configuration", blocks, folded: true };
}

/** The findings in words (lib/report/findings.ts), from the selection the analysis makes (lib/analysis/findings.ts). */
function findingsSection(analysis: Analysis): ReportSection {
  const w = wordedFindings(analysis);
  const list = (items: string[]): ReportBlock => ({ kind: "list", items });
  const blocks: ReportBlock[] = [heading(FINDINGS_HEADINGS.models), paragraph(w.criterion)];
  blocks.push(w.models.length > 0 ? list(w.models) : paragraph("No request to summarise."));
  blocks.push(heading(FINDINGS_HEADINGS.differences), paragraph(w.differencesSummary));
  if (w.differences.length > 0) blocks.push(list(w.differences));
  if (w.noClearDifference !== null) blocks.push(paragraph(w.noClearDifference));
  blocks.push(heading(FINDINGS_HEADINGS.fallbacksAndErrors), list(w.fallbacksAndErrors));
  blocks.push(heading(FINDINGS_HEADINGS.limits), list(w.limits));
  return { id: "findings", title: "Findings", blocks };
}

function comparisonsSection(analysis: Analysis): ReportSection {
  const s = analysis.settings;
  const blocks: ReportBlock[] = [
    paragraph(
      `Each comparison takes two groups that differ in one dimension only (performance configuration, service tier or model). ` +
        `Δ = candidate − baseline, so a negative Δ means the candidate is faster; brackets hold ${Math.round(s.level * 100)}% bootstrap confidence intervals. ` +
        `A verdict needs p < ${s.alpha} and an interval that excludes 0, and at least ${s.minSamples} successful requests per side ` +
        `(see "Metric definitions and method").`,
    ),
  ];
  if (analysis.comparisons.length === 0) {
    blocks.push(
      paragraph(
        "Nothing to compare: no two groups differ in only their performance configuration, service tier or model. " +
          "Run standard and optimized (or several models) in one experiment, interleaved, to compare them.",
      ),
    );
    return { id: "comparisons", title: "Comparisons", blocks };
  }
  blocks.push(table(comparisonsTable(analysis.comparisons, analysis.settings.level)));
  for (const c of analysis.comparisons) {
    const text = `${c.candidate.name} vs ${c.baseline.name}${c.context ? ` (${c.context})` : ""}: ${verdictOf(c)}`;
    blocks.push(c.tooFewSamples ? note(text, "warning") : paragraph(text));
  }
  return { id: "comparisons", title: "Comparisons", blocks };
}

/** The report of an analysis, section by section. */
export function buildReport(analysis: Analysis, options: ReportOptions = {}): ReportDocument {
  const rows = analysis.summary;
  const groups = analysis.results.groups;
  const o = analysis.overview;
  const overview: ReportBlock[] = [paragraph(overviewParagraph(analysis)), table(overviewTable(analysis))];
  if (analysis.results.runs.length > 0) overview.push(table(runsTable(analysis.results.runs)));
  for (const text of analysis.warnings) overview.push(note(text, "warning"));
  if (analysis.notes.length > 0) overview.push(paragraph("About these results:"), { kind: "list", items: analysis.notes });
  const errors: ReportBlock[] = [];
  if (o.failures === 0 && o.retriedRequests === 0 && o.performanceConfigFallbacks === 0 && o.serviceTierFallbacks === 0) {
    errors.push(paragraph("No request failed, none was retried and every request was served what it asked for."));
  }
  errors.push(table(errorsTable(rows)));
  if (o.failures > 0) errors.push(table(errorClassesTable(groups)));
  errors.push(
    analysis.fallbacks.length > 0
      ? table(fallbacksTable(analysis.fallbacks))
      : paragraph("Served vs asked: no response in these results says what Bedrock served (AWS-notebook imports do not record it), so fallbacks cannot be counted."),
  );
  errors.push(...chartBlocks(analysis, "errors"), ...omittedNote(analysis, "errors"));
  const sections: ReportSection[] = [
    findingsSection(analysis),
    { id: "overview", title: "Overview", blocks: overview },
    {
      id: "results",
      title: "Results per group",
      blocks:
        rows.length === 0
          ? [paragraph("No request to summarise.")]
          : [table(groupsTable(rows)), table(awsCompatibleTable(rows))],
    },
    {
      id: "latency",
      title: "Latency: time to first token and total time",
      blocks: [
        table(latencyTable(rows, "ttft")),
        table(latencyTable(rows, "total")),
        ...chartBlocks(analysis, "latency"),
        ...omittedNote(analysis, "latency"),
      ],
    },
    {
      id: "throughput",
      title: "Token rates and throughput",
      blocks: [table(throughputTable(rows)), ...chartBlocks(analysis, "throughput"), ...omittedNote(analysis, "throughput")],
    },
    comparisonsSection(analysis),
    { id: "errors", title: "Errors, throttles, retries and fallbacks", blocks: errors },
    { id: "cost", title: "Cost", blocks: [table(costTable(rows)), ...chartBlocks(analysis, "cost"), ...omittedNote(analysis, "cost")] },
    {
      id: "definitions",
      title: "Metric definitions and method",
      blocks: [
        { kind: "definitions", items: METRIC_DEFINITIONS },
        paragraph(PERCENTILE_METHOD),
        paragraph(comparisonMethod(analysis.settings)),
      ],
    },
    configurationSection(analysis),
  ];
  const inputs = analysis.inputs.length > 0 ? analysis.inputs.join(", ") : analysis.results.runs.map((r) => r.file).join(", ") || "records in memory";
  return {
    title: options.title ?? defaultTitle(analysis),
    subtitle: `Analysis of ${inputs}, generated ${analysis.createdAt.toISOString()} by bedrock-bench ${VERSION}.`,
    generatedAt: analysis.createdAt,
    generator: `bedrock-bench ${VERSION}`,
    sections,
  };
}

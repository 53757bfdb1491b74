/**
 * Writing an analysis to disk: the HTML and Markdown reports and the summary CSV beside them, under
 * `results-analysis/` by default, with one timestamp (`analysis_report_<YYYYMMDD_HHMMSS>.html`, `….md`,
 * `analysis_summary_<YYYYMMDD_HHMMSS>.csv`), never overwriting an earlier file (`_2`, `_3`, … when taken). On request
 * (format `simple-csv`) also the summary in a simple CLI benchmark's column layout, one row per model
 * (`simple_summary_<YYYYMMDD_HHMMSS>.csv`, `lib/analysis/simple-summary.ts`). On request (`svg`) every chart as an
 * SVG file drawn by Plotly, in a folder beside them (`analysis_report_<YYYYMMDD_HHMMSS>_charts/<chart id>.svg`).
 */
import { basename, resolve } from "node:path";
import type { Analysis } from "../analysis/analyze-results";
import { fileTimestamp, freeStem, writeNewFile } from "../base/output-file";
import { chartsOf } from "./analysis-charts";
import { ChartSvgError, renderChartSvgs, writeChartSvgs, type ChartSvg } from "./chart-svg";
import { buildReport, type ReportOptions } from "./report";
import { reportHtml } from "./report-html";
import { reportMarkdown } from "./report-markdown";
import { summaryToCsv } from "../analysis/summary";
import { simpleSummary, simpleSummaryToCsv } from "../analysis/simple-summary";

/** `html` and `md`: the reports; `simple-csv`: the summary in a simple CLI benchmark's columns, one row per model. */
export type ReportFormat = "html" | "md" | "simple-csv";
/** Every format `writeReports` can write. */
export const REPORT_FORMATS: readonly ReportFormat[] = Object.freeze(["html", "md", "simple-csv"]);
/** What is written when no format is given: the two reports. */
export const DEFAULT_REPORT_FORMATS: readonly ReportFormat[] = Object.freeze(["html", "md"]);

export interface WriteReportsOptions extends ReportOptions {
  /** Output folder (default `results-analysis` in the working directory), created when missing. */
  outputDir?: string;
  /** Which files (default html and md; add `simple-csv` for the simple CLI benchmark layout). */
  formats?: readonly ReportFormat[];
  /** Also write the summary CSV beside them (default true). */
  summaryCsv?: boolean;
  /**
   * Also write every chart (`chartsOf(analysis).charts`) as `<chart id>.svg` into a new folder beside the reports,
   * `analysis_report_<timestamp>_charts/` (default false). Plotly draws them in a headless Chromium:
   * `$BEDROCK_BENCH_CHROMIUM`, else `/usr/bin/chromium`, else `chromium` or `google-chrome` on PATH; without one a
   * `ChartSvgError` (kind `runtime`) is thrown before any file is written.
   */
  svg?: boolean;
  /** Clock for the file names' timestamp (default: now). */
  now?: () => Date;
}

/** The files written (absolute paths), null for those not asked for. */
export interface ReportPaths {
  html: string | null;
  markdown: string | null;
  summaryCsv: string | null;
  /** The simple CLI benchmark layout (format `simple-csv`). */
  simpleCsv: string | null;
  /** The folder of the charts' SVG files (`<chart id>.svg` each), when `svg` was asked. */
  svgCharts: string | null;
}

/** Checks a list of report formats, e.g. from `--format html,md`; throws a RangeError naming the bad one. */
export function parseReportFormats(formats: readonly string[]): ReportFormat[] {
  const out: ReportFormat[] = [];
  for (const raw of formats) {
    const f = raw.trim().toLowerCase();
    const format = f === "markdown" ? "md" : f;
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
      throw new RangeError(`Unknown report format ${JSON.stringify(raw)}; expected html, md or simple-csv`);
    }
    if (!out.includes(format as ReportFormat)) out.push(format as ReportFormat);
  }
  if (out.length === 0) throw new RangeError("Expected at least one report format: html, md or simple-csv");
  return out;
}

/** Writes the reports (and the summary CSV; the simple CSV when asked for) of an analysis; returns their paths. */
export async function writeReports(analysis: Analysis, options: WriteReportsOptions = {}): Promise<ReportPaths> {
  const formats = parseReportFormats(options.formats ?? DEFAULT_REPORT_FORMATS);
  const dir = resolve(options.outputDir ?? "results-analysis");
  const stamp = fileTimestamp((options.now ?? (() => new Date()))());
  // The charts are drawn first, in memory: without a browser nothing is written, not even the reports.
  let svgs: ChartSvg[] | null = null;
  if (options.svg === true) {
    try {
      svgs = await renderChartSvgs(chartsOf(analysis).charts);
    } catch (error) {
      if (error instanceof ChartSvgError) throw new ChartSvgError(`${error.message} No report was written.`, { cause: error });
      throw error;
    }
  }
  const wanted = [
    ...(formats.includes("html") ? [{ stem: `analysis_report_${stamp}`, extension: ".html" }] : []),
    ...(formats.includes("md") ? [{ stem: `analysis_report_${stamp}`, extension: ".md" }] : []),
    ...(options.summaryCsv === false ? [] : [{ stem: `analysis_summary_${stamp}`, extension: ".csv" }]),
    ...(formats.includes("simple-csv") ? [{ stem: `simple_summary_${stamp}`, extension: ".csv" }] : []),
    ...(svgs !== null ? [{ stem: `analysis_report_${stamp}`, extension: "_charts" }] : []),
  ];
  const stems = await freeStem(dir, wanted);
  const stemOf = (extension: string, prefix = "") =>
    stems[wanted.findIndex((w) => w.extension === extension && w.stem.startsWith(prefix))]!;
  const doc = formats.includes("html") || formats.includes("md") ? buildReport(analysis, options) : null;
  const paths: ReportPaths = { html: null, markdown: null, summaryCsv: null, simpleCsv: null, svgCharts: null };
  if (doc && formats.includes("html")) paths.html = await writeNewFile(dir, stemOf(".html"), ".html", reportHtml(doc));
  if (doc && formats.includes("md")) {
    const markdown = reportMarkdown(doc, paths.html ? { htmlFile: basename(paths.html) } : {});
    paths.markdown = await writeNewFile(dir, stemOf(".md"), ".md", markdown);
  }
  if (options.summaryCsv !== false) {
    paths.summaryCsv = await writeNewFile(dir, stemOf(".csv", "analysis_summary_"), ".csv", summaryToCsv(analysis.summary));
  }
  if (formats.includes("simple-csv")) {
    const csv = simpleSummaryToCsv(simpleSummary(analysis.results.groups));
    paths.simpleCsv = await writeNewFile(dir, stemOf(".csv", "simple_summary_"), ".csv", csv);
  }
  if (svgs !== null) paths.svgCharts = (await writeChartSvgs(dir, `${stemOf("_charts")}_charts`, svgs)).dir;
  return paths;
}

/**
 * Showing an analysis inside a notebook: the report's sections, tables and interactive charts, rendered inline with
 * the same text and escaping as the HTML report (plotly.js embedded once per notebook, by `Display`): the findings
 * first, the run configuration last, folded.
 *
 * ```ts
 * const analysis = await analyzeResults(inputs);
 * showAnalysis(analysis);                                   // every section
 * showAnalysis(analysis, { sections: ["comparisons"] });    // or some of them, cell by cell
 * ```
 */
import type { Analysis } from "../analysis/analyze-results";
import { notebook, type Display } from "./display";
import { buildReport, type ReportOptions, type ReportSectionId } from "../report/report";
import { REPORT_CSS, reportBlockHtml } from "../report/report-html";
import { escapeHtml } from "../base/html";

export interface ShowAnalysisOptions extends ReportOptions {
  /** Where to show it (default: the running notebook's display). */
  display?: Display;
  /** Sections to show, in report order (default all, after the report's title). */
  sections?: readonly ReportSectionId[];
}

/** Shows the analysis (or some of its sections) in the notebook: text and tables as HTML, charts as Plotly figures. */
export function showAnalysis(analysis: Analysis, options: ShowAnalysisOptions = {}): void {
  const display = options.display ?? notebook();
  const doc = buildReport(analysis, options);
  const wanted = options.sections ? new Set(options.sections) : null;
  // Each section is one `.bb-report` box; a chart closes the box (Display draws it), and the caption opens the next.
  let html = `<style>${REPORT_CSS}</style>`;
  if (!wanted) html += `<div class="bb-report"><h1>${escapeHtml(doc.title)}</h1><p class="bb-subtitle">${escapeHtml(doc.subtitle)}</p></div>`;
  for (const section of doc.sections) {
    if (wanted && !wanted.has(section.id)) continue;
    // A folded section (the run configuration appendix) is closed when shown with the rest, open when asked for by name.
    const fold = section.folded === true && section.blocks.every((b) => b.kind !== "chart");
    html += `<div class="bb-report">`;
    html += fold ? `<details class="bb-appendix"${wanted ? " open" : ""}><summary><h2>${escapeHtml(section.title)}</h2></summary>` : `<h2>${escapeHtml(section.title)}</h2>`;
    for (const block of section.blocks) {
      if (block.kind === "chart") {
        display.html(`${html}</div>`);
        display.chart(block.chart.figure);
        html = `<div class="bb-report"><p class="bb-table-note">${escapeHtml(block.chart.caption)}</p>`;
        continue;
      }
      html += reportBlockHtml(block, () => "");
    }
    html += fold ? "</details></div>" : "</div>";
  }
  display.html(html);
}

/**
 * The HTML report: one self-contained file that opens offline. plotly.js is inlined once (before the first chart), the
 * styles are inline, nothing is fetched (a Content-Security-Policy forbids any request, so even a mistake could not
 * reach the network), and every piece of user text (model IDs, error messages, run names, tags, run.json values) is
 * escaped; chart data goes through `jsonForScript`, so no string can close a script element.
 */
import type { AnalysisChart } from "./analysis-charts";
import { escapeHtml } from "../base/html";
import { chartHtml, plotlyLibraryScript } from "./plotly-embed";
import type { ReportBlock, ReportDocument, ReportSection } from "./report";
import type { ReportTable } from "./report-tables";

/** No request of any kind may leave the page; inline scripts and styles, data: and blob: images (SVG export) only. */
export const REPORT_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; " +
  "connect-src 'none'; frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";

/** Styles of the report (scoped to `.bb-report`, so notebooks can use them too). */
export const REPORT_CSS = `
.bb-report{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:14px;line-height:1.5;color:#1f2328;max-width:1400px;margin:0 auto;padding:0 16px}
main.bb-report{padding-bottom:48px}
.bb-report h1{font-size:26px;margin:24px 0 4px}
.bb-report h2{font-size:20px;margin:36px 0 8px;padding-bottom:4px;border-bottom:1px solid #d0d7de}
.bb-report h3{font-size:16px;margin:20px 0 6px}
.bb-report details.bb-appendix>summary{cursor:pointer;margin:36px 0 8px;padding-bottom:4px;border-bottom:1px solid #d0d7de}
.bb-report details.bb-appendix>summary h2{display:inline;margin:0;padding:0;border:0}
.bb-report .bb-subtitle{color:#59636e;margin:0 0 16px}
.bb-report nav ol{display:flex;flex-wrap:wrap;gap:4px 18px;padding:0;margin:0 0 8px;list-style:none}
.bb-report nav a{color:#0969da;text-decoration:none}
.bb-report .bb-scroll{overflow-x:auto;margin:12px 0 4px;width:0;min-width:100%}
.bb-report table.bb-table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
.bb-report table.bb-table caption{text-align:left;font-weight:600;padding:4px 0}
.bb-report table.bb-table th,.bb-report table.bb-table td{border:1px solid #d0d7de;padding:3px 8px;vertical-align:top}
.bb-report table.bb-table th{background:#f6f8fa;vertical-align:bottom;min-width:4em}
.bb-report table.bb-table tbody tr:nth-child(even){background:#fafbfc}
.bb-report td.bb-num{text-align:right;white-space:nowrap}
.bb-report th.bb-num{text-align:right}
.bb-report th.bb-text{text-align:left}
.bb-report td.bb-text{text-align:left;min-width:6em;max-width:40em;overflow-wrap:break-word}
.bb-report table.bb-table td.bb-text:first-child{min-width:16em}
.bb-report .bb-table-note{color:#59636e;font-size:12px;margin:2px 0 12px}
.bb-report .bb-note{border-left:4px solid #54aeff;background:#ddf4ff;padding:6px 10px;margin:8px 0}
.bb-report .bb-note.bb-warning{border-left-color:#d4a72c;background:#fff8c5}
.bb-report figure.bb-figure{margin:20px 0;border:1px solid #d0d7de;border-radius:6px;padding:8px}
.bb-report figure.bb-figure figcaption{color:#59636e;font-size:12px;padding:4px 8px}
.bb-report dl.bb-definitions dt{font-weight:600;margin-top:8px}
.bb-report dl.bb-definitions dd{margin:2px 0 0 16px}
.bb-report footer{color:#59636e;font-size:12px;margin-top:40px;border-top:1px solid #d0d7de;padding-top:8px}
@media print{.bb-report .bb-scroll{overflow:visible}.bb-report figure.bb-figure{break-inside:avoid}}
`;

/** A report table as an HTML table (escaped), in a horizontally scrolling box, with its note. */
export function reportTableHtml(table: ReportTable): string {
  const head = table.columns.map((c) => `<th scope="col" class="${c.align === "right" ? "bb-num" : "bb-text"}">${escapeHtml(c.label)}</th>`).join("");
  const body = table.rows
    .map((row) => `<tr>${table.columns.map((c, i) => `<td class="${c.align === "right" ? "bb-num" : "bb-text"}">${escapeHtml(row[i] ?? "")}</td>`).join("")}</tr>`)
    .join("\n");
  const empty = table.rows.length === 0 ? `<tr><td colspan="${table.columns.length}">(none)</td></tr>` : "";
  const note = table.note ? `<p class="bb-table-note">${escapeHtml(table.note)}</p>` : "";
  return (
    `<div class="bb-scroll"><table class="bb-table" id="table-${escapeHtml(table.id)}"><caption>${escapeHtml(table.caption)}</caption>` +
    `<thead><tr>${head}</tr></thead><tbody>\n${body}${empty}\n</tbody></table></div>${note}`
  );
}

/** A chart in its figure frame, with its caption; `chartMarkup` draws the chart itself. */
export function figureHtml(chart: AnalysisChart, chartMarkup: string): string {
  return `<figure class="bb-figure" id="figure-${escapeHtml(chart.id)}">${chartMarkup}<figcaption>${escapeHtml(chart.caption)}</figcaption></figure>`;
}

/** One block as HTML; charts are drawn by `renderChart`. */
export function reportBlockHtml(block: ReportBlock, renderChart: (chart: AnalysisChart) => string): string {
  switch (block.kind) {
    case "heading":
      return `<h3>${escapeHtml(block.text)}</h3>`;
    case "paragraph":
      return `<p>${escapeHtml(block.text)}</p>`;
    case "list":
      return `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join("")}</ul>`;
    case "note":
      return `<p class="bb-note${block.tone === "warning" ? " bb-warning" : ""}">${escapeHtml(block.text)}</p>`;
    case "table":
      return reportTableHtml(block.table);
    case "chart":
      return renderChart(block.chart);
    case "definitions":
      return `<dl class="bb-definitions">${block.items.map((d) => `<dt>${escapeHtml(d.term)}</dt><dd>${escapeHtml(d.definition)}</dd>`).join("")}</dl>`;
  }
}

/**
 * One section (heading and blocks) as HTML. A folded section (the run configuration appendix) is a `<details>` element,
 * closed unless `open`: its heading is the summary a reader clicks; no script is needed.
 */
export function reportSectionHtml(section: ReportSection, renderChart: (chart: AnalysisChart) => string, options: { open?: boolean } = {}): string {
  const heading = `<h2>${escapeHtml(section.title)}</h2>`;
  const blocks = section.blocks.map((b) => reportBlockHtml(b, renderChart)).join("\n");
  if (section.folded) {
    return `<section id="${section.id}"><details class="bb-appendix"${options.open ? " open" : ""}><summary>${heading}</summary>\n${blocks}\n</details></section>`;
  }
  return `<section id="${section.id}">${heading}\n${blocks}\n</section>`;
}

/** The whole report as one self-contained HTML document. */
export function reportHtml(doc: ReportDocument): string {
  let libraryEmitted = false;
  const renderChart = (chart: AnalysisChart) => {
    const library = libraryEmitted ? "" : plotlyLibraryScript();
    libraryEmitted = true;
    return library + figureHtml(chart, chartHtml(chart.figure, { id: `bb-chart-${chart.id}` }));
  };
  const nav = `<nav aria-label="Sections"><ol>${doc.sections.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`).join("")}</ol></nav>`;
  const sections = doc.sections.map((s) => reportSectionHtml(s, renderChart)).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CONTENT_SECURITY_POLICY)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(doc.generator)}">
<title>${escapeHtml(doc.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main class="bb-report">
<header><h1>${escapeHtml(doc.title)}</h1><p class="bb-subtitle">${escapeHtml(doc.subtitle)}</p>${nav}</header>
${sections}
<footer>Generated ${escapeHtml(doc.generatedAt.toISOString())} by ${escapeHtml(doc.generator)}. Self-contained: opens without network; each chart's camera button downloads it as SVG.</footer>
</main>
</body>
</html>
`;
}

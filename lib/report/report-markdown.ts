/**
 * The Markdown report: the same sections and tables as the HTML report, for a pull request, a wiki or a terminal.
 * Charts are interactive and live in the HTML report; here each is named with its caption (and the HTML report's
 * file when it was written alongside). Every piece of user text is escaped (lib/report/markdown.ts).
 */
import type { AnalysisChart } from "./analysis-charts";
import { markdownTable, markdownText } from "./markdown";
import type { ReportBlock, ReportDocument, ReportSection } from "./report";
import type { ReportTable } from "./report-tables";

export interface MarkdownReportOptions {
  /** File name of the HTML report written alongside, linked from each chart's mention. */
  htmlFile?: string;
}

/** A report table as a captioned GitHub-flavoured Markdown table. */
export function reportTableMarkdown(table: ReportTable): string {
  const parts = [`**${markdownText(table.caption)}**`, ""];
  parts.push(
    table.rows.length === 0
      ? "(none)"
      : markdownTable(
          table.columns.map((c) => c.label),
          table.rows,
          table.columns.map((c) => c.align),
        ),
  );
  if (table.note) parts.push("", `*${markdownText(table.note)}*`);
  return parts.join("\n");
}

function chartMarkdown(chart: AnalysisChart, options: MarkdownReportOptions): string {
  const where = options.htmlFile ? ` — interactive in [the HTML report](${encodeURI(options.htmlFile)}#figure-${chart.id})` : " — interactive in the HTML report";
  return `- Chart: **${markdownText(chart.title)}**${where}. ${markdownText(chart.caption)}`;
}

function blockMarkdown(block: ReportBlock, options: MarkdownReportOptions): string {
  switch (block.kind) {
    case "heading":
      return `### ${markdownText(block.text)}`;
    case "paragraph":
      return markdownText(block.text);
    case "list":
      return block.items.map((item) => `- ${markdownText(item)}`).join("\n");
    case "note":
      return `> ${block.tone === "warning" ? "**Warning:** " : "**Note:** "}${markdownText(block.text)}`;
    case "table":
      return reportTableMarkdown(block.table);
    case "chart":
      return chartMarkdown(block.chart, options);
    case "definitions":
      return block.items.map((d) => `- **${markdownText(d.term)}**: ${markdownText(d.definition)}`).join("\n");
  }
}

/** One section as Markdown: a second-level heading and its blocks. */
export function reportSectionMarkdown(section: ReportSection, options: MarkdownReportOptions = {}): string {
  const blocks: string[] = [];
  for (const block of section.blocks) {
    const text = blockMarkdown(block, options);
    // consecutive chart mentions form one list
    if (block.kind === "chart" && blocks.length > 0 && blocks[blocks.length - 1]!.startsWith("- Chart:")) blocks[blocks.length - 1] += `\n${text}`;
    else blocks.push(text);
  }
  return [`## ${markdownText(section.title)}`, ...blocks].join("\n\n");
}

/** The whole report as Markdown. */
export function reportMarkdown(doc: ReportDocument, options: MarkdownReportOptions = {}): string {
  const toc = doc.sections.map((s) => `- [${markdownText(s.title)}](#${s.title.toLowerCase().replace(/[^a-z0-9 -]/g, "").trim().replace(/ /g, "-")})`).join("\n");
  return (
    [
      `# ${markdownText(doc.title)}`,
      `*${markdownText(doc.subtitle)}*`,
      toc,
      ...doc.sections.map((s) => reportSectionMarkdown(s, options)),
      "---",
      `*Generated ${markdownText(doc.generatedAt.toISOString())} by ${markdownText(doc.generator)}.*`,
    ].join("\n\n") + "\n"
  );
}

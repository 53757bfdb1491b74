import { RECORD_COLUMNS } from "../records/request-record";
import { SUMMARY_COLUMNS } from "./summary";

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** Markdown table of every `requests.csv` column: name, type, unit and meaning (the README embeds it). */
export function recordColumnsMarkdown(): string {
  const lines = ["| column | type | unit | meaning |", "|---|---|---|---|"];
  for (const c of RECORD_COLUMNS) {
    const type = c.nullable ? `${c.type} (empty when unknown)` : c.type;
    lines.push(`| \`${c.name}\` | ${type} | ${c.unit} | ${cell(c.description)} |`);
  }
  return lines.join("\n");
}

/** Markdown table of every summary CSV column: name, unit and meaning (the README embeds it). */
export function summaryColumnsMarkdown(): string {
  const lines = ["| column | unit | meaning |", "|---|---|---|"];
  for (const c of SUMMARY_COLUMNS) lines.push(`| \`${c.name}\` | ${c.unit} | ${cell(c.description)} |`);
  lines.push("| `error_rate_<class>` |  | One column per error class seen: failures of that class / (requests − aborted). |");
  return lines.join("\n");
}

export const COLUMNS_BEGIN = "<!-- columns:begin (generated from lib/records/request-record.ts by `npm run docs`) -->";
export const COLUMNS_END = "<!-- columns:end -->";
export const SUMMARY_COLUMNS_BEGIN = "<!-- summary-columns:begin (generated from lib/analysis/summary.ts by `npm run docs`) -->";
export const SUMMARY_COLUMNS_END = "<!-- summary-columns:end -->";

function between(readme: string, begin: string, end: string, content: string): string {
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README lacks the markers ${begin} … ${end}`);
  return `${readme.slice(0, from + begin.length)}\n${content}\n${readme.slice(to)}`;
}

/** `readme` with the generated requests.csv column table put between its markers. Throws if the markers are missing. */
export function withColumnReference(readme: string): string {
  return between(readme, COLUMNS_BEGIN, COLUMNS_END, recordColumnsMarkdown());
}

/** `readme` with the generated summary column table put between its markers. Throws if the markers are missing. */
export function withSummaryColumnReference(readme: string): string {
  return between(readme, SUMMARY_COLUMNS_BEGIN, SUMMARY_COLUMNS_END, summaryColumnsMarkdown());
}

import { RECORD_COLUMNS } from "./records";

/** Markdown table of every `requests.csv` column: name, type, unit and meaning (the README embeds it). */
export function recordColumnsMarkdown(): string {
  const lines = ["| column | type | unit | meaning |", "|---|---|---|---|"];
  for (const c of RECORD_COLUMNS) {
    const type = c.nullable ? `${c.type} (empty when unknown)` : c.type;
    lines.push(`| \`${c.name}\` | ${type} | ${c.unit} | ${c.description.replace(/\|/g, "\\|")} |`);
  }
  return lines.join("\n");
}

export const COLUMNS_BEGIN = "<!-- columns:begin (generated from lib/records.ts by `npm run docs`) -->";
export const COLUMNS_END = "<!-- columns:end -->";

/** `readme` with the generated column table put between the markers. Throws if the markers are missing. */
export function withColumnReference(readme: string): string {
  const begin = readme.indexOf(COLUMNS_BEGIN);
  const end = readme.indexOf(COLUMNS_END);
  if (begin < 0 || end < begin) throw new Error(`README lacks the markers ${COLUMNS_BEGIN} … ${COLUMNS_END}`);
  return `${readme.slice(0, begin + COLUMNS_BEGIN.length)}\n${recordColumnsMarkdown()}\n${readme.slice(end)}`;
}

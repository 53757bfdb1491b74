/**
 * Writing user text into Markdown safely: a model ID, an error message or a run name must show as the text it is, in
 * any renderer. Markdown passes raw HTML through, so `<`, `>` and `&` become entities; the punctuation that acts
 * anywhere in a line (`\ ` * _ [ ] | ~`) is backslash-escaped so it cannot start emphasis, links, code or a table cell,
 * and so is a leading `#`, `-`, `+` or `1.` (followed by a space) that would start a heading or a list; line breaks become spaces so a value
 * cannot end a table row or a list item. Other characters stay as they are, so the Markdown source stays readable.
 */

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/** User text as inline Markdown that renders as exactly that text. */
export function markdownText(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return text
    .replace(/\r\n?|\n|\u2028|\u2029/g, " ")
    .replace(/[&<>]/g, (c) => ENTITIES[c]!)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+-]|\d+[.)])(?=\s|$)/, (_, space: string, lead: string) => `${space}${lead.slice(0, -1)}\\${lead.slice(-1)}`);
}

export type MarkdownAlign = "left" | "right";

/** A GitHub-flavoured Markdown table; every header and cell is escaped with {@link markdownText}. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly MarkdownAlign[] = []): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => markdownText(c) || " ").join(" | ")} |`;
  const rule = `|${headers.map((_, i) => (align[i] === "right" ? "---:" : "---")).join("|")}|`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

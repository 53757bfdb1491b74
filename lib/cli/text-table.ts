import { getBorderCharacters, table, type ColumnUserConfig } from "table";
import type { ReportTable } from "../report/report-tables";

export interface TextTableOptions {
  /** Widest the first (label) column may get before its text wraps (default 44). */
  labelWidth?: number;
  /** Colours the header row (e.g. picocolors' bold), identity by default. */
  header?: (text: string) => string;
}

/**
 * A report table for a terminal: aligned columns without borders, a rule under the header, numbers right-aligned and
 * the first column wrapped at `labelWidth` (the `table` package does the layout).
 */
export function textTable(t: ReportTable, options: TextTableOptions = {}): string {
  const header = options.header ?? ((s: string) => s);
  const labelWidth = options.labelWidth ?? 44;
  const firstWidth = Math.min(labelWidth, Math.max(t.columns[0]?.label.length ?? 1, ...t.rows.map((r) => (r[0] ?? "").length), 1));
  const columns: Record<number, ColumnUserConfig> = {};
  t.columns.forEach((c, i) => {
    columns[i] = i === 0 ? { width: firstWidth, wrapWord: true } : { alignment: c.align === "right" ? "right" : "left" };
  });
  const border = { ...getBorderCharacters("void"), joinBody: "─", joinJoin: "─", joinLeft: "", joinRight: "" };
  const data = [t.columns.map((c) => header(c.label)), ...t.rows.map((r) => t.columns.map((_, i) => r[i] ?? ""))];
  const text = table(data, {
    border,
    columns,
    columnDefault: { paddingLeft: 0, paddingRight: 2 },
    drawHorizontalLine: (index) => index === 1,
  });
  return text
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .trimEnd();
}

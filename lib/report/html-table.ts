import { escapeHtml } from "../base/html";

export type Cell = string | number | boolean | null | undefined;

export interface TableOptions {
  /** Caption above the table (escaped). */
  caption?: string;
  /** Significant decimals for non-integer numbers when rendering (data keeps full precision). Default 3. */
  digits?: number;
  /** Rows shown at most; a note says how many were left out. Default 200. */
  maxRows?: number;
}

/** A number in a table cell: integers as they are, others rounded to `digits` decimals; NaN/null as empty. */
export function cellNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return "";
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(digits);
}

function renderCell(value: Cell, digits: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return cellNumber(value, digits);
  return escapeHtml(value);
}

/**
 * An HTML table from rows of values; every header and cell is escaped, numbers are right-aligned.
 * `columns` gives the order (default: the keys of the first row).
 */
export function tableHtml(rows: readonly Readonly<Record<string, Cell>>[], columns?: readonly string[], options: TableOptions = {}): string {
  const digits = options.digits ?? 3;
  const maxRows = options.maxRows ?? 200;
  const cols = columns ?? (rows.length > 0 ? Object.keys(rows[0] as object) : []);
  const shown = rows.slice(0, maxRows);
  const head = cols.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = shown
    .map((row) => {
      const cells = cols.map((c) => {
        const v = row[c];
        const numeric = typeof v === "number";
        return `<td style="text-align:${numeric ? "right" : "left"}">${renderCell(v, digits)}</td>`;
      });
      return `<tr>${cells.join("")}</tr>`;
    })
    .join("\n");
  const caption = options.caption ? `<caption style="text-align:left;font-weight:bold">${escapeHtml(options.caption)}</caption>` : "";
  const more = rows.length > shown.length ? `<p class="bb-note">${rows.length - shown.length} more rows not shown (of ${rows.length}).</p>` : "";
  return `<table class="bb-table">${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${more}`;
}

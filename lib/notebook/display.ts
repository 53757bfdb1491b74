import type { DataFrame } from "danfojs-node";
import { escapeHtml } from "../base/html";
import { tableHtml, type Cell, type TableOptions } from "../report/html-table";
import { chartHtml, plotlyLibraryScript, type PlotlyFigure } from "../report/plotly-embed";

/** Where rich output goes: the tslab kernel in notebooks, something else in tests. */
export interface DisplaySink {
  html(html: string): void;
}

/**
 * Class names that make Jupyter's math typesetting skip an element and everything inside it. Without them JupyterLab
 * reads any `$…$` pair in an HTML output as LaTeX ("measured $0.09, estimated $0.10" showed as math).
 * `mathjax_ignore` is the one JupyterLab 4 honours (MathJax 3's default; test/e2e/jupyterlab.test.ts fails without it,
 * and with `tex2jax_ignore` alone); `tex2jax_ignore` is MathJax 2's, for the classic Notebook 6 (the set-up's fallback).
 * Escaping `$` as `&#36;` does not help: MathJax reads the page's text, where the entity is a `$` again.
 */
export const NO_MATH_CLASSES = "mathjax_ignore tex2jax_ignore";

/**
 * HTML as a notebook output: wrapped in one element that math typesetting skips, so a `$` stays a dollar sign. Every
 * HTML the library shows in a notebook goes through here (`Display`, the progress box).
 */
export function notebookHtml(html: string): string {
  return `<div class="${NO_MATH_CLASSES}">${html}</div>`;
}

/** The tslab kernel's display, loaded lazily so the library also works outside a notebook. */
export function tslabSink(): DisplaySink {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tslab = require("tslab") as typeof import("tslab");
  return { html: (html: string) => tslab.display.html(html) };
}

export type TableInput = DataFrame | readonly Readonly<Record<string, Cell>>[];

function isDataFrame(value: unknown): value is DataFrame {
  return typeof value === "object" && value !== null && "columns" in value && "values" in value && !Array.isArray(value);
}

/** Rows and column order of a danfo DataFrame or of plain rows. */
export function tableRows(input: TableInput): { rows: Record<string, Cell>[]; columns: string[] } {
  if (isDataFrame(input)) {
    const columns = input.columns.map(String);
    const values = input.values as unknown as Cell[][];
    const rows = values.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
    return { rows, columns };
  }
  const rows = input.map((r) => ({ ...r }));
  return { rows, columns: rows.length > 0 ? Object.keys(rows[0] as object) : [] };
}

/**
 * Rich output for notebooks: tables from danfo DataFrames or rows, and interactive Plotly charts that work in
 * JupyterLab / Notebook and in `nbconvert --to html` exports opened offline. plotly.js is shipped inside the output
 * once per document (with the first chart, or by `charts()`), never fetched from a CDN.
 */
export class Display {
  private libraryEmitted = false;

  constructor(private readonly sink: DisplaySink) {}

  /** Any HTML (trusted: the caller escapes user text); shown without math typesetting, as everything here. */
  html(html: string): void {
    this.sink.html(notebookHtml(html));
  }

  /** Plain text as a paragraph (escaped). */
  text(text: string): void {
    this.html(`<p>${escapeHtml(text)}</p>`);
  }

  table(input: TableInput, options: TableOptions & { columns?: readonly string[] } = {}): void {
    const { rows, columns } = tableRows(input);
    this.html(tableHtml(rows, options.columns ?? columns, options));
  }

  /** Emits plotly.js into the document now. Call it in a notebook's first cell so re-running later cells keeps charts working. */
  charts(): void {
    this.html(`${plotlyLibraryScript()}<p class="bb-note">Interactive charts enabled (plotly.js embedded, works offline).</p>`);
    this.libraryEmitted = true;
  }

  chart(figure: PlotlyFigure): void {
    const library = this.libraryEmitted ? "" : plotlyLibraryScript();
    this.libraryEmitted = true;
    this.html(library + chartHtml(figure));
  }
}

let notebookDisplay: Display | undefined;

/** The display bound to the running tslab kernel (one per kernel, so plotly.js is embedded once). */
export function notebook(): Display {
  notebookDisplay ??= new Display(tslabSink());
  return notebookDisplay;
}

import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { jsonForScript } from "../base/html";

/** A Plotly figure as plain data: what `Plotly.newPlot` takes. */
export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

let librarySource: string | undefined;

/** plotly.js (the `plotly.js-dist-min` package) as a string, read once. */
export function plotlyLibrarySource(): string {
  librarySource ??= readFileSync(require.resolve("plotly.js-dist-min"), "utf8");
  return librarySource;
}

/**
 * A `<script>` element that defines `window.Plotly` from the bundled library: no CDN, works offline.
 * The library is wrapped so that a page's AMD loader or CommonJS globals (Jupyter's require.js) cannot capture it.
 * Emit it once per document, before the first chart.
 */
export function plotlyLibraryScript(): string {
  const source = plotlyLibrarySource().replace(/<\/script/gi, "<\\/script");
  return `<script type="text/javascript">/* plotly.js, bundled by bedrock-bench */(function(){var module=undefined,exports=undefined,define=undefined;\n${source}\n}).call(window);</script>`;
}

/** Plotly config every chart gets: responsive, no logo, and a download button that saves SVG. */
export const DEFAULT_PLOTLY_CONFIG: Readonly<Record<string, unknown>> = Object.freeze({
  responsive: true,
  displaylogo: false,
  toImageButtonOptions: { format: "svg", scale: 1 },
});

export interface ChartHtmlOptions {
  /** Element id; a random one by default. */
  id?: string;
  /** CSS height of the chart's box, e.g. "420px". Defaults to the figure's layout.height or 420px. */
  height?: string;
}

/**
 * A chart as HTML: a `<div>` and a `<script>` that draws the figure into it with the page's `window.Plotly`
 * (see {@link plotlyLibraryScript}). All figure data, including user strings, is JSON-escaped for script context.
 */
export function chartHtml(figure: PlotlyFigure, options: ChartHtmlOptions = {}): string {
  const id = options.id ?? `bb-chart-${randomUUID()}`;
  const layoutHeight = typeof figure.layout?.["height"] === "number" ? `${figure.layout["height"] as number}px` : undefined;
  const height = options.height ?? layoutHeight ?? "420px";
  const payload = jsonForScript({
    data: figure.data,
    layout: figure.layout ?? {},
    config: { ...DEFAULT_PLOTLY_CONFIG, ...(figure.config ?? {}) },
  });
  const safeId = id.replace(/[^A-Za-z0-9_-]/g, "-");
  return (
    `<div id="${safeId}" class="bb-chart" style="width:100%;height:${height};"></div>` +
    `<script type="text/javascript">(function(){var el=document.getElementById(${jsonForScript(safeId)});var fig=${payload};` +
    `if(!window.Plotly){el.textContent="Chart unavailable: plotly.js was not loaded in this document (re-run the notebook from the top).";return;}` +
    `window.Plotly.newPlot(el,fig.data,fig.layout,fig.config);})();</script>`
  );
}

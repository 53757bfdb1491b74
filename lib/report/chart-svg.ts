/**
 * The charts of an analysis as SVG files, drawn by Plotly itself (`Plotly.toImage(figure, { format: "svg" })`) in a
 * headless Chromium driven by playwright-core: the same drawing as the report's camera button, without a person to
 * click it. plotly.js is the bundled `plotly.js-dist-min` (as in the reports), the page is offline and every request
 * it makes is refused, so nothing leaves the machine.
 *
 * The browser is found before anything is drawn ({@link findChromium}): `$BEDROCK_BENCH_CHROMIUM`, else
 * `/usr/bin/chromium`, else `chromium`, `chromium-browser`, `google-chrome` or `google-chrome-stable` on `PATH`. One
 * browser draws every chart and is closed whatever happens. Without one, {@link ChartSvgError} says what was looked for
 * and how to install it.
 */
import { accessSync, constants, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import type { Browser } from "playwright-core";
import { BenchError } from "../base/errors";
import { createNewDir } from "../base/output-file";
import type { AnalysisChart } from "./analysis-charts";
import { plotlyLibraryScript, type PlotlyFigure } from "./plotly-embed";

/** The environment variable naming the Chromium (or Chrome) executable that draws SVG charts. */
export const CHROMIUM_ENV = "BEDROCK_BENCH_CHROMIUM";
/** Where Debian's and Ubuntu's `chromium` package puts the browser, looked at first after {@link CHROMIUM_ENV}. */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";
/** Names looked for on `PATH`, in order. */
export const CHROMIUM_NAMES: readonly string[] = Object.freeze(["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]);

/** How to get a browser, the end of every "no browser" message. */
const INSTALL_HINT = `Install Chromium (Debian/Ubuntu: apt-get install chromium) or set ${CHROMIUM_ENV} to a Chromium or Chrome executable.`;

/** Charts could not be drawn as SVG: no headless browser found or started, or Plotly failed on a chart. */
export class ChartSvgError extends BenchError {
  override name = "ChartSvgError";
  override readonly kind = "runtime";
}

/** Width of a drawn chart in CSS pixels when its layout sets none (about a report's text column). */
export const SVG_DEFAULT_WIDTH = 960;
/** Height of a drawn chart when its layout sets none (the report's default chart box). */
export const SVG_DEFAULT_HEIGHT = 420;

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The Chromium to draw with: `$BEDROCK_BENCH_CHROMIUM` when set (and then only it), else `/usr/bin/chromium`, else the
 * first of `chromium`, `chromium-browser`, `google-chrome`, `google-chrome-stable` on `PATH`. Throws a
 * {@link ChartSvgError} naming what was looked for and how to install a browser.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env[CHROMIUM_ENV];
  if (chosen !== undefined && chosen !== "") {
    if (isExecutableFile(chosen)) return chosen;
    throw new ChartSvgError(`No headless browser to draw the charts as SVG: ${CHROMIUM_ENV}=${chosen} is not an executable file. ${INSTALL_HINT}`);
  }
  if (isExecutableFile(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
  const dirs = (env["PATH"] ?? "").split(delimiter).filter((d) => d !== "");
  for (const name of CHROMIUM_NAMES) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (isExecutableFile(path)) return path;
    }
  }
  throw new ChartSvgError(
    `No headless browser to draw the charts as SVG: looked for ${CHROMIUM_ENV} (not set), ${DEFAULT_CHROMIUM}, and ` +
      `${CHROMIUM_NAMES.join(", ")} on PATH. ${INSTALL_HINT}`,
  );
}

/** Chromium's switches: headless, no sandbox (root in containers), no GPU, nothing fetched in the background. */
export const CHROMIUM_ARGS: readonly string[] = Object.freeze([
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]);

export interface ChartSvgOptions {
  /** The browser executable (default: {@link findChromium}). */
  executablePath?: string;
  /** Environment for {@link findChromium} (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** One chart drawn: its id (the file's name) and the SVG document. */
export interface ChartSvg {
  id: string;
  svg: string;
}

interface PlotlyInPage {
  toImage(figure: PlotlyFigure, options: { format: "svg"; width: number; height: number; imageDataOnly: boolean }): Promise<string>;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.trim();
}

function dimension(layout: Record<string, unknown> | undefined, key: "width" | "height", fallback: number): number {
  const value = layout?.[key];
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * Draws every chart as an SVG document with Plotly in one headless Chromium (found by {@link findChromium} unless
 * given), offline; the browser is closed whatever happens. Nothing is written. Charts keep their order. With no chart,
 * no browser is looked for.
 */
export async function renderChartSvgs(charts: readonly AnalysisChart[], options: ChartSvgOptions = {}): Promise<ChartSvg[]> {
  if (charts.length === 0) return [];
  const executablePath = options.executablePath ?? findChromium(options.env);
  const { chromium } = await import("playwright-core");
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS], timeout: 60_000 });
  } catch (error) {
    throw new ChartSvgError(`The headless browser ${executablePath} did not start to draw the charts as SVG: ${firstLine(error)}. ${INSTALL_HINT}`, {
      cause: error,
    });
  }
  try {
    const context = await browser.newContext({ offline: true });
    const page = await context.newPage();
    await page.route("**/*", (route) => route.abort());
    await page.setContent(`<!DOCTYPE html><html><head><meta charset="utf-8">${plotlyLibraryScript()}</head><body></body></html>`, {
      waitUntil: "load",
      timeout: 60_000,
    });
    const out: ChartSvg[] = [];
    for (const chart of charts) {
      const figure: PlotlyFigure = { data: chart.figure.data, layout: chart.figure.layout ?? {}, config: { ...(chart.figure.config ?? {}), responsive: false } };
      const size = { width: dimension(figure.layout, "width", SVG_DEFAULT_WIDTH), height: dimension(figure.layout, "height", SVG_DEFAULT_HEIGHT) };
      let svg: string;
      try {
        svg = await page.evaluate(
          async ({ figure, size }) => {
            const plotly = (globalThis as unknown as { Plotly?: PlotlyInPage }).Plotly;
            if (plotly === undefined) throw new Error("plotly.js did not load in the page");
            return plotly.toImage(figure, { format: "svg", ...size, imageDataOnly: true });
          },
          { figure, size },
        );
      } catch (error) {
        throw new ChartSvgError(`Plotly could not draw the chart ${chart.id} as SVG: ${firstLine(error)}`, { cause: error });
      }
      if (!/^<svg[\s>]/.test(svg)) throw new ChartSvgError(`Plotly drew the chart ${chart.id} as something else than an SVG document`);
      out.push({ id: chart.id, svg });
    }
    return out;
  } finally {
    await browser.close().catch(() => undefined);
  }
}

/**
 * Writes each SVG as `<id>.svg` into a new folder `<parent>/<stem>` (`_2`, `_3`, … when taken: never an earlier
 * folder, see {@link createNewDir}), each file created exclusively. Returns the folder and the files, in chart order.
 */
export async function writeChartSvgs(parent: string, stem: string, svgs: readonly ChartSvg[]): Promise<{ dir: string; files: string[] }> {
  const dir = await createNewDir(parent, stem);
  const files: string[] = [];
  for (const { id, svg } of svgs) {
    const file = join(dir, `${id.replace(/[^A-Za-z0-9_.-]/g, "-")}.svg`);
    await writeFile(file, svg, { flag: "wx" });
    files.push(file);
  }
  return { dir, files };
}

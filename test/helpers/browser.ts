/// <reference lib="dom" />
import { chromium, type Browser, type Page } from "playwright-core";
import { pathToFileURL } from "node:url";

/** Debian's Chromium, started as the environment notes prescribe (no background networking, no sandbox as root). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface PageCheck {
  /** `.bb-chart` containers in the page. */
  charts: number;
  /** Of those, how many Plotly actually drew (an SVG inside). */
  renderedCharts: number;
  /** Requests for anything but the file itself, data: and blob: URLs (all were blocked). */
  externalRequests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  /** Messages of alert/confirm/prompt dialogs the page opened (each dismissed): an injected script would show here. */
  dialogs: string[];
  /** The page's visible text. */
  text: string;
  /** Number of `<script>` elements whose text contains the given marker (e.g. an injected payload). */
  scriptsContaining: (marker: string) => Promise<number>;
  /** The page itself, for checks of its own (it stays open until `close`). */
  page: Page;
  close: () => Promise<void>;
}

/**
 * Opens an HTML file in headless Chromium with the network cut off (every non-local request is aborted and recorded)
 * and reports what a person would see: charts drawn, errors in the console, requests that tried to leave the machine.
 */
export async function checkHtmlFile(browser: Browser, file: string): Promise<PageCheck> {
  const context = await browser.newContext({ offline: true });
  const page = await context.newPage();
  const externalRequests: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:") || url.startsWith("blob:") || url.startsWith("about:")) {
      await route.continue();
    } else {
      externalRequests.push(url);
      await route.abort();
    }
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 120_000 });
  const charts = await page.locator(".bb-chart").count();
  if (charts > 0) {
    await page
      .waitForFunction(
        (n) => document.querySelectorAll(".bb-chart .main-svg").length > 0 && document.querySelectorAll(".bb-chart.js-plotly-plot").length >= n,
        charts,
        { timeout: 60_000 },
      )
      .catch(() => undefined);
  }
  const renderedCharts = await page.locator(".bb-chart.js-plotly-plot").filter({ has: page.locator(".main-svg") }).count();
  const text = await page.innerText("body");
  return {
    charts,
    renderedCharts,
    externalRequests,
    consoleErrors,
    pageErrors,
    dialogs,
    text,
    scriptsContaining: (marker: string) =>
      page.evaluate((m) => Array.from(document.querySelectorAll("script")).filter((s) => (s.textContent ?? "").includes(m)).length, marker),
    page,
    close: () => context.close(),
  };
}

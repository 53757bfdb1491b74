import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { analyzeResults } from "../../lib/analysis/analyze-results";
import { writeReports } from "../../lib/report/report-files";
import { buildReport } from "../../lib/report/report";
import { REPORT_CONTENT_SECURITY_POLICY, reportHtml } from "../../lib/report/report-html";
import { checkHtmlFile, launchChromium } from "../helpers/browser";
import { HOSTILE_ERROR, HOSTILE_EXPERIMENT, HOSTILE_MODEL, HOSTILE_RUN, HOSTILE_TAGS, SCRIPT_PAYLOAD, writeHostileRun } from "../fixtures/analysis/hostile-run";
import { chartsOf } from "../../lib/report/analysis-charts";

const ANALYSIS = join(__dirname, "..", "fixtures", "analysis");
const FIXTURE = join(ANALYSIS, "runs", "20250708_120000_fixture");
const AWS_FOLDER = join(ANALYSIS, "aws-notebook");

let browser: Browser;
let dir: string;

before(async () => {
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), "bb-report-html-"));
});

after(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

test("the HTML report opens offline: every chart renders, nothing leaves the machine, no console error", async () => {
  const analysis = await analyzeResults([FIXTURE, AWS_FOLDER]);
  assert.ok(chartsOf(analysis).charts.length >= 10, `expected every chart, got ${chartsOf(analysis).charts.map((c) => c.id).join(", ")}`);
  const { html } = await writeReports(analysis, { outputDir: join(dir, "offline"), formats: ["html"] });
  const source = await readFile(html!, "utf8");
  // plotly.js is inlined exactly once, and nothing of ours points outside the file
  assert.equal(source.match(/plotly\.js, bundled by bedrock-bench/g)?.length, 1);
  const ours = source.replace(/<script type="text\/javascript">\/\* plotly\.js, bundled by bedrock-bench \*\/[\s\S]*?<\/script>/, "");
  assert.ok(ours.length < source.length / 4, "the library script was found and set aside");
  const external = /<script[^>]+src=|<link[^>]+href=|<img|@import|url\(|https?:\/\//i.exec(ours);
  assert.equal(external, null, `no reference outside the file, found ${external?.[0]}`);
  const page = await checkHtmlFile(browser, html!);
  try {
    assert.equal(page.charts, chartsOf(analysis).charts.length);
    assert.equal(page.renderedCharts, chartsOf(analysis).charts.length);
    assert.deepEqual(page.externalRequests, []);
    assert.deepEqual(page.consoleErrors, []);
    assert.deepEqual(page.pageErrors, []);
    // the page states its policy: no request of any kind may leave it
    const csp = await page.page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content"));
    assert.equal(csp, REPORT_CONTENT_SECURITY_POLICY);
    for (const heading of [
      "Findings",
      "Overview",
      "Appendix: run configuration",
      "Results per group",
      "Comparisons",
      "Errors, throttles, retries and fallbacks",
      "Cost",
      "Metric definitions and method",
    ]) {
      assert.match(page.text, new RegExp(`^${heading}$`, "m"), heading);
    }
    // the findings come first; the run configuration is a folded appendix: closed, and opened by a click without script
    assert.ok(page.text.indexOf("Findings\n") < page.text.indexOf("Overview\n"));
    assert.match(page.text, /the fastest is optimized \(us-east-1, tier default, concurrency 2, tags short, target emulator, source bedrock-bench\) with a median TTFT of 200 ms/);
    const appendix = page.page.locator("#configuration details");
    assert.equal(await appendix.evaluate((d) => (d as HTMLDetailsElement).open), false);
    assert.ok(!page.text.includes("experiment.maxAttempts"), "the configuration rows are folded away");
    await page.page.locator("#configuration summary").click();
    assert.equal(await appendix.evaluate((d) => (d as HTMLDetailsElement).open), true);
    assert.match(await page.page.innerText("#configuration"), /experiment\.maxAttempts\t2/);
    // values a reader checks: the fixture's standard TTFT p50 450 ms and the AWS sample's llama optimized TTFT_p90 0.446 s
    assert.match(page.text, /claude-3-5-haiku-20241022-v1:0 · us-east-1 · standard[^\n]*\t5\t4\t20\.0%\t20\.0%\t450\t570\t/);
    assert.match(page.text, /us\.meta\.llama3-1-70b-instruct-v1:0\tus-east-2\toptimized\t5\t0\.404\t0\.400\t0\.446\t/);
    assert.match(page.text, /R-7/);
  } finally {
    await page.close();
  }
});

test("each chart's camera button downloads an SVG, offline", async () => {
  const analysis = await analyzeResults(FIXTURE);
  const { html } = await writeReports(analysis, { outputDir: join(dir, "svg"), formats: ["html"] });
  const page = await checkHtmlFile(browser, html!);
  try {
    const first = chartsOf(analysis).charts[0]!;
    const chart = page.page.locator(`#bb-chart-${first.id}`);
    await chart.hover();
    const [download] = await Promise.all([page.page.waitForEvent("download"), chart.locator(".modebar-btn[data-title='Download plot']").first().click()]);
    assert.equal(download.suggestedFilename(), `${first.id}.svg`);
    const svg = await readFile((await download.path())!, "utf8");
    assert.match(svg, /^<svg[\s>]/);
    assert.deepEqual(page.externalRequests, []);
    assert.deepEqual(page.pageErrors, []);
  } finally {
    await page.close();
  }
});

test("model IDs, error messages, tags, run names and run.json values show as text and never run", async () => {
  const run = await writeHostileRun(join(dir, "hostile"));
  const analysis = await analyzeResults(run);
  const { html } = await writeReports(analysis, { outputDir: join(dir, "hostile-out"), formats: ["html"], title: `Report ${SCRIPT_PAYLOAD}` });
  const source = await readFile(html!, "utf8");
  assert.ok(!source.includes("must-not-appear"), "a run.json field named like a secret is masked");
  const page = await checkHtmlFile(browser, html!);
  try {
    assert.deepEqual(page.dialogs, [], "no injected script ran");
    assert.deepEqual(page.pageErrors, []);
    assert.deepEqual(page.consoleErrors, []);
    assert.deepEqual(page.externalRequests, [], "the injected <img src=x> was never requested");
    // the run configuration (the prompt, the dataset path) is in the folded appendix: open it to read it
    await page.page.locator("#configuration summary").click();
    page.text = await page.page.innerText("body");
    for (const text of [HOSTILE_MODEL, HOSTILE_ERROR, HOSTILE_TAGS, HOSTILE_RUN, HOSTILE_EXPERIMENT, `Report ${SCRIPT_PAYLOAD}`]) {
      assert.ok(page.text.includes(text), `shows as text: ${text}`);
    }
    assert.match(page.text, /Ignore this <script>alert\(1\)<\/script> prompt/);
    assert.equal(await page.page.title(), `Report ${SCRIPT_PAYLOAD}`);
    // no element came out of the payloads; the only scripts are plotly.js and one per chart
    const counts = await page.page.evaluate(() => ({
      img: document.querySelectorAll("img").length,
      bold: document.querySelectorAll("main b").length,
      scripts: document.querySelectorAll("script").length,
    }));
    assert.deepEqual(counts, { img: 0, bold: 0, scripts: chartsOf(analysis).charts.length + 1 });
    assert.equal(await page.scriptsContaining(SCRIPT_PAYLOAD), 0, "chart data escapes '<' inside scripts");
    assert.equal(page.renderedCharts, chartsOf(analysis).charts.length);
  } finally {
    await page.close();
  }
});

test("the report of AWS-notebook files says what their data cannot show", async () => {
  const analysis = await analyzeResults(AWS_FOLDER);
  const html = reportHtml(buildReport(analysis));
  assert.match(html, /Imported from the AWS latency-benchmarking notebook/);
  assert.match(html, /no decode rate recorded/);
  assert.match(html, /no cost recorded/);
  assert.match(html, /fallbacks cannot be counted/);
  // input tokens 18 and 26 fall in one power-of-two bucket (≤ 32), and the notebook records no concurrency
  assert.deepEqual(
    chartsOf(analysis).omitted.map((o) => o.id),
    ["otps-decode", "cost-vs-latency", "ttft-p90-heatmap-concurrency", "ttft-p90-heatmap-input-size"],
  );
});

/// <reference lib="dom" />
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { analyzeResults } from "../../lib/analysis/analyze-results";
import { chartsOf } from "../../lib/report/analysis-charts";
import { ChartSvgError, findChromium } from "../../lib/report/chart-svg";
import { writeReports } from "../../lib/report/report-files";
import { errorKind } from "../../lib/base/errors";
import { launchChromium } from "../helpers/browser";

const ANALYSIS = join(__dirname, "..", "fixtures", "analysis");
const FIXTURE = join(ANALYSIS, "runs", "20250708_120000_fixture");
const AWS_FOLDER = join(ANALYSIS, "aws-notebook");
const now = () => new Date(2025, 6, 9, 8, 30, 5);

let browser: Browser;
let dir: string;

before(async () => {
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), "bb-chart-svg-"));
});

after(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

interface ParsedSvg {
  root: string;
  namespace: string | null;
  parseError: string | null;
  text: string;
}

/** SVG files as an XML parser reads them (Chromium's DOMParser, one page): root element, parse error if any, text. */
async function parseSvgs(sources: string[]): Promise<ParsedSvg[]> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(
      (all) =>
        all.map((source) => {
          const doc = new DOMParser().parseFromString(source, "image/svg+xml");
          const error = doc.getElementsByTagName("parsererror")[0];
          const root = doc.documentElement;
          return { root: root.nodeName, namespace: root.namespaceURI, parseError: error ? (error.textContent ?? "error") : null, text: root.textContent ?? "" };
        }),
      sources,
    );
  } finally {
    await page.close();
  }
}

test("writeReports({ svg: true }) writes one SVG per chart, named by its id, beside the reports and never over a folder", async () => {
  const analysis = await analyzeResults([FIXTURE, AWS_FOLDER]);
  const charts = chartsOf(analysis).charts;
  assert.ok(charts.length >= 10, `expected every chart, got ${charts.map((c) => c.id).join(", ")}`);
  const out = join(dir, "reports");
  // a user's folder of the same name is kept: everything moves on to the same free suffix
  await mkdir(join(out, "analysis_report_20250709_083005_charts"), { recursive: true });
  await writeFile(join(out, "analysis_report_20250709_083005_charts", "ttft-box.svg"), "mine");
  const started = Date.now();
  const paths = await writeReports(analysis, { outputDir: out, now, svg: true });
  const seconds = (Date.now() - started) / 1000;
  assert.equal(paths.svgCharts, join(out, "analysis_report_20250709_083005_2_charts"));
  assert.equal(paths.html, join(out, "analysis_report_20250709_083005_2.html"));
  assert.equal(await readFile(join(out, "analysis_report_20250709_083005_charts", "ttft-box.svg"), "utf8"), "mine");
  const files = (await readdir(paths.svgCharts!)).sort();
  assert.deepEqual(files, charts.map((c) => `${c.id}.svg`).sort());
  const sources = await Promise.all(charts.map((chart) => readFile(join(paths.svgCharts!, `${chart.id}.svg`), "utf8")));
  const parsed = await parseSvgs(sources);
  for (const [i, chart] of charts.entries()) {
    const svg = sources[i]!;
    const doc = parsed[i]!;
    assert.match(svg, /^<svg[\s>]/, chart.id);
    assert.equal(doc.parseError, null, `${chart.id}: ${doc.parseError}`);
    assert.equal(doc.root, "svg", chart.id);
    assert.equal(doc.namespace, "http://www.w3.org/2000/svg", chart.id);
    const title = chart.title.replace(/<[^>]*>/g, "");
    assert.ok(doc.text.includes(title), `${chart.id}: the title ${JSON.stringify(title)} is drawn`);
    assert.ok(!/https?:\/\/(?!www\.w3\.org\/)/.test(svg), `${chart.id}: no reference outside the file`);
  }
  console.log(`# ${charts.length} charts drawn and written as SVG in ${seconds.toFixed(1)} s (with the reports)`);
});

test("without a browser (BEDROCK_BENCH_CHROMIUM=/nonexistent) a clear error, and nothing is written", async () => {
  const analysis = await analyzeResults(FIXTURE);
  const out = join(dir, "no-browser");
  const saved = process.env["BEDROCK_BENCH_CHROMIUM"];
  process.env["BEDROCK_BENCH_CHROMIUM"] = "/nonexistent";
  try {
    await assert.rejects(writeReports(analysis, { outputDir: out, now, svg: true }), (error: unknown) => {
      assert.ok(error instanceof ChartSvgError);
      assert.equal(errorKind(error), "runtime");
      assert.match(error.message, /No headless browser to draw the charts as SVG: BEDROCK_BENCH_CHROMIUM=\/nonexistent is not an executable file/);
      assert.match(error.message, /apt-get install chromium/);
      assert.match(error.message, /No report was written\.$/);
      return true;
    });
    await assert.rejects(readdir(out), { code: "ENOENT" });
    // without svg the same call writes the reports: only the SVGs need a browser
    const paths = await writeReports(analysis, { outputDir: out, now });
    assert.equal(paths.svgCharts, null);
    assert.ok(paths.html);
  } finally {
    if (saved === undefined) delete process.env["BEDROCK_BENCH_CHROMIUM"];
    else process.env["BEDROCK_BENCH_CHROMIUM"] = saved;
  }
});

test("the browser is looked for in BEDROCK_BENCH_CHROMIUM, then /usr/bin/chromium, then on PATH", () => {
  assert.equal(findChromium({ BEDROCK_BENCH_CHROMIUM: "/usr/bin/chromium", PATH: "" }), "/usr/bin/chromium");
  assert.equal(findChromium({ PATH: "/nonexistent" }), "/usr/bin/chromium");
  assert.throws(() => findChromium({ BEDROCK_BENCH_CHROMIUM: dir }), /BEDROCK_BENCH_CHROMIUM=.* is not an executable file/);
});

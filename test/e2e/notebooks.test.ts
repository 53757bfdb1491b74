import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Browser } from "playwright-core";
import { executeNotebook } from "../../lib/app/notebook-runner";
import type { Params } from "../../lib/app/notebook-params";
import { checkHtmlFile, launchChromium } from "../helpers/browser";

const root = join(__dirname, "..", "..");
const notebooksDir = join(root, "notebooks");
const notebooks = readdirSync(notebooksDir)
  .filter((f) => f.endsWith(".ipynb"))
  .sort();

/**
 * Headless parameters for a notebook (small, fast settings), from test/fixtures/notebook-params/<name>.json.
 * `$OUT` in a string stands for the test's temporary folder, so no test writes into the user's results folders.
 */
function paramsFor(notebook: string, out: string): Params | undefined {
  const file = join(__dirname, "..", "fixtures", "notebook-params", `${basename(notebook, ".ipynb")}.json`);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8").replaceAll("$OUT", out.replaceAll("\\", "/"))) as Params;
}

/**
 * Notebooks whose test dataset carries hostile user text (test/fixtures/notebook-run/scenarios.jsonl: a prompt with a
 * `<script>` and a tag with an `onerror` handler, both setting `window.__bbInjected`; the analysis fixture's experiment
 * name, with `<b>` tags): the text that must show, as text.
 */
const HOSTILE_TEXT: Record<string, string> = {
  "01_run_benchmark.ipynb": "<script>window.__bbInjected = true; console.error('injected')</script> & <b>bold</b>",
  // 02 analyses test/fixtures/analysis/runs/20250708_120000_fixture, whose experiment name carries markup
  "02_analyze_results.ipynb": "fixture <b>haiku</b> standard vs optimized",
};

/**
 * What a notebook shows beyond the built-in analysis: charts drawn by the notebook itself (a title they start with, and
 * the number of points they plot) and texts. 02's "Your own slice with danfo" works on recordsFrame of the fixture run:
 * 12 requests, 7 of them successful and not warm-ups.
 */
const OWN_OUTPUT: Record<string, { charts: { title: string; points: number }[]; texts: string[] }> = {
  "02_analyze_results.ipynb": {
    charts: [{ title: "Your slice: TTFT over the run", points: 7 }],
    texts: ["12 requests read; 7 successful, non-warm-up requests of", "Median TTFT per served configuration", "ttftMs_median"],
  },
};

interface NotebookJson {
  nbformat: number;
  nbformat_minor: number;
  metadata: { kernelspec?: { name?: string } };
  cells: { cell_type: string; id?: string; outputs?: unknown[]; execution_count?: number | null; source: string[] }[];
}

describe("committed notebooks", () => {
  test("there are notebooks to run", () => {
    assert.ok(notebooks.length > 0, "notebooks/ holds no .ipynb");
  });
  for (const nb of notebooks) {
    test(`${nb} is committed without outputs, with cell ids, for the tslab kernel`, () => {
      const doc = JSON.parse(readFileSync(join(notebooksDir, nb), "utf8")) as NotebookJson;
      assert.equal(doc.metadata.kernelspec?.name, "tslab");
      assert.ok(doc.nbformat > 4 || doc.nbformat_minor >= 5, "nbformat 4.5+ (cells need ids)");
      const ids = doc.cells.map((c) => c.id);
      assert.ok(ids.every((id) => typeof id === "string" && id.length > 0), "every cell has an id");
      assert.equal(new Set(ids).size, ids.length, "cell ids are unique");
      for (const cell of doc.cells.filter((c) => c.cell_type === "code")) {
        assert.deepEqual(cell.outputs, [], `a code cell carries outputs: ${cell.source.join("").slice(0, 60)}`);
        assert.equal(cell.execution_count, null);
      }
      assert.equal(doc.cells[0]?.cell_type, "markdown", "opens with an explanation of what it does and needs");
    });
  }
});

describe("every notebook runs headless and its HTML works offline", () => {
  let browser: Browser;
  let out: string;
  before(async () => {
    browser = await launchChromium();
    out = await mkdtemp(join(tmpdir(), "bb-notebooks-"));
  });
  after(async () => {
    await browser?.close();
    await rm(out, { recursive: true, force: true });
  });

  for (const nb of notebooks) {
    test(nb, async () => {
      const params = paramsFor(nb, out);
      const { htmlPath } = await executeNotebook({
        notebook: join(notebooksDir, nb),
        outputDir: out,
        ...(params ? { params } : {}),
        cellTimeoutSec: 600,
      });
      const page = await checkHtmlFile(browser, htmlPath);
      try {
        assert.deepEqual(page.externalRequests, [], "no request leaves the machine");
        assert.deepEqual(page.pageErrors, [], "no script errors");
        assert.deepEqual(page.consoleErrors, [], "no console errors");
        assert.ok(page.charts > 0, "the notebook shows at least one chart");
        assert.equal(page.renderedCharts, page.charts, "every chart is drawn");
        assert.equal(await page.scriptsContaining("plotly.js, bundled by bedrock-bench"), 1, "plotly.js is embedded exactly once");
        for (const { title, points } of OWN_OUTPUT[nb]?.charts ?? []) {
          const chart = page.page.locator(".bb-chart.js-plotly-plot", { has: page.page.locator(".gtitle", { hasText: title }) });
          assert.equal(await chart.count(), 1, `the chart '${title}…' is drawn once`);
          const plotted = await chart.evaluate((el) => (el as unknown as { data: { y: unknown[] }[] }).data.reduce((n, trace) => n + trace.y.length, 0));
          assert.equal(plotted, points, `the chart '${title}…' plots ${points} points`);
        }
        for (const text of OWN_OUTPUT[nb]?.texts ?? []) assert.ok(page.text.includes(text), `the notebook shows '${text}'`);
        const hostile = HOSTILE_TEXT[nb];
        if (hostile) {
          assert.ok(page.text.includes(hostile), `the hostile prompt shows as text: ${hostile}`);
          assert.equal(await page.page.evaluate(() => (window as unknown as { __bbInjected?: unknown }).__bbInjected), undefined, "no injected script or handler ran");
          assert.deepEqual(page.dialogs, []);
        }
      } finally {
        await page.close();
      }
    });
  }
});

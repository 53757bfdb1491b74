/**
 * The notebooks as a person runs them: JupyterLab (the project's .venv, the tslab kernel) in Chromium, each notebook
 * opened and run with Run → Run All Cells, its outputs checked in the live page. Exported HTML (notebooks.test.ts) has
 * no math typesetting and no in-place display updates: this test sees what JupyterLab does with our outputs.
 *
 * JupyterLab serves a scratch copy of notebooks/ (helpers/jupyterlab.ts: nothing a user has is saved over) on a free
 * loopback port with a random token; the notebooks get the same small parameters as the headless test
 * (test/fixtures/notebook-params/, outputs in a temporary folder), so the whole test takes well under two minutes.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Browser } from "playwright-core";
import { launchChromium } from "../helpers/browser";
import {
  absoluteNotebookPaths,
  jupyterLabMissing,
  loopbackOnlyContext,
  readNotebookState,
  runAllCells,
  scratchNotebooks,
  startJupyterLab,
  type JupyterLabServer,
  type LiveNotebookState,
} from "../helpers/jupyterlab";

const root = join(__dirname, "..", "..");

/**
 * The headless parameters of a notebook (test/fixtures/notebook-params/<name>.json; `$OUT` = the scratch folder's
 * `out/`), with paths made absolute since the notebooks run from a scratch copy; `{}` when it has none.
 */
function paramsFor(notebook: string, out: string): string {
  const file = join(__dirname, "..", "fixtures", "notebook-params", `${basename(notebook, ".ipynb")}.json`);
  if (!existsSync(file)) return "{}";
  const params = JSON.parse(readFileSync(file, "utf8").replaceAll("$OUT", out.replaceAll("\\", "/"))) as Record<string, unknown>;
  return JSON.stringify(absoluteNotebookPaths(params, join(root, "notebooks")), null, 2);
}

/** Errors JupyterLab's own code throws in the page, not our outputs': its debugger asks tslab for a session it lacks. */
const JUPYTERLAB_NOISE = [/^No active debugger session$/];

/** What each notebook must show besides the common checks. */
const EXPECTED: Record<string, { charts: boolean; progress?: boolean; text?: string[] }> = {
  "00_environment_check.ipynb": { charts: true },
  // The run summary's cost line carries two dollar amounts: JupyterLab's MathJax read "$0.09…, estimated $" as math.
  "01_run_benchmark.ipynb": { charts: true, progress: true, text: ["measured $", "estimated $"] },
  "02_analyze_results.ipynb": { charts: true },
};

const CELLS_TIMEOUT_MS = 180_000;

// Where the set-up could not install JupyterLab (no pip: Debian's classic Notebook), skip, saying why; never on CI.
const missing = jupyterLabMissing(root);
const skip = missing !== undefined && !process.env["CI"] ? missing : false;

describe("the notebooks in a live JupyterLab, in Chromium", { skip }, () => {
  let browser: Browser | undefined;
  let lab: JupyterLabServer | undefined;
  let scratch: ReturnType<typeof scratchNotebooks> | undefined;
  let paramsFile = "";

  before(async () => {
    scratch = scratchNotebooks(root);
    paramsFile = join(scratch.dir, "params.json");
    writeFileSync(paramsFile, "{}");
    // One server for all notebooks: each test writes its notebook's parameters before running it (read by its first cell).
    lab = await startJupyterLab({ rootDir: scratch.dir, projectRoot: root, env: { BEDROCK_BENCH_PARAMS: paramsFile } });
    browser = await launchChromium();
  });

  after(async () => {
    // Whatever happened: the browser, then the server and its kernels, then the scratch folder.
    await browser?.close().catch(() => undefined);
    await lab?.stop();
    scratch?.remove();
  });

  for (const [notebook, expected] of Object.entries(EXPECTED)) {
    test(notebook, { timeout: CELLS_TIMEOUT_MS + 120_000 }, async () => {
      assert.ok(browser && lab && scratch, "JupyterLab and Chromium started");
      writeFileSync(paramsFile, paramsFor(notebook, join(scratch.dir, "out")));
      const { context, blocked } = await loopbackOnlyContext(browser);
      const pageErrors: string[] = [];
      let state: LiveNotebookState | undefined;
      try {
        const page = await context.newPage();
        page.on("pageerror", (err) => {
          if (!JUPYTERLAB_NOISE.some((noise) => noise.test(err.message))) pageErrors.push(err.message);
        });
        try {
          await runAllCells(page, lab.notebookUrl(notebook), CELLS_TIMEOUT_MS);
        } catch (err) {
          const now = await readNotebookState(page).catch(() => undefined);
          throw new Error(`${notebook} did not finish: prompts ${JSON.stringify(now?.prompts)}, errors ${JSON.stringify(now?.errors)}\n${String(err)}\n${lab.log()}`);
        }
        if (expected.charts) {
          // Plotly draws in the cell's script, asynchronously: bounded wait until every chart has its SVG.
          await page
            .waitForFunction(
              () => {
                const charts = document.querySelectorAll(".jp-OutputArea-output .bb-chart");
                return charts.length > 0 && Array.from(charts).every((c) => c.classList.contains("js-plotly-plot") && c.querySelector(".main-svg"));
              },
              undefined,
              { timeout: 30_000, polling: 250 },
            )
            .catch(() => undefined);
        }
        // Typesetting runs after an output is attached (MathJax loads lazily): give it time to show up if it would.
        await page.waitForTimeout(1500);
        state = await readNotebookState(page);
        const injected = await page.evaluate(() => (window as unknown as { __bbInjected?: unknown }).__bbInjected);
        assert.equal(injected, undefined, "no script or handler from user text ran");
      } finally {
        await context.close().catch(() => undefined);
        await lab.shutDownKernels().catch(() => undefined);
      }

      assert.deepEqual(state.errors, [], "no cell shows an error");
      assert.ok(state.prompts.every((p) => /^\[\d+\]:$/.test(p)), `every code cell ran: ${state.prompts.join(" ")}`);
      assert.deepEqual(state.mathInOutputs, [], "no math typesetting inside any output");
      if (expected.charts) {
        assert.ok(state.charts > 0, "the notebook shows at least one chart");
        assert.equal(state.renderedCharts, state.charts, "Plotly drew every chart (.js-plotly-plot with .main-svg)");
      }
      assert.ok(state.tables.length > 0, "the notebook shows tables");
      for (const t of state.tables) assert.ok(t.rows > 0, `table "${t.caption}" has rows`);
      for (const text of expected.text ?? []) assert.ok(state.outputText.includes(text), `the outputs show "${text}" as text`);
      if (expected.progress) {
        // tslab's newDisplay + update_display_data: one progress output, updated in place to its final state.
        assert.equal(state.progress.length, 1, `one progress box, not one per update: ${JSON.stringify(state.progress)}`);
        const [progress] = state.progress;
        assert.equal(progress?.status, "finished");
        assert.match(progress?.text ?? "", /(\d+) \/ \1 requests \(100%\)/);
        assert.equal(state.outputsPerCell[progress!.cell], 2, "the run cell shows the progress box and the run table only");
      }
      assert.deepEqual(pageErrors, [], "no script errors in the page");
      assert.deepEqual(blocked, [], "nothing requested off the loopback interface");
    });
  }
});

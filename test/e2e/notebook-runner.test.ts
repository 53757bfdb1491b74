import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotebookExecutionError, copyWithoutOverwrite, executeNotebook, failureSummary, jupyterPython } from "../../lib/app/notebook-runner";

function notebookJson(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source })),
    metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

describe("executeNotebook", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "bb-nbrunner-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("a failing cell fails the run; the error names the cell and its exception text; the partial notebook is kept aside", async () => {
    const nb = join(dir, "broken.ipynb");
    // The message is computed, so it can only reach the error through the kernel's exception, not the cell's source.
    await writeFile(nb, notebookJson(["const ok: number = 1 + 1;", 'throw new Error(["broken", "cell", 6 * 7].join("-"));']));
    await assert.rejects(executeNotebook({ notebook: nb, outputDir: join(dir, "failed") }), (err: unknown) => {
      assert.ok(err instanceof NotebookExecutionError);
      assert.match(err.message, /cell 2 \(id c1\) failed/);
      assert.match(err.message, /Error: broken-cell-42/);
      assert.match(err.message, /broken_FAILED\.html/);
      return true;
    });
    assert.equal(existsSync(join(dir, "failed", "broken.html")), false, "no report for a failed run");
    assert.match(readFileSync(join(dir, "failed", "broken_FAILED.html"), "utf8"), /broken-cell-42/, "the partial notebook shows the error");
  });

  test("parameters reach the notebook and a second export does not overwrite the first", async () => {
    const nb = join(dir, "params.ipynb");
    await writeFile(
      nb,
      notebookJson([
        'import * as fs from "fs";\nconst p = JSON.parse(fs.readFileSync(process.env.BEDROCK_BENCH_PARAMS!, "utf8"));\nconsole.log(`marker-${p.answer * 2}`);',
      ]),
    );
    const first = await executeNotebook({ notebook: nb, outputDir: join(dir, "out"), params: { answer: 21 } });
    const second = await executeNotebook({ notebook: nb, outputDir: join(dir, "out"), params: { answer: 50 } });
    assert.notEqual(first.htmlPath, second.htmlPath);
    assert.match(readFileSync(first.htmlPath, "utf8"), /marker-42/);
    assert.match(readFileSync(second.htmlPath, "utf8"), /marker-100/);
    assert.deepEqual((await readdir(join(dir, "out"))).sort(), ["params.html", "params_2.html"]);
  });
});

describe("copyWithoutOverwrite", () => {
  test("numbers the copy instead of replacing an existing file", async () => {
    const d = await mkdtemp(join(tmpdir(), "bb-copy-"));
    try {
      const src = join(d, "src.txt");
      await writeFile(src, "new");
      await writeFile(join(d, "report.html"), "old");
      const dest = await copyWithoutOverwrite(src, d, "report", ".html");
      assert.equal(dest, join(d, "report_2.html"));
      assert.equal(readFileSync(join(d, "report.html"), "utf8"), "old");
      assert.equal(readFileSync(dest, "utf8"), "new");
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});

describe("failureSummary", () => {
  test("a failed cell: the cell, its first line and the end of its error text", () => {
    const error = Array.from({ length: 50 }, (_, i) => `  at frame ${i}`);
    const text = ["[NbClientApp] Executing x.ipynb", "cell 3 (id ab12) failed:", "const a = 1;", "const b = a.c.d;", "------------------", "TypeError: boom", ...error].join("\n");
    const summary = failureSummary("x.ipynb", 3, text);
    const lines = summary.split("\n");
    assert.equal(lines[0], "Notebook x.ipynb failed: cell 3 (id ab12) failed:");
    assert.equal(lines[1], "  const a = 1; …");
    assert.equal(lines[2], "…");
    assert.equal(lines.length, 3 + 40, "the last 40 lines of the error");
    assert.equal(lines[lines.length - 1], "  at frame 49");
  });

  test("a timeout says so", () => {
    assert.equal(failureSummary("x.ipynb", 3, "a cell ran longer than 5 s: Cell execution timed out"), "Notebook x.ipynb failed: a cell ran longer than 5 s: Cell execution timed out");
  });

  test("Jupyter not running at all: its last line and how to set it up, no traceback", () => {
    const text = "Traceback (most recent call last):\n  File \"x.py\", line 1\njupyter_client.kernelspec.NoSuchKernel: No such kernel named tslab\n";
    assert.equal(
      failureSummary("x.ipynb", 1, text),
      "Jupyter could not run x.ipynb: jupyter_client.kernelspec.NoSuchKernel: No such kernel named tslab. Is Jupyter installed with the tslab kernel? Run 'npm run setup' (or set BEDROCK_BENCH_PYTHON to a Python with Jupyter).",
    );
  });
});

test("jupyterPython: BEDROCK_BENCH_PYTHON wins over the Python the set-up script recorded, which wins over .venv/", async () => {
  const root = await mkdtemp(join(tmpdir(), "bb-py-"));
  try {
    await mkdir(join(root, ".jupyter"), { recursive: true });
    await writeFile(join(root, ".jupyter", "python-path"), "/opt/recorded/python3\n");
    assert.equal(jupyterPython(root, {}), "/opt/recorded/python3");
    assert.equal(jupyterPython(root, { BEDROCK_BENCH_PYTHON: "/home/me/venv/bin/python" }), "/home/me/venv/bin/python");
    // nothing recorded: the project's .venv (where the set-up installs JupyterLab), if there is one
    await rm(join(root, ".jupyter"), { recursive: true });
    await mkdir(join(root, ".venv", "bin"), { recursive: true });
    await writeFile(join(root, ".venv", "bin", "python"), "");
    assert.equal(jupyterPython(root, {}), join(root, ".venv", "bin", "python"));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

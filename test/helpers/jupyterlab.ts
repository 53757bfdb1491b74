/// <reference lib="dom" />
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { jupyterEnv, jupyterPython } from "../../lib/app/notebook-runner";

/** A free TCP port on the loopback interface (the OS picks it; closed again before Jupyter binds it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Why the live JupyterLab test cannot run here, or undefined when it can: the Python the set-up recorded has no
 * JupyterLab only where the set-up fell back to Debian's packages (no pip). On CI that is a failure, not a skip.
 */
export function jupyterLabMissing(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const python = jupyterPython(root, env);
  const found = spawnSync(python, ["-c", "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('jupyterlab') else 1)"], {
    stdio: "ignore",
    timeout: 30_000,
  });
  if (found.status === 0) return undefined;
  return `JupyterLab is not installed for ${python} (the set-up fell back to Debian's packages; see .jupyter/no-venv, then npm run setup)`;
}

/**
 * A scratch copy of the project's notebooks for a live JupyterLab (which saves what it runs: nothing a user has is
 * touched), in a fresh folder under the project's git-ignored `tmp/`: inside the project, so the kernel finds
 * `bedrock-bench` and its dependencies in the project's node_modules exactly as from `notebooks/` (a copy elsewhere with a
 * linked node_modules makes tslab's compiler reject types it cannot name through that link). The notebooks' relative
 * paths do not resolve from there: give them absolute ones ({@link absoluteNotebookPaths}).
 */
export function scratchNotebooks(root: string): { dir: string; remove: () => void } {
  mkdirSync(join(root, "tmp"), { recursive: true });
  const dir = mkdtempSync(join(root, "tmp", "jupyterlab-"));
  for (const name of readdirSync(join(root, "notebooks")).filter((f) => f.endsWith(".ipynb"))) {
    copyFileSync(join(root, "notebooks", name), join(dir, name));
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Notebook parameters with every string (or string in an array) that starts with `./` or `../` resolved against `notebooks/`. */
export function absoluteNotebookPaths(params: Record<string, unknown>, notebooksDir: string): Record<string, unknown> {
  const abs = (v: unknown): unknown => (typeof v === "string" && /^\.\.?\//.test(v) ? resolve(notebooksDir, v) : v);
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v.map(abs) : abs(v)]));
}

export interface JupyterLabServer {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  readonly token: string;
  /** The URL that opens a notebook (path relative to the server's root folder) in JupyterLab, token included. */
  notebookUrl(path: string): string;
  /** GET/POST/DELETE on the server's REST API with the token. */
  api(method: string, path: string): Promise<unknown>;
  /** Shuts down the notebook's kernel sessions (keeps the server). */
  shutDownKernels(): Promise<void>;
  /** What the server printed (stdout and stderr) but its info lines, for failure messages. */
  log(): string;
  /** Shuts the server and its kernels down (REST, then SIGTERM, then SIGKILL of its process group), bounded. */
  stop(): Promise<void>;
}

export interface StartJupyterLabOptions {
  /** The folder JupyterLab serves (`--ServerApp.root_dir`). */
  rootDir: string;
  /** Project root, whose `.jupyter/` holds the tslab kernel and the recorded Python. */
  projectRoot: string;
  /** Extra environment for the server and its kernels. */
  env?: NodeJS.ProcessEnv;
  /** Bound on the start-up. Default 90 s. */
  startTimeoutMs?: number;
}

/**
 * Starts JupyterLab (the Python `scripts/setup-jupyter.sh` recorded) on a free loopback port with a random token, its
 * configuration, data, runtime, settings and workspace folders in a temporary folder (nothing in the user's home), the
 * project's tslab kernel on JUPYTER_PATH, and no update or news checks. Resolves once the REST API answers.
 */
export async function startJupyterLab(options: StartJupyterLabOptions): Promise<JupyterLabServer> {
  const port = await freeLoopbackPort();
  const token = randomBytes(24).toString("hex");
  const home = mkdtempSync(join(tmpdir(), "bb-jupyterlab-home-"));
  const baseUrl = `http://127.0.0.1:${port}`;
  const args = [
    "-m",
    "jupyterlab",
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--ServerApp.port_retries=0",
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${options.rootDir}`,
    `--LabApp.user_settings_dir=${join(home, "settings")}`,
    `--LabApp.workspaces_dir=${join(home, "workspaces")}`,
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.news_url=",
    ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
  ];
  const env: NodeJS.ProcessEnv = {
    ...jupyterEnv(options.projectRoot),
    JUPYTER_CONFIG_DIR: join(home, "config"),
    JUPYTER_DATA_DIR: join(home, "data"),
    JUPYTER_RUNTIME_DIR: join(home, "runtime"),
    ...(options.env ?? {}),
  };
  const child: ChildProcess = spawn(jupyterPython(options.projectRoot), args, {
    cwd: options.rootDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so the kernels it started can be ended with it
  });
  const chunks: string[] = [];
  child.stdout?.on("data", (d: Buffer) => chunks.push(d.toString("utf8")));
  child.stderr?.on("data", (d: Buffer) => chunks.push(d.toString("utf8")));
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", () => {
      exited = true;
      resolve();
    });
    child.once("error", (err) => {
      chunks.push(`spawn error: ${err.message}\n`);
      exited = true;
      resolve();
    });
  });
  // Its warnings and errors (not the info lines about every kernel connection), the last ones.
  const log = (): string =>
    chunks
      .join("")
      .split("\n")
      .filter((line) => !line.startsWith("[I "))
      .join("\n")
      .slice(-6000);

  const api = async (method: string, path: string): Promise<unknown> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { Authorization: `token ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}`);
    const text = await res.text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  };

  const stop = async (): Promise<void> => {
    try {
      if (!exited) {
        // Graceful: the server shuts its kernels down and exits.
        await api("POST", "/api/shutdown").catch(() => undefined);
        await Promise.race([exit, sleep(10_000)]);
      }
      if (!exited && child.pid !== undefined) {
        killGroup(child.pid, "SIGTERM");
        await Promise.race([exit, sleep(5_000)]);
      }
      if (!exited && child.pid !== undefined) {
        killGroup(child.pid, "SIGKILL");
        await Promise.race([exit, sleep(5_000)]);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`JupyterLab exited during start-up:\n${log()}`);
    }
    const ready = await api("GET", "/api/status").then(
      () => true,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`JupyterLab did not answer on ${baseUrl} within ${options.startTimeoutMs ?? 90_000} ms:\n${log()}`);
    }
    await sleep(250);
  }

  return {
    baseUrl,
    token,
    notebookUrl: (path) =>
      // A fresh workspace per page, so JupyterLab does not reopen (and start kernels for) what an earlier page had open.
      `${baseUrl}/lab/workspaces/bb-${randomBytes(6).toString("hex")}/tree/${path.split("/").map(encodeURIComponent).join("/")}?reset&token=${token}`,
    api,
    shutDownKernels: async () => {
      const sessions = (await api("GET", "/api/sessions")) as { id: string }[];
      for (const s of sessions) await api("DELETE", `/api/sessions/${s.id}`).catch(() => undefined);
    },
    log,
    stop,
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** What a notebook shows after "Run All Cells" in JupyterLab, read from the page. */
export interface LiveNotebookState {
  codeCells: number;
  /** Input prompts of the code cells, e.g. `[3]:`, `[*]:`, `[ ]:`. */
  prompts: string[];
  /** Texts of error outputs (exceptions and anything written to stderr), by cell. */
  errors: { cell: number; text: string }[];
  /** `.bb-chart` containers in outputs, and how many of them Plotly drew (`.js-plotly-plot` with a `.main-svg`). */
  charts: number;
  renderedCharts: number;
  /** Elements of math typesetting (MathJax 2/3, KaTeX) inside outputs, with the output text they replaced. */
  mathInOutputs: { tag: string; cell: number; text: string }[];
  /** Progress boxes (`.bb-progress`) per cell index; their statuses and texts. */
  progress: { cell: number; status: string; text: string }[];
  /** Tables (`.bb-table`) in outputs: caption and number of body rows. */
  tables: { cell: number; caption: string; rows: number }[];
  /** Number of outputs per code cell. */
  outputsPerCell: number[];
  /** The visible text of all outputs. */
  outputText: string;
}

/** Reads {@link LiveNotebookState} from the notebook open in `page`. */
export function readNotebookState(page: Page): Promise<LiveNotebookState> {
  return page.evaluate(() => {
    const panel = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook") ?? document;
    const cells = Array.from(panel.querySelectorAll(".jp-CodeCell"));
    const state = {
      codeCells: cells.length,
      prompts: cells.map((c) => (c.querySelector(".jp-InputArea-prompt")?.textContent ?? "").trim()),
      errors: [] as { cell: number; text: string }[],
      charts: 0,
      renderedCharts: 0,
      mathInOutputs: [] as { tag: string; cell: number; text: string }[],
      progress: [] as { cell: number; status: string; text: string }[],
      tables: [] as { cell: number; caption: string; rows: number }[],
      outputsPerCell: [] as number[],
      outputText: "",
    };
    // Text content without scripts and styles (innerText is empty for cells scrolled off screen: content-visibility).
    const textOf = (el: Element): string => {
      const parts: string[] = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.parentElement?.closest("script, style")) parts.push(n.textContent ?? "");
      }
      return parts.join("");
    };
    const texts: string[] = [];
    cells.forEach((cell, index) => {
      const outputs = Array.from(cell.querySelectorAll(".jp-OutputArea-output"));
      state.outputsPerCell.push(outputs.length);
      for (const out of outputs) {
        texts.push(textOf(out));
        if (out.getAttribute("data-mime-type") === "application/vnd.jupyter.stderr" || out.querySelector(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']")) {
          state.errors.push({ cell: index, text: textOf(out).slice(0, 2000) });
        }
        const charts = Array.from(out.querySelectorAll(".bb-chart"));
        state.charts += charts.length;
        state.renderedCharts += charts.filter((c) => c.classList.contains("js-plotly-plot") && c.querySelector(".main-svg")).length;
        for (const m of Array.from(out.querySelectorAll("mjx-container, .MathJax, .MathJax_Display, .MathJax_Preview, .MathJax_CHTML, .MathJax_SVG, .katex, .katex-display"))) {
          const around = m.closest("td, th, p, li") ?? m.parentElement;
          state.mathInOutputs.push({ tag: m.tagName.toLowerCase(), cell: index, text: (around?.textContent ?? "").replace(/\s+/g, " ").slice(0, 200) });
        }
        for (const p of Array.from(out.querySelectorAll(".bb-progress"))) {
          state.progress.push({ cell: index, status: p.getAttribute("data-status") ?? "", text: textOf(p) });
        }
        for (const t of Array.from(out.querySelectorAll("table.bb-table"))) {
          state.tables.push({ cell: index, caption: (t.querySelector("caption")?.textContent ?? "").trim(), rows: t.querySelectorAll("tbody tr").length });
        }
      }
    });
    state.outputText = texts.join("\n");
    return state;
  });
}

/** A context whose every request off the loopback interface is aborted and recorded (use it for the pages read here). */
export async function loopbackOnlyContext(browser: Browser): Promise<{ context: BrowserContext; blocked: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  // tsx compiles functions passed to page.evaluate with esbuild's keepNames, which calls a `__name` helper the page lacks.
  await context.addInitScript("globalThis.__name = globalThis.__name || ((fn) => fn);");
  const blocked: string[] = [];
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    let host = "";
    try {
      host = new URL(url).hostname;
    } catch {
      // data:, blob:, about: have no host
    }
    if (host === "" || host === "127.0.0.1" || host === "localhost" || host === "[::1]") {
      await route.continue();
    } else {
      blocked.push(url);
      await route.abort();
    }
  });
  return { context, blocked };
}

/**
 * Opens a notebook in JupyterLab and runs every cell as a person would (menu Run → Run All Cells), then waits, bounded,
 * until no cell shows `[*]` and every code cell has run (or a cell failed, which stops the rest).
 */
export async function runAllCells(page: Page, url: string, timeoutMs: number): Promise<void> {
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: 60_000 });
  await page.locator(".jp-NotebookPanel .jp-CodeCell").first().waitFor({ state: "visible", timeout: 60_000 });
  // Wait for the notebook's own kernel (tslab, "TypeScript") to be connected and idle: "Run All Cells" before that
  // asks which kernel to start instead of running.
  await page.waitForFunction(
    () => /TypeScript \| Idle/.test((document.querySelector("#jp-main-statusbar") as HTMLElement | null)?.innerText ?? ""),
    undefined,
    { timeout: 60_000, polling: 250 },
  );
  await page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click({ timeout: 30_000 });
  await page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click({ timeout: 30_000 });
  await page.waitForFunction(
    () => {
      const cells = Array.from(document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell"));
      const prompts = cells.map((c) => (c.querySelector(".jp-InputArea-prompt")?.textContent ?? "").trim());
      if (prompts.length === 0 || prompts.some((p) => p.includes("*"))) return false;
      const failed = cells.some((c) => c.querySelector(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"));
      return failed || prompts.every((p) => /^\[\d+\]:$/.test(p));
    },
    undefined,
    { timeout: timeoutMs, polling: 250 },
  );
}

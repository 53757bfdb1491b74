/**
 * `npm run bench:analysis`: time and peak memory to load and summarise 1,000,000 request records.
 * Goal (issue 5): ≤ 10 s and ≤ 1.5 GiB.
 *
 * Generates a realistic requests.csv in a temporary folder (not timed), then measures it in fresh child processes,
 * one after the other, so each measurement starts cold and its peak RSS (getrusage maxrss) is its own. Reports every
 * run, the median and the spread: the machine is shared, so one run is not a figure.
 *
 *   npm run bench:analysis -- [--records 1000000] [--runs 3] [--file existing.csv] [--keep]
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeLargeRequestsCsv } from "./analysis-fixture";
import { loadResults } from "../lib/analysis/results-loader";
import { summarize } from "../lib/analysis/summary";
import { compareResults } from "../lib/analysis/comparison";
import { analysisCharts } from "../lib/report/analysis-charts";

const GOAL_SECONDS = 10;
const GOAL_BYTES = 1.5 * 1024 ** 3;
const MiB = 1024 ** 2;

interface Measurement {
  records: number;
  groups: number;
  loadMs: number;
  summarizeMs: number;
  /** load + summarise: what the goal is about. */
  goalMs: number;
  comparisonsMs: number;
  chartsMs: number;
  analyzeMs: number;
  peakRssBytes: number;
  peakHeapBytes: number;
  baselineRssBytes: number;
}

async function measure(file: string): Promise<Measurement> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baselineRssBytes = process.memoryUsage().rss;
  let peakHeapBytes = 0;
  const sample = () => {
    const heap = process.memoryUsage().heapUsed;
    if (heap > peakHeapBytes) peakHeapBytes = heap;
  };
  const sampler = setInterval(sample, 5);
  const t0 = performance.now();
  const set = await loadResults(file);
  sample();
  const t1 = performance.now();
  const rows = summarize(set);
  sample();
  const t2 = performance.now();
  const comparisons = compareResults(set);
  const t3 = performance.now();
  const charts = analysisCharts(set.groups, rows);
  JSON.stringify(charts.map((c) => c.figure));
  sample();
  const t4 = performance.now();
  clearInterval(sampler);
  if (comparisons.length === 0 || rows.length === 0) throw new Error("the benchmark file produced no groups");
  return {
    records: set.recordCount,
    groups: set.groups.length,
    loadMs: t1 - t0,
    summarizeMs: t2 - t1,
    goalMs: t2 - t0,
    comparisonsMs: t3 - t2,
    chartsMs: t4 - t3,
    analyzeMs: t4 - t0,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    peakHeapBytes,
    baselineRssBytes,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: "string", default: "1000000" },
      runs: { type: "string", default: "3" },
      file: { type: "string" },
      keep: { type: "boolean", default: false },
      measure: { type: "string" },
    },
  });
  if (values.measure) {
    process.stdout.write(`${JSON.stringify(await measure(values.measure))}\n`);
    return;
  }
  const records = Number(values.records);
  const runs = Number(values.runs);
  if (!Number.isInteger(records) || records < 1) throw new Error(`--records: expected an integer ≥ 1, got ${values.records}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected an integer ≥ 1, got ${values.runs}`);
  const dir = values.file ? null : await mkdtemp(join(tmpdir(), "bb-bench-analysis-"));
  const file = values.file ?? join(dir!, "requests.csv");
  try {
    if (!values.file) {
      const t = performance.now();
      const bytes = await writeLargeRequestsCsv(file, records);
      console.log(`generated ${records.toLocaleString("en-US")} records, ${mib(bytes)}, in ${seconds(performance.now() - t)}: ${file}`);
    } else {
      console.log(`using ${file} (${mib((await stat(file)).size)})`);
    }
    const results: Measurement[] = [];
    for (let r = 1; r <= runs; r++) {
      const child = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", __filename, "--measure", file], {
        encoding: "utf8",
        maxBuffer: 1 << 20,
      });
      if (child.status !== 0) throw new Error(`measurement ${r} failed (exit ${String(child.status)}):\n${child.stderr}`);
      const m = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as Measurement;
      results.push(m);
      console.log(
        `run ${r}: load ${seconds(m.loadMs)} + summarise ${seconds(m.summarizeMs)} = ${seconds(m.goalMs)}; ` +
          `comparisons ${seconds(m.comparisonsMs)}, charts ${seconds(m.chartsMs)}; ` +
          `peak RSS ${mib(m.peakRssBytes)} (start ${mib(m.baselineRssBytes)}), peak heap ${mib(m.peakHeapBytes)}; ` +
          `${m.records.toLocaleString("en-US")} records in ${m.groups} groups`,
      );
    }
    const goal = results.map((m) => m.goalMs);
    const rss = results.map((m) => m.peakRssBytes);
    const heap = results.map((m) => m.peakHeapBytes);
    const all = results.map((m) => m.analyzeMs);
    console.log("");
    console.log(`load + summarise: median ${seconds(median(goal))} (min ${seconds(Math.min(...goal))}, max ${seconds(Math.max(...goal))}) — ${(median(goal) / 1000 / GOAL_SECONDS).toFixed(2)}× the ${GOAL_SECONDS} s goal`);
    console.log(`peak RSS: median ${mib(median(rss))} (min ${mib(Math.min(...rss))}, max ${mib(Math.max(...rss))}) — ${(median(rss) / GOAL_BYTES).toFixed(2)}× the 1.5 GiB goal`);
    console.log(`peak heap: median ${mib(median(heap))} (min ${mib(Math.min(...heap))}, max ${mib(Math.max(...heap))})`);
    console.log(`whole analysis (load, summary, comparisons, charts): median ${seconds(median(all))}`);
    const met = median(goal) <= GOAL_SECONDS * 1000 && Math.max(...rss) <= GOAL_BYTES;
    console.log(met ? "goal met" : "GOAL MISSED");
    if (!met) process.exitCode = 1;
  } finally {
    if (dir && !values.keep) await rm(dir, { recursive: true, force: true });
    else if (dir) console.log(`kept ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

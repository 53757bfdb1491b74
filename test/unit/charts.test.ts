import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  binSeconds,
  boxStatistics,
  costLatencyChart,
  ecdfChart,
  errorClassChart,
  heatmapColumnsAvailable,
  inputSizeBucket,
  latencyDistributionChart,
  latencyHeatmap,
  latencyOverTimeChart,
  otpsChart,
  paretoFront,
  plotlyText,
  axisLabel,
  representativeValues,
  throughputOverTimeChart,
} from "../../lib/report/charts";
import { loadResults } from "../../lib/analysis/results-loader";
import { groupRecords } from "../../lib/analysis/request-groups";
import { summarize } from "../../lib/analysis/summary";
import { modelPalette, seriesColor } from "../../lib/report/palette";
import type { PlotlyFigure } from "../../lib/report/plotly-embed";
import { failedRecord, successRecord } from "../fixtures/analysis/synthetic-records";

const FIXTURE = join(__dirname, "..", "fixtures", "analysis", "runs", "20250708_120000_fixture");
const AWS_SAMPLE = join(__dirname, "..", "fixtures", "analysis", "aws-notebook", "invocations_20250708_111100.csv");

type Trace = Record<string, unknown>;
const traces = (f: PlotlyFigure) => f.data as Trace[];
const annotation = (f: PlotlyFigure) => ((f.layout?.["annotations"] as { text: string }[] | undefined) ?? [])[0]?.text;

function assertSvgDownload(f: PlotlyFigure): void {
  assert.equal((f.config?.["toImageButtonOptions"] as { format: string }).format, "svg");
  assert.doesNotThrow(() => JSON.stringify(f));
}

test("representative values are evenly spaced order statistics, ends included", () => {
  const sorted = Float64Array.from({ length: 11 }, (_, i) => i * 10);
  assert.equal(representativeValues(sorted, 20), sorted);
  // indices round(j·10/2) = 0, 5, 10
  assert.deepEqual(Array.from(representativeValues(sorted, 3)), [0, 50, 100]);
});

test("box statistics: R-7 quartiles and Tukey fences at the last data within 1.5 IQR", () => {
  // [1, 2, 3, 4, 100]: q1 (h=1) 2, q3 (h=3) 4, IQR 2 → fences −1 and 7 → whiskers at 1 and 4; mean 110/5 = 22
  assert.deepEqual(boxStatistics(Float64Array.from([1, 2, 3, 4, 100])), { q1: 2, median: 3, q3: 4, lowerfence: 1, upperfence: 4, mean: 22 });
});

test("box and violin charts per group, coloured by model and config", async () => {
  const { groups } = await loadResults(FIXTURE);
  const box = latencyDistributionChart(groups, { metric: "ttftMs" });
  assertSvgDownload(box);
  const [standard, optimized] = traces(box);
  // standard TTFT 300 400 500 600: q1 (h=.75) 375, median 450, q3 (h=2.25) 525
  assert.deepEqual([standard!["q1"], standard!["median"], standard!["q3"]], [[375], [450], [525]]);
  assert.deepEqual([optimized!["q1"], optimized!["median"], optimized!["q3"]], [[175], [200], [225]]);
  const palette = modelPalette(groups.map((g) => g.key));
  assert.equal((standard!["marker"] as { color: string }).color, seriesColor(palette, groups[0]!.key));
  assert.notEqual((standard!["marker"] as { color: string }).color, (optimized!["marker"] as { color: string }).color);
  const big = groupRecords(Array.from({ length: 5000 }, (_, i) => successRecord({ ttftMs: 100 + (i % 997), totalMs: 2000 })));
  const violin = latencyDistributionChart(big, { kind: "violin", maxPoints: 300 });
  assert.equal(traces(violin)[0]!["type"], "violin");
  assert.equal((traces(violin)[0]!["x"] as number[]).length, 300);
  assert.equal(traces(violin)[0]!["orientation"], "h");
  // total 1300…2600 with one value beyond q3 + 1.5 IQR? q1 1375, q3 1775, IQR 400 → upper fence 2375: 2600 is an outlier
  const total = latencyDistributionChart(groups, { metric: "totalMs" });
  assert.deepEqual(traces(total)[1]!["x"], [2600]);
  // one horizontal band per group, first on top, labels wrapped at their " · " separators
  assert.deepEqual(traces(total)[0]!["y"], ["claude-3-5-haiku-20241022-v1:0<br>standard"]);
  assert.equal((total.layout?.["yaxis"] as { autorange: string }).autorange, "reversed");
});

test("ECDF lines end at 1 and are downsampled for large groups", async () => {
  const { groups } = await loadResults(FIXTURE);
  const ecdf = ecdfChart(groups);
  assertSvgDownload(ecdf);
  assert.deepEqual(traces(ecdf)[0]!["x"], [300, 400, 500, 600]);
  assert.deepEqual(traces(ecdf)[0]!["y"], [0.25, 0.5, 0.75, 1]);
  const big = groupRecords(Array.from({ length: 10_000 }, (_, i) => successRecord({ ttftMs: i, totalMs: 20_000 })));
  const line = traces(ecdfChart(big, { maxPoints: 100 }))[0]!;
  assert.equal((line["x"] as number[]).length, 100);
  assert.equal((line["y"] as number[]).at(-1), 1);
  assert.equal((line["x"] as number[]).at(-1), 9999);
});

test("OTPS bars show the median with asymmetric 95% CI bars; decode and end-to-end rates are named", async () => {
  const { groups } = await loadResults(FIXTURE);
  const decode = otpsChart(groups, { rate: "decode" });
  assertSvgDownload(decode);
  const bar = traces(decode)[0]!;
  assert.deepEqual(bar["x"], [100.75, 101]); // hand-computed decode medians of the summary test
  const errors = bar["error_x"] as { array: number[]; arrayminus: number[] };
  assert.ok([...errors.array, ...errors.arrayminus].every((v) => v >= 0));
  assert.match(String((decode.layout?.["title"] as { text: string }).text), /^Decode rate/);
  const imported = await loadResults(AWS_SAMPLE);
  assert.match(annotation(otpsChart(imported.groups, { rate: "decode" }))!, /No decode rate recorded/);
  const e2e = otpsChart(imported.groups, { rate: "e2e" });
  assert.match(String((e2e.layout?.["title"] as { text: string }).text), /AWS notebook's OTPS/);
  assert.equal((traces(e2e)[0]!["x"] as number[]).length, 4);
});

test("latency over time: raw points in send order, or per-bin medians for large groups", async () => {
  const { groups } = await loadResults(FIXTURE);
  const small = traces(latencyOverTimeChart(groups))[0]!;
  assert.deepEqual(small["x"], ["2025-07-08T12:00:03.000Z", "2025-07-08T12:00:03.100Z", "2025-07-08T12:00:04.000Z", "2025-07-08T12:00:05.000Z"]);
  assert.deepEqual(small["y"], [400, 500, 600, 300]);
  const big = groupRecords(Array.from({ length: 3000 }, (_, i) => successRecord({ ttftMs: 100, totalMs: 500, sendOffsetMs: i * 100 })));
  const binned = traces(latencyOverTimeChart(big, { maxPoints: 1000, bins: 50 }))[0]!;
  assert.equal((binned["x"] as string[]).length, 50);
  assert.ok((binned["y"] as number[]).every((v) => v === 100));
});

test("throughput over time: per-minute rates whose integral is the number of successes", () => {
  // 120 successes completing over 60 s (send every 500 ms, 1 s long) and 6 failures
  const records = [
    ...Array.from({ length: 120 }, (_, i) => successRecord({ ttftMs: 200, totalMs: 1000, sendOffsetMs: i * 500, outputTokens: 50 })),
  ];
  const groups = groupRecords(records);
  assert.equal(binSeconds(59_500), 1);
  assert.equal(binSeconds(3_600_000), 60);
  // by default at most 20 round bins: 5 s over this minute
  assert.match(JSON.stringify(throughputOverTimeChart(groups).layout), /\(5 s bins\)/);
  const figure = throughputOverTimeChart(groups, { binSeconds: 1 });
  assertSvgDownload(figure);
  const line = traces(figure)[0]!;
  const perMinute = line["y"] as number[];
  // each 1 s bin holds 2 completions → 120 requests/min; Σ rate × (1/60 min) = 120 requests
  assert.ok(perMinute.every((v) => v === 120));
  assert.equal(perMinute.reduce((a, b) => a + b / 60, 0), 120);
  const tokens = traces(throughputOverTimeChart(groups, { measure: "output-tokens", binSeconds: 1 }))[0]!["y"] as number[];
  assert.ok(tokens.every((v) => v === 100)); // 2 × 50 tokens per second
  // failures are counted per bin on a right-hand axis, so a burst does not flatten the rates
  const withFailures = groupRecords([...records, ...Array.from({ length: 6 }, (_, i) => failedRecord({ errorClass: "ThrottlingException", sendOffsetMs: 10_000 + i * 100, totalMs: 50 }))]);
  const f = throughputOverTimeChart(withFailures, { binSeconds: 1 });
  const bar = traces(f).find((t) => t["type"] === "bar")!;
  assert.equal(bar["yaxis"], "y2");
  assert.equal((bar["y"] as number[]).reduce((a, b) => a + b, 0), 6);
  assert.equal((f.layout?.["yaxis2"] as { side: string }).side, "right");
  assert.equal(f.layout?.["yaxis2"] !== undefined && figure.layout?.["yaxis2"] === undefined, true, "no right axis without failures");
});

test("error classes stack per group; no failures says so", async () => {
  const { groups } = await loadResults(FIXTURE);
  const figure = errorClassChart(groups);
  assertSvgDownload(figure);
  assert.equal(figure.layout?.["barmode"], "stack");
  assert.deepEqual(
    traces(figure).map((t) => [t["name"], t["x"]]),
    [
      ["ModelStreamErrorException", [0, 1]],
      ["ThrottlingException", [1, 0]],
      ["TimeoutError", [0, 1]],
    ],
  );
  // shares of the requests that were not aborted: 1/5 in both groups
  assert.deepEqual(traces(figure)[1]!["customdata"], [0.2, 0]);
  assert.deepEqual(traces(figure)[2]!["customdata"], [0, 0.2]);
  assert.equal(annotation(errorClassChart(groupRecords([successRecord({ ttftMs: 1, totalMs: 2 })]))), "No failed requests");
  // a single class still gets its legend entry (Plotly hides a lone trace's legend unless told)
  const single = errorClassChart(groupRecords([failedRecord({ errorClass: "ThrottlingException" })]));
  assert.equal(traces(single).length, 1);
  assert.equal(single.layout?.["showlegend"], true);
});

test("user text in charts is escaped for Plotly's HTML dialect and long labels wrap", () => {
  assert.equal(plotlyText("<b>x</b> & <a href=\"http://e.com\">y</a>"), "&lt;b&gt;x&lt;/b&gt; &amp; &lt;a href=\"http://e.com\"&gt;y&lt;/a&gt;");
  assert.equal(axisLabel("claude-3-5-haiku-20241022-v1:0 · us-east-1 · optimized · c=2 · tags <b>"), "claude-3-5-haiku-20241022-v1:0<br>us-east-1 · optimized · c=2<br>tags &lt;b&gt;");
  const hostile = groupRecords([successRecord({ modelId: "m.<img src=x>", ttftMs: 1, totalMs: 2 }), failedRecord({ modelId: "m.<img src=x>", errorClass: "<i>E</i>" })]);
  const box = latencyDistributionChart(hostile);
  assert.deepEqual(traces(box)[0]!["y"], ["&lt;img src=x&gt; · standard"]);
  assert.equal(traces(errorClassChart(hostile))[0]!["name"], "&lt;i&gt;E&lt;/i&gt;");
  assert.deepEqual(traces(latencyHeatmap(hostile))[0]!["y"], ["&lt;img src=x&gt;"]);
});

test("the Pareto front keeps the points nothing beats on both cost and latency", () => {
  const points = [
    { label: "A", cost: 1, latency: 500 },
    { label: "B", cost: 2, latency: 300 },
    { label: "C", cost: 3, latency: 400 },
    { label: "D", cost: 4, latency: 100 },
    { label: "E", cost: 1, latency: 600 },
  ];
  assert.deepEqual(paretoFront(points).map((p) => p.label), ["A", "B", "D"]);
});

test("cost vs p90 latency: one marker per group plus the front; no cost says so", async () => {
  const rows = summarize(await loadResults(FIXTURE));
  const figure = costLatencyChart(rows);
  assertSvgDownload(figure);
  const t = traces(figure);
  assert.equal(t.length, 3);
  // standard: 0.008/0.454 USD per 1k tokens at p90 2270 ms; optimized 0.0035/0.178 at 1140 ms
  assert.deepEqual([t[0]!["x"], t[0]!["y"]], [[0.008 / 0.454], [2270]]);
  assert.deepEqual([t[1]!["x"], t[1]!["y"]], [[0.0035 / 0.178], [1140]]);
  // optimized costs more per token but is faster: both are on the front
  assert.equal((t[2]!["x"] as number[]).length, 2);
  // named in the legend, not by labels beside the points (which overlapped and clipped); configs by marker symbol
  assert.deepEqual(t.slice(0, 2).map((x) => [x["mode"], (x["marker"] as { symbol: string }).symbol]), [["markers", "circle"], ["markers", "diamond"]]);
  assert.equal(figure.layout?.["showlegend"], true);
  assert.equal((figure.layout?.["yaxis"] as { title: { text: string } }).title.text, "p90 total time (ms)");
  assert.match(JSON.stringify(costLatencyChart(rows, { latency: "ttft_ms_p50" }).layout), /Cost vs p50 TTFT: lower left is better/);
  assert.match(annotation(costLatencyChart(summarize(await loadResults(AWS_SAMPLE))))!, /No cost recorded/);
});

test("heatmaps of p90 TTFT by model × config, concurrency or input size", async () => {
  const { groups } = await loadResults(FIXTURE);
  const figure = latencyHeatmap(groups);
  assertSvgDownload(figure);
  const heat = traces(figure)[0]!;
  assert.deepEqual(heat["x"], ["standard", "optimized"]);
  assert.deepEqual(heat["y"], ["claude-3-5-haiku-20241022-v1:0"]);
  assert.deepEqual(heat["z"], [[570, 240]]);
  assert.deepEqual(heatmapColumnsAvailable(groups), ["config", "input-size"]); // inputs 20 and 40 tokens
  const mixed = groupRecords([
    successRecord({ concurrency: 1, ttftMs: 100, totalMs: 300, inputTokens: 20 }),
    successRecord({ concurrency: 8, ttftMs: 300, totalMs: 600, inputTokens: 20 }),
    successRecord({ concurrency: 8, ttftMs: 500, totalMs: 900, inputTokens: 20 }),
  ]);
  assert.deepEqual(heatmapColumnsAvailable(mixed), ["config", "concurrency"]);
  const byConcurrency = traces(latencyHeatmap(mixed, { columns: "concurrency" }))[0]!;
  assert.deepEqual(byConcurrency["x"], ["1", "8"]);
  assert.deepEqual(byConcurrency["z"], [[100, 480]]); // p90 of [300, 500]: 300 + .9·200
  assert.deepEqual(inputSizeBucket(20), { order: 32, label: "≤ 32" });
  assert.deepEqual(inputSizeBucket(1025), { order: 2048, label: "≤ 2,048" });
  const bySizeFigure = latencyHeatmap(groups, { columns: "input-size" });
  const bySize = traces(bySizeFigure)[0]!;
  assert.deepEqual(bySize["x"], ["≤ 32", "≤ 64"]);
  // rows split by configuration (standard and optimized never share a cell): ≤ 32 holds 400 500 300 (standard) →
  // p90 (h=1.8) 400 + .8·100 = 480, and 200 250 150 (optimized) → 200 + .8·50 = 240; ≤ 64 holds 600 (standard) alone
  assert.deepEqual(bySize["y"], ["claude-3-5-haiku-20241022-v1:0 · optimized", "claude-3-5-haiku-20241022-v1:0 · standard"]);
  assert.deepEqual(bySize["z"], [[240, null], [480, 600]]);
  assert.match(JSON.stringify(bySizeFigure.layout), /p90 time to first token \(ms\) by model × configuration and input size/);
});

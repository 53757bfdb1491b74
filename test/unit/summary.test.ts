import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadResults } from "../../lib/analysis/results-loader";
import { SUMMARY_COLUMNS, summarize, summaryColumnNames, summaryToCsv, writeSummaryCsv, type SummaryRow } from "../../lib/analysis/summary";
import { summaryFrame } from "../../lib/analysis/summary-frame";

const FIXTURE = join(__dirname, "..", "fixtures", "analysis", "runs", "20250708_120000_fixture");
const AWS_SAMPLE = join(__dirname, "..", "fixtures", "analysis", "aws-notebook", "invocations_20250708_111100.csv");

type Expected = Record<string, string | number | null>;

/**
 * The fixture (test/fixtures/analysis/runs/20250708_120000_fixture/requests.csv), by hand.
 * Times in ms. gen = total − ttft; decode = out/(gen/1000); e2e = out/(total/1000); itl = gen/(out − 1).
 *
 * Group "standard" (served standard; tier default):
 *   warm-up  ttft 900 total 3000 (excluded; cost 0.005)
 *   s1 send 3000 ttft 400 total 1400 out 101 in 20 server 1350 queue 0  cost .002 cacheWrite 5
 *   s2 send 3100 ttft 500 total 1500 out  51 in 20 server 1440 queue 5  cost .001 attempts 2, retry delay 120
 *   s3 send 4000 ttft 600 total 2600 out 201 in 40 server 2550 queue 10 cost .003 cacheRead 10 (asked optimized: a fallback)
 *   s4 send 5000 ttft 300 total 1300 out 101 in 20 server 1260 queue 15 cost .002
 *   f1 send 5500 ThrottlingException before the stream, total 50, no cost
 * Group "optimized" (served optimized; tier default):
 *   o1 send 3050 ttft 200 total  700 out 51 in 20 server  680 cost .001
 *   o2 send 3200 ttft 250 total 1250 out 101 in 20 server 1200 cost .002 (asked tier priority, served default)
 *   o3 send 4500 ttft 150 total  650 out 26 in 20 server  640 cost .0005
 *   f2 send 5200 ModelStreamErrorException mid-stream, ttft 180 total 400, no cost
 *   t1 send 5800 TimeoutError on the client side after 300 ms (asked optimized, nothing served), no cost
 *   a1 send 6000 aborted (not a failure, outside rates and window)
 * R-7 with n = 4: h = 3p → p50 h=1.5, p90 h=2.7, p95 h=2.85, p99 h=2.97; with n = 3: h = 2p → 1, 1.8, 1.9, 1.98.
 */
const STANDARD: Expected = {
  model: "us.anthropic.claude-3-5-haiku-20241022-v1:0",
  region: "us-east-1",
  performance_config: "standard",
  sample_size: 4,
  // TTFT sorted 300 400 500 600: mean 450; p50 400+.5·100 = 450; p90 500+.7·100 = 570;
  // std √((150²+50²+50²+150²)/3) = √(50000/3) = 129.0994449 → seconds
  TTFT_mean: 0.45,
  TTFT_p50: 0.45,
  TTFT_p90: 0.57,
  TTFT_std: Math.sqrt(50000 / 3) / 1000,
  avg_input_tokens: 25, // (20+20+40+20)/4
  avg_output_tokens: 113.5, // (101+51+201+101)/4 = 454/4
  // total sorted 1300 1400 1500 2600: mean 6800/4 = 1700; p50 1450; p90 1500+.7·1100 = 2270
  total_time_mean: 1.7,
  total_time_p50: 1.45,
  total_time_p90: 2.27,
  // e2e: 101/1.4 = 72.142857, 51/1.5 = 34, 201/2.6 = 77.307692, 101/1.3 = 77.692308
  OTPS_mean: (101 / 1.4 + 34 + 201 / 2.6 + 101 / 1.3) / 4,
  OTPS_p50: (101 / 1.4 + 201 / 2.6) / 2, // sorted 34, 72.14, 77.31, 77.69 → h=1.5
  OTPS_p90: 201 / 2.6 + 0.7 * (101 / 1.3 - 201 / 2.6),
  OTPS_std: sampleStdByHand([101 / 1.4, 34, 201 / 2.6, 101 / 1.3]),
  service_tier: "default",
  concurrency: 2,
  load_model: "closed",
  task_type: "qa",
  tags: "short",
  target: "emulator",
  source: "bedrock-bench",
  run_ids: "20250708_120000_fixture",
  performance_config_asked: "optimized;standard",
  service_tier_asked: "default",
  group_label: "claude-3-5-haiku-20241022-v1:0 · standard",
  requests: 5,
  warmup_requests: 1,
  successes: 4,
  failures: 1,
  aborted: 0,
  error_rate: 0.2, // 1 / 5
  throttles: 1,
  throttle_rate: 0.2,
  failures_before_stream: 1,
  failures_mid_stream: 0,
  failures_client: 0,
  retried_requests: 1,
  retries: 1,
  retry_delay_ms_total: 120,
  performance_config_fallbacks: 1,
  service_tier_fallbacks: 0,
  ttft_ms_mean: 450,
  ttft_ms_p50: 450,
  ttft_ms_p90: 570,
  ttft_ms_p95: 585, // 500 + .85·100
  ttft_ms_p99: 597, // 500 + .97·100
  ttft_ms_std: Math.sqrt(50000 / 3),
  ttft_ms_min: 300,
  ttft_ms_max: 600,
  total_ms_mean: 1700,
  total_ms_p50: 1450,
  total_ms_p90: 2270,
  total_ms_p95: 2435, // 1500 + .85·1100
  total_ms_p99: 2567, // 1500 + .97·1100
  total_ms_std: Math.sqrt(1_100_000 / 3), // 400²+300²+200²+900² = 1,100,000
  total_ms_min: 1300,
  total_ms_max: 2600,
  // decode: 101/1 = 101, 51/1 = 51, 201/2 = 100.5, 101/1 = 101 → sorted 51, 100.5, 101, 101
  decode_tokens_per_s_mean: 88.375, // 353.5 / 4
  decode_tokens_per_s_p50: 100.75,
  decode_tokens_per_s_p90: 101,
  decode_tokens_per_s_p95: 101,
  decode_tokens_per_s_p99: 101,
  decode_tokens_per_s_std: Math.sqrt(1862.6875 / 3), // 37.375² + 12.125² + 12.625² + 12.625²
  decode_tokens_per_s_min: 51,
  decode_tokens_per_s_max: 101,
  e2e_tokens_per_s_mean: (101 / 1.4 + 34 + 201 / 2.6 + 101 / 1.3) / 4,
  e2e_tokens_per_s_p50: (101 / 1.4 + 201 / 2.6) / 2,
  e2e_tokens_per_s_p90: 201 / 2.6 + 0.7 * (101 / 1.3 - 201 / 2.6),
  e2e_tokens_per_s_p95: 201 / 2.6 + 0.85 * (101 / 1.3 - 201 / 2.6),
  e2e_tokens_per_s_p99: 201 / 2.6 + 0.97 * (101 / 1.3 - 201 / 2.6),
  e2e_tokens_per_s_std: sampleStdByHand([101 / 1.4, 34, 201 / 2.6, 101 / 1.3]),
  e2e_tokens_per_s_min: 34,
  e2e_tokens_per_s_max: 101 / 1.3,
  // itl: 1000/100 = 10, 1000/50 = 20, 2000/200 = 10, 1000/100 = 10 → sorted 10 10 10 20
  itl_ms_mean: 12.5,
  itl_ms_p50: 10,
  itl_ms_p90: 17, // 10 + .7·10
  itl_ms_p95: 18.5,
  itl_ms_p99: 19.7,
  itl_ms_std: 5, // √((3·2.5² + 7.5²)/3) = √25
  itl_ms_min: 10,
  itl_ms_max: 20,
  // server sorted 1260 1350 1440 2550: mean 1650; p50 1395; p90 1440+.7·1110 = 2217
  server_latency_ms_mean: 1650,
  server_latency_ms_p50: 1395,
  server_latency_ms_p90: 2217,
  server_latency_ms_p95: 2383.5, // 1440 + .85·1110
  server_latency_ms_p99: 2516.7, // 1440 + .97·1110
  server_latency_ms_std: Math.sqrt(1_096_200 / 3), // 390²+300²+210²+900²
  server_latency_ms_min: 1260,
  server_latency_ms_max: 2550,
  queue_wait_ms_mean: 7.5, // (0+5+10+15)/4
  queue_wait_ms_p99: 14.85, // 10 + .97·5
  schedule_lag_ms_mean: 0,
  schedule_lag_ms_p99: 0,
  network_overhead_ms_p50: 50, // total − server: 50, 60, 50, 40 → sorted 40 50 50 60
  input_tokens_total: 100,
  output_tokens_total: 454,
  cache_read_input_tokens_total: 10,
  cache_write_input_tokens_total: 5,
  window_s: 3.6, // first send 3000, last completion max(4400, 4600, 6600, 6300, 5550) = 6600
  requests_per_min: 4 / 0.06, // 4 successes in 3.6 s = 0.06 min
  output_tokens_per_min: 454 / 0.06,
  total_tokens_per_min: 554 / 0.06,
  cost_usd_total: 0.008, // .002 + .001 + .003 + .002
  cost_usd_per_success: 0.002,
  cost_usd_per_1k_output_tokens: 0.008 / 0.454,
  warmup_cost_usd: 0.005,
  error_rate_ModelStreamErrorException: 0,
  error_rate_ThrottlingException: 0.2,
  error_rate_TimeoutError: 0,
};

const OPTIMIZED: Expected = {
  model: "us.anthropic.claude-3-5-haiku-20241022-v1:0",
  region: "us-east-1",
  performance_config: "optimized",
  sample_size: 3,
  // TTFT sorted 150 200 250: mean 200; p50 200; p90 200+.8·50 = 240; std √((50²+0+50²)/2) = 50
  TTFT_mean: 0.2,
  TTFT_p50: 0.2,
  TTFT_p90: 0.24,
  TTFT_std: 0.05,
  avg_input_tokens: 20,
  avg_output_tokens: 178 / 3, // 51 + 101 + 26
  // total sorted 650 700 1250: mean 2600/3; p50 700; p90 700 + .8·550 = 1140
  total_time_mean: 2600 / 3 / 1000,
  total_time_p50: 0.7,
  total_time_p90: 1.14,
  // e2e: 51/.7 = 72.857143, 101/1.25 = 80.8, 26/.65 = 40 → sorted 40, 72.857, 80.8
  OTPS_mean: (51 / 0.7 + 80.8 + 40) / 3,
  OTPS_p50: 51 / 0.7,
  OTPS_p90: 51 / 0.7 + 0.8 * (80.8 - 51 / 0.7),
  OTPS_std: sampleStdByHand([51 / 0.7, 80.8, 40]),
  service_tier: "default",
  concurrency: 2,
  load_model: "closed",
  task_type: "qa",
  tags: "short",
  target: "emulator",
  source: "bedrock-bench",
  run_ids: "20250708_120000_fixture",
  performance_config_asked: "optimized",
  service_tier_asked: "default;priority",
  group_label: "claude-3-5-haiku-20241022-v1:0 · optimized",
  requests: 6,
  warmup_requests: 0,
  successes: 3,
  failures: 2,
  aborted: 1,
  error_rate: 0.4, // 2 / (6 − 1)
  throttles: 0,
  throttle_rate: 0,
  failures_before_stream: 0,
  failures_mid_stream: 1,
  failures_client: 1,
  retried_requests: 0,
  retries: 0,
  retry_delay_ms_total: 0,
  performance_config_fallbacks: 0,
  service_tier_fallbacks: 1,
  ttft_ms_mean: 200,
  ttft_ms_p50: 200,
  ttft_ms_p90: 240,
  ttft_ms_p95: 245, // 200 + .9·50
  ttft_ms_p99: 249, // 200 + .98·50
  ttft_ms_std: 50,
  ttft_ms_min: 150,
  ttft_ms_max: 250,
  total_ms_mean: 2600 / 3,
  total_ms_p50: 700,
  total_ms_p90: 1140,
  total_ms_p95: 1195, // 700 + .9·550
  total_ms_p99: 1239, // 700 + .98·550
  total_ms_std: Math.sqrt(((650 - 2600 / 3) ** 2 + (700 - 2600 / 3) ** 2 + (1250 - 2600 / 3) ** 2) / 2),
  total_ms_min: 650,
  total_ms_max: 1250,
  // decode: 51/.5 = 102, 101/1 = 101, 26/.5 = 52 → sorted 52 101 102
  decode_tokens_per_s_mean: 85,
  decode_tokens_per_s_p50: 101,
  decode_tokens_per_s_p90: 101.8,
  decode_tokens_per_s_p95: 101.9,
  decode_tokens_per_s_p99: 101.98,
  decode_tokens_per_s_std: Math.sqrt((33 ** 2 + 16 ** 2 + 17 ** 2) / 2),
  decode_tokens_per_s_min: 52,
  decode_tokens_per_s_max: 102,
  e2e_tokens_per_s_mean: (51 / 0.7 + 80.8 + 40) / 3,
  e2e_tokens_per_s_p50: 51 / 0.7,
  e2e_tokens_per_s_p90: 51 / 0.7 + 0.8 * (80.8 - 51 / 0.7),
  e2e_tokens_per_s_p95: 51 / 0.7 + 0.9 * (80.8 - 51 / 0.7),
  e2e_tokens_per_s_p99: 51 / 0.7 + 0.98 * (80.8 - 51 / 0.7),
  e2e_tokens_per_s_std: sampleStdByHand([51 / 0.7, 80.8, 40]),
  e2e_tokens_per_s_min: 40,
  e2e_tokens_per_s_max: 80.8,
  // itl: 500/50 = 10, 1000/100 = 10, 500/25 = 20 → sorted 10 10 20
  itl_ms_mean: 40 / 3,
  itl_ms_p50: 10,
  itl_ms_p90: 18, // 10 + .8·10
  itl_ms_p95: 19,
  itl_ms_p99: 19.8,
  itl_ms_std: Math.sqrt(((10 - 40 / 3) ** 2 * 2 + (20 - 40 / 3) ** 2) / 2),
  itl_ms_min: 10,
  itl_ms_max: 20,
  // server sorted 640 680 1200: mean 2520/3 = 840; p50 680; p90 680 + .8·520 = 1096
  server_latency_ms_mean: 840,
  server_latency_ms_p50: 680,
  server_latency_ms_p90: 1096,
  server_latency_ms_p95: 1148, // 680 + .9·520
  server_latency_ms_p99: 1189.6, // 680 + .98·520
  server_latency_ms_std: Math.sqrt((200 ** 2 + 160 ** 2 + 360 ** 2) / 2),
  server_latency_ms_min: 640,
  server_latency_ms_max: 1200,
  queue_wait_ms_mean: 0,
  queue_wait_ms_p99: 0,
  schedule_lag_ms_mean: 0,
  schedule_lag_ms_p99: 0,
  network_overhead_ms_p50: 20, // 20, 50, 10 → sorted 10 20 50
  input_tokens_total: 60,
  output_tokens_total: 178,
  cache_read_input_tokens_total: 0,
  cache_write_input_tokens_total: 0,
  window_s: 3.05, // first send 3050; last completion max(3750, 4450, 5150, 5600, 6100) = 6100
  requests_per_min: 3 / (3.05 / 60),
  output_tokens_per_min: 178 / (3.05 / 60),
  total_tokens_per_min: 238 / (3.05 / 60),
  cost_usd_total: 0.0035, // .001 + .002 + .0005
  cost_usd_per_success: 0.0035 / 3,
  cost_usd_per_1k_output_tokens: 0.0035 / 0.178,
  warmup_cost_usd: 0,
  error_rate_ModelStreamErrorException: 0.2, // 1 / 5
  error_rate_ThrottlingException: 0,
  error_rate_TimeoutError: 0.2,
};

function sampleStdByHand(values: number[]): number {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

function assertRow(actual: Record<string, string | number | null>, expected: Expected, name: string): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${name}: columns`);
  for (const [column, want] of Object.entries(expected)) {
    const got = actual[column];
    if (typeof want === "number" && typeof got === "number") {
      assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${name}.${column}: expected ${want}, got ${got}`);
    } else {
      assert.equal(got, want, `${name}.${column}`);
    }
  }
}

function flatRow(row: SummaryRow, columns: string[]): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const c of columns) {
    if (c.startsWith("error_rate_")) out[c] = row.errorRateByClass[c.slice("error_rate_".length)] ?? 0;
    else out[c] = (row as unknown as Record<string, string | number | null>)[c] ?? null;
  }
  return out;
}

test("every summary column of the fixture matches the hand calculation", async () => {
  const set = await loadResults(FIXTURE);
  const rows = summarize(set);
  assert.equal(rows.length, 2);
  const columns = summaryColumnNames(rows);
  assertRow(flatRow(rows[0]!, columns), STANDARD, "standard");
  assertRow(flatRow(rows[1]!, columns), OPTIMIZED, "optimized");
});

test("the summary CSV starts with the AWS notebook's columns and keeps full precision", async () => {
  const rows = summarize(await loadResults(FIXTURE));
  const lines = summaryToCsv(rows).trim().split("\n");
  const header = lines[0]!.split(",");
  assert.deepEqual(header.slice(0, 17), [
    "model",
    "region",
    "performance_config",
    "sample_size",
    "TTFT_mean",
    "TTFT_p50",
    "TTFT_p90",
    "TTFT_std",
    "avg_input_tokens",
    "avg_output_tokens",
    "total_time_mean",
    "total_time_p50",
    "total_time_p90",
    "OTPS_mean",
    "OTPS_p50",
    "OTPS_p90",
    "OTPS_std",
  ]);
  assert.deepEqual(header.slice(-3), ["error_rate_ModelStreamErrorException", "error_rate_ThrottlingException", "error_rate_TimeoutError"]);
  assert.equal(header.length, SUMMARY_COLUMNS.length + 3);
  const first = lines[1]!.split(",");
  assert.equal(first[header.indexOf("TTFT_std")], String(Math.sqrt(50000 / 3) / 1000));
  assert.equal(lines.length, 3);
});

test("the AWS notebook's sample gives the numbers its pandas summary gives", async () => {
  const rows = summarize(await loadResults(AWS_SAMPLE));
  // groups: llama optimized (5), llama standard (5), haiku optimized (5), haiku standard (4 successes + 1 throttle)
  assert.deepEqual(
    rows.map((r) => [r.model.split(".")[2], r.performance_config, r.sample_size, r.failures]),
    [
      ["claude-3-5-haiku-20241022-v1:0", "standard", 4, 1],
      ["claude-3-5-haiku-20241022-v1:0", "optimized", 5, 0],
      ["llama3-1-70b-instruct-v1:0", "standard", 5, 0],
      ["llama3-1-70b-instruct-v1:0", "optimized", 5, 0],
    ],
  );
  const llamaOptimized = rows[3]!;
  // time_to_first_byte: .4 .45 .44 .37 .36 → sorted .36 .37 .40 .44 .45; mean 2.02/5 = .404; median .40;
  // p90: h = 3.6 → .44 + .6·(.45 − .44) = .446; std = √((.004²+.046²+.036²+.034²+.044²)/4) = √(.00652/4)
  assert.ok(Math.abs(llamaOptimized.TTFT_mean! - 0.404) < 1e-12);
  assert.ok(Math.abs(llamaOptimized.TTFT_p50! - 0.4) < 1e-12);
  assert.ok(Math.abs(llamaOptimized.TTFT_p90! - 0.446) < 1e-12);
  assert.ok(Math.abs(llamaOptimized.TTFT_std! - Math.sqrt(0.00652 / 4)) < 1e-12);
  // time_to_last_byte .67 .65 .70 .73 .72 → mean 3.47/5 = .694; median .70; p90 = .72 + .6·.01 = .726
  assert.ok(Math.abs(llamaOptimized.total_time_mean! - 0.694) < 1e-12);
  assert.ok(Math.abs(llamaOptimized.total_time_p90! - 0.726) < 1e-12);
  // OTPS = 50 / time_to_last_byte: mean of 50/.67, 50/.65, 50/.70, 50/.73, 50/.72
  const otps = [50 / 0.67, 50 / 0.65, 50 / 0.7, 50 / 0.73, 50 / 0.72];
  assert.ok(Math.abs(llamaOptimized.OTPS_mean! - otps.reduce((a, b) => a + b) / 5) < 1e-9);
  assert.ok(Math.abs(llamaOptimized.OTPS_p50! - 50 / 0.7) < 1e-9);
  assert.equal(llamaOptimized.avg_input_tokens, 26);
  assert.equal(llamaOptimized.avg_output_tokens, 50);
  // decode rate is not derivable from the notebook's data
  assert.equal(llamaOptimized.decode_tokens_per_s_p50, null);
  assert.equal(rows[0]!.throttles, 1);
  assert.equal(rows[0]!.error_rate, 0.2);
  assert.equal(rows[0]!.cost_usd_total, null);
});

test("summary CSVs are written under results-analysis without overwriting", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bb-summary-"));
  try {
    const rows = summarize(await loadResults(FIXTURE));
    const now = () => new Date(2025, 6, 8, 11, 29, 57);
    const first = await writeSummaryCsv(rows, { outDir: dir, now });
    const second = await writeSummaryCsv(rows, { outDir: dir, now });
    assert.equal(first, join(dir, "analysis_summary_20250708_112957.csv"));
    assert.equal(second, join(dir, "analysis_summary_20250708_112957_2.csv"));
    assert.deepEqual((await readdir(dir)).sort(), ["analysis_summary_20250708_112957.csv", "analysis_summary_20250708_112957_2.csv"]);
    assert.equal(await readFile(first, "utf8"), summaryToCsv(rows));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("summaryFrame gives a danfojs DataFrame with the CSV's columns; missing values are NaN", async () => {
  const rows = summarize(await loadResults(FIXTURE));
  const frame = summaryFrame(rows);
  assert.deepEqual(frame.columns, summaryColumnNames(rows));
  assert.deepEqual(frame.shape, [2, summaryColumnNames(rows).length]);
  assert.deepEqual(frame.column("ttft_ms_p90").values, [570, 240]);
  const compact = summaryFrame(rows, ["model", "performance_config", "TTFT_p90", "cost_usd_total"]);
  assert.deepEqual(compact.values[1], ["us.anthropic.claude-3-5-haiku-20241022-v1:0", "optimized", 0.24, 0.0035]);
  const aws = summaryFrame(summarize(await loadResults(AWS_SAMPLE)), ["cost_usd_total"]);
  assert.ok(Number.isNaN((aws.values as unknown[][])[0]![0] as number));
  assert.throws(() => summaryFrame(rows, ["nope"]), /Unknown summary column 'nope'/);
});

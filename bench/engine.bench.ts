/**
 * `npm run bench:engine`: what the engine itself costs and adds to what it measures.
 *
 * 1. Recording: the time to append one record (a CSV line written synchronously, and its answer) — the only work on the
 *    event loop between a completion and the next, so it must stay in microseconds. Goal: p99 ≤ 100 µs.
 * 2. Overhead against the ground truth: the emulator in this process, the real SDK through `runExperiment`; each record
 *    joined with the emulator's ground truth on its request ID. Printed per transport and concurrency: measured − true
 *    TTFT, the request leg (send() → emulator received), the response leg (first delta written → first token seen),
 *    the client-side queue wait (send gate), and the requests per second the client sustained.
 *    Goal: median TTFT overhead ≤ 10 ms at concurrency 100 (timeScale 5).
 *
 * Options (environment): BENCH_LEVELS="1,100", BENCH_REQUESTS=200, BENCH_TIMESCALE=5, BENCH_RECORDS=20000.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadDefaultProfiles, startEmulator } from "../lib/emulator";
import type { RequestRecord } from "../lib/records/request-record";
import { ResultsWriter } from "../lib/engine/results-writer";
import { readRequestsCsv } from "../lib/records/record-reader";
import type { RunManifest } from "../lib/records/run-manifest";
import { runExperiment } from "../lib/engine/runner";
import { quantile } from "../lib/analysis/stats";

const levels = (process.env["BENCH_LEVELS"] ?? "1,100").split(",").map(Number);
const requests = Number(process.env["BENCH_REQUESTS"] ?? 200);
const timeScale = Number(process.env["BENCH_TIMESCALE"] ?? 5);
const recordCount = Number(process.env["BENCH_RECORDS"] ?? 20_000);
const GOAL_APPEND_P99_US = 100;
const GOAL_TTFT_OVERHEAD_P50_MS = 10;

const f = (x: number, digits = 2) => x.toFixed(digits);

function benchAppend(dir: string): { p50Us: number; p99Us: number; maxUs: number } {
  const model = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
  const store = ResultsWriter.create(dir, "bench", new Date(), [model]);
  const base: RequestRecord = {
    runId: store.runId, sequence: 0, repeat: 0, invocation: 0, scenarioId: "s", scenarioLine: 1, taskType: "qa", tags: "a;b",
    target: "emulator", modelId: model, region: "us-east-1", performanceConfigAsked: "optimized", performanceConfigServed: "optimized",
    serviceTierAsked: "", serviceTierServed: "default", loadModel: "closed", concurrency: 100, warmup: false,
    startTimeIso: new Date().toISOString(), scheduledOffsetMs: 1234.5678, sendOffsetMs: 1234.5678, queueWaitMs: 0.0123, scheduleLagMs: 0,
    ttftMs: 612.345678, totalMs: 1502.123456, generationMs: 889.777778, outputTokensPerSecond: 55.07, outputTokensPerSecondE2E: 33.2,
    interTokenLatencyMs: 18.1587, serverLatencyMs: 1495, inputTokens: 26, outputTokens: 50, cacheReadInputTokens: 0, cacheWriteInputTokens: 0,
    chunkCount: 12, maxTokens: 50, temperature: null, topP: null, stopReason: "max_tokens", status: "success", errorClass: "", errorMessage: "",
    faultSide: "", chunksBeforeFault: null, httpStatus: 200, attempts: 1, retryDelayMs: 0, requestId: "3f1c7a52-9a36-4c52-8d0e-2f5d0b7e8a11",
    costUsd: 0.0002758, responseChars: 260,
  };
  const text = "Machine learning is a way for computers to learn patterns from data. ".repeat(4);
  const times: number[] = [];
  for (let i = 0; i < recordCount; i++) {
    const t0 = performance.now();
    store.append({ ...base, sequence: i }, text);
    times.push((performance.now() - t0) * 1000);
  }
  store.close();
  return { p50Us: quantile(times, 0.5), p99Us: quantile(times, 0.99), maxUs: Math.max(...times) };
}

/** The shipped profiles with Nova Micro's quotas out of the way: this measures timing, not throttling. */
function unthrottled() {
  const doc = loadDefaultProfiles();
  const micro = doc.models.find((m) => m.modelId === "amazon.nova-micro-v1:0")!;
  micro.quotas = { requestsPerMinute: 1_000_000, tokensPerMinute: 1_000_000_000, maxConcurrency: 10_000 };
  return doc;
}

async function benchOverhead(dir: string, handler: "http2" | "http1", concurrency: number) {
  const emulator = await startEmulator({ seed: 5, timeScale: concurrency === 1 ? 0.5 : timeScale, profiles: unthrottled() });
  try {
    const dataset = join(dir, "micro.jsonl");
    writeFileSync(dataset, `${JSON.stringify({ text_prompt: "Explain the concept of machine learning in simple terms.", expected_output_tokens: 50, model_id: "amazon.nova-micro-v1:0", region: "us-east-1" })}\n`);
    const count = concurrency === 1 ? Math.min(requests, 30) : requests;
    const startedMs = performance.now();
    const outcome = await runExperiment({
      dataset,
      experiment: { endpoint: emulator.endpoint, invocationsPerScenario: count, concurrency, warmupRequests: 1, httpHandler: handler, seed: 1 },
      outputDir: dir,
    });
    const elapsedS = (performance.now() - startedMs) / 1000;
    const manifest = JSON.parse(readFileSync(join(outcome.folder, "run.json"), "utf8")) as RunManifest;
    const origin = manifest.sessions[0]!.offsetOrigin!.monotonicMs;
    const ttft: number[] = [];
    const reqLeg: number[] = [];
    const respLeg: number[] = [];
    const queue: number[] = [];
    for (const r of readRequestsCsv(join(outcome.folder, "requests.csv"))) {
      if (r.warmup || r.status !== "success") continue;
      const g = emulator.groundTruth.byRequestId(r.requestId)!;
      const start = origin + r.sendOffsetMs;
      ttft.push(r.ttftMs! - (g.firstDeltaMs! - g.receivedMs));
      reqLeg.push(g.receivedMs - start);
      respLeg.push(start + r.ttftMs! - g.firstDeltaMs!);
      queue.push(r.queueWaitMs);
    }
    return { outcome, ttft, reqLeg, respLeg, queue, ratePerSec: outcome.counts.recorded / elapsedS };
  } finally {
    await emulator.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bb-bench-engine-"));
  try {
    console.log(`bedrock-bench engine benchmark — Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), load average ${loadavg().map((x) => f(x)).join(" ")}`);
    const append = benchAppend(dir);
    console.log(
      `\nrecording: ${recordCount} records appended; per record p50 ${f(append.p50Us, 1)} µs, p99 ${f(append.p99Us, 1)} µs, max ${f(append.maxUs, 0)} µs ` +
        `(goal p99 ≤ ${GOAL_APPEND_P99_US} µs: ${append.p99Us <= GOAL_APPEND_P99_US ? "met" : "NOT met"}, ratio ${f(append.p99Us / GOAL_APPEND_P99_US)})`,
    );
    console.log(`\noverhead against the emulator's ground truth (ms; concurrency 1 at timeScale 0.5, others at timeScale ${timeScale}):`);
    console.log("transport  conc  n     TTFT−truth p50/p90/max   request leg p50/p90   response leg p50/p90   queue wait p50/max   req/s");
    let worst = 0;
    for (const handler of ["http2", "http1"] as const) {
      for (const c of levels) {
        const r = await benchOverhead(dir, handler, c);
        const row = [
          handler.padEnd(9),
          String(c).padStart(5),
          String(r.ttft.length).padStart(5),
          `${f(quantile(r.ttft, 0.5))}/${f(quantile(r.ttft, 0.9))}/${f(Math.max(...r.ttft))}`.padStart(24),
          `${f(quantile(r.reqLeg, 0.5))}/${f(quantile(r.reqLeg, 0.9))}`.padStart(21),
          `${f(quantile(r.respLeg, 0.5))}/${f(quantile(r.respLeg, 0.9))}`.padStart(22),
          `${f(quantile(r.queue, 0.5))}/${f(Math.max(...r.queue))}`.padStart(20),
          f(r.ratePerSec, 1).padStart(7),
        ];
        console.log(row.join(" "));
        if (c > 1) worst = Math.max(worst, quantile(r.ttft, 0.5));
      }
    }
    console.log(
      `\nworst median TTFT overhead above concurrency 1: ${f(worst)} ms (goal ≤ ${GOAL_TTFT_OVERHEAD_P50_MS} ms: ${worst <= GOAL_TTFT_OVERHEAD_P50_MS ? "met" : "NOT met"}, ratio ${f(worst / GOAL_TTFT_OVERHEAD_P50_MS)})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();

/**
 * `npm run bench:emulator`: how many concurrent ConverseStream responses the emulator holds on this machine, and how
 * late it writes first deltas against its own schedule.
 *
 * The emulator runs in this process (as it does inside a notebook); the load comes from a separate process
 * (`bench/emulator-load.ts`) so the client does not compete for this event loop. For each concurrency level the load
 * generator keeps that many streams open (closed loop) for the measurement window; the figures come from the
 * emulator's own ground truth: `firstDeltaLatenessMs` = moment the first delta was written − moment it was due.
 * Only requests received after the ramp-up count. Goal: 2,000 concurrent streams with p99 lateness ≤ 2 ms.
 *
 * Options (environment): BENCH_LEVELS="250,500,1000,2000,3000", BENCH_SECONDS=20 (window per level),
 * BENCH_TRANSPORT=http2|http1, BENCH_MODEL, BENCH_MAX_TOKENS=300.
 */
import { fork } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { loadDefaultProfiles, startEmulator, type GroundTruthEntry } from "../lib/emulator";
import { quantile } from "../lib/stats";
import type { LoadReport } from "./emulator-load";

const GOAL_STREAMS = 2000;
const GOAL_P99_LATENESS_MS = 2;

const levels = (process.env["BENCH_LEVELS"] ?? "250,500,1000,2000,3000").split(",").map(Number);
const windowMs = Number(process.env["BENCH_SECONDS"] ?? 20) * 1000;
const transport = (process.env["BENCH_TRANSPORT"] ?? "http2") as "http1" | "http2";
const modelId = process.env["BENCH_MODEL"] ?? "us.anthropic.claude-3-5-haiku-20241022-v1:0";
const maxTokens = Number(process.env["BENCH_MAX_TOKENS"] ?? 300);

interface LevelResult {
  concurrency: number;
  maxInFlight: number;
  counted: number;
  completed: number;
  errors: number;
  errorKinds: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
  loopDelayP99Ms: number;
  eventLoopUtilization: number;
  cpuPercent: number;
}

function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "–";
}

async function runLevel(concurrency: number): Promise<LevelResult> {
  // Quotas raised so that nothing but the machine limits the level.
  const profiles = loadDefaultProfiles();
  for (const m of profiles.models) m.quotas = { requestsPerMinute: 1e9, tokensPerMinute: 1e12, maxConcurrency: 1_000_000 };
  const emulator = await startEmulator({ port: 0, profiles, groundTruthLimit: 0 });
  const rampMs = Math.min(5000, 2 * concurrency);
  const lateness: number[] = [];
  let countFrom = Number.POSITIVE_INFINITY;
  let countUntil = Number.POSITIVE_INFINITY;
  emulator.groundTruth.onEntry((e: GroundTruthEntry) => {
    if (e.receivedMs >= countFrom && e.receivedMs < countUntil && e.firstDeltaLatenessMs !== null) lateness.push(e.firstDeltaLatenessMs);
  });
  const child = fork(join(__dirname, "emulator-load.ts"), [], { execArgv: ["--import", "tsx"], stdio: "inherit" });
  const report = new Promise<LoadReport>((resolve) => child.once("message", (m) => resolve(m as LoadReport)));
  const settleMs = 3000;
  child.send({ endpoint: emulator.endpoint, concurrency, durationMs: rampMs + settleMs + windowMs, rampMs, transport, modelId, maxTokens });

  await new Promise((r) => setTimeout(r, rampMs + settleMs));
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  countFrom = t0;
  let maxInFlight = 0;
  const sampler = setInterval(() => (maxInFlight = Math.max(maxInFlight, emulator.groundTruth.inFlightCount)), 50);
  await new Promise((r) => setTimeout(r, windowMs));
  countUntil = performance.now();
  clearInterval(sampler);
  loop.disable();
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = process.cpuUsage(cpu0);
  const elapsedMs = performance.now() - t0;
  const load = await report;
  await emulator.close();
  return {
    concurrency,
    maxInFlight,
    counted: lateness.length,
    completed: load.completed,
    errors: load.errors,
    errorKinds: load.errorKinds,
    p50: lateness.length ? quantile(lateness, 0.5) : NaN,
    p99: lateness.length ? quantile(lateness, 0.99) : NaN,
    max: lateness.length ? Math.max(...lateness) : NaN,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    eventLoopUtilization: elu.utilization,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
  };
}

async function main(): Promise<void> {
  const cores = cpus().length;
  console.log(`Emulator benchmark: ${transport}, ${modelId}, maxTokens ${maxTokens}, ${windowMs / 1000} s window per level`);
  console.log(`Machine: ${cores} cores (${cpus()[0]?.model ?? "?"}), load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} at start, Node ${process.version}`);
  console.log(`Goal: ${GOAL_STREAMS} concurrent streams with first-delta lateness p99 ≤ ${GOAL_P99_LATENESS_MS} ms\n`);
  const results: LevelResult[] = [];
  for (const level of levels) {
    const r = await runLevel(level);
    results.push(r);
    console.log(
      `streams ${String(level).padStart(5)}: held ${String(r.maxInFlight).padStart(5)} · first deltas ${String(r.counted).padStart(6)} · ` +
        `lateness p50 ${fmt(r.p50, 3)} ms p99 ${fmt(r.p99, 3)} ms max ${fmt(r.max, 1)} ms · loop delay p99 ${fmt(r.loopDelayP99Ms)} ms · ` +
        `ELU ${fmt(r.eventLoopUtilization * 100, 0)}% · CPU ${fmt(r.cpuPercent, 0)}% · client completed ${r.completed}, errors ${r.errors}` +
        (r.errors ? ` ${JSON.stringify(r.errorKinds)}` : ""),
    );
  }
  const meeting = results.filter((r) => r.errors === 0 && r.p99 <= GOAL_P99_LATENESS_MS && r.maxInFlight >= 0.95 * r.concurrency);
  const best = meeting.reduce<LevelResult | undefined>((a, b) => (a === undefined || b.concurrency > a.concurrency ? b : a), undefined);
  const atGoal = results.find((r) => r.concurrency === GOAL_STREAMS);
  console.log("");
  console.log(`Load average at end: ${loadavg().map((l) => l.toFixed(2)).join(" ")} (the machine is shared: figures move with other work)`);
  if (best) console.log(`Held: ${best.concurrency} concurrent streams with p99 lateness ${fmt(best.p99, 3)} ms → ${fmt(best.concurrency / GOAL_STREAMS)}× the ${GOAL_STREAMS}-stream goal`);
  else console.log(`No level met p99 lateness ≤ ${GOAL_P99_LATENESS_MS} ms without errors`);
  if (atGoal) {
    console.log(
      `At ${GOAL_STREAMS} streams: p99 lateness ${fmt(atGoal.p99, 3)} ms = ${fmt(atGoal.p99 / GOAL_P99_LATENESS_MS)}× the ${GOAL_P99_LATENESS_MS} ms budget (${atGoal.p99 <= GOAL_P99_LATENESS_MS ? "met" : "missed"})`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

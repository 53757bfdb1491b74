/**
 * A large, realistic `requests.csv` for the analysis benchmark (a concurrency sweep): four models, standard and
 * optimized, default and flex tiers, three concurrency levels, two scenario tags (96 groups), warm-ups, throttles, mid-stream faults with messages that need CSV quoting, timeouts, retries
 * and optimized → standard fallbacks, with log-normal latencies. Written in the engine's column order and format
 * (lib/records/request-record.ts `recordToCells`, RFC 4180 quoting), streamed so memory stays flat.
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { RECORD_COLUMN_NAMES, recordToCells, type RequestRecord } from "../lib/records/request-record";
import { seededRandom } from "../lib/base/random";

const MODELS = [
  { id: "us.anthropic.claude-3-5-haiku-20241022-v1:0", region: "us-east-2", ttftMs: 650, tokensPerSec: 65, price: [0.0008, 0.004] },
  { id: "us.meta.llama3-1-70b-instruct-v1:0", region: "us-east-2", ttftMs: 480, tokensPerSec: 45, price: [0.00072, 0.00072] },
  { id: "us.amazon.nova-pro-v1:0", region: "us-east-1", ttftMs: 420, tokensPerSec: 90, price: [0.0008, 0.0032] },
  { id: "us.amazon.nova-lite-v1:0", region: "us-west-2", ttftMs: 300, tokensPerSec: 140, price: [0.00006, 0.00024] },
] as const;
const TASKS = ["qa", "summarization", "code", "classification"] as const;
const TAGS = ["short", "long;rag"] as const;
const CONCURRENCY = [1, 8, 32] as const;

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes `count` records to `file`; returns the file's size in bytes. */
export async function writeLargeRequestsCsv(file: string, count: number, seed = 7): Promise<number> {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const logNormal = (median: number, sigma: number) => median * Math.exp(sigma * normal());
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const out = createWriteStream(file, { encoding: "utf8", highWaterMark: 1 << 20 });
  let bytes = 0;
  const write = async (line: string) => {
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await once(out, "drain");
  };
  await write(`${RECORD_COLUMN_NAMES.join(",")}\n`);
  const start = Date.parse("2025-07-08T09:00:00.000Z");
  let batch = "";
  for (let i = 0; i < count; i++) {
    const model = pick(MODELS);
    const region = model.region;
    const asked = random() < 0.5 ? "optimized" : "standard";
    const fallback = asked === "optimized" && random() < 0.08;
    const served = fallback ? "standard" : asked;
    const tierAsked = random() < 0.15 ? "flex" : "";
    const tierServed = tierAsked === "" ? "default" : tierAsked;
    const concurrency = pick(CONCURRENCY);
    const warmup = i % 200 === 0;
    const sendOffsetMs = i * 36 + random() * 30; // ≈ 10 hours of traffic
    const queueWaitMs = concurrency > 1 ? random() * 4 : 0;
    const speed = served === "optimized" ? 0.7 : 1;
    const ttftMs = logNormal(model.ttftMs * speed, 0.35);
    const inputTokens = Math.round(logNormal(400, 0.8)) + 10;
    const outputTokens = Math.max(2, Math.round(logNormal(220, 0.6)));
    const generationMs = (outputTokens / (model.tokensPerSec / speed)) * 1000 * Math.exp(0.15 * normal());
    const totalMs = ttftMs + generationMs;
    const roll = random();
    const attempts = roll < 0.02 ? 2 : 1;
    let status: RequestRecord["status"] = "success";
    let errorClass = "";
    let errorMessage = "";
    let faultSide: RequestRecord["faultSide"] = "";
    if (roll > 0.985) {
      status = "error";
      errorClass = "ThrottlingException";
      errorMessage = "Too many requests, please wait before trying again.";
      faultSide = "before-stream";
    } else if (roll > 0.978) {
      status = "error";
      errorClass = "ModelStreamErrorException";
      errorMessage = 'Model stream error: "unexpected, malformed chunk"\nat offset 1024';
      faultSide = "mid-stream";
    } else if (roll > 0.975) {
      status = "timeout";
      errorClass = "TimeoutError";
      errorMessage = "No response event within 30000 ms";
      faultSide = "client";
    }
    const ok = status === "success";
    const midStream = faultSide === "mid-stream";
    const cost = ok ? (inputTokens * model.price[0] + outputTokens * model.price[1]) / 1000 : null;
    const record: RequestRecord = {
      runId: "20250708_090000_bench",
      sequence: i,
      repeat: 0,
      invocation: i % 50,
      scenarioId: `scenario-${i % 97}`,
      scenarioLine: (i % 97) + 1,
      taskType: pick(TASKS),
      tags: pick(TAGS),
      target: "emulator",
      modelId: model.id,
      region,
      performanceConfigAsked: asked,
      performanceConfigServed: ok || midStream ? served : "",
      serviceTierAsked: tierAsked,
      serviceTierServed: ok || midStream ? tierServed : "",
      loadModel: "closed",
      concurrency,
      warmup,
      startTimeIso: new Date(start + sendOffsetMs).toISOString(),
      scheduledOffsetMs: sendOffsetMs - queueWaitMs,
      sendOffsetMs,
      queueWaitMs,
      scheduleLagMs: 0,
      ttftMs: ok || midStream ? ttftMs : null,
      totalMs: ok ? totalMs : midStream ? ttftMs + generationMs / 3 : faultSide === "client" ? 30_000 : logNormal(40, 0.3),
      generationMs: ok ? generationMs : null,
      outputTokensPerSecond: ok ? outputTokens / (generationMs / 1000) : null,
      outputTokensPerSecondE2E: ok ? outputTokens / (totalMs / 1000) : null,
      interTokenLatencyMs: ok ? generationMs / (outputTokens - 1) : null,
      serverLatencyMs: ok ? totalMs - logNormal(35, 0.3) : null,
      inputTokens: ok ? inputTokens : null,
      outputTokens: ok ? outputTokens : null,
      cacheReadInputTokens: ok ? 0 : null,
      cacheWriteInputTokens: ok ? 0 : null,
      chunkCount: ok ? Math.ceil(outputTokens / 4) : midStream ? 7 : 0,
      maxTokens: 1024,
      temperature: 0,
      topP: 1,
      stopReason: ok ? "end_turn" : "",
      status,
      errorClass,
      errorMessage,
      faultSide,
      chunksBeforeFault: midStream ? 7 : null,
      httpStatus: faultSide === "before-stream" ? 429 : faultSide === "client" ? null : 200,
      attempts,
      retryDelayMs: attempts > 1 ? logNormal(150, 0.5) : 0,
      requestId: `${(i * 2654435761) >>> 0}-${i.toString(16)}-bench`,
      costUsd: cost,
      responseChars: ok ? outputTokens * 4 : midStream ? 28 : 0,
    };
    batch += `${recordToCells(record).map(csvCell).join(",")}\n`;
    if (batch.length > 1 << 20) {
      await write(batch);
      batch = "";
    }
  }
  if (batch !== "") await write(batch);
  out.end();
  await once(out, "finish");
  return bytes;
}

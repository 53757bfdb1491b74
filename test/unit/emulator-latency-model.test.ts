import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadDefaultProfiles, type ModelProfile } from "../../lib/emulator";
import { countPromptTokens } from "../../lib/emulator/conversation";
import { mean } from "../../lib/analysis/stats";
import { drawDecodeRate, drawOutputLength, drawTtft, planChunks, type LatencyContext } from "../../lib/emulator/latency-model";
import { SeededRandom } from "../../lib/base/random";

const profiles = loadDefaultProfiles();
const model = (id: string): ModelProfile => profiles.models.find((m) => m.modelId === id)!;

function context(m: ModelProfile, config: "standard" | "optimized", region = "us-east-2", tier: "default" | "priority" | "flex" = "default"): LatencyContext {
  const latency = config === "optimized" ? m.latency.optimized! : m.latency.standard;
  const regionSettings = profiles.regions[region]!;
  return { latency, regionTtftMultiplier: regionSettings.ttftMultiplier, regionDecodeMultiplier: regionSettings.decodeMultiplier, tier: profiles.serviceTiers[tier] };
}

/** The AWS latency notebook's prompt, as the shipped dataset holds it, counted as the emulator counts it. */
const notebookPrompt = JSON.parse(readFileSync(join(__dirname, "..", "..", "datasets", "aws-notebook-dummy-prompts.jsonl"), "utf8").split("\n")[0]!).text_prompt as string;
const inputTokens = countPromptTokens({ system: [], messages: [{ role: "user", content: [{ kind: "text", text: notebookPrompt }] }] }).total;

/**
 * Published figures (AWS latency-optimized inference blog / notebook, us-east-2, 50 output tokens, 5 samples each):
 * TTFT mean s, total mean s, OTPS mean = output tokens / total time.
 */
const PUBLISHED = [
  { modelId: "amazon.nova-pro-v1:0", config: "optimized", ttftS: 0.602, totalS: 1.074, otps: 46.7 },
  { modelId: "amazon.nova-pro-v1:0", config: "standard", ttftS: 0.6, totalS: 1.248, otps: 41.1 },
  { modelId: "anthropic.claude-3-5-haiku-20241022-v1:0", config: "optimized", ttftS: 0.764, totalS: 1.472, otps: 35.2 },
  { modelId: "anthropic.claude-3-5-haiku-20241022-v1:0", config: "standard", ttftS: 0.918, totalS: 1.766, otps: 28.4 },
  { modelId: "meta.llama3-1-70b-instruct-v1:0", config: "optimized", ttftS: 0.418, totalS: 0.712, otps: 71.4 },
  { modelId: "meta.llama3-1-70b-instruct-v1:0", config: "standard", ttftS: 0.852, totalS: 2.396, otps: 20.9 },
] as const;

/** TTFT and total means: within 2%. OTPS (mean of 50/total): within 3% (the published 5-sample OTPS means are themselves only consistent with their total means to ~3%). */
const TTFT_TOLERANCE = 0.02;
const TOTAL_TOLERANCE = 0.02;
const OTPS_TOLERANCE = 0.03;

function relative(actual: number, expected: number): number {
  return Math.abs(actual / expected - 1);
}

describe("shipped latency profiles against the published figures", () => {
  it("counts the notebook prompt as a short prompt", () => {
    assert.equal(notebookPrompt, "Explain the concept of machine learning in simple terms.");
    assert.ok(inputTokens > 10 && inputTokens < 40, `${inputTokens} tokens`);
  });

  for (const row of PUBLISHED) {
    it(`${row.modelId} ${row.config}: TTFT ${row.ttftS} s, total ${row.totalS} s, OTPS ${row.otps}`, () => {
      const m = model(row.modelId);
      const ctx = context(m, row.config);
      const random = new SeededRandom(2024);
      const ttfts: number[] = [];
      const totals: number[] = [];
      const otps: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        const ttftMs = drawTtft(ctx, inputTokens, 0, random).ttftMs;
        const chunks = planChunks(50, m.chunking, drawDecodeRate(ctx, random), ctx.latency.decode.chunkJitterSigma, random);
        const totalMs = ttftMs + chunks.at(-1)!.offsetMs;
        ttfts.push(ttftMs / 1000);
        totals.push(totalMs / 1000);
        otps.push(50 / (totalMs / 1000));
      }
      assert.ok(relative(mean(ttfts), row.ttftS) <= TTFT_TOLERANCE, `TTFT mean ${mean(ttfts).toFixed(3)} s vs ${row.ttftS} s`);
      assert.ok(relative(mean(totals), row.totalS) <= TOTAL_TOLERANCE, `total mean ${mean(totals).toFixed(3)} s vs ${row.totalS} s`);
      assert.ok(relative(mean(otps), row.otps) <= OTPS_TOLERANCE, `OTPS mean ${mean(otps).toFixed(1)} vs ${row.otps}`);
    });
  }
});

describe("latency model behaviour", () => {
  const haiku = model("anthropic.claude-3-5-haiku-20241022-v1:0");

  it("adds prefill time in proportion to uncached input tokens, and less for cached ones", () => {
    const ctx = { ...context(haiku, "standard"), latency: { ...haiku.latency.standard, ttft: { ...haiku.latency.standard.ttft, sigma: 0 } } };
    const r = new SeededRandom(1);
    const short = drawTtft(ctx, 0, 0, r).ttftMs;
    const long = drawTtft(ctx, 10_000, 0, r).ttftMs;
    const cached = drawTtft(ctx, 0, 10_000, r).ttftMs;
    assert.ok(Math.abs(long - short - haiku.latency.standard.ttft.prefillMsPerThousandTokens * 10) < 1e-9);
    assert.ok(Math.abs(cached - short - haiku.latency.standard.ttft.cacheReadMsPerThousandTokens * 10) < 1e-9);
    assert.ok(cached < long);
  });

  it("applies region and tier multipliers and the flex queue", () => {
    const r = (seed: number) => new SeededRandom(seed);
    const east = drawTtft(context(haiku, "standard", "us-east-2"), 100, 0, r(5)).ttftMs;
    const west = drawTtft(context(haiku, "standard", "us-west-2"), 100, 0, r(5)).ttftMs;
    assert.ok(Math.abs(west / east - profiles.regions["us-west-2"]!.ttftMultiplier) < 1e-12);
    const flexRandom = r(77);
    const flexQueues = Array.from({ length: 20_000 }, () => drawTtft(context(haiku, "standard", "us-east-2", "flex"), 100, 0, flexRandom).queueMs);
    assert.ok(relative(mean(flexQueues), profiles.serviceTiers.flex.queueDelayMeanMs) < 0.03, `flex queue mean ${mean(flexQueues)} ms`);
    const priority = drawDecodeRate(context(haiku, "standard", "us-east-2", "priority"), r(9));
    const standard = drawDecodeRate(context(haiku, "standard", "us-east-2", "default"), r(9));
    assert.ok(Math.abs(priority / standard - profiles.serviceTiers.priority.decodeMultiplier) < 1e-12);
  });

  it("cuts long answers at maxTokens and reports max_tokens", () => {
    const r = new SeededRandom(3);
    const lengths = Array.from({ length: 2000 }, () => drawOutputLength(haiku, 100, r));
    assert.ok(lengths.every((l) => l.tokens <= 100 && l.tokens >= 1));
    assert.ok(lengths.every((l) => l.truncated === l.naturalTokens > 100));
    assert.ok(lengths.some((l) => l.truncated) && lengths.some((l) => !l.truncated));
  });

  it("splits output into chunks of the profile's sizes and keeps the mean decode rate", () => {
    const r = new SeededRandom(4);
    const spans: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const chunks = planChunks(300, haiku.chunking, 50, 0.3, r);
      assert.equal(chunks.reduce((n, c) => n + c.tokens, 0), 300);
      assert.ok(chunks.slice(0, -1).every((c) => c.tokens >= haiku.chunking.minTokens && c.tokens <= haiku.chunking.maxTokens));
      assert.equal(chunks[0]!.offsetMs, 0);
      spans.push(chunks.at(-1)!.offsetMs / (300 - chunks[0]!.tokens));
    }
    // ms per token after the first chunk: 1000 / 50 tokens/s = 20 ms.
    assert.ok(relative(mean(spans), 20) < 0.01, `mean ${mean(spans)} ms/token`);
  });
});

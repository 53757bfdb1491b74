import { test } from "node:test";
import assert from "node:assert/strict";
import { compareGroups, compareResults, fallbackRates, holmAdjusted } from "../../lib/analysis/comparison";
import { groupRecords } from "../../lib/analysis/request-groups";
import { resultSetFromRecords } from "../../lib/analysis/results-loader";
import { metricVerdict, sampleWarning, verdictOf } from "../../lib/report/verdicts";
import type { RequestRecord } from "../../lib/records/request-record";
import { successRecord } from "../fixtures/analysis/synthetic-records";

const X = "us.meta.llama3-1-70b-instruct-v1:0";
const Y = "us.amazon.nova-pro-v1:0";
const Z = "us.anthropic.claude-3-5-haiku-20241022-v1:0";

function records(): RequestRecord[] {
  const out: RequestRecord[] = [];
  for (let i = 0; i < 40; i++) {
    // X: standard TTFT 500, 505, … 695; optimized exactly 200 ms lower. Totals 1000 ms later.
    out.push(successRecord({ modelId: X, ttftMs: 500 + 5 * i, totalMs: 1500 + 5 * i, sendOffsetMs: 100 * i }));
    out.push(
      successRecord({
        modelId: X,
        performanceConfigAsked: "optimized",
        performanceConfigServed: "optimized",
        ttftMs: 300 + 5 * i,
        totalMs: 1300 + 5 * i,
        sendOffsetMs: 100 * i + 50,
      }),
    );
    // Z: the same TTFTs whatever was asked; 10 of the 40 optimized requests were served standard.
    const ttft = 400 + (i % 10) * 10;
    out.push(successRecord({ modelId: Z, ttftMs: ttft, totalMs: ttft + 600 }));
    out.push(
      successRecord({
        modelId: Z,
        performanceConfigAsked: "optimized",
        performanceConfigServed: i < 10 ? "standard" : "optimized",
        ttftMs: ttft,
        totalMs: ttft + 600,
      }),
    );
  }
  // Y: the AWS notebook's default, 5 per configuration
  for (let i = 0; i < 5; i++) {
    out.push(successRecord({ modelId: Y, ttftMs: 600 + 10 * i, totalMs: 1200 + 10 * i }));
    out.push(successRecord({ modelId: Y, performanceConfigAsked: "optimized", performanceConfigServed: "optimized", ttftMs: 400 + 10 * i, totalMs: 900 + 10 * i }));
  }
  return out;
}

test("optimized vs standard: difference of medians and p90s with bootstrap CIs, rank-sum p, verdict", () => {
  const comparisons = compareResults(resultSetFromRecords(records()), { kinds: ["performance-config"] });
  assert.deepEqual(
    comparisons.map((c) => [c.baseline.key.model, c.baseline.value, c.candidate.value]),
    [
      [Y, "standard", "optimized"],
      [Z, "standard", "optimized"],
      [X, "standard", "optimized"],
    ],
  );
  const x = comparisons[2]!;
  const ttft = x.metrics.find((m) => m.metric === "ttftMs")!;
  // medians: standard 500 + 5·19.5 = 597.5, optimized 397.5 → −200 ms (−33.5%)
  assert.equal(ttft.baselineMedianMs, 597.5);
  assert.equal(ttft.candidateMedianMs, 397.5);
  assert.equal(ttft.medianDifferenceMs.estimate, -200);
  assert.ok(ttft.medianDifferenceMs.lower <= -200 && ttft.medianDifferenceMs.upper >= -200 && ttft.medianDifferenceMs.upper < 0);
  // p90: h = 39·0.9 = 35.1 → 500 + 5·35.1 = 675.5 vs 475.5
  assert.equal(ttft.baselineP90Ms, 675.5);
  assert.equal(ttft.p90DifferenceMs.estimate, -200);
  // every standard TTFT exceeds every optimized one: U = 40·40 = 1600, exact p = 2 / C(80, 40)
  assert.equal(ttft.rankSum.method, "exact");
  assert.equal(ttft.rankSum.u, 1600);
  assert.ok(ttft.rankSum.pValue < 1e-20);
  assert.equal(ttft.outcome, "candidate-faster");
  assert.match(metricVerdict(x, ttft), /^Optimized is faster than standard on TTFT: −33\.5% at the median\./);
  assert.equal(sampleWarning(x), null);
  assert.equal(x.metrics.find((m) => m.metric === "totalMs")!.outcome, "candidate-faster");
  assert.match(x.context, /us-east-1/);
});

test("five samples per configuration get a too-few-samples verdict and a warning, whatever the p-value", () => {
  const y = compareResults(resultSetFromRecords(records()), { kinds: ["performance-config"] })[0]!;
  const ttft = y.metrics[0]!;
  assert.equal(ttft.baselineCount, 5);
  assert.equal(ttft.outcome, "too-few-samples");
  // fully separated 5 vs 5: exact p = 2/252, "significant", yet not a basis for a conclusion
  assert.ok(Math.abs(ttft.rankSum.pValue - 2 / 252) < 1e-12);
  assert.match(metricVerdict(y, ttft), /^Too few samples to conclude anything about TTFT: 5 standard vs 5 optimized successful requests \(at least 30 each are needed/);
  assert.match(metricVerdict(y, ttft), /About [\d,]+ requests per configuration would pin the median difference to ±/);
  assert.match(sampleWarning(y)!, /Only 5 standard and 5 optimized successful requests: too few to support a conclusion/);
  assert.match(verdictOf(y), /TTFT.*total time/s);
});

test("identical distributions give no clear difference, and the sample size scales with the precision asked", () => {
  const set = resultSetFromRecords(records());
  const z = compareResults(set, { kinds: ["performance-config"] })[1]!;
  const ttft = z.metrics[0]!;
  assert.equal(ttft.outcome, "no-clear-difference");
  assert.ok(ttft.rankSum.pValue > 0.5);
  assert.match(metricVerdict(z, ttft), /^No clear difference in TTFT between optimized and standard/);
  // asking for half the current CI half-width needs 4× the smaller sample (30 optimized): 120
  const [standard, optimized] = set.groups.filter((g) => g.key.model === Z);
  const current = compareGroups(standard!, optimized!, "performance-config", { seed: 9 }).metrics[0]!;
  const halfWidth = (current.medianDifferenceMs.upper - current.medianDifferenceMs.lower) / 2;
  assert.ok(halfWidth > 0);
  const precise = compareGroups(standard!, optimized!, "performance-config", { seed: 9, precisionMs: halfWidth / 2 }).metrics[0]!;
  assert.equal(precise.precisionMs, halfWidth / 2);
  assert.equal(precise.samplesForPrecision, 120);
});

test("when the rank-sum test and the median's CI disagree, the verdict is no clear difference and says which held", () => {
  // 40 vs 40: the candidate's upper 21 values are 40 ms later, so its median sits on the edge of the gap (bootstrap
  // medians land on either side) while the rank-sum test sees the shift of half the distribution.
  const out: RequestRecord[] = [];
  for (let i = 0; i < 40; i++) {
    out.push(successRecord({ modelId: X, ttftMs: 500 + i, totalMs: 1500 + i }));
    const t = 500 + i + (i >= 19 ? 40 : 0);
    out.push(successRecord({ modelId: X, performanceConfigAsked: "optimized", performanceConfigServed: "optimized", ttftMs: t, totalMs: 1500 + i }));
  }
  const [standard, optimized] = groupRecords(out);
  const comparison = compareGroups(standard!, optimized!, "performance-config", { seed: 3 });
  const [ttft, total] = comparison.metrics;
  assert.ok(ttft!.rankSum.pValue < 0.05 && ttft!.rankSum.pValue > 0.01, String(ttft!.rankSum.pValue));
  assert.ok(ttft!.medianDifferenceMs.lower < 0 && ttft!.medianDifferenceMs.upper > 0);
  assert.equal(ttft!.outcome, "no-clear-difference");
  assert.match(metricVerdict(comparison, ttft!), /The rank-sum test sees a shift \(p = 0\.0\d\d, α = 0\.05\), but the median difference's 95% CI includes zero\./);
  // identical totals: neither criterion holds, nothing to explain; 40 per side is already precise enough
  assert.equal(total!.outcome, "no-clear-difference");
  assert.doesNotMatch(metricVerdict(comparison, total!), /rank-sum test sees|does not confirm/);
  assert.match(metricVerdict(comparison, total!), /40 requests per configuration already pin the median difference to ±76\.0 ms or better\.$/);
});

test("comparisons are reproducible for a seed and cover tiers and model pairs", () => {
  const set = resultSetFromRecords(records());
  const a = compareResults(set, { seed: 5 });
  const b = compareResults(set, { seed: 5 });
  const c = compareResults(set, { seed: 6 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(
    a.map((x) => x.metrics.map((m) => m.medianDifferenceMs.lower)),
    c.map((x) => x.metrics.map((m) => m.medianDifferenceMs.lower)),
  );
  // 3 config comparisons; no tier comparison (all default); models: 3 pairs × 2 configs
  assert.equal(a.filter((x) => x.kind === "performance-config").length, 3);
  assert.equal(a.filter((x) => x.kind === "service-tier").length, 0);
  assert.equal(a.filter((x) => x.kind === "model").length, 6);
  const tiers = groupRecords([
    ...Array.from({ length: 3 }, () => successRecord({ ttftMs: 100, totalMs: 200 })),
    ...Array.from({ length: 3 }, () => successRecord({ serviceTierAsked: "flex", serviceTierServed: "flex", ttftMs: 300, totalMs: 900 })),
    ...Array.from({ length: 3 }, () => successRecord({ serviceTierAsked: "priority", serviceTierServed: "priority", ttftMs: 90, totalMs: 150 })),
  ]);
  const tierComparisons = compareResults(tiers, { kinds: ["service-tier"] });
  assert.deepEqual(
    tierComparisons.map((t) => [t.baseline.value, t.candidate.value]),
    [
      ["default", "priority"],
      ["default", "flex"],
    ],
  );
  assert.throws(() => compareResults(set, { minSamples: 1 }), /minSamples/);
});

test("served vs asked: the fallback rate per model, region and asked config", () => {
  const rates = fallbackRates(resultSetFromRecords(records())).filter((r) => r.kind === "performance-config");
  const z = rates.find((r) => r.model === Z && r.asked === "optimized")!;
  assert.equal(z.requests, 40);
  assert.equal(z.fallbacks, 10);
  assert.equal(z.rate, 0.25);
  assert.deepEqual(z.servedInstead, { standard: 10 });
  const x = rates.find((r) => r.model === X && r.asked === "optimized")!;
  assert.equal(x.rate, 0);
  assert.equal(rates.find((r) => r.model === X && r.asked === "standard")!.requests, 40);
});

test("Holm adjustment: hand-computed values, input order kept, monotone, capped at 1", () => {
  // sorted 0.01, 0.02, 0.03, 0.5 with m = 4: 0.04, max(0.04, 0.06) = 0.06, max(0.06, 0.06) = 0.06, max(0.06, 0.5) = 0.5
  assert.deepEqual(holmAdjusted([0.03, 0.5, 0.01, 0.02]).map((p) => Math.round(p * 1e12) / 1e12), [0.06, 0.5, 0.04, 0.06]);
  assert.deepEqual(holmAdjusted([0.4, 0.6]), [0.8, 0.8]);
  assert.deepEqual(holmAdjusted([0.9, 0.8]), [1, 1]);
  assert.deepEqual(holmAdjusted([]), []);
});

test("compareResults adjusts every rank-sum p over the whole set and marks a verdict that does not survive as tentative", () => {
  const set = resultSetFromRecords(records());
  const all = compareResults(set);
  const tests = all.flatMap((c) => c.metrics);
  const expected = holmAdjusted(tests.map((m) => m.rankSum.pValue));
  assert.deepEqual(tests.map((m) => m.holmPValue), expected);
  for (const m of tests) assert.ok(m.holmPValue! >= m.rankSum.pValue);
  // X's 200 ms shift survives any adjustment: a plain verdict, no "Tentative"
  const x = all.find((c) => c.kind === "performance-config" && c.baseline.key.model === X)!;
  assert.equal(x.metrics[0]!.outcome, "candidate-faster");
  assert.doesNotMatch(metricVerdict(x, x.metrics[0]!), /Tentative/);
  // alone, a comparison has no family to adjust over
  const [standard, optimized] = set.groups.filter((g) => g.key.model === X);
  assert.equal(compareGroups(standard!, optimized!, "performance-config").metrics[0]!.holmPValue, null);
});

test("a difference found by one test among many is marked tentative, with the adjusted p", () => {
  // 40 vs 40 TTFTs shifted by 20 ms (rank-sum p about 0.001, CI excluding 0), then beside 10 more models
  const out: RequestRecord[] = [];
  for (let i = 0; i < 40; i++) {
    out.push(successRecord({ modelId: X, ttftMs: 500 + 2 * i, totalMs: 1500 + 2 * i }));
    out.push(successRecord({ modelId: X, performanceConfigAsked: "optimized", performanceConfigServed: "optimized", ttftMs: 520 + 2 * i, totalMs: 1500 + 2 * i }));
  }
  const aloneComparison = compareResults(resultSetFromRecords(out), { seed: 2 })[0]!;
  const alone = aloneComparison.metrics[0]!;
  assert.equal(alone.outcome, "candidate-slower");
  assert.ok(alone.rankSum.pValue > 0.0005 && alone.rankSum.pValue < 0.005, String(alone.rankSum.pValue));
  assert.ok(alone.holmPValue! < 0.05);
  assert.doesNotMatch(metricVerdict(aloneComparison, alone), /Tentative/, "two tests: the adjustment keeps it below 0.05");
  for (let k = 0; k < 10; k++) {
    for (let i = 0; i < 40; i++) out.push(successRecord({ modelId: `us.example.model-${String(k).padStart(2, "0")}-v1:0`, ttftMs: 500 + i, totalMs: 1500 + i }));
  }
  const crowd = compareResults(resultSetFromRecords(out), { seed: 2, kinds: ["performance-config", "model"] });
  const crowded = crowd.find((c) => c.kind === "performance-config")!;
  const m = crowded.metrics[0]!;
  assert.equal(m.outcome, "candidate-slower", "the verdict itself stands");
  assert.ok(m.holmPValue! >= 0.05);
  assert.match(metricVerdict(crowded, m), /Tentative: adjusted for the \d+ tests of this comparison set \(Holm\), p = [\d.]+, not below α = 0\.05; confirm it with a run that compares only these two\.$/);
});

test("a verdict that starts with the candidate starts with a capital, except a model ID, which stays as written", () => {
  const many = (n: number, f: (i: number) => Parameters<typeof successRecord>[0]) => Array.from({ length: n }, (_, i) => successRecord(f(i)));
  const tiers = groupRecords([
    ...many(40, (i) => ({ ttftMs: 500 + i, totalMs: 1500 + i })),
    ...many(40, (i) => ({ serviceTierAsked: "priority", serviceTierServed: "priority", ttftMs: 300 + i, totalMs: 1000 + i })),
  ]);
  const [tier] = compareResults(tiers, { kinds: ["service-tier"] });
  assert.match(metricVerdict(tier!, tier!.metrics[0]!), /^Tier priority is faster than tier default on TTFT: /);
  const models = groupRecords([
    ...many(40, (i) => ({ modelId: "us.anthropic.claude-3-5-haiku-20241022-v1:0", ttftMs: 500 + i, totalMs: 1500 + i })),
    ...many(40, (i) => ({ modelId: "us.amazon.nova-micro-v1:0", ttftMs: 300 + i, totalMs: 1000 + i })),
  ]);
  const [model] = compareResults(models, { kinds: ["model"] });
  assert.match(metricVerdict(model!, model!.metrics[0]!), /^claude-3-5-haiku-20241022-v1:0 is slower than nova-micro-v1:0 on TTFT: \+62\.6% at the median\. Median TTFT 320 ms \(nova-micro-v1:0\) vs 520 ms /);
});

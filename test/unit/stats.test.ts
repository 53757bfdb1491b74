import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bootstrapCi,
  bootstrapQuantileCi,
  bootstrapQuantileDifferenceCi,
  bootstrapQuantileReplicates,
  describe,
  mean,
  normalQuantile,
  permutationPValue,
  quantile,
  quantileSorted,
  rankSumTest,
  sampleStd,
  samplesForHalfWidth,
  samplesForMeanHalfWidth,
  sortedFinite,
} from "../../lib/analysis/stats";
import { seededRandom } from "../../lib/base/random";

const close = (actual: number | null, expected: number, tolerance = 1e-9, what = "value") =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} ± ${tolerance}, got ${String(actual)}`);

test("quantiles interpolate linearly between order statistics (R-7, as pandas)", () => {
  const oneToTen = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
  // h = (n − 1)·p = 9·0.9 = 8.1 → x₈ + 0.1·(x₉ − x₈) = 9 + 0.1 = 9.1 (0-based order statistics)
  close(quantile(oneToTen, 0.9), 9.1);
  // h = 4.5 → 5 + 0.5·1 = 5.5
  close(quantile(oneToTen, 0.5), 5.5);
  // h = 8.91 → 9 + 0.91 = 9.91
  close(quantile(oneToTen, 0.99), 9.91);
  close(quantile(oneToTen, 0), 1);
  close(quantile(oneToTen, 1), 10);
  // NaN values are ignored: [1, 3] → h = 0.5 → 2
  close(quantile([3, Number.NaN, 1], 0.5), 2);
  assert.throws(() => quantile([], 0.5), /empty/);
  assert.throws(() => quantileSorted([1], 1.5), /between 0 and 1/);
});

test("mean and sample standard deviation (n − 1, as pandas)", () => {
  const values = [2, 4, 4, 4, 5, 5, 7, 9];
  // 40 / 8 = 5
  close(mean(values), 5);
  // squared deviations 9+1+1+1+0+0+4+16 = 32; 32/7 = 4.571428…; √ = 2.138089935299395
  close(sampleStd(values), 2.138089935299395);
  assert.equal(sampleStd([42]), null);
  assert.throws(() => mean([]), /empty/);
});

test("describe gives count, mean, std, min, p50, p90, p95, p99 and max of the finite values", () => {
  const d = describe([5, 1, Number.NaN, 3, Number.POSITIVE_INFINITY]);
  assert.ok(d);
  // sorted finite values: [1, 3, 5]
  assert.equal(d.count, 3);
  close(d.mean, 3);
  close(d.std, 2); // (4 + 0 + 4) / 2 = 4 → 2
  assert.equal(d.min, 1);
  assert.equal(d.max, 5);
  close(d.p50, 3); // h = 1
  close(d.p90, 4.6); // h = 1.8 → 3 + 0.8·2
  close(d.p95, 4.8); // h = 1.9 → 3 + 0.9·2
  close(d.p99, 4.96); // h = 1.98 → 3 + 0.98·2
  assert.equal(describe([Number.NaN]), null);
  assert.deepEqual(Array.from(sortedFinite([3, Number.NaN, -1, 2])), [-1, 2, 3]);
});

test("seeded random sources are reproducible, in [0, 1), and differ between seeds", () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const c = seededRandom(43);
  const xs = Array.from({ length: 1000 }, () => a());
  const ys = Array.from({ length: 1000 }, () => b());
  const zs = Array.from({ length: 1000 }, () => c());
  assert.deepEqual(xs, ys);
  assert.notDeepEqual(xs, zs);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  // 1000 uniforms: the mean is 0.5 ± 0.0091 (1σ); allow 5σ
  assert.ok(Math.abs(mean(xs) - 0.5) < 0.046);
  assert.throws(() => seededRandom(1.5), /integer/);
});

test("the normal quantile is accurate to about 7 digits", () => {
  close(normalQuantile(0.975), 1.959963985, 1e-6);
  close(normalQuantile(0.8), 0.841621234, 1e-6);
  close(normalQuantile(0.5), 0, 1e-6);
  close(normalQuantile(0.025), -1.959963985, 1e-6);
});

test("rank-sum test: exact p-value without ties", () => {
  // A = [1..5] entirely below B = [6..10]: rank sum 15, U = 15 − 15 = 0.
  // Only 1 of C(10,5) = 252 splits gives U ≤ 0, so p = 2·1/252 = 0.0079365…
  const separated = rankSumTest([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
  assert.equal(separated.method, "exact");
  assert.equal(separated.rankSumA, 15);
  assert.equal(separated.u, 0);
  close(separated.pValue, 2 / 252);
  // A = [1, 3], B = [2, 4, 5]: ranks of A 1 + 3 = 4, U = 4 − 3 = 1.
  // U over the 10 splits of ranks: 0,1,2,3,2,3,4,4,5,6 → P(U ≤ 1) = 2/10, P(U ≥ 1) = 9/10 → p = 2·0.2 = 0.4
  const small = rankSumTest([1, 3], [2, 4, 5]);
  assert.equal(small.u, 1);
  close(small.pValue, 0.4);
  // Identical distributions in mirror image: U = nA·nB/2 → p = 1
  close(rankSumTest([1, 4], [2, 3]).pValue, 1);
});

test("rank-sum test: normal approximation with tie and continuity corrections", () => {
  // pooled sorted: 1, 2, 2, 2, 3, 4, 5, 6 → ranks 1, 3, 3, 3, 5, 6, 7, 8
  // A = [1, 2, 2, 3] → 1 + 3 + 3 + 5 = 12; U = 12 − 4·5/2 = 2; mean U = 4·4/2 = 8
  // ties: one run of 3 → 3³ − 3 = 24; σ² = 16/12 · (9 − 24/(8·7)) = 11.428571…; σ = 3.3806170…
  // z = (2 − 8 + 0.5) / σ = −1.6269219…; p = 2·(1 − Φ(1.6269219)) = 0.10375368
  const r = rankSumTest([1, 2, 2, 3], [2, 4, 5, 6]);
  assert.equal(r.method, "normal");
  assert.equal(r.rankSumA, 12);
  assert.equal(r.u, 2);
  close(r.z, -1.6269219403523945, 1e-9);
  close(r.pValue, 0.1037536775, 1e-6);
  // all values equal: no information, p = 1
  assert.equal(rankSumTest([1, 1], [1, 1, 1]).pValue, 1);
  assert.throws(() => rankSumTest([], [1]), /at least one value/);
});

test("permutation p-value (difference of means) is small for separated samples and 1 for identical ones", () => {
  const p = permutationPValue([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], { permutations: 5000, random: seededRandom(7) });
  // exact permutation p = 2/252 ≈ 0.0079; 5000 permutations estimate it within ±0.004 (3σ)
  assert.ok(p > 0 && p < 0.02, `p = ${p}`);
  assert.equal(permutationPValue([1, 2, 3], [1, 2, 3], { permutations: 200 }), 1);
});

test("fast quantile bootstrap draws the exact distribution of a resampled median", () => {
  // Resampling 3 draws from {10, 20, 30}: the median is 10 when at least two draws are 10:
  // 3·(1/3)²·(2/3) + (1/3)³ = 7/27; likewise 30; and 20 with 13/27.
  const replicates = bootstrapQuantileReplicates(Float64Array.from([10, 20, 30]), 0.5, 100_000, seededRandom(3));
  const share = (v: number) => replicates.filter((x) => x === v).length / replicates.length;
  close(share(10), 7 / 27, 0.01, "P(median = 10)");
  close(share(20), 13 / 27, 0.01, "P(median = 20)");
  close(share(30), 7 / 27, 0.01, "P(median = 30)");
  // p = 1 is the resample's maximum: 30 unless all three draws miss it, P = 1 − (2/3)³ = 19/27
  const maxima = bootstrapQuantileReplicates(Float64Array.from([10, 20, 30]), 1, 50_000, seededRandom(4));
  close(maxima.filter((x) => x === 30).length / maxima.length, 19 / 27, 0.01, "P(max = 30)");
});

test("fast quantile bootstrap agrees with the generic bootstrap on interpolated quantiles", () => {
  const random = seededRandom(11);
  const sample = Array.from({ length: 41 }, () => 100 + 400 * random() ** 2);
  const fast = bootstrapQuantileCi(sample, 0.9, { resamples: 20_000, random: seededRandom(5) });
  const generic = bootstrapCi(sample, (values) => quantile(values, 0.9), { resamples: 20_000, random: seededRandom(6) });
  close(fast.estimate, generic.estimate, 1e-9, "estimate");
  const spread = generic.upper - generic.lower;
  close(fast.lower, generic.lower, 0.05 * spread, "lower bound");
  close(fast.upper, generic.upper, 0.05 * spread, "upper bound");
  assert.ok(fast.lower <= fast.estimate && fast.estimate <= fast.upper);
});

test("bootstrap intervals: degenerate samples, differences and validation", () => {
  const constant = bootstrapCi([7, 7, 7], (v) => mean(v), { resamples: 50 });
  assert.deepEqual([constant.lower, constant.estimate, constant.upper], [7, 7, 7]);
  const single = bootstrapQuantileCi([5], 0.5, { resamples: 50 });
  assert.deepEqual([single.lower, single.upper], [5, 5]);
  // candidate = baseline − 100 everywhere: the difference of medians is −100 with a CI around it
  const baseline = Array.from({ length: 200 }, (_, i) => 500 + (i % 50));
  const candidate = baseline.map((v) => v - 100);
  const diff = bootstrapQuantileDifferenceCi(baseline, candidate, 0.5, { resamples: 2000 });
  close(diff.estimate, -100);
  assert.ok(diff.lower <= -100 && diff.upper >= -100 && diff.upper < -80 && diff.lower > -120, JSON.stringify(diff));
  assert.equal(diff.level, 0.95);
  assert.equal(diff.resamples, 2000);
  assert.throws(() => bootstrapCi([1], (v) => v[0]!, { resamples: 0 }), /resamples/);
  assert.throws(() => bootstrapQuantileCi([], 0.5), /empty/);
});

test("sample sizes for a chosen precision", () => {
  // half-widths shrink as 1/√n: halving ±50 with 20 samples needs 20·(50/25)² = 80
  assert.equal(samplesForHalfWidth(20, 50, 25), 80);
  assert.equal(samplesForHalfWidth(20, 10, 25), 4); // 20·0.16 = 3.2 → 4
  // (1.959964·100/10)² = 384.146 → 385
  assert.equal(samplesForMeanHalfWidth(100, 10), 385);
  assert.throws(() => samplesForHalfWidth(0, 1, 1), /currentN/);
});

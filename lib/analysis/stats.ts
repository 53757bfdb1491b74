/**
 * Statistics for benchmark samples: pure functions, tested against hand-computed values.
 *
 * Percentiles use linear interpolation between order statistics (R-7, the default of numpy and pandas), so numbers
 * match the AWS notebook's pandas summary: `quantile([1..10], 0.9)` is 9.1. Standard deviations are sample standard
 * deviations (n − 1 in the denominator, pandas' `ddof=1`). Randomness (bootstrap, permutations) comes from an injectable
 * source; {@link seededRandom} makes it reproducible.
 */
import { seededRandom, type RandomSource } from "../base/random";

/**
 * The parts of simple-statistics used here. The package ships ESM-only type declarations that a CommonJS build cannot
 * import, while its CommonJS bundle (what `require` loads) is complete; so it is required and typed locally.
 */
interface SimpleStatistics {
  quantileSorted(sorted: readonly number[], p: number): number;
  mean(values: readonly number[]): number;
  sampleStandardDeviation(values: readonly number[]): number;
  wilcoxonRankSum(sampleX: readonly number[], sampleY: readonly number[]): number;
  permutationTest(
    sampleX: readonly number[],
    sampleY: readonly number[],
    alternative?: "two_side" | "greater" | "less",
    k?: number,
    randomSource?: () => number,
  ): number;
  errorFunction(x: number): number;
  probit(p: number): number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ss = require("simple-statistics") as SimpleStatistics;

/** A samples container the functions here accept: plain arrays or typed arrays. */
export type Sample = ArrayLike<number>;

/** simple-statistics reads only `length` and indices, so typed arrays work as they are. */
function asArray(values: Sample): readonly number[] {
  return values as unknown as readonly number[];
}

/** The finite values of `values`, sorted ascending, as a new Float64Array (NaN and ±Infinity are dropped). */
export function sortedFinite(values: Sample): Float64Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) count++;
  const out = new Float64Array(count);
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) out[j++] = v;
  }
  return out.sort();
}

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`Expected a quantile between 0 and 1, got ${String(p)}`);
}

/** R-7 quantile of already sorted values (linear interpolation between order statistics). */
export function quantileSorted(sorted: Sample, p: number): number {
  checkProbability(p);
  if (sorted.length === 0) throw new RangeError("Cannot take a quantile of an empty sample");
  return ss.quantileSorted(asArray(sorted), p);
}

/** R-7 quantile of unsorted values (non-finite values ignored). */
export function quantile(values: Sample, p: number): number {
  return quantileSorted(sortedFinite(values), p);
}

/** Arithmetic mean; throws on an empty sample. */
export function mean(values: Sample): number {
  if (values.length === 0) throw new RangeError("Cannot take the mean of an empty sample");
  return ss.mean(asArray(values));
}

/** Mean of the finite values (NaN and ±Infinity ignored); null when there are none. No sort, no copy. */
export function meanFinite(values: Sample): number | null {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      sum += v;
      count++;
    }
  }
  return count === 0 ? null : sum / count;
}

/** Sample standard deviation (denominator n − 1, as pandas); null with fewer than two values (pandas gives NaN). */
export function sampleStd(values: Sample): number | null {
  return values.length < 2 ? null : ss.sampleStandardDeviation(asArray(values));
}

/** How a metric is distributed within one group. */
export interface Distribution {
  count: number;
  mean: number;
  /** Sample standard deviation; null below two values. */
  std: number | null;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** Count, mean, std, min, p50/p90/p95/p99 and max of the finite values; null when there are none. */
export function describe(values: Sample): Distribution | null {
  return describeSorted(sortedFinite(values));
}

/** {@link describe} for values already sorted and finite (sorted once, read many times). */
export function describeSorted(sorted: Float64Array): Distribution | null {
  if (sorted.length === 0) return null;
  return {
    count: sorted.length,
    mean: mean(sorted),
    std: sampleStd(sorted),
    min: sorted[0]!,
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    max: sorted[sorted.length - 1]!,
  };
}

/** Standard normal cumulative probability, from simple-statistics' error function (absolute error < 1.2e-7). */
export function normalCdf(z: number): number {
  return 0.5 * (1 + ss.errorFunction(z / Math.SQRT2));
}

/**
 * Standard normal quantile: simple-statistics' `probit` (about 3 significant digits) refined by two Newton steps on
 * {@link normalCdf}, which brings it to about 7 digits (normalQuantile(0.975) = 1.959964).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`Expected a probability strictly between 0 and 1, got ${String(p)}`);
  let z = ss.probit(p);
  for (let i = 0; i < 2; i++) {
    const density = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    z -= (normalCdf(z) - p) / density;
  }
  return z;
}

/** A confidence interval around an estimate. */
export interface ConfidenceInterval {
  estimate: number;
  lower: number;
  upper: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
  /** Number of bootstrap resamples behind the interval. */
  resamples: number;
}

export interface BootstrapOptions {
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Uniform [0, 1) source (default: seededRandom(1), so results are reproducible). */
  random?: RandomSource;
}

interface ResolvedBootstrap {
  resamples: number;
  level: number;
  random: RandomSource;
}

function resolveBootstrap(options: BootstrapOptions): ResolvedBootstrap {
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`Expected resamples to be an integer ≥ 1, got ${String(resamples)}`);
  }
  if (!(level > 0 && level < 1)) throw new RangeError(`Expected the confidence level between 0 and 1, got ${String(level)}`);
  return { resamples, level, random: options.random ?? seededRandom(1) };
}

/** Percentile interval of bootstrap replicates (R-7 quantiles at (1 − level)/2 and (1 + level)/2). */
function percentileInterval(estimate: number, replicates: Float64Array, level: number): ConfidenceInterval {
  replicates.sort();
  return {
    estimate,
    lower: quantileSorted(replicates, (1 - level) / 2),
    upper: quantileSorted(replicates, (1 + level) / 2),
    level,
    resamples: replicates.length,
  };
}

/**
 * Percentile bootstrap confidence interval of any statistic: `resamples` times, draw n values with replacement and
 * compute the statistic; the interval is the (1 ± level)/2 quantiles of those replicates. O(n) per resample.
 */
export function bootstrapCi(sample: Sample, statistic: (values: Float64Array) => number, options: BootstrapOptions = {}): ConfidenceInterval {
  const { resamples, level, random } = resolveBootstrap(options);
  const n = sample.length;
  if (n === 0) throw new RangeError("Cannot bootstrap an empty sample");
  const original = Float64Array.from(sample);
  const resample = new Float64Array(n);
  const replicates = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) resample[i] = original[Math.floor(random() * n)]!;
    replicates[r] = statistic(resample);
  }
  return percentileInterval(statistic(original), replicates, level);
}

/** Standard normal variate by Box–Muller. */
function normalVariate(random: RandomSource): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) variate for shape ≥ 1 (Marsaglia and Tsang, 2000). */
function gammaVariate(shape: number, random: RandomSource): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalVariate(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) variate for a, b ≥ 1. */
function betaVariate(a: number, b: number, random: RandomSource): number {
  const x = gammaVariate(a, random);
  const y = gammaVariate(b, random);
  return x / (x + y);
}

/**
 * Bootstrap replicates of the R-7 quantile p of a sorted sample, each drawn in O(1).
 *
 * A bootstrap resample draws n indices uniformly from 0…n−1; write each as ⌊n·U⌋ with U uniform on (0, 1). Flooring
 * keeps order, so the resample's k-th smallest value is sorted[⌊n·U₍ₖ₎⌋], where U₍ₖ₎, the k-th smallest of n uniforms,
 * follows Beta(k, n − k + 1), and the next one is U₍ₖ₎ + (1 − U₍ₖ₎)·(1 − V^(1/(n−k))) with V uniform. Drawing the two
 * order statistics R-7 interpolates between gives exactly the distribution of the resampled quantile, without drawing
 * n values: a comparison of 100,000-request groups costs the same as one of 10.
 */
export function bootstrapQuantileReplicates(sorted: Float64Array, p: number, resamples: number, random: RandomSource): Float64Array {
  checkProbability(p);
  const n = sorted.length;
  if (n === 0) throw new RangeError("Cannot bootstrap an empty sample");
  const out = new Float64Array(resamples);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const fraction = h - lo;
  const k = lo + 1; // 1-based rank of the lower order statistic
  for (let r = 0; r < resamples; r++) {
    const uLow = n === 1 ? random() : k === n ? Math.pow(1 - random(), 1 / n) : betaVariate(k, n - k + 1, random);
    const low = sorted[Math.min(n - 1, Math.floor(uLow * n))]!;
    if (fraction === 0 || k >= n) {
      out[r] = low;
      continue;
    }
    const uHigh = uLow + (1 - uLow) * (1 - Math.pow(1 - random(), 1 / (n - k)));
    const high = sorted[Math.min(n - 1, Math.floor(uHigh * n))]!;
    out[r] = low + fraction * (high - low);
  }
  return out;
}

/** Percentile bootstrap confidence interval of the R-7 quantile p (e.g. 0.5 for the median, 0.9 for p90). */
export function bootstrapQuantileCi(sample: Sample, p: number, options: BootstrapOptions = {}): ConfidenceInterval {
  const { resamples, level, random } = resolveBootstrap(options);
  const sorted = sortedFinite(sample);
  const replicates = bootstrapQuantileReplicates(sorted, p, resamples, random);
  return percentileInterval(quantileSorted(sorted, p), replicates, level);
}

/**
 * Percentile bootstrap confidence interval of quantile_p(candidate) − quantile_p(baseline), the two samples resampled
 * independently. A negative difference of latencies means the candidate is faster.
 */
export function bootstrapQuantileDifferenceCi(
  baseline: Sample,
  candidate: Sample,
  p: number,
  options: BootstrapOptions = {},
): ConfidenceInterval {
  const { resamples, level, random } = resolveBootstrap(options);
  const a = sortedFinite(baseline);
  const b = sortedFinite(candidate);
  const ra = bootstrapQuantileReplicates(a, p, resamples, random);
  const rb = bootstrapQuantileReplicates(b, p, resamples, random);
  const replicates = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) replicates[i] = rb[i]! - ra[i]!;
  return percentileInterval(quantileSorted(b, p) - quantileSorted(a, p), replicates, level);
}

/** Result of a Wilcoxon–Mann–Whitney rank-sum test. */
export interface RankSumResult {
  /** Sum of the ranks of sample A in the pooled sample (ties get their average rank). */
  rankSumA: number;
  /** Mann–Whitney U of A: rankSumA − nA(nA + 1)/2 (pairs where A is larger, ties counting ½). */
  u: number;
  /** Normal-approximation z (with tie and continuity corrections); null for the exact test. */
  z: number | null;
  /** Two-sided p-value. */
  pValue: number;
  /** `exact` (no ties, nA·nB ≤ 10,000) or `normal` approximation. */
  method: "exact" | "normal";
}

/** Exact two-sided p-value of U under H0 (no ties), from the generating function ∏ᵢ (1 − q^(n+i)) / (1 − q^i). */
function exactRankSumPValue(u: number, m: number, n: number): number {
  const maxU = m * n;
  const counts = new Float64Array(maxU + 1);
  counts[0] = 1;
  for (let i = 1; i <= m; i++) {
    const up = n + i;
    for (let j = maxU; j >= up; j--) counts[j] -= counts[j - up]!;
    for (let j = i; j <= maxU; j++) counts[j] += counts[j - i]!;
  }
  let total = 0;
  let atMost = 0;
  let atLeast = 0;
  for (let j = 0; j <= maxU; j++) {
    const c = counts[j]!;
    total += c;
    if (j <= u) atMost += c;
    if (j >= u) atLeast += c;
  }
  return Math.min(1, (2 * Math.min(atMost, atLeast)) / total);
}

/**
 * Two-sided Wilcoxon rank-sum (Mann–Whitney U) test that A and B come from the same distribution. The rank sum is
 * simple-statistics' `wilcoxonRankSum`; the p-value is exact without ties for small samples, otherwise from the normal
 * approximation with tie correction (σ² = nA·nB/12 · (N + 1 − Σ(t³ − t)/(N(N − 1)))) and a continuity correction of ½.
 */
export function rankSumTest(a: Sample, b: Sample): RankSumResult {
  const x = Array.from(a).filter(Number.isFinite);
  const y = Array.from(b).filter(Number.isFinite);
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError("The rank-sum test needs at least one value in each sample");
  const rankSumA = ss.wilcoxonRankSum(x, y);
  const u = rankSumA - (m * (m + 1)) / 2;
  const pooled = Float64Array.from([...x, ...y]).sort();
  const total = m + n;
  let tieTerm = 0;
  for (let i = 0; i < total; ) {
    let j = i + 1;
    while (j < total && pooled[j] === pooled[i]) j++;
    const t = j - i;
    tieTerm += t * t * t - t;
    i = j;
  }
  if (tieTerm === 0 && m * n <= 10_000) {
    return { rankSumA, u, z: null, pValue: exactRankSumPValue(u, m, n), method: "exact" };
  }
  const meanU = (m * n) / 2;
  const variance = ((m * n) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  if (variance <= 0) return { rankSumA, u, z: 0, pValue: 1, method: "normal" };
  const deviation = u - meanU;
  const corrected = Math.abs(deviation) <= 0.5 ? 0 : deviation - 0.5 * Math.sign(deviation);
  const z = corrected / Math.sqrt(variance);
  const pValue = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  return { rankSumA, u, z, pValue, method: "normal" };
}

export interface PermutationOptions {
  /** Random relabellings (default 10,000). */
  permutations?: number;
  random?: RandomSource;
}

/**
 * Two-sided permutation-test p-value for a difference of means (simple-statistics' `permutationTest`): the share of
 * random relabellings of the pooled values whose difference of means is at least as large as the observed one.
 */
export function permutationPValue(a: Sample, b: Sample, options: PermutationOptions = {}): number {
  const permutations = options.permutations ?? 10_000;
  if (!Number.isInteger(permutations) || permutations < 1) {
    throw new RangeError(`Expected permutations to be an integer ≥ 1, got ${String(permutations)}`);
  }
  const x = Array.from(a).filter(Number.isFinite);
  const y = Array.from(b).filter(Number.isFinite);
  if (x.length === 0 || y.length === 0) throw new RangeError("The permutation test needs at least one value in each sample");
  return ss.permutationTest(x, y, "two_side", permutations, options.random ?? seededRandom(1));
}

/**
 * Sample size that brings a confidence interval's half-width from `currentHalfWidth` (measured with `currentN` values
 * per group) down to `targetHalfWidth`: half-widths shrink as 1/√n, so n × (current / target)², rounded up.
 */
export function samplesForHalfWidth(currentN: number, currentHalfWidth: number, targetHalfWidth: number): number {
  if (!(currentN >= 1)) throw new RangeError(`Expected currentN ≥ 1, got ${String(currentN)}`);
  if (!(targetHalfWidth > 0)) throw new RangeError(`Expected a target half-width > 0, got ${String(targetHalfWidth)}`);
  if (!(currentHalfWidth >= 0)) throw new RangeError(`Expected a current half-width ≥ 0, got ${String(currentHalfWidth)}`);
  return Math.max(1, Math.ceil(currentN * (currentHalfWidth / targetHalfWidth) ** 2));
}

/**
 * Sample size for a mean known to ±`halfWidth` at confidence `level`, given a standard deviation: ⌈(z·σ / halfWidth)²⌉.
 */
export function samplesForMeanHalfWidth(std: number, halfWidth: number, level = 0.95): number {
  if (!(std >= 0)) throw new RangeError(`Expected a standard deviation ≥ 0, got ${String(std)}`);
  if (!(halfWidth > 0)) throw new RangeError(`Expected a half-width > 0, got ${String(halfWidth)}`);
  const z = normalQuantile((1 + level) / 2);
  return Math.max(1, Math.ceil(((z * std) / halfWidth) ** 2));
}

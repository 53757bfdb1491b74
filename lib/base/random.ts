import { xoroshiro128plus, unsafeUniformIntDistribution, type RandomGenerator } from "pure-rand";

/**
 * The one seeded random source: pure-rand's xoroshiro128+ and the draws built on it. The emulator derives one per
 * request from its seed and the request's sequence number (so a request's draws do not depend on how requests
 * interleave); the schedule shuffles and paces with one seeded by the experiment; the statistics resample with
 * {@link seededRandom}. Each draw keeps the exact bits it has always produced, so a seed gives the same emulator
 * output, schedule, arrivals and confidence intervals as before.
 */

/** Uniform random numbers in [0, 1): how randomness is injected where only uniforms are needed (the statistics). */
export type RandomSource = () => number;

export class SeededRandom {
  private readonly generator: RandomGenerator;

  /** Seeds with the integer part of `seed` as a 32-bit integer (as pure-rand does). */
  constructor(seed: number) {
    this.generator = xoroshiro128plus(seed | 0);
  }

  /** A source derived from `seed` and a list of integers/strings (e.g. a request sequence and a purpose). */
  static derive(seed: number, ...parts: Array<number | string>): SeededRandom {
    let h = (seed ^ 0x9e3779b9) >>> 0;
    for (const part of parts) {
      const text = String(part);
      for (let i = 0; i < text.length; i++) {
        h = Math.imul(h ^ text.charCodeAt(i), 0x85ebca6b) >>> 0;
        h = (h ^ (h >>> 13)) >>> 0;
      }
      h = Math.imul(h ^ 0x2f, 0xc2b2ae35) >>> 0;
      h = (h ^ (h >>> 16)) >>> 0;
    }
    return new SeededRandom(h | 0);
  }

  /** Uniform in [0, 1) with 53 bits of precision (the high 27 and 26 bits of two draws). */
  uniform(): number {
    const a = this.generator.unsafeNext() >>> 5;
    const b = this.generator.unsafeNext() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform in (0, 1] with 53 bits of precision (the low 26 and 27 bits of two draws): safe to take the log of. */
  uniformPositive(): number {
    const high = this.generator.unsafeNext() & 0x3ffffff;
    const low = this.generator.unsafeNext() & 0x7ffffff;
    return (high * 134217728 + low + 1) / 9007199254740992;
  }

  /** Uniform integer in [min, max] (inclusive), scaled from {@link uniform}. */
  integer(min: number, max: number): number {
    if (max <= min) return min;
    return min + Math.floor(this.uniform() * (max - min + 1));
  }

  /** Standard normal draw (Box–Muller). */
  standardNormal(): number {
    let u = this.uniform();
    while (u <= Number.MIN_VALUE) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal draw with the given median and shape σ (the standard deviation of its logarithm). */
  logNormal(median: number, sigma: number): number {
    if (sigma === 0) return median;
    return median * Math.exp(sigma * this.standardNormal());
  }

  /** Exponential draw with the given mean. */
  exponential(mean: number): number {
    if (mean === 0) return 0;
    let u = this.uniform();
    while (u <= Number.MIN_VALUE) u = this.uniform();
    return -mean * Math.log(u);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return p > 0 && this.uniform() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.uniform() * items.length)] as T;
  }

  /** Shuffles `items` in place (Fisher–Yates, each index from pure-rand's unbiased integer distribution) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = unsafeUniformIntDistribution(0, i, this.generator);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** A reproducible {@link RandomSource}: the {@link SeededRandom.uniform} draws of a source seeded with the integer `seed`. */
export function seededRandom(seed: number): RandomSource {
  if (!Number.isInteger(seed)) throw new RangeError(`Expected the seed to be an integer, got ${String(seed)}`);
  const source = new SeededRandom(seed);
  return () => source.uniform();
}

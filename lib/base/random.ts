import { xoroshiro128plus, type RandomGenerator } from "pure-rand";

/**
 * A seeded source of random numbers (pure-rand's xoroshiro128+) with the distributions the latency model uses.
 * Every request gets its own source derived from the emulator seed and the request's sequence number, so a
 * request's draws do not depend on how requests interleave.
 */
export class RandomSource {
  private readonly generator: RandomGenerator;

  constructor(seed: number) {
    this.generator = xoroshiro128plus(seed | 0);
  }

  /** A source derived from `seed` and a list of integers/strings (e.g. a request sequence and a purpose). */
  static derive(seed: number, ...parts: Array<number | string>): RandomSource {
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
    return new RandomSource(h | 0);
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  uniform(): number {
    const a = this.generator.unsafeNext() >>> 5;
    const b = this.generator.unsafeNext() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform integer in [min, max] (inclusive). */
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
}

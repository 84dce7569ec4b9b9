/**
 * Seeded random streams for the simulator. Each station, source and robot gets its own stream
 * derived from (seed, label), so adding a robot or sampling more often never shifts the draws of
 * the flow: the event stream depends only on the seed and the scene.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export class RandomStream {
  private readonly rng: RandomGenerator;

  constructor(seed: number, label: string) {
    this.rng = xoroshiro128plus(mix32(seed, label));
    // xoroshiro's seeding leaves nearby seeds correlated for the first outputs.
    for (let i = 0; i < 16; i++) this.rng.next();
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.rng);
  }

  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return Math.min(hi, lo + Math.floor(this.uniform() * (hi - lo + 1)));
  }

  /** -1 or +1. */
  sign(): number {
    return this.uniform() < 0.5 ? -1 : 1;
  }

  /** Standard normal (Box–Muller; one value per call keeps the stream simple to reason about). */
  normal(): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log stays finite
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /** Log-normal with the given mean and log-space spread `sigma`. */
  lognormal(mean: number, sigma: number): number {
    return mean * Math.exp(sigma * this.normal() - (sigma * sigma) / 2);
  }

  /** Index into `weights`, chosen in proportion to the weights (all positive). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}

/** 32-bit hash of (seed, label): FNV-1a over the label, then a murmur3 finaliser with the seed. */
export function mix32(seed: number, label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Seeds beyond 32 bits still matter: fold the high part in.
  h ^= seed | 0;
  h = Math.imul(h ^ Math.floor(seed / 2 ** 32), 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

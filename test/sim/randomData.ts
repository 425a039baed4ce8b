/**
 * Small random datasets for the simulator tests: Gaussian features from a seeded generator and
 * random distinct token pairs. Deliberately arbitrary (no cluster structure): Lemma 4.1 and the
 * integrators must hold for any data (THEORY §2).
 */
import seedrandom from 'seedrandom';
import type { Dataset, PreferenceSet } from '../../src/data/dataset.ts';

/** Standard normal draws by Box–Muller from a seeded uniform generator. */
export function gaussian(rng: () => number): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A preference set of n samples in dimension d with tokens < vocab and features N(0, scale²). */
export function randomSet(rng: () => number, n: number, d: number, vocab: number, scale = 1): PreferenceSet {
  const features = new Float64Array(n * d);
  for (let i = 0; i < features.length; i++) features[i] = scale * gaussian(rng);
  const chosen = new Int32Array(n);
  const rejected = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const w = Math.floor(rng() * vocab);
    let l = Math.floor(rng() * (vocab - 1));
    if (l >= w) l++;
    chosen[i] = w;
    rejected[i] = l;
  }
  return { n, d, features, chosen, rejected };
}

/** A dataset with a training set and an optional test set, all from `seed`. */
export function randomDataset(seed: string, opts: { n: number; d: number; vocab: number; testN?: number; scale?: number }): Dataset {
  const rng = seedrandom(seed);
  const train = randomSet(rng, opts.n, opts.d, opts.vocab, opts.scale);
  const test = opts.testN ? randomSet(rng, opts.testN, opts.d, opts.vocab, opts.scale) : undefined;
  return { train, ...(test ? { test } : {}), vocab: opts.vocab };
}

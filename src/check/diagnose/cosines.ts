/**
 * Cosine similarity between embeddings, raw and after subtracting the mean embedding: the paper's
 * motivation for its model (§3: raw LLM embeddings are all alike, centred they cluster by concept),
 * measured on the user's data.
 */
import type { PreferenceSet } from '../../data/dataset.ts';
import { createStream } from '../../data/rng.ts';

/**
 * Pairs of samples compared. Ours: all pairs when there are at most this many, else this many
 * random pairs (seeded): the quantiles are then good to about ±0.01 in rank (±0.005 at the
 * median), at O(pairs·d) cost (under a second at the paper's d).
 */
export const COSINE_PAIRS = 10_000;

/** Histogram bins over [-1, 1]. */
export const COSINE_BINS = 40;

/** Quantile levels reported. */
export const COSINE_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/** Summary of one set of cosines. */
export interface CosineSummary {
  readonly mean: number;
  /** Values at {@link COSINE_QUANTILES}, keyed 'q05', 'q25', ... */
  readonly quantiles: Readonly<Record<string, number>>;
  /** Counts per bin; bin j covers [-1 + 2j/B, -1 + 2(j+1)/B). */
  readonly histogram: readonly number[];
}

/** Raw and centred cosines. */
export interface CosineReport {
  readonly pairs: number;
  /** 'all' or 'sampled'. */
  readonly pairing: 'all' | 'sampled';
  readonly raw: CosineSummary;
  readonly centred: CosineSummary;
}

function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function summarize(values: Float64Array): CosineSummary {
  const sorted = Float64Array.from(values).sort();
  const histogram = new Array<number>(COSINE_BINS).fill(0);
  let sum = 0;
  for (const c of values) {
    sum += c;
    histogram[Math.min(COSINE_BINS - 1, Math.max(0, Math.floor(((c + 1) / 2) * COSINE_BINS)))]++;
  }
  const quantiles = Object.fromEntries(COSINE_QUANTILES.map((p) => [`q${String(Math.round(p * 100)).padStart(2, '0')}`, quantile(sorted, p)]));
  return { mean: sum / values.length, quantiles, histogram };
}

/**
 * Cosines between pairs of training embeddings, raw and centred on the mean embedding of all
 * samples. Pairs: all when N(N-1)/2 <= {@link COSINE_PAIRS}, else that many random distinct pairs.
 * A zero vector has cosine 0 with everything.
 * @example embeddingCosines(train, 0).raw.mean
 */
export function embeddingCosines(set: PreferenceSet, seed: number): CosineReport {
  const { n, d, features: X } = set;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += X[i * d + k] / n;
  const total = (n * (n - 1)) / 2;
  const all = total <= COSINE_PAIRS;
  const count = all ? total : COSINE_PAIRS;
  const left = new Int32Array(count);
  const right = new Int32Array(count);
  if (all) {
    let p = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) (left[p] = i), (right[p++] = j);
  } else {
    const rng = createStream(seed, 'diagnose/cosine-pairs');
    for (let p = 0; p < count; p++) {
      const i = Math.floor(rng.uniform() * n);
      let j = Math.floor(rng.uniform() * (n - 1));
      if (j >= i) j++;
      left[p] = i;
      right[p] = j;
    }
  }
  const raw = new Float64Array(count);
  const centred = new Float64Array(count);
  for (let p = 0; p < count; p++) {
    const a = left[p] * d, b = right[p] * d;
    let ab = 0, aa = 0, bb = 0, cab = 0, caa = 0, cbb = 0;
    for (let k = 0; k < d; k++) {
      const x = X[a + k], y = X[b + k];
      ab += x * y;
      aa += x * x;
      bb += y * y;
      const cx = x - mean[k], cy = y - mean[k];
      cab += cx * cy;
      caa += cx * cx;
      cbb += cy * cy;
    }
    raw[p] = aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
    centred[p] = caa > 0 && cbb > 0 ? cab / Math.sqrt(caa * cbb) : 0;
  }
  return { pairs: count, pairing: all ? 'all' : 'sampled', raw: summarize(raw), centred: summarize(centred) };
}

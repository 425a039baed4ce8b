/**
 * An independent generator for the diagnose tests: THEORY §3 clusters N(b ± c_k, Σ) written from
 * scratch (not src/data/sampler.ts), then rotated by a random orthogonal matrix and rescaled, so
 * that a test knows the true l_b, v, Z and concept geometry of data that look nothing like the
 * basis-vector construction.
 */
import seedrandom from 'seedrandom';
import type { Dataset } from '../../../src/data/dataset.ts';

export interface SyntheticSpec {
  K: number;
  Q: number;
  d: number;
  v: number;
  lb: number;
  seed: number;
  /** Multiply all features by this. */
  scale?: number;
  /** Apply a random rotation. */
  rotate?: boolean;
  /** Per-coordinate noise sd multipliers spread geometrically over this variance ratio (1 = isotropic). */
  anisotropy?: number;
  /** Put the largest noise variances on the first coordinates (b and the concepts) instead of the last. */
  noisyConcepts?: boolean;
  /** Token pairs: distinct per concept, or one shared pair. */
  tokens?: 'distinct' | 'shared';
  /** Size of C_{k,-} (default Q). */
  Qminus?: number;
  /** Add a `concept` array. */
  withConcept?: boolean;
  /** An extra common offset added to every embedding along a direction orthogonal to b and the concepts (length in model units). */
  commonOffset?: number;
  /** Test samples per cluster. */
  testPerCluster?: number;
}

function gaussian(rng: () => number): () => number {
  return () => {
    let u = 0;
    while (u === 0) u = rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
}

/** A random orthogonal d×d matrix (Gram–Schmidt on a Gaussian matrix), row-major. */
export function randomRotation(d: number, seed: number): Float64Array {
  const g = gaussian(seedrandom(`rot-${seed}`));
  const R = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) R[i * d + k] = g();
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += R[i * d + k] * R[j * d + k];
      for (let k = 0; k < d; k++) R[i * d + k] -= s * R[j * d + k];
    }
    let n = 0;
    for (let k = 0; k < d; k++) n += R[i * d + k] ** 2;
    n = Math.sqrt(n);
    for (let k = 0; k < d; k++) R[i * d + k] /= n;
  }
  return R;
}

/** Applies x -> scale · R x to every row. */
export function transform(X: Float64Array, d: number, R: Float64Array | null, scale: number): Float64Array {
  const n = X.length / d;
  const out = new Float64Array(X.length);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < d; r++) {
      let s = 0;
      if (R === null) s = X[i * d + r];
      else for (let k = 0; k < d; k++) s += R[r * d + k] * X[i * d + k];
      out[i * d + r] = scale * s;
    }
  }
  return out;
}

function draw(spec: SyntheticSpec, perCluster: (k: number, sign: number) => number, label: string) {
  const { K, d, v, lb } = spec;
  const g = gaussian(seedrandom(`${label}-${spec.seed}`));
  const ratio = spec.anisotropy ?? 1;
  // Variances s_j ∝ ratio^{j/(d-1)}, normalised to mean 1 (so the trace stays v² d).
  const raw = Array.from({ length: d }, (_, j) => ratio ** (j / Math.max(1, d - 1)));
  const meanVar = raw.reduce((a, b) => a + b, 0) / d;
  const sd = raw.map((x) => Math.sqrt(x / meanVar));
  if (spec.noisyConcepts) sd.reverse();
  const rows: number[][] = [];
  const chosen: number[] = [], rejected: number[] = [], concept: number[] = [];
  for (let k = 0; k < K; k++) {
    for (const sign of [1, -1]) {
      for (let q = 0; q < perCluster(k, sign); q++) {
        const x = new Array<number>(d).fill(0);
        x[0] = lb;
        x[1 + k] = sign;
        if (spec.commonOffset !== undefined) x[d - 1] += spec.commonOffset;
        for (let j = 0; j < d; j++) x[j] += v * sd[j] * g();
        rows.push(x);
        const [p, n] = spec.tokens === 'shared' ? [0, 1] : [2 * k, 2 * k + 1];
        chosen.push(sign > 0 ? p : n);
        rejected.push(sign > 0 ? n : p);
        concept.push(k);
      }
    }
  }
  return { X: Float64Array.from(rows.flat()), chosen: Int32Array.from(chosen), rejected: Int32Array.from(rejected), concept: Int32Array.from(concept) };
}

/** Draws a dataset of the spec (module comment). */
export function syntheticDataset(spec: SyntheticSpec): Dataset {
  const R = spec.rotate ? randomRotation(spec.d, spec.seed) : null;
  const scale = spec.scale ?? 1;
  const tr = draw(spec, (_k, sign) => (sign < 0 ? (spec.Qminus ?? spec.Q) : spec.Q), 'train');
  const train = {
    n: tr.chosen.length,
    d: spec.d,
    features: transform(tr.X, spec.d, R, scale),
    chosen: tr.chosen,
    rejected: tr.rejected,
    ...(spec.withConcept ? { concept: tr.concept } : {}),
  };
  if (spec.testPerCluster === undefined) return { train, vocab: 2 * spec.K };
  const te = draw(spec, () => spec.testPerCluster!, 'test');
  const test = { n: te.chosen.length, d: spec.d, features: transform(te.X, spec.d, R, scale), chosen: te.chosen, rejected: te.rejected };
  return { train, test, vocab: 2 * spec.K };
}

import { describe, expect, it } from 'vitest';
import { ClusterConfigSchema, tokenPairs } from '../../src/data/config.ts';
import type { ClusterConfig, ClusterConfigInput } from '../../src/data/config.ts';
import { clusterSizes, negativeClusterSize, referenceLogProbs, sampleDataset, sampleTestSet } from '../../src/data/sampler.ts';
import { conceptVectors } from '../../src/data/concepts.ts';
import { InvalidInputError } from '../../src/theory/errors.ts';

const cfg = (input: ClusterConfigInput): ClusterConfig => ClusterConfigSchema.parse(input);
const bytes = (a: Float64Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Per-cluster means and pooled per-coordinate variance of the training features. */
function clusterStats(config: ClusterConfig) {
  const ds = sampleDataset(config);
  const { n, d, features, cluster } = ds.train;
  const C = 2 * config.K;
  const sum = new Float64Array(C * d);
  const count = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    count[cluster![i]]++;
    for (let j = 0; j < d; j++) sum[cluster![i] * d + j] += features[i * d + j];
  }
  for (let c = 0; c < C; c++) for (let j = 0; j < d; j++) sum[c * d + j] /= count[c];
  const varPerCoord = new Float64Array(d);
  const m4PerCoord = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const z = (features[i * d + j] - sum[cluster![i] * d + j]) ** 2;
      varPerCoord[j] += z / n;
      m4PerCoord[j] += (z * z) / n;
    }
  }
  return { ds, mean: sum, varPerCoord, m4PerCoord };
}

describe('sampleDataset', () => {
  const base = cfg({ K: 3, Q: 7, d: 6, v: 0.01, lb: 0.4, seed: 17 });

  it('lays out N = 2KQ samples cluster by cluster with the tokens of tokenPairs', () => {
    const ds = sampleDataset(base);
    expect(ds.train.n).toBe(42);
    expect(ds.train.features.length).toBe(42 * 6);
    const pairs = tokenPairs(base);
    for (let i = 0; i < ds.train.n; i++) {
      const c = Math.floor(i / 7);
      expect(ds.train.cluster![i]).toBe(c);
      const [p, q] = pairs[c >> 1];
      expect([ds.train.chosen[i], ds.train.rejected[i]]).toEqual(c % 2 === 0 ? [p, q] : [q, p]);
    }
    expect(ds.vocab).toBe(6);
    expect(ds.test).toBeUndefined();
    expect(ds.train.refChosenLogp).toBeUndefined();
  });

  it('is bit-identical for the same seed, different for another seed', () => {
    const a = sampleDataset(base).train.features;
    const b = sampleDataset(base).train.features;
    expect(bytes(a).equals(bytes(b))).toBe(true);
    const c = sampleDataset({ ...base, seed: 18 }).train.features;
    expect(bytes(a).equals(bytes(c))).toBe(false);
  });

  it('never changes the training set when test samples are added; test sets are prefixes', () => {
    const plain = sampleDataset(base);
    const withTest = sampleDataset(base, { testSize: 50 });
    expect(bytes(withTest.train.features).equals(bytes(plain.train.features))).toBe(true);
    const small = sampleTestSet(base, 20);
    expect(bytes(small.features).equals(bytes(withTest.test!.features.subarray(0, 20 * 6)))).toBe(true);
    expect(Array.from(small.cluster!)).toEqual(Array.from(withTest.test!.cluster!.subarray(0, 20)));
    const other = sampleTestSet(base, 20, 'test-2');
    expect(bytes(other.features).equals(bytes(small.features))).toBe(false);
  });

  it('draws cluster means l_b e_1 ± c_k and per-coordinate variance v² (isotropic)', () => {
    const v = 0.05;
    const config = cfg({ K: 2, Q: 2000, d: 5, v, lb: 0.3, seed: 4, concepts: { kind: 'approx', delta: 0.4 } });
    const { mean, varPerCoord } = clusterStats(config);
    const c = conceptVectors(config);
    const d = 5;
    // Standard error of a cluster mean: v/sqrt(Q) ≈ 0.0011; 5 standard errors.
    const tol = (5 * v) / Math.sqrt(2000);
    for (let cl = 0; cl < 4; cl++) {
      const sign = cl % 2 === 0 ? 1 : -1;
      for (let j = 0; j < d; j++) {
        const expected = (j === 0 ? 0.3 : 0) + sign * c[(cl >> 1) * d + j];
        expect(Math.abs(mean[cl * d + j] - expected)).toBeLessThan(tol);
      }
    }
    // Relative standard error of a variance over 8000 samples: sqrt(2/8000) ≈ 0.016.
    for (let j = 0; j < d; j++) expect(Math.abs(varPerCoord[j] / (v * v) - 1)).toBeLessThan(0.08);
  });

  it('anisotropic noise: variances geometric from 1 to ratio, mean variance v²', () => {
    const v = 0.1;
    const ratio = 16;
    const d = 5;
    const { varPerCoord } = clusterStats(cfg({ K: 1, Q: 4000, d, v, lb: 0.5, seed: 5, departures: { noise: { kind: 'anisotropic', ratio } } }));
    const meanVar = varPerCoord.reduce((a, b) => a + b, 0) / d;
    expect(Math.abs(meanVar / (v * v) - 1)).toBeLessThan(0.05);
    // Consecutive coordinates differ by ratio^{1/(d-1)} = 2 in variance.
    for (let j = 1; j < d; j++) expect(Math.abs(varPerCoord[j] / varPerCoord[j - 1] - 2)).toBeLessThan(0.2);
  });

  it('student-t noise: variance v², heavy tails', () => {
    const v = 0.1;
    const { varPerCoord, m4PerCoord } = clusterStats(cfg({ K: 1, Q: 5000, d: 3, v, lb: 0.5, seed: 6, departures: { noise: { kind: 'student-t', dof: 8 } } }));
    for (let j = 0; j < 3; j++) {
      expect(Math.abs(varPerCoord[j] / (v * v) - 1)).toBeLessThan(0.1);
      // Kurtosis of t(8) is 3 + 6/(8-4) = 4.5; a Gaussian would give 3.
      expect(m4PerCoord[j] / varPerCoord[j] ** 2).toBeGreaterThan(3.6);
    }
  });

  it('imbalance sets |C_{k,-}| = max(1, round(imbalance Q))', () => {
    expect(negativeClusterSize(10, 0.25)).toBe(3);
    expect(negativeClusterSize(10, 0.01)).toBe(1);
    const config = cfg({ K: 2, Q: 10, d: 3, v: 0, lb: 0.5, departures: { imbalance: 2.5 } });
    expect(Array.from(clusterSizes(config))).toEqual([10, 25, 10, 25]);
    const ds = sampleDataset(config);
    expect(ds.train.n).toBe(70);
    expect(Array.from(ds.train.cluster!.subarray(9, 12))).toEqual([0, 1, 1]);
  });

  it('label noise swaps exactly round(labelNoise N) samples, seeded', () => {
    const config = cfg({ K: 2, Q: 25, d: 3, v: 0, lb: 0.5, seed: 8, departures: { labelNoise: 0.13 } });
    const clean = sampleDataset({ ...config, departures: { ...config.departures, labelNoise: 0 } });
    const noisy = sampleDataset(config);
    let swapped = 0;
    for (let i = 0; i < 100; i++) {
      if (noisy.train.chosen[i] !== clean.train.chosen[i]) {
        swapped++;
        expect(noisy.train.chosen[i]).toBe(clean.train.rejected[i]);
        expect(noisy.train.rejected[i]).toBe(clean.train.chosen[i]);
      }
    }
    expect(swapped).toBe(13);
    expect(bytes(noisy.train.features).equals(bytes(clean.train.features))).toBe(true);
    expect(Array.from(sampleDataset(config).train.chosen)).toEqual(Array.from(noisy.train.chosen));
  });

  it('refLogOdds gives a reference with its mass on the pair, stably', () => {
    for (const L of [-800, -3, 0, 0.5, 40, 800]) {
      const { chosen, rejected } = referenceLogProbs(L);
      expect(Number.isFinite(chosen) && Number.isFinite(rejected)).toBe(true);
      expect(rejected - chosen).toBeCloseTo(L, 9);
      // pi_0(w) + pi_0(l) = 1.
      expect(Math.exp(chosen) + Math.exp(rejected)).toBeCloseTo(1, 12);
    }
    const ds = sampleDataset(cfg({ K: 1, Q: 3, d: 2, v: 0, lb: 0.5, departures: { refLogOdds: 2 } }));
    expect(ds.train.refChosenLogp![0]).toBeCloseTo(-Math.log(1 + Math.exp(2)), 14);
    expect(ds.train.refRejectedLogp![5]).toBeCloseTo(-Math.log(1 + Math.exp(2)) + 2, 14);
  });

  it('test set: equal-weight mixture of the 2K clusters with consistent tokens', () => {
    const config = cfg({ K: 3, Q: 1, d: 4, v: 0, lb: 0.5, seed: 2, departures: { imbalance: 0.1, labelNoise: 0.5 } });
    const m = 6000;
    const t = sampleTestSet(config, m);
    const counts = new Array<number>(6).fill(0);
    const pairs = tokenPairs(config);
    let wrong = 0;
    for (let i = 0; i < m; i++) {
      const c = t.cluster![i];
      counts[c]++;
      const [p, q] = pairs[c >> 1];
      const [w, l] = c % 2 === 0 ? [p, q] : [q, p];
      // v = 0: the features are the cluster mean exactly.
      if (t.chosen[i] !== w || t.rejected[i] !== l || t.features[i * 4 + 1 + (c >> 1)] !== (c % 2 === 0 ? 1 : -1)) wrong++;
    }
    expect(wrong).toBe(0);
    // Each count ~ Binomial(6000, 1/6): sd ≈ 29; allow 5 sd.
    for (const n of counts) expect(Math.abs(n - 1000)).toBeLessThan(145);
  });

  it('rejects invalid configurations with InvalidInputError naming the field', () => {
    expect(() => sampleDataset({ ...base, d: 3 })).toThrow(/^d: /);
    expect(() => sampleDataset({ ...base, v: -1 })).toThrow(InvalidInputError);
    expect(() => sampleDataset(base, { testSize: 1.5 })).toThrow(InvalidInputError);
    expect(() => sampleTestSet(base, 0)).toThrow(InvalidInputError);
  });
});

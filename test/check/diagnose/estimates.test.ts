/**
 * diagnose's estimates on data from an independent generator (synthetic.ts) with known THEORY §3
 * parameters: recovery under random rotations and rescalings, exact invariance, the debiasing
 * (which the naive plug-in fails), unequal cluster sizes, anisotropy, and calibrated standard errors.
 */
import { describe, expect, it } from 'vitest';
import { identifyClusters } from '../../../src/check/diagnose/clusters.ts';
import { clusterStatistics } from '../../../src/check/diagnose/clusterStatistics.ts';
import { geometricSpreadRatio, measuredConditions } from '../../../src/check/diagnose/conditions.ts';
import { diagnoseEstimates, spikeCorrection } from '../../../src/check/diagnose/estimates.ts';
import { gaussianNormKurtosis } from '../../../src/check/diagnose/gaussianNormKurtosis.ts';
import { lanczosTop, symmetricEigen } from '../../../src/check/diagnose/lanczos.ts';
import type { Dataset } from '../../../src/data/dataset.ts';
import { syntheticDataset, type SyntheticSpec } from './synthetic.ts';

function estimate(ds: Dataset, replicates = 100) {
  const clusters = identifyClusters(ds.train, 'synthetic');
  const st = clusterStatistics(ds.train, clusters, 3);
  return { clusters, st, e: diagnoseEstimates(st, 3, replicates) };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('recovery of known parameters (rotated, rescaled)', () => {
  const cases: SyntheticSpec[] = [
    { K: 4, Q: 300, d: 60, v: 0.05, lb: 0.4, seed: 1, rotate: true, scale: 13.7 },
    { K: 3, Q: 200, d: 120, v: 0.2, lb: 0.25, seed: 2, rotate: true, scale: 0.003 },
    { K: 2, Q: 150, d: 80, v: 0.1, lb: 0.5, seed: 3, rotate: true, scale: 1, tokens: 'shared', withConcept: true },
  ];
  for (const spec of cases) {
    it(`K=${spec.K} Q=${spec.Q} d=${spec.d} v=${spec.v} lb=${spec.lb} scale=${spec.scale}${spec.tokens === 'shared' ? ' shared pair' : ''}`, () => {
      const { clusters, e } = estimate(syntheticDataset(spec));
      expect(rel(e.estimates.lb, spec.lb)).toBeLessThan(0.05);
      expect(rel(e.estimates.v, spec.v)).toBeLessThan(0.05);
      // Concepts orthogonal: no cosine stands out of its noise (2 SD floor, a little room for the max of several pairs).
      expect(e.estimates.maxConceptCos).toBeLessThan(1.5 * e.noiseFloor.conceptCos + 1e-12);
      expect(e.estimates.maxBiasCos).toBeLessThan(1.5 * e.noiseFloor.biasCos + 1e-12);
      expect(clusters.Z).toBe(spec.tokens === 'shared' ? spec.K : 1);
      const noise = measuredConditions({
        K: spec.K, Q: spec.Q, d: spec.d, v: e.estimates.v, lb: e.estimates.lb, Z: clusters.Z,
        maxCos: 0, cosFloor: 0, imbalance: 1, anisotropy: 1, sharedPairConcepts: 1,
      }).find((c) => c.id === 'noise')!;
      expect(rel(noise.factor, 32 * spec.v * Math.sqrt(spec.Q))).toBeLessThan(0.05);
      expect(noise.holds).toBe(false);
    });
  }
});

describe('invariance', () => {
  it('every estimate and standard error is unchanged by a rotation and a rescaling', () => {
    const spec: SyntheticSpec = { K: 3, Q: 60, d: 30, v: 0.2, lb: 0.3, seed: 5, anisotropy: 30 };
    const a = estimate(syntheticDataset(spec)).e;
    const b = estimate(syntheticDataset({ ...spec, rotate: true, scale: 1234.5 })).e;
    for (const [k, x] of Object.entries(a.estimates)) {
      const y = b.estimates[k as keyof typeof a.estimates];
      if (k === 'scale') expect(rel(y, 1234.5 * x)).toBeLessThan(1e-9);
      else expect(Math.abs(y - x)).toBeLessThan(1e-8 * Math.max(1, Math.abs(x)));
    }
    for (const [k, x] of Object.entries(a.standardErrors)) {
      expect(Math.abs(b.standardErrors[k as keyof typeof a.standardErrors]! - x!)).toBeLessThan(1e-7 * Math.max(1, Math.abs(x!)));
    }
    expect(b.topEigenvalues[0]).toBeCloseTo(a.topEigenvalues[0], 8);
  });
});

describe('debiasing', () => {
  it('removes the v²d/(2Q) bias of ‖μ̂₊ − μ̂₋‖²/4 that the plug-in estimate keeps', () => {
    // v²d/(2Q) = 0.09·400/40 = 0.9: the plug-in ‖c‖ is √1.9 = 1.38 times too long.
    const spec: SyntheticSpec = { K: 2, Q: 20, d: 400, v: 0.3, lb: 0.5, seed: 11, rotate: true, scale: 2 };
    const { st, e } = estimate(syntheticDataset(spec));
    expect(rel(e.estimates.scale, 2)).toBeLessThan(0.05);
    expect(rel(e.estimates.v, spec.v)).toBeLessThan(0.06);
    // The plug-in (what the estimates would be without the correction) is far off.
    let plugIn = 0;
    for (let k = 0; k < 2; k++) {
      let s = 0;
      for (let j = 0; j < spec.d; j++) s += ((st.centredMeans[2 * k * spec.d + j] - st.centredMeans[(2 * k + 1) * spec.d + j]) / 2) ** 2;
      plugIn += Math.sqrt(s) / 2;
    }
    expect(plugIn / 2).toBeGreaterThan(1.3);
  });

  it('is exact for unequal cluster sizes', () => {
    const spec: SyntheticSpec = { K: 3, Q: 90, Qminus: 30, d: 300, v: 0.25, lb: 0.4, seed: 12, rotate: true, scale: 5 };
    const { clusters, e } = estimate(syntheticDataset(spec));
    expect([...clusters.sizes]).toEqual([90, 30, 90, 30, 90, 30]);
    expect(rel(e.estimates.scale, 5)).toBeLessThan(0.05);
    expect(rel(e.estimates.lb, spec.lb)).toBeLessThan(0.05);
    expect(rel(e.estimates.v, spec.v)).toBeLessThan(0.05);
    expect(e.estimates.symmetry).toBeLessThan(2 * e.noiseFloor.symmetry);
  });
});

describe('standard errors and noise floors', () => {
  it('the bootstrap error matches the spread of the estimates over independent data sets', () => {
    const lbs: number[] = [], vs: number[] = [], seLb: number[] = [], seV: number[] = [];
    for (let seed = 100; seed < 116; seed++) {
      const { e } = estimate(syntheticDataset({ K: 2, Q: 40, d: 50, v: 0.3, lb: 0.4, seed }), 100);
      lbs.push(e.estimates.lb);
      vs.push(e.estimates.v);
      seLb.push(e.standardErrors.lb!);
      seV.push(e.standardErrors.v!);
    }
    const sd = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
    };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // 16 data sets: the spread itself is known to about ±18%; allow a factor 1.6 either way.
    expect(mean(seLb) / sd(lbs)).toBeGreaterThan(1 / 1.6);
    expect(mean(seLb) / sd(lbs)).toBeLessThan(1.6);
    expect(mean(seV) / sd(vs)).toBeGreaterThan(1 / 1.6);
    expect(mean(seV) / sd(vs)).toBeLessThan(1.6);
  });

  it('a cosine above its floor is detected: correlated concepts', () => {
    // Rotate concept 2 toward concept 1 by building it from the generator with a shared token set? Use the
    // simplest construction: two concepts whose + clusters share a common extra offset along concept 1.
    const ds = syntheticDataset({ K: 2, Q: 200, d: 40, v: 0.05, lb: 0.4, seed: 21 });
    const d = 40;
    const X = ds.train.features;
    // Concept 1's clusters (rows 400..799): add ±0.5 e_2 (concept 0's direction) -> cos(c_0, c_1) = 0.5/√1.25.
    for (let i = 400; i < 800; i++) X[i * d + 1] += i < 600 ? 0.5 : -0.5;
    const { e } = estimate(ds);
    expect(e.estimates.maxConceptCos).toBeGreaterThan(e.noiseFloor.conceptCos);
    expect(e.estimates.maxConceptCos).toBeCloseTo(0.5 / Math.sqrt(1.25), 1);
  });
});

describe('anisotropy and tails', () => {
  it('a geometric spread of variances is recovered on the explorer axis', () => {
    const m = 50;
    const { e } = estimate(syntheticDataset({ K: 2, Q: 1000, d: 30, v: 0.1, lb: 0.4, seed: 31, rotate: true, anisotropy: m }), 0);
    expect(e.estimates.anisotropy).toBeGreaterThan(e.isotropicEdge);
    const recovered = geometricSpreadRatio(e.estimates.anisotropy, 30);
    expect(recovered).toBeGreaterThan(m / 1.5);
    expect(recovered).toBeLessThan(m * 1.5);
  });

  it('isotropic noise reads as anisotropy 1 (inside the Marchenko–Pastur edge), Gaussian tails as the Gaussian reference', () => {
    const { e } = estimate(syntheticDataset({ K: 2, Q: 100, d: 200, v: 0.1, lb: 0.4, seed: 32, rotate: true }), 50);
    expect(e.anisotropyRaw).toBeGreaterThan(1.5); // the sample top eigenvalue is inflated...
    expect(e.estimates.anisotropy).toBe(1); // ...and the correction knows it
    expect(Math.abs(e.estimates.kurtosis - e.kurtosisGaussian)).toBeLessThan(3 * e.standardErrors.kurtosis! + 0.05);
  });

  it('geometricSpreadRatio inverts the top/mean ratio of a geometric spread', () => {
    for (const [m, d] of [[5, 10], [100, 50], [1600, 4520]] as const) {
      const s = Array.from({ length: d }, (_, j) => m ** (j / (d - 1)));
      const ratio = m / (s.reduce((a, b) => a + b, 0) / d);
      expect(rel(geometricSpreadRatio(ratio, d), m)).toBeLessThan(1e-6);
    }
    expect(geometricSpreadRatio(0.9, 10)).toBe(1);
  });

  it('spikeCorrection inverts the spiked-covariance map x = ℓ + γℓ/(ℓ−1)', () => {
    const gamma = 0.3;
    for (const l of [2, 5, 40]) expect(spikeCorrection(l + (gamma * l) / (l - 1), gamma)).toBeCloseTo(l, 9);
    expect(spikeCorrection(1.2, gamma)).toBe(1);
  });

  it('gaussianNormKurtosis: the half-normal and a high-dimensional chi', () => {
    // Monte Carlo with 100,000 draws: the sample kurtosis of a half-normal is good to about ±0.05.
    expect(Math.abs(gaussianNormKurtosis([1], 0, 0, 1) - 3.869)).toBeLessThan(0.15);
    expect(Math.abs(gaussianNormKurtosis([], 1, 1, 2) - 3.869)).toBeLessThan(0.15); // the χ² draw below shape 1
    expect(Math.abs(gaussianNormKurtosis([], 1, 3, 2) - 3.108)).toBeLessThan(0.12); // χ_3 (Maxwell): 3.108
    expect(gaussianNormKurtosis([], 1, 1000, 1)).toBeCloseTo(3, 1);
  });
});

describe('worker threads', () => {
  it('the Lanczos products give bit-identical results on 0, 1 and 2 workers', () => {
    // N·d = 2000·2100 > PARALLEL_MIN_ENTRIES, so the workers are really used.
    const ds = syntheticDataset({ K: 2, Q: 500, d: 2100, v: 0.05, lb: 0.4, seed: 51, anisotropy: 20 });
    const clusters = identifyClusters(ds.train, 'synthetic');
    const [a, b, c] = [0, 1, 2].map((w) => clusterStatistics(ds.train, clusters, 3, w).spectrum);
    for (const other of [b, c]) {
      expect([...other.values]).toEqual([...a.values]);
      expect([...other.topVector]).toEqual([...a.topVector]);
    }
  });
});

describe('lanczos', () => {
  it('finds the top eigenvalues of a diagonal operator', () => {
    const dim = 200;
    const diag = Float64Array.from({ length: dim }, (_, i) => (i < 3 ? [50, 20, 10][i] : 1 + i / dim));
    const start = Float64Array.from({ length: dim }, (_, i) => Math.sin(i + 1));
    const res = lanczosTop((x, out) => { for (let i = 0; i < dim; i++) out[i] = diag[i] * x[i]; }, dim, start, 30);
    expect(res.values[0]).toBeCloseTo(50, 8);
    expect(res.values[1]).toBeCloseTo(20, 8);
    expect(res.values[2]).toBeCloseTo(10, 8);
    expect(Math.abs(res.topVector[0])).toBeCloseTo(1, 8);
  });

  it('symmetricEigen diagonalises a small symmetric matrix', () => {
    const a = Float64Array.from([2, 1, 0, 1, 2, 1, 0, 1, 2]);
    const { values } = symmetricEigen(a, 3);
    const sorted = [...values].sort((x, y) => x - y);
    expect(sorted[0]).toBeCloseTo(2 - Math.SQRT2, 12);
    expect(sorted[1]).toBeCloseTo(2, 12);
    expect(sorted[2]).toBeCloseTo(2 + Math.SQRT2, 12);
  });
});

import { describe, expect, it } from 'vitest';
import { ClusterConfigSchema } from '../../src/data/config.ts';
import { sampleDataset, sampleTestSet } from '../../src/data/sampler.ts';
import { clusterError, exactClusterRisk, tokenDirection, tokenDirectionFromWeights } from '../../src/sim/clusterRisk.ts';
import { marginsOf } from '../../src/sim/metrics.ts';
import { simulateSync } from '../../src/sim/simulate.ts';
import { lnNormalTail, normalTail, upperNormalQuantile } from '../../src/theory/normalTail.ts';
import { clopperPearson } from '../../src/check/statistics.ts';

/** Φ(−z) and ln Φ(−z) to 20 digits (mpmath, 40-digit arithmetic: mp.ncdf(-z), mp.log). */
const KNOWN: ReadonlyArray<[number, number, number]> = [
  [-5, 0.99999971334842812081, -2.8665161296376359338e-7],
  [-1, 0.84134474606854294859, -0.17275377902344988953],
  [0, 0.5, -0.69314718055994530942],
  [1, 0.15865525393145705141, -1.8410216450092635058],
  [5, 2.8665157187919391167e-7, -15.064998393988725736],
  [10, 7.619853024160526066e-24, -53.231285150512470578],
  [19.9, 2.0346432087827298062e-88, -201.91716770733259757],
  [20, 2.7536241186062336951e-89, -203.91715537109726394],
  [20.1, 3.6896808637213895544e-90, -205.92711840194824576],
  [30, 4.9067139271481870595e-198, -454.32124395634319711],
  [36.9, 2.3105244811406175061e-298, -685.33288316535061216],
  [37.1, 1.4047119663106221343e-301, -692.73828071562329266],
  [38, 2.8854283600687843084e-316, -726.5572160188201301],
  [40, 0, -804.60844201375378817],
  [100, 0, -5005.5242086942050886],
  [1e3, 0, -500007.82669481218431],
  [1e5, 0, -5000000012.4318639983],
];

describe('normal tail Φ(−z) and ln Φ(−z) (THEORY §9, exact test error)', () => {
  it.each(KNOWN)('z = %d matches 20-digit reference values', (z, value, ln) => {
    if (value >= 2.2250738585072014e-308) expect(Math.abs(normalTail(z) - value) / value).toBeLessThan(1e-12);
    else expect(normalTail(z)).toBeLessThan(1e-300);
    expect(Math.abs(lnNormalTail(z) - ln)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(ln)));
  });
  it('is continuous across the switch to the asymptotic series', () => {
    const a = lnNormalTail(37 - 1e-9);
    const b = lnNormalTail(37 + 1e-9);
    expect(Math.abs(a - b)).toBeLessThan(1e-7);
  });
  it('gives the quantile z_η', () => {
    expect(upperNormalQuantile(0.05)).toBeCloseTo(1.6448536269514722, 12);
    expect(normalTail(upperNormalQuantile(0.01))).toBeCloseTo(0.01, 14);
  });
});

describe('clusterError', () => {
  it('is Φ(−uᵀμ/‖s ⊙ u‖)', () => {
    const r = clusterError(Float64Array.of(0, 2), Float64Array.of(0.5, 1), 1);
    expect(r.z).toBeCloseTo(1, 14);
    expect(r.error).toBeCloseTo(0.15865525393145705, 14);
    const aniso = clusterError(Float64Array.of(1, 1), Float64Array.of(1, 1), Float64Array.of(3, 4));
    expect(aniso.z).toBeCloseTo(2 / 5, 14);
  });
  it('treats zero noise as a deterministic margin (0 counts as an error)', () => {
    expect(clusterError(Float64Array.of(1), Float64Array.of(1), 0).error).toBe(0);
    expect(clusterError(Float64Array.of(0), Float64Array.of(1), 0.1).error).toBe(1);
  });
});

describe('exact test risk of a trained policy', () => {
  const base = { d: 8, lb: 0.5, beta: 1, tau: 1, seed: 11 } as const;

  it('direction from the active rows equals the direction from the integrated weights (THEORY §2)', () => {
    // Gradient descent for s steps: ΔW = (β/(Nτ))·η·Σ_steps Σ_i w(r_i) a_i g_iᵀ, so the integrated
    // weights are the step sums of σ(−r_i); recompute them by replaying the margins per step.
    const cfg = ClusterConfigSchema.parse({ ...base, K: 3, Q: 10, v: 0.2, tokens: { kind: 'shared-pair' } });
    const ds = sampleDataset(cfg);
    const steps = 5;
    const res = simulateSync(ds, { beta: 1, tau: 1, optimizer: 'gd', tEnd: steps, recordSteps: true, trlRewards: false });
    const I = new Float64Array(ds.train.n);
    const margins = [new Float64Array(ds.train.n), ...res.stepMargins!.slice(0, steps - 1)];
    for (const r of margins) for (let i = 0; i < I.length; i++) I[i]! += 1 / (1 + Math.exp(r[i]!));
    const fromRows = tokenDirection(res.rows, res.deltaW, cfg.d, 0, 1);
    const fromWeights = tokenDirectionFromWeights(ds.train, I, 1 / ds.train.n, 0, 1);
    for (let k = 0; k < cfg.d; k++) expect(fromRows[k]).toBeCloseTo(fromWeights[k]!, 12);
    // a token pair that never occurs has direction 0
    expect([...tokenDirection(res.rows, res.deltaW, cfg.d, 5, 6)].every((x) => x === 0)).toBe(true);
  });

  for (const tokens of [{ kind: 'distinct' }, { kind: 'shared-pair' }] as const) {
    it(`agrees with Monte Carlo on fresh test points (${tokens.kind}, seeded)`, () => {
      const cfg = ClusterConfigSchema.parse({ ...base, K: 4, Q: 8, v: 0.6, tokens });
      const res = simulateSync(sampleDataset(cfg), { beta: 1, tau: 1, tEnd: 2, trlRewards: false });
      const risk = exactClusterRisk(cfg, res.rows, res.deltaW)!;
      const m = 40_000;
      const test = sampleTestSet(cfg, m, 'risk-mc');
      const r = marginsOf(test, res.rows, res.deltaW, 1);
      let errors = 0;
      for (const x of r) if (x <= 0) errors++;
      const [lo, hi] = clopperPearson(errors, m, 0.999);
      expect(risk.testError).toBeGreaterThan(0.01); // informative: many errors at this noise
      expect(risk.testError).toBeGreaterThanOrEqual(lo);
      expect(risk.testError).toBeLessThanOrEqual(hi);
      expect(risk.worstConceptError).toBeGreaterThanOrEqual(risk.testError);
      expect(Math.exp(risk.lnTestError)).toBeCloseTo(risk.testError, 12);
    });
  }

  it('matches a direct computation per cluster (anisotropic noise)', () => {
    const cfg = ClusterConfigSchema.parse({ ...base, K: 2, Q: 6, v: 0.3, departures: { noise: { kind: 'anisotropic', ratio: 9 } } });
    const res = simulateSync(sampleDataset(cfg), { beta: 1, tau: 1, tEnd: 1, trlRewards: false });
    const risk = exactClusterRisk(cfg, res.rows, res.deltaW)!;
    // direct: concept 0, cluster +: mean b + c_0 = 0.5 e_1 + e_2; token rows 0 and 1.
    const d = cfg.d;
    const u = Array.from({ length: d }, (_, k) => res.deltaW[0 * d + k]! - res.deltaW[1 * d + k]!);
    const mult = Array.from({ length: d }, (_, j) => 9 ** (j / (d - 1)));
    const meanMult = mult.reduce((a, b) => a + b) / d;
    const mean = u[0]! * 0.5 + u[1]!;
    const sd = Math.sqrt(u.reduce((s, x, j) => s + x * x * 0.09 * (mult[j]! / meanMult), 0));
    expect(risk.clusterZ[0]).toBeCloseTo(mean / sd, 12);
  });

  it('stays finite in the log deep in the tail, where the error underflows', () => {
    const cfg = ClusterConfigSchema.parse({ ...base, K: 2, Q: 20, v: 0.005 });
    const res = simulateSync(sampleDataset(cfg), { beta: 1, tau: 1, tEnd: 2, trlRewards: false });
    const risk = exactClusterRisk(cfg, res.rows, res.deltaW)!;
    expect(risk.testError).toBe(0);
    expect(Number.isFinite(risk.lnTestError)).toBe(true);
    expect(risk.lnTestError).toBeLessThan(-1000);
  });

  it('has no closed form for heavy tails', () => {
    const cfg = ClusterConfigSchema.parse({ ...base, K: 1, Q: 4, v: 0.1, departures: { noise: { kind: 'student-t', dof: 3 } } });
    const res = simulateSync(sampleDataset(cfg), { beta: 1, tau: 1, tEnd: 1, trlRewards: false });
    expect(exactClusterRisk(cfg, res.rows, res.deltaW)).toBeNull();
  });
});

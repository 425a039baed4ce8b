/**
 * The measured scaling law (THEORY §9): the law's per-training-set test error agrees with an
 * independent computation of the same flow (r-space RK4 of Lemma 4.1 with the integrated weights
 * of THEORY §2, its own ΔWᵀa and its own normal tail); Q̂_min follows its definition; the fits
 * recover known curves; shards, resume and Ctrl-C give the unsharded result bit for bit; the
 * budget leaves what does not fit for later.
 */
import { describe, expect, it } from 'vitest';
import { Budget } from '../../src/check/law/budget.ts';
import { fitErrorVsK, fitQmin } from '../../src/check/law/fits.ts';
import { cellConfig, cellsOf, DEFAULT_ETA, DEFAULT_KS, DEFAULT_NOISE_MULTIPLIER, DEFAULT_QS, LAW_SCHEMA_VERSION, validateSettings, type LawSettings, type Regime } from '../../src/check/law/grid.ts';
import { measureDataset, type CellSummary } from '../../src/check/law/measureCell.ts';
import { studentTQuantile } from '../../src/check/law/meanInterval.ts';
import { paperTableFits } from '../../src/check/law/paperTables.ts';
import { qminOf } from '../../src/check/law/qmin.ts';
import { lawResults } from '../../src/check/law/results.ts';
import { runLaw } from '../../src/check/law/run.ts';
import { mergeLawStates, WHOLE_GRID } from '../../src/check/law/state.ts';
import { tokenPairs } from '../../src/data/config.ts';
import { sampleDataset } from '../../src/data/sampler.ts';
import { predictedError, predictedQmin } from '../../src/theory/sharedResponses.ts';
import { upperNormalQuantile } from '../../src/theory/normalTail.ts';

const base: LawSettings = {
  schemaVersion: LAW_SCHEMA_VERSION,
  seed: 7,
  Ks: [1, 2],
  Qs: [2, 4],
  tokens: ['shared-pair', 'distinct'],
  noises: [{ kind: 'relative', m: 32 }],
  d: 4,
  lb: 0.5,
  beta: 1,
  tau: 1,
  datasets: 2,
  eta: 0.05,
  training: { optimizer: 'flow', tEnd: 1, tEndUnit: 'tau1' },
  departures: [],
  testSize: 500,
};

/** Φ(−z) by Simpson integration of the normal density on [z, z + 12] (independent of erfc). */
function tailBySimpson(z: number): number {
  const n = 20000;
  const a = z;
  const b = z + 12;
  const h = (b - a) / n;
  const f = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/**
 * Independent computation of one training set's test error: the margin ODE of Lemma 4.1 in
 * r-space (τ dr_j/dt = (β²/N) Σ_i σ(−r_i) C_ij) with I_i = ∫σ(−r_i), by classical RK4 with a fixed
 * step; ΔWᵀa_k = (β/(Nτ)) Σ_i I_i (a_kᵀa_i) g_i; cluster error Φ(−uᵀμ/(v‖u‖)) by Simpson.
 */
function independentTestError(settings: LawSettings, regime: Regime, K: number, Q: number, index: number): number {
  const cfg = cellConfig(settings, { regime, K, Q }, index);
  const { train } = sampleDataset(cfg);
  const { n, d, features: g, chosen: w, rejected: l } = train;
  const tf = (i: number, j: number): number => +(w[j] === w[i]) - +(w[j] === l[i]) - +(l[j] === w[i]) + +(l[j] === l[i]);
  const C = new Float64Array(n * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += g[i * d + k]! * g[j * d + k]!;
      C[j * n + i] = tf(i, j) * dot;
    }
  const beta = cfg.beta;
  const tau = cfg.tau;
  const tEnd = (K * tau * Math.log(3)) / (5 * beta * beta);
  const deriv = (y: Float64Array): Float64Array => {
    const out = new Float64Array(2 * n);
    const s = Array.from({ length: n }, (_, i) => 1 / (1 + Math.exp(y[i]!)));
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += s[i]! * C[j * n + i]!;
      out[j] = ((beta * beta) / (n * tau)) * acc;
      out[n + j] = s[j]!;
    }
    return out;
  };
  const steps = 400;
  const h = tEnd / steps;
  let y = new Float64Array(2 * n);
  const add = (a: Float64Array, b: Float64Array, c: number): Float64Array => a.map((x, i) => x + c * b[i]!);
  for (let s = 0; s < steps; s++) {
    const k1 = deriv(y);
    const k2 = deriv(add(y, k1, h / 2));
    const k3 = deriv(add(y, k2, h / 2));
    const k4 = deriv(add(y, k3, h));
    y = y.map((x, i) => x + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
  }
  const pairs = tokenPairs(cfg);
  let total = 0;
  pairs.forEach(([p, q], k) => {
    const u = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const f = +(p === w[i]) - +(p === l[i]) - +(q === w[i]) + +(q === l[i]);
      for (let c = 0; c < d; c++) u[c] += (beta / (n * tau)) * y[n + i]! * f * g[i * d + c]!;
    }
    let norm = 0;
    for (const x of u) norm += x * x;
    for (const sign of [1, -1]) {
      // mean l_b e_1 ± e_{1+k}; the cluster's token vector is sign·(e_p − e_q)
      const m = sign * (u[0]! * cfg.lb + sign * u[1 + k]!);
      total += tailBySimpson(m / (cfg.v * Math.sqrt(norm)));
    }
  });
  return total / (2 * K);
}

describe('law agrees with an independent computation of the same flow', () => {
  for (const tokens of ['shared-pair', 'distinct', 'z=2'] as const) {
    it(`per training set (${tokens}, K = 3, Q = 5)`, () => {
      const s = validateSettings({ ...base, Ks: [3], Qs: [5], tokens: [tokens], d: 5, noises: [{ kind: 'absolute', v: 0.45 }] });
      const regime = { tokens, noise: s.noises[0]! };
      for (const index of [0, 1]) {
        const rec = measureDataset(s, { regime, K: 3, Q: 5 }, index);
        const ind = independentTestError(s, regime, 3, 5, index);
        expect(rec.testError).toBeGreaterThan(1e-3); // informative
        expect(Math.abs(rec.testError - ind) / ind).toBeLessThan(1e-6);
      }
    });
  }
});

describe('THEORY §9 predictions', () => {
  it('closed forms of Q̂_min', () => {
    const z = upperNormalQuantile(0.05);
    // absolute v, shared pair: v²d/(2(1/(K v² z²) − 1)) below the pole K* = 1/(v z)²
    const v = 0.1;
    const q = predictedQmin({ kind: 'shared-pair' }, 8, 0.05, { kind: 'absolute', v }, 50)!;
    expect(q).toBeCloseTo((v * v * 50) / (2 * (1 / (8 * v * v * z * z) - 1)), 6);
    expect(predictedQmin({ kind: 'shared-pair' }, Math.ceil(1 / (v * z) ** 2), 0.05, { kind: 'absolute', v }, 50)).toBeNull();
    // relative: ≈ (m z/32)² K for large Q (d small)
    const rel = predictedQmin({ kind: 'shared-pair' }, 64, 0.05, { kind: 'relative', m: 32 }, 2)!;
    expect(rel / (z * z * 64)).toBeCloseTo(1, 3);
    expect(predictedError({ kind: 'distinct' }, 64, 100, { kind: 'absolute', v: 0.5 }, 10).error).toBeCloseTo(predictedError({ kind: 'distinct' }, 1, 100, { kind: 'absolute', v: 0.5 }, 10).error, 15);
  });
});

function cell(Q: number, high: number, mean = high / 2): CellSummary {
  return { K: 1, Q, tokens: 'distinct', noise: 'm=1', v: 1, d: 2, lb: 0.5, datasets: 3, datasetsPlanned: 3, complete: true, testError: mean, testErrorLow: 0, testErrorHigh: high, lnTestError: Math.log(mean), worstConceptError: mean, worstConceptErrorHigh: high, lnWorstConceptError: Math.log(mean), predicted: mean, lnPredicted: Math.log(mean), exact: true, trainMarginMin: 0, trainMarginMean: 0, trainMarginMax: 0, trainError: 0 };
}

describe('defaults (chosen from THEORY §9)', () => {
  it('put the predicted Q̂_min of both default regimes inside the default Q grid at every default K', () => {
    const d = Math.max(...DEFAULT_KS) + 1;
    for (const kind of ['shared-pair', 'distinct'] as const) {
      for (const K of DEFAULT_KS) {
        const q = predictedQmin({ kind }, K, DEFAULT_ETA, { kind: 'relative', m: DEFAULT_NOISE_MULTIPLIER }, d)!;
        expect(q).toBeGreaterThan(DEFAULT_QS[0]!);
        expect(q).toBeLessThan(DEFAULT_QS[DEFAULT_QS.length - 1]!);
      }
    }
  });
});

describe('Q̂_min', () => {
  const s = validateSettings({ ...base, Ks: [1], Qs: [1, 2, 4, 8, 16] });
  const regime: Regime = { tokens: 'distinct', noise: { kind: 'relative', m: 32 } };
  const map = (highs: number[]) => new Map(s.Qs.map((Q, i) => [Q, cell(Q, highs[i]!)]));
  it('is the smallest grid Q below η there and at every larger Q, with the previous point as lower end', () => {
    const q = qminOf(s, regime, 1, map([0.4, 0.04, 0.2, 0.03, 0.01]));
    expect(q).toMatchObject({ status: 'found', Q: 8, low: 4, high: 8 });
    expect(qminOf(s, regime, 1, map([0.04, 0.03, 0.02, 0.01, 0.001]))).toMatchObject({ status: 'found', Q: 1, low: null });
  });
  it('is censored with the floor when the error at Q_max is above η', () => {
    const q = qminOf(s, regime, 1, map([0.4, 0.3, 0.2, 0.01, 0.06]));
    expect(q).toMatchObject({ status: 'none', Q: null, low: 16 });
    expect(q.floor).toBeCloseTo(0.03, 12);
  });
  it('is incomplete while a cell is missing', () => {
    const m = map([0.4, 0.3, 0.2, 0.01, 0.01]);
    m.delete(2);
    expect(qminOf(s, regime, 1, m).status).toBe('incomplete');
  });
});

describe('fits', () => {
  const Ks = [1, 2, 4, 8, 16, 32];
  const r = Math.SQRT2;
  it('recover a linear Q̂_min and prefer it by AIC over ln K', () => {
    const points = Ks.map((K) => ({ K, low: (3 * K) / r, high: 3 * K * r }));
    const fits = fitQmin(points, (K) => 3 * K, 2, [], 1000);
    const by = Object.fromEntries(fits.map((f) => [f.form, f]));
    expect(by['qmin-linear']!.params['b']!.value).toBeCloseTo(3, 4);
    expect(by['qmin-power']!.params['b']!.value).toBeCloseTo(1, 4);
    expect(by['qmin-theory']!.params['a']!.value).toBeCloseTo(1, 4);
    expect(by['qmin-linear']!.aic!).toBeLessThan(by['qmin-log']!.aic! - 10);
  });
  it('check censored K against Q_max', () => {
    const points = Ks.slice(0, 4).map((K) => ({ K, low: (3 * K) / r, high: 3 * K * r }));
    const [theory] = fitQmin(points, (K) => 3 * K, 2, [64], 100);
    expect(theory!.censoredConsistent).toBe(true); // predicts 192 > 100
    const [again] = fitQmin(points, (K) => 3 * K, 2, [16], 100);
    expect(again!.censoredConsistent).toBe(false); // predicts 48 <= 100
  });
  it('take censored K into the likelihood: free where the curve predicts far above Q_max, a cost and a pull where it predicts below', () => {
    const points = Ks.slice(0, 4).map((K) => ({ K, low: (3 * K) / r, high: 3 * K * r }));
    const linear = (fits: ReturnType<typeof fitQmin>) => fits.find((f) => f.form === 'qmin-linear')!;
    const plain = linear(fitQmin(points, (K) => 3 * K, 2, [], 100));
    // K = 64: the line predicts 192, far above Q_max = 100 -> Φ(z) ≈ 1, nothing changes.
    const far = linear(fitQmin(points, (K) => 3 * K, 2, [64], 100));
    expect(far.censoredInFit).toEqual([64]);
    expect(far.n).toBe(5);
    expect(far.params['b']!.value).toBeCloseTo(plain.params['b']!.value, 2);
    expect(far.aic!).toBeCloseTo(plain.aic!, 2);
    // K = 16: the line predicts 48 < Q_max = 100 although none was found up to 100: the fit
    // steepens towards it and its -2 ln L grows.
    const below = linear(fitQmin(points, (K) => 3 * K, 2, [16], 100));
    expect(below.params['b']!.value).toBeGreaterThan(plain.params['b']!.value + 0.5);
    expect(below.aic!).toBeGreaterThan(plain.aic! + 1);
    // The log shape, which predicts even less at K = 16, pays more than the line.
    const log = fitQmin(points, (K) => 3 * K, 2, [16], 100).find((f) => f.form === 'qmin-log')!;
    const logPlain = fitQmin(points, (K) => 3 * K, 2, [], 100).find((f) => f.form === 'qmin-log')!;
    expect(log.aic! - logPlain.aic!).toBeGreaterThan(below.aic! - plain.aic!);
  });
  it('recover v of Φ(−1/(v√K)) and the line', () => {
    const errs = [1, 2, 4, 8].map((K) => predictedError({ kind: 'shared-pair' }, K, 1e9, { kind: 'absolute', v: 0.3 }, 1).error);
    const [law] = fitErrorVsK([1, 2, 4, 8], errs, (K) => K);
    expect(law!.params['v']!.value).toBeCloseTo(0.3, 6);
    const [, line] = fitErrorVsK([1, 2, 4, 8], [1, 3, 7, 15].map((x) => x / 100), (K) => K);
    expect(line!.params['b']!.value).toBeCloseTo(0.02, 12);
    expect(line!.r2).toBeCloseTo(1, 12);
  });
  it('reproduce the paper\'s printed R² of the straight lines (THEORY §7)', () => {
    const [mistral, qwen] = paperTableFits();
    expect(mistral!.linear.r2!).toBeCloseTo(0.95, 2);
    expect(qwen!.linear.r2!).toBeCloseTo(0.99, 2);
    expect(qwen!.law.r2!).toBeGreaterThan(0.99);
  });
  it('Student t quantile', () => {
    expect(studentTQuantile(0.975, 5)).toBeCloseTo(2.570581835636314, 8);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174698, 6);
  });
});

describe('runs: shards, resume, interrupt and budget', () => {
  const s = validateSettings(base);
  it('shards merge into the unsharded result bit for bit', async () => {
    const whole = await runLaw({ settings: s, shard: WHOLE_GRID });
    const a = await runLaw({ settings: s, shard: { index: 1, count: 2 } });
    const b = await runLaw({ settings: s, shard: { index: 2, count: 3 } });
    const c = await runLaw({ settings: s, shard: { index: 1, count: 3 } });
    const d = await runLaw({ settings: s, shard: { index: 3, count: 3 } });
    const merged2 = mergeLawStates([a.state, (await runLaw({ settings: s, shard: { index: 2, count: 2 } })).state]);
    const merged3 = mergeLawStates([d.state, b.state, c.state]);
    const json = JSON.stringify(lawResults(whole.state));
    expect(lawResults(whole.state).complete).toBe(true);
    expect(JSON.stringify(lawResults(merged2))).toBe(json);
    expect(JSON.stringify(lawResults(merged3))).toBe(json);
    expect(lawResults(a.state).complete).toBe(false);
    const other = await runLawSeed(s, 8);
    expect(() => mergeLawStates([a.state, other.state])).toThrow(/different settings/);
  });
  it('an interrupted run keeps its measurements and resumes to the same result', async () => {
    const abort = new AbortController();
    let seen = 0;
    const first = await runLaw({ settings: s, shard: WHOLE_GRID, signal: abort.signal, progress: { dataset: () => { if (++seen === 3) abort.abort(); } } });
    expect(first.interrupted).toBe(true);
    expect(first.pending).toBe(cellsOf(s).length * s.datasets - 3);
    const resumed = await runLaw({ settings: s, shard: WHOLE_GRID, resume: JSON.parse(JSON.stringify(first.state)) });
    expect(resumed.pending).toBe(0);
    const whole = await runLaw({ settings: s, shard: WHOLE_GRID });
    expect(JSON.stringify(lawResults(resumed.state))).toBe(JSON.stringify(lawResults(whole.state)));
  });
  it('a budget leaves cells that do not fit for later', async () => {
    let t = 0;
    const budget = new Budget(100, () => t);
    expect(budget.fits(10)).toBe(true);
    budget.record(10, 0.05); // 5 ms per unit
    expect(budget.fits(19)).toBe(true);
    expect(budget.fits(21)).toBe(false);
    t = 100;
    expect(budget.spent()).toBe(true);
    const out = await runLaw({ settings: s, shard: WHOLE_GRID, deadline: 0 });
    expect(out.pending).toBe(cellsOf(s).length * s.datasets);
  });
});

function runLawSeed(s: LawSettings, seed: number) {
  return runLaw({ settings: { ...s, seed }, shard: { index: 1, count: 2 } });
}

describe('departures', () => {
  it('heavy tails fall back to Monte Carlo and never report a worst concept as exact; anisotropic noise stays exact', async () => {
    const heavy = validateSettings({ ...base, Ks: [2], Qs: [4], tokens: ['distinct'], departures: [{ id: 'heavy-tail', magnitude: 0.3 }], testSize: 300 });
    const out = lawResults((await runLaw({ settings: heavy, shard: WHOLE_GRID })).state);
    expect(out.cells[0]!.exact).toBe(false);
    expect(out.cells[0]!.worstConceptError).toBeNull();
    const aniso = validateSettings({ ...base, Ks: [2], Qs: [4], tokens: ['distinct'], departures: [{ id: 'anisotropic', magnitude: 10 }] });
    const out2 = lawResults((await runLaw({ settings: aniso, shard: WHOLE_GRID })).state);
    expect(out2.cells[0]!.exact).toBe(true);
    expect(cellConfig(aniso, { regime: { tokens: 'distinct', noise: aniso.noises[0]! }, K: 2, Q: 4 }, 0).departures.noise).toEqual({ kind: 'anisotropic', ratio: 10 });
  });
});

describe('settings validation (one InvalidInputError)', () => {
  it.each([
    [{ d: 2 }, /d: must be >= K\+1/],
    [{ tokens: ['z=3'] }, /Z concepts cannot share/],
    [{ Ks: [] }, /Ks/],
    [{ noises: [{ kind: 'absolute', v: 0 }] }, /noises/],
    [{ departures: [{ id: 'noise', magnitude: 2 }] }, /grid axis/],
    [{ departures: [{ id: 'label-noise', magnitude: 0.7 }] }, /label-noise=0.7/],
  ] as Array<[Partial<LawSettings>, RegExp]>)('%j', (patch, re) => {
    expect(() => validateSettings({ ...base, ...patch })).toThrow(re);
  });
});

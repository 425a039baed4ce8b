import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.ts';
import { integrateMarginOde } from '../../src/sim/marginOde.ts';
import { SAMPLE_BLOCK } from '../../src/sim/referenceBackend.ts';
import { AUTHORS_LAST_LAYER_PRESET, simulate, simulateSync, SimulationError } from '../../src/sim/simulate.ts';
import { randomDataset } from './randomData.ts';

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** Slack for rounding on top of the integrators' error estimates (margins are O(1) here). */
const ROUNDING = 1e-11;

describe('gradient flow in W-space vs the margin ODE in r-space (Lemma 4.1, two independent integrations)', () => {
  for (const loss of ['dpo', 'ipo'] as const) {
    it(`agree within their error estimates (${loss})`, () => {
      const ds = randomDataset(`agree-${loss}`, { n: 30, d: 6, vocab: 7, testN: 10, scale: 0.7 });
      const opts = { beta: 1.3, tau: 0.7, loss, tEnd: 4, checkpoints: [0.5, 2], rtol: 1e-9 };
      const w = simulateSync(ds, { ...opts, full: true });
      const r = integrateMarginOde(ds.train, { ...opts, test: ds.test! });
      expect(w.checkpoints.map((c) => c.t)).toEqual([...r.times]);
      w.checkpoints.forEach((c, s) => {
        const diff = maxAbsDiff(c.train.margins!, r.margins[s]!);
        expect(diff).toBeLessThanOrEqual(w.errorEstimate + r.errorEstimate + ROUNDING);
        expect(maxAbsDiff(c.test!.margins!, r.testMargins![s]!)).toBeLessThan(1e-6);
      });
      expect(w.train.max).toBeGreaterThan(0.05); // the margins really moved
      expect(w.errorEstimate).toBeLessThan(1e-6);
    });
  }
});

describe('gradient descent converges to the flow at order 1 (Euler, THEORY §2)', () => {
  it('halving η halves the error', () => {
    const ds = randomDataset('gd-order', { n: 20, d: 4, vocab: 6 });
    const S = 2; // physical time η·steps
    const flow = simulateSync(ds, { beta: 1, tau: 1, tEnd: S, rtol: 1e-12, atol: 1e-15, full: true, trlRewards: false });
    const errs = [0.04, 0.02, 0.01].map((eta) => {
      const gd = simulateSync(ds, { beta: 1, tau: 1 / eta, optimizer: 'gd', tEnd: Math.round(S / eta), full: true, trlRewards: false });
      return maxAbsDiff(gd.train.margins!, flow.train.margins!);
    });
    for (let k = 0; k + 1 < errs.length; k++) {
      const order = Math.log2(errs[k]! / errs[k + 1]!);
      expect(order).toBeGreaterThan(0.8);
      expect(order).toBeLessThan(1.2);
    }
  });
});

describe('Adam', () => {
  /** DPO loss with a full softmax over V and a dense W_0 (independent of the simulator's formulas). */
  function fullLoss(ds: Dataset, W0: Float64Array, dW: Float64Array, beta: number): number {
    const { n, d, features, chosen, rejected } = ds.train;
    const V = ds.vocab;
    const logp = (W: (v: number, k: number) => number, i: number, y: number) => {
      const z = Array.from({ length: V }, (_, v) => { let s = 0; for (let k = 0; k < d; k++) s += W(v, k) * features[i * d + k]!; return s; });
      const m = Math.max(...z);
      return z[y]! - m - Math.log(z.reduce((a, x) => a + Math.exp(x - m), 0));
    };
    let L = 0;
    for (let i = 0; i < n; i++) {
      const W = (v: number, k: number) => W0[v * d + k]! + dW[v * d + k]!;
      const P = (v: number, k: number) => W0[v * d + k]!;
      const r = beta * (logp(W, i, chosen[i]!) - logp(P, i, chosen[i]!) - logp(W, i, rejected[i]!) + logp(P, i, rejected[i]!));
      L += Math.log1p(Math.exp(-r));
    }
    return L / n;
  }

  it('matches a hand-computed textbook Adam on a tiny problem (gradients by finite differences)', () => {
    const ds = randomDataset('adam', { n: 3, d: 2, vocab: 4 });
    const V = ds.vocab, d = 2, beta = 1;
    const adam = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
    const W0 = Float64Array.from({ length: V * d }, (_, i) => Math.sin(3 * i + 1));
    let p = new Float64Array(V * d);
    const m = new Float64Array(V * d), v = new Float64Array(V * d);
    const h = 1e-6;
    for (let t = 1; t <= 3; t++) {
      const g = p.map((_, j) => {
        const a = Float64Array.from(p); a[j] += h;
        const b = Float64Array.from(p); b[j] -= h;
        return (fullLoss(ds, W0, a, beta) - fullLoss(ds, W0, b, beta)) / (2 * h);
      });
      p = p.map((x, j) => {
        m[j] = adam.beta1 * m[j]! + (1 - adam.beta1) * g[j]!;
        v[j] = adam.beta2 * v[j]! + (1 - adam.beta2) * g[j]! ** 2;
        const mHat = m[j]! / (1 - adam.beta1 ** t), vHat = v[j]! / (1 - adam.beta2 ** t);
        return x - (adam.lr * mHat) / (Math.sqrt(vHat) + adam.eps);
      });
      const sim = simulateSync(ds, { beta, optimizer: 'adam', tEnd: t, adam, trlRewards: false });
      sim.rows.tokens.forEach((tok, u) => {
        for (let k = 0; k < d; k++) expect(sim.deltaW[u * d + k]).toBeCloseTo(p[tok * d + k]!, 7);
      });
    }
  });

  it('takes the first step -lr·g/(|g|+eps) and exposes the authors\' preset', () => {
    const ds = randomDataset('adam1', { n: 5, d: 3, vocab: 5 });
    const one = simulateSync(ds, { ...AUTHORS_LAST_LAYER_PRESET, tEnd: 1 });
    const gd = simulateSync(ds, { beta: 0.01, optimizer: 'gd', tau: 1, tEnd: 1 }); // ΔW = G = -∇L
    gd.deltaW.forEach((G, i) => expect(one.deltaW[i]).toBeCloseTo((1e-3 * G) / (Math.abs(G) + 1e-8), 15));
    expect(AUTHORS_LAST_LAYER_PRESET).toMatchObject({ optimizer: 'adam', beta: 0.01, tEnd: 100, adam: { lr: 1e-3 } });
  });
});

describe('SLiC switches', () => {
  const set = (g: number[][], pairs: [number, number][]): Dataset => ({
    train: {
      n: g.length, d: g[0]!.length, features: Float64Array.from(g.flat()),
      chosen: Int32Array.from(pairs.map((p) => p[0])), rejected: Int32Array.from(pairs.map((p) => p[1])),
    },
    vocab: 4,
  });

  it('locates each switch and stops the margin at 1 exactly', () => {
    // Disjoint tokens: r_1 = t (hits 1 at t = 1), r_2 = 4t (hits 1 at t = 1/4), then both stay.
    const ds = set([[1, 0], [0, 2]], [[0, 1], [2, 3]]);
    const res = simulateSync(ds, { beta: 1, tau: 1, loss: 'slic', tEnd: 2, checkpoints: [0.2, 0.5, 1.5], full: true, recordSteps: true });
    const m = res.checkpoints.map((c) => Array.from(c.train.margins!));
    expect(m[0]![0]).toBeCloseTo(0.2, 14);
    expect(m[0]![1]).toBeCloseTo(0.8, 14);
    expect(m[1]![0]).toBeCloseTo(0.5, 14);
    expect(m[1]![1]).toBeCloseTo(1, 12);
    expect(m[2]![0]).toBeCloseTo(1, 12);
    expect(m[3]![1]).toBeCloseTo(1, 12);
    expect(res.switches).toBe(2);
    // The switch times are among the solver's own step times.
    for (const tSwitch of [0.25, 1]) expect(Math.min(...Array.from(res.stepTimes!, (t) => Math.abs(t - tSwitch)))).toBeLessThan(1e-12);
  });

  it('refuses a sliding mode instead of chattering', () => {
    // Swapped tokens: after r_2 reaches 1, sample 1 alone pushes r_2 back below 1.
    const ds = set([[1, 0], [0.5, 1]], [[0, 1], [1, 0]]);
    expect(() => simulateSync(ds, { beta: 1, loss: 'slic', tEnd: 3 })).toThrow(SimulationError);
  });
});

describe('outputs', () => {
  it('TRL rewards equal the full-softmax computation with W_0 = 0', () => {
    const ds = randomDataset('trl', { n: 8, d: 3, vocab: 11 });
    const res = simulateSync(ds, { beta: 0.5, tEnd: 3, full: true });
    const { n, d, features, chosen, rejected } = ds.train;
    const row = new Map(Array.from(res.rows.tokens, (t, u) => [t, u] as const));
    let c = 0, rj = 0;
    for (let i = 0; i < n; i++) {
      const z = Array.from({ length: ds.vocab }, (_, v) => {
        const u = row.get(v);
        if (u === undefined) return 0;
        let s = 0;
        for (let k = 0; k < d; k++) s += res.deltaW[u * d + k]! * features[i * d + k]!;
        return s;
      });
      const lse = Math.log(z.reduce((a, x) => a + Math.exp(x), 0));
      c += 0.5 * (z[chosen[i]!]! - lse + Math.log(ds.vocab));
      rj += 0.5 * (z[rejected[i]!]! - lse + Math.log(ds.vocab));
    }
    const rw = res.checkpoints[0]!.rewards!;
    expect(rw['rewards/chosen']).toBeCloseTo(c / n, 12);
    expect(rw['rewards/rejected']).toBeCloseTo(rj / n, 12);
    expect(rw['rewards/margins']).toBeCloseTo(rw['rewards/chosen'] - rw['rewards/rejected'], 12);
    expect(rw['rewards/accuracies']).toBe(1 - res.train.error);
    expect(res.checkpoints[0]!.deltaWNorm).toBeCloseTo(Math.hypot(...res.deltaW), 12);
  });

  it('is bit-identical across runs and for 0, 1 and 2 workers', async () => {
    const ds = randomDataset('det', { n: 2 * SAMPLE_BLOCK + 5, d: 4, vocab: 30 });
    const opts = { beta: 1, tEnd: 1, rtol: 1e-6, full: true, trlRewards: false } as const;
    const a = simulateSync(ds, opts);
    const b = simulateSync(ds, opts);
    const w1 = await simulate(ds, { ...opts, workers: 1 });
    const w2 = await simulate(ds, { ...opts, workers: 2 });
    for (const other of [b, w1, w2]) {
      expect(Buffer.from(other.deltaW.buffer).equals(Buffer.from(a.deltaW.buffer))).toBe(true);
      expect(other.train.margins).toEqual(a.train.margins);
      expect(other.rhsEvaluations).toBe(a.rhsEvaluations);
    }
  });

  it('reports cost and records the solver\'s own steps', () => {
    const ds = randomDataset('rec', { n: 10, d: 3, vocab: 5 });
    const res = simulateSync(ds, { beta: 1, tEnd: 2, recordSteps: true, checkpoints: [1] });
    expect(res.stepTimes!.length).toBe(res.accepted);
    expect(res.stepMargins!.length).toBe(res.accepted);
    expect(Array.from(res.stepTimes!)).toContain(1);
    expect(res.rhsEvaluations).toBe(6 * res.steps + 2);
    expect(res.tEnd).toBe(2);
  });
});

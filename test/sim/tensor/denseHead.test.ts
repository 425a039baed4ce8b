import { describe, expect, test } from 'vitest';
import type { PreferenceSet } from '../../../src/data/dataset.ts';
import { activeRows } from '../../../src/sim/backend.ts';
import { PYTORCH_ADAM, trainDenseHeads } from '../../../src/sim/tensor/denseHead.ts';
import { loadTensorBackend } from '../../../src/sim/tensor/registry.ts';
import { BACKENDS_UNDER_TEST } from './backendsUnderTest.ts';
import { EPS32, disagreements, evaluate64, randomArray, randomPreferenceSet } from './float64.ts';

/**
 * Float32 error of a margin computed through two full log-softmaxes (policy and frozen head):
 * each of the four log-probabilities is a logit (a d-term dot product) minus a log-sum-exp over V
 * terms, so it is off by at most (d + V + DENSE_SLACK_OPS)·eps32·(max|z| + ln V + 1).
 */
const DENSE_SLACK_OPS = 8;
/**
 * Safety factor on the first-order propagation of errors through Adam and the dynamics: the
 * linearisation ignores second-order terms and the feedback of δW into later gradients, both
 * orders of magnitude smaller over a few steps at β = 0.01.
 */
const PROPAGATION_SAFETY = 2;

function maxAbsLogit(head: Float64Array, g: Float64Array | Float32Array, i: number, d: number, V: number): number {
  let max = 0;
  for (let y = 0; y < V; y++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += Math.abs(head[y * d + k]! * g[i * d + k]!);
    max = Math.max(max, s);
  }
  return max;
}

/**
 * The authors' training in float64, written by hand: the DPO gradient of the full softmax head
 * touches only rows w_i, l_i (THEORY §1, the normaliser cancels), then PyTorch Adam. Also
 * propagates the float32 error bounds of each step to first order.
 */
function trainDense64(data: PreferenceSet, V: number, w0: Float64Array, steps: number, lr: number, beta: number) {
  const { d, n } = data;
  const rows = activeRows(data);
  const U = rows.tokens.length;
  const dw = new Float64Array(U * d);
  const m = new Float64Array(U * d), v = new Float64Array(U * d);
  const dm = new Float64Array(U * d), dv = new Float64Array(U * d), dW = new Float64Array(U * d);
  const { beta1: b1, beta2: b2, epsilon } = PYTORCH_ADAM;
  const headOf = (): Float64Array => {
    const h = Float64Array.from(w0);
    rows.tokens.forEach((tok, u) => { for (let k = 0; k < d; k++) h[tok * d + k]! += dw[u * d + k]!; });
    return h;
  };
  const denseError = (): Float64Array => {
    const h = headOf();
    return Float64Array.from({ length: n }, (_, i) =>
      4 * (d + V + DENSE_SLACK_OPS) * EPS32 * beta * (maxAbsLogit(h, data.features, i, d, V) + maxAbsLogit(w0, data.features, i, d, V) + Math.log(V) + 1));
  };
  for (let t = 1; t <= steps; t++) {
    const e = evaluate64(data, rows, dw, beta, 'dpo', denseError());
    const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
    for (let k = 0; k < dw.length; k++) {
      const g = -e.direction[k]!; // ∇_W L = -D
      const dg = e.directionTolerance[k]!;
      m[k] = b1 * m[k]! + (1 - b1) * g;
      v[k] = b2 * v[k]! + (1 - b2) * g * g;
      dm[k] = b1 * dm[k]! + (1 - b1) * dg;
      dv[k] = b2 * dv[k]! + (1 - b2) * 2 * Math.abs(g) * dg;
      const mh = m[k]! / bc1, vh = v[k]! / bc2;
      const den = Math.sqrt(vh) + epsilon;
      const u = mh / den;
      const du = dm[k]! / bc1 / den + (Math.abs(mh) * (dv[k]! / bc2) / (2 * Math.sqrt(vh) + 1e-300)) / (den * den) + 8 * EPS32 * Math.abs(u);
      dw[k]! -= lr * u;
      dW[k]! += lr * du;
    }
  }
  const h = headOf();
  // W itself is stored in float32 around W_0 ~ 1: each step's subtraction rounds at |W|·eps32/2.
  const storage = (tok: number, k: number): number => steps * EPS32 * Math.abs(h[tok * d + k]!);
  const final = evaluate64(data, rows, dw, beta, 'dpo', denseError());
  const tol = Float64Array.from(final.marginTolerance, (t0, i) => {
    let s = 0;
    const w = rows.chosenRow[i]!, l = rows.rejectedRow[i]!;
    for (let k = 0; k < d; k++) {
      s += Math.abs(data.features[i * d + k]!) *
        (dW[w * d + k]! + dW[l * d + k]! + storage(rows.tokens[w]!, k) + storage(rows.tokens[l]!, k));
    }
    return PROPAGATION_SAFETY * (t0 + beta * s);
  });
  return { margins: final.margins, tolerance: tol, head: h };
}

describe.each(BACKENDS_UNDER_TEST)('dense softmax-head trainer on %s', (name) => {
  const V = 7, d = 4, steps = 5, lr = 1e-3, beta = 0.01;
  const problems = [
    { data: randomPreferenceSet('dense-0', 12, d, V), vocab: V, initialHead: randomArray('w0-0', V * d, 1) },
    { data: randomPreferenceSet('dense-1', 8, d, V), vocab: V, initialHead: randomArray('w0-1', V * d, 1) },
  ];

  test('Adam on the full head (autodiff) matches float64 Adam on the analytic gradient, per configuration', async () => {
    const rt = await loadTensorBackend(name);
    const before = rt.tf.memory().numTensors;
    const out = await trainDenseHeads(rt, problems, { steps, learningRate: lr, beta });
    expect(rt.tf.memory().numTensors).toBe(before);
    expect(rt.tf.getBackend()).toBe(rt.tfBackend);
    problems.forEach((p, b) => {
      const ref = trainDense64(p.data, V, p.initialHead, steps, lr, beta);
      const res = out[b]!;
      expect(res.margins.length).toBe(p.data.n);
      expect(disagreements(res.margins, ref.margins, ref.tolerance)).toEqual([]);
      // Untouched vocabulary rows get an exactly zero gradient, so Adam leaves them at W_0.
      const used = new Set([...p.data.chosen, ...p.data.rejected]);
      for (let y = 0; y < V; y++) {
        if (used.has(y)) continue;
        for (let k = 0; k < d; k++) expect(res.head[y * d + k]).toBe(Math.fround(p.initialHead[y * d + k]!));
      }
      // Log: step 0 is the reference point (r = 0, loss ln 2, accuracy 0, ΔW = 0); then one line per step.
      expect(res.log.map((e) => e.step)).toEqual([0, 1, 2, 3, 4, 5]);
      const first = res.log[0]!;
      expect(first.meanMargin).toBe(0);
      expect(first.accuracy).toBe(0);
      expect(first.deltaNorm).toBe(0);
      expect(Math.abs(first.loss - Math.LN2)).toBeLessThan(4 * EPS32);
      const last = res.log.at(-1)!;
      const mean64 = ref.margins.reduce((s, r) => s + r, 0) / p.data.n;
      expect(Math.abs(last.meanMargin - mean64)).toBeLessThanOrEqual(Math.max(...ref.tolerance));
      // Accuracy counts signs; a margin within its tolerance of 0 may count either way.
      const surelyPositive = ref.margins.filter((r, i) => r > ref.tolerance[i]!).length;
      const undecided = ref.margins.filter((r, i) => Math.abs(r) <= ref.tolerance[i]!).length;
      expect(undecided).toBeLessThan(p.data.n / 4);
      expect(last.accuracy).toBeGreaterThanOrEqual(surelyPositive / p.data.n - (p.data.n + 1) * EPS32);
      expect(last.accuracy).toBeLessThanOrEqual((surelyPositive + undecided) / p.data.n + (p.data.n + 1) * EPS32);
      // Adam's first steps move every touched entry by ≈ lr, so ||ΔW|| ≈ steps·lr·sqrt(#entries).
      expect(last.deltaNorm).toBeGreaterThan(0.5 * steps * lr * Math.sqrt(used.size * d));
      expect(last.deltaNorm).toBeLessThan(1.01 * steps * lr * Math.sqrt(used.size * d));
      expect(last.loss).toBeLessThan(first.loss);
    });
  });
});

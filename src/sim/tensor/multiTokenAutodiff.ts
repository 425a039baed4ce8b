/**
 * The multi-token reward rate of THEORY §6 computed by tfjs automatic differentiation in
 * float32: d r(y)/dt = ⟨∇_W r(y), -∇_W L⟩ (τ = 1), with both gradients from `tf.grad` of the
 * full log-softmax model. It shares no code with the hand-derived identity of `multiToken.ts`,
 * which it checks.
 */
import type * as tfTypes from '@tensorflow/tfjs-core';
import { validateMultiTokenProblem, type MultiTokenProblem } from './multiToken.ts';
import type { TensorRuntime } from './registry.ts';

/**
 * ⟨∇_W r(probe), -∇_W L⟩ at W = `p.head`, on `runtime`, in float32.
 *
 * @example
 * const rate = await tokenRewardRateByAutodiff(await loadTensorBackend('cpu'), problem);
 */
export async function tokenRewardRateByAutodiff(runtime: TensorRuntime, p: MultiTokenProblem): Promise<number> {
  validateMultiTokenProblem(p);
  await runtime.activate();
  const tf = runtime.tf;
  const { vocab: V, d, beta } = p;
  const N = p.samples.length;
  // Flatten every (sample, side, position) into one row: state, one-hot token, ±1 into its margin.
  const states: number[] = [];
  const pick: number[] = [];
  const toMargin: number[][] = Array.from({ length: N }, () => []);
  let S = 0;
  p.samples.forEach((s, i) => {
    for (const [seq, sign] of [[s.chosen, 1], [s.rejected, -1]] as const) {
      seq.tokens.forEach((y, j) => {
        states.push(...seq.states[j]!);
        const row = new Array<number>(V).fill(0);
        row[y] = 1;
        pick.push(...row);
        toMargin.forEach((m, n) => m.push(n === i ? sign : 0));
        S++;
      });
    }
  });
  const transpose = (w: readonly number[]): Float32Array => {
    const t = new Float32Array(d * V);
    for (let y = 0; y < V; y++) for (let k = 0; k < d; k++) t[k * V + y] = w[y * d + k]!;
    return t;
  };
  const probePick = new Array<number>(V).fill(0);
  probePick[p.probe.token] = 1;
  const out = tf.tidy(() => {
    const H = tf.tensor2d(states, [S, d]);
    const P = tf.tensor2d(pick, [S, V]);
    const M = tf.tensor2d(toMargin.flat(), [N, S]);
    const hStar = tf.tensor2d([...p.probe.state], [1, d]);
    const yStar = tf.tensor2d(probePick, [1, V]);
    const W0t = tf.tensor2d(transpose(p.initialHead), [d, V]);
    const Wt = tf.tensor2d(transpose(p.head), [d, V]);
    const tokenLogp = (w: tfTypes.Tensor2D, h: tfTypes.Tensor2D, onehot: tfTypes.Tensor2D): tfTypes.Tensor1D =>
      tf.sum(tf.mul(tf.logSoftmax(tf.matMul(h, w)), onehot), 1);
    const refLogp = tokenLogp(W0t, H, P);
    const loss = (x: tfTypes.Tensor): tfTypes.Scalar => {
      const w = x as tfTypes.Tensor2D;
      const rewards = tf.mul(beta, tf.sub(tokenLogp(w, H, P), refLogp));
      const margins = tf.matMul(M, tf.expandDims(rewards, 1));
      return tf.mean(tf.softplus(tf.neg(margins))); // -ln σ(r), autodiff-safe
    };
    const probeRef = tokenLogp(W0t, hStar, yStar);
    const reward = (x: tfTypes.Tensor): tfTypes.Scalar => tf.sum(tf.mul(beta, tf.sub(tokenLogp(x as tfTypes.Tensor2D, hStar, yStar), probeRef)));
    const gradL = tf.grad(loss)(Wt);
    const gradR = tf.grad(reward)(Wt);
    return tf.neg(tf.sum(tf.mul(gradR, gradL)));
  });
  try {
    return (await out.data())[0]!;
  } finally {
    out.dispose();
  }
}

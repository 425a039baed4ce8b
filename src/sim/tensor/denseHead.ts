/**
 * Trains the full softmax head (all V rows of W, THEORY §1) with automatic differentiation,
 * the way the authors' last-layer script does (THEORY §7): Adam with PyTorch semantics,
 * learning rate 1e-3, β = 0.01, full batch, reference log-probabilities from the frozen head W_0,
 * logging loss, accuracy (fraction of margins > 0), the β-scaled mean margin and ||W - W_0||.
 *
 * Unlike the sparse dynamics this computes the whole softmax (O(N·V·d) per step) and never uses
 * the fact that the normaliser cancels: it is an independent check of that fact (its gradient
 * must equal the sparse one of `sparseKernel.ts`).
 *
 * tfjs details: W is stored pre-transposed (d × V) because a transposed matMul is
 * about 10× slower on wasm; the loss uses `softplus(-r)` rather than `-logSigmoid(r)` because
 * `tf.grad` through `tf.logSigmoid` of an intermediate tensor throws; preference rows are
 * selected with a dense ±1 mask (not `gather`, whose gradient needs UnsortedSegmentSum, missing
 * on wasm). B configurations with equal d and V train at once as [B, ·, ·] tensors; their N may
 * differ (shorter sets are padded with samples of weight 0).
 */
import type * as tfTypes from '@tensorflow/tfjs-core';
import type { LossName } from '../../data/config.ts';
import type { PreferenceSet } from '../../data/dataset.ts';
import { InvalidInputError, requireInt, requireNonNegative, requirePositive } from '../../theory/errors.ts';
import type { Tf, TensorRuntime } from './registry.ts';

/** The authors' hyper-parameters (THEORY §7). */
export const AUTHORS_LEARNING_RATE = 1e-3;
export const AUTHORS_BETA = 0.01;
export const AUTHORS_STEPS = 100;
/** PyTorch's `torch.optim.Adam` defaults (betas=(0.9, 0.999), eps=1e-8), which the script uses. */
export const PYTORCH_ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

/** One configuration: a training set, the vocabulary size and the frozen head W_0. */
export interface DenseHeadProblem {
  readonly data: PreferenceSet;
  /** Vocabulary size V (every token id < V). */
  readonly vocab: number;
  /** W_0, V × d row-major (the reference and initial head). */
  readonly initialHead: Float64Array;
}

/** Training options; every field defaults to the authors' script. */
export interface DenseTrainOptions {
  readonly steps?: number;
  readonly learningRate?: number;
  readonly beta?: number;
  readonly loss?: LossName;
  readonly adam?: { readonly beta1: number; readonly beta2: number; readonly epsilon: number };
  /** Log every this many steps (step 0 and the last step are always logged). */
  readonly logEvery?: number;
}

/** One log line (W after `step` Adam updates). */
export interface DenseLogEntry {
  readonly step: number;
  /** (1/N) Σ f(r_i); DPO: -(1/N) Σ ln σ(r_i). */
  readonly loss: number;
  /** Fraction of training margins > 0 (THEORY §1: a margin of exactly 0 is an error). */
  readonly accuracy: number;
  /** Mean of r_i (already β-scaled). */
  readonly meanMargin: number;
  /** Frobenius norm ||W - W_0||. */
  readonly deltaNorm: number;
}

/** The outcome of one configuration. */
export interface DenseTrainResult {
  readonly log: readonly DenseLogEntry[];
  /** The trained head W, V × d row-major. */
  readonly head: Float64Array;
  /** Final training margins r_i. */
  readonly margins: Float64Array;
}

/** The loss f(r) of THEORY §2 as a differentiable tensor expression. */
function lossOf(tf: Tf, loss: LossName, r: tfTypes.Tensor): tfTypes.Tensor {
  switch (loss) {
    case 'dpo':
      return tf.softplus(tf.neg(r)); // = -ln σ(r), autodiff-safe form
    case 'ipo':
      return tf.square(tf.sub(r, 1));
    case 'slic':
      return tf.relu(tf.sub(1, r));
  }
}

/**
 * Trains B heads at once on `runtime` and returns one result per configuration.
 *
 * @example
 * const [res] = await trainDenseHeads(rt, [{ data, vocab: 50, initialHead: w0 }]);
 * res.log.at(-1)?.accuracy;
 */
export async function trainDenseHeads(
  runtime: TensorRuntime,
  problems: readonly DenseHeadProblem[],
  options: DenseTrainOptions = {},
): Promise<DenseTrainResult[]> {
  const steps = requireInt('steps', options.steps ?? AUTHORS_STEPS, 0);
  const lr = requirePositive('learningRate', options.learningRate ?? AUTHORS_LEARNING_RATE);
  const beta = requirePositive('beta', options.beta ?? AUTHORS_BETA);
  const loss = options.loss ?? 'dpo';
  const adam = options.adam ?? PYTORCH_ADAM;
  requireNonNegative('adam.beta1', adam.beta1);
  requireNonNegative('adam.beta2', adam.beta2);
  requirePositive('adam.epsilon', adam.epsilon);
  const logEvery = requireInt('logEvery', options.logEvery ?? 1, 1);
  if (problems.length === 0) throw new InvalidInputError('problems', 'needs at least one configuration');
  const { d } = problems[0]!.data;
  const V = problems[0]!.vocab;
  problems.forEach((p, b) => {
    if (p.data.d !== d) throw new InvalidInputError(`problems[${b}].data.d`, `must equal ${d} (one batch shares d)`);
    if (p.vocab !== V) throw new InvalidInputError(`problems[${b}].vocab`, `must equal ${V} (one batch shares V)`);
    if (p.initialHead.length !== V * d) throw new InvalidInputError(`problems[${b}].initialHead`, `length must be V·d = ${V * d}`);
    requireInt(`problems[${b}].data.n`, p.data.n, 1);
    for (let i = 0; i < p.data.n; i++) {
      const w = p.data.chosen[i]!;
      const l = p.data.rejected[i]!;
      if (w < 0 || w >= V || l < 0 || l >= V || w === l) {
        throw new InvalidInputError(`problems[${b}].data`, `sample ${i}: tokens (${w}, ${l}) must be distinct ids in [0, ${V})`);
      }
    }
  });
  await runtime.activate();
  const tf = runtime.tf;
  const B = problems.length;
  const N = Math.max(...problems.map((p) => p.data.n));

  // Host-side packing: features [B,N,d], ±1 preference mask [B,N,V], sample weights [B,N] (1/N_b or 0),
  // W_0 transposed [B,d,V].
  const g = new Float32Array(B * N * d);
  const mask = new Float32Array(B * N * V);
  const weight = new Float32Array(B * N);
  const w0t = new Float32Array(B * d * V);
  problems.forEach((p, b) => {
    const { n, features, chosen, rejected } = p.data;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) g[(b * N + i) * d + k] = features[i * d + k]!;
      mask[(b * N + i) * V + chosen[i]!] = 1;
      mask[(b * N + i) * V + rejected[i]!] = -1;
      weight[b * N + i] = 1 / n;
    }
    for (let y = 0; y < V; y++) for (let k = 0; k < d; k++) w0t[(b * d + k) * V + y] = p.initialHead[y * d + k]!;
  });

  const G = tf.tensor3d(g, [B, N, d]);
  const A = tf.tensor3d(mask, [B, N, V]);
  const sampleWeight = tf.tensor2d(weight, [B, N]);
  const W0t = tf.tensor3d(w0t, [B, d, V]);
  /** Σ_y A_iy ln softmax(W_0 g_i)_y = ln π_0(w_i|x_i) - ln π_0(l_i|x_i), frozen. */
  const refDiff = tf.tidy(() => tf.sum(tf.mul(tf.logSoftmax(tf.matMul(G, W0t)), A), 2));
  const constants = [G, A, sampleWeight, W0t, refDiff];

  const margins = (wt: tfTypes.Tensor): tfTypes.Tensor2D =>
    tf.mul(beta, tf.sub(tf.sum(tf.mul(tf.logSoftmax(tf.matMul(G, wt)), A), 2), refDiff)) as tfTypes.Tensor2D;
  /** Σ_b L_b(W_b): the configurations' losses are independent, so its gradient is theirs. */
  const totalLoss = (wt: tfTypes.Tensor): tfTypes.Scalar => tf.sum(tf.mul(sampleWeight, lossOf(tf, loss, margins(wt))));
  const gradient = tf.grad(totalLoss);

  let Wt: tfTypes.Tensor = tf.clone(W0t);
  let m: tfTypes.Tensor = tf.zerosLike(W0t);
  let v: tfTypes.Tensor = tf.zerosLike(W0t);
  const logs: DenseLogEntry[][] = problems.map(() => []);

  const logAt = async (step: number): Promise<void> => {
    const stats = tf.tidy(() => {
      const r = margins(Wt);
      const lossPer = tf.sum(tf.mul(sampleWeight, lossOf(tf, loss, r)), 1);
      const acc = tf.sum(tf.mul(sampleWeight, tf.cast(tf.greater(r, 0), 'float32')), 1);
      const mean = tf.sum(tf.mul(sampleWeight, r), 1);
      const norm = tf.sqrt(tf.sum(tf.square(tf.sub(Wt, W0t)), [1, 2]));
      return tf.stack([lossPer, acc, mean, norm], 1);
    });
    const s = await stats.data();
    stats.dispose();
    for (let b = 0; b < B; b++) {
      logs[b]!.push({ step, loss: s[b * 4]!, accuracy: s[b * 4 + 1]!, meanMargin: s[b * 4 + 2]!, deltaNorm: s[b * 4 + 3]! });
    }
  };

  try {
    await logAt(0);
    for (let t = 1; t <= steps; t++) {
      // PyTorch Adam: m ← β1 m + (1-β1) g; v ← β2 v + (1-β2) g²;
      // W ← W - lr · (m / (1-β1^t)) / (sqrt(v / (1-β2^t)) + ε). Bias corrections in float64.
      const bc1 = 1 - adam.beta1 ** t;
      const bc2 = 1 - adam.beta2 ** t;
      const [nextW, nextM, nextV] = tf.tidy(() => {
        const grad = gradient(Wt);
        const m1 = tf.add(tf.mul(adam.beta1, m), tf.mul(1 - adam.beta1, grad));
        const v1 = tf.add(tf.mul(adam.beta2, v), tf.mul(1 - adam.beta2, tf.square(grad)));
        const update = tf.div(tf.div(m1, bc1), tf.add(tf.sqrt(tf.div(v1, bc2)), adam.epsilon));
        return [tf.sub(Wt, tf.mul(lr, update)), m1, v1];
      });
      Wt.dispose(); m.dispose(); v.dispose();
      Wt = nextW!; m = nextM!; v = nextV!;
      if (t % logEvery === 0 || t === steps) await logAt(t);
    }
    const rTensor = tf.tidy(() => margins(Wt));
    constants.push(rTensor);
    const [wFinal, rFinal] = await Promise.all([Wt.data(), rTensor.data()]);
    return problems.map((p, b) => {
      const head = new Float64Array(V * d);
      for (let y = 0; y < V; y++) for (let k = 0; k < d; k++) head[y * d + k] = wFinal[(b * d + k) * V + y]!;
      return { log: logs[b]!, head, margins: Float64Array.from(rFinal.subarray(b * N, b * N + p.data.n)) };
    });
  } finally {
    Wt.dispose(); m.dispose(); v.dispose();
    constants.forEach((c) => c.dispose());
  }
}

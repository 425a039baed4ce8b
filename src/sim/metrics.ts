/**
 * What is measured at a checkpoint: margin summaries, the loss, the 0-1 error (THEORY §1,
 * Definition 3.1: a margin <= 0 counts as an error), TRL's reward metrics, ||ΔW||_F, and margins of
 * samples that are not in the training set (THEORY §2: r̃ = β ãᵀ ΔW g̃).
 */
import type { LossName } from '../data/config.ts';
import type { PreferenceSet } from '../data/dataset.ts';
import { InvalidInputError } from '../theory/errors.ts';
import type { ActiveRows } from './backend.ts';
import { instantiateKernel, kernelFor } from './kernel.ts';
import { KernelMemory } from './kernelMemory.ts';

/** Per-sample loss f(r) (THEORY §2): DPO -ln σ(r), IPO (r-1)², SLiC max(0, 1-r). */
export function lossValue(loss: LossName, r: number): number {
  switch (loss) {
    case 'dpo':
      // -ln σ(r) = ln(1 + e^{-r}), written to stay finite for |r| large.
      return r > 0 ? Math.log1p(Math.exp(-r)) : -r + Math.log1p(Math.exp(r));
    case 'ipo':
      return (r - 1) ** 2;
    case 'slic':
      return Math.max(0, 1 - r);
  }
}

/** Loss weight w(r) = -f'(r) (THEORY §2): DPO σ(-r), IPO 2(1-r), SLiC [r < 1]. */
export function lossWeight(loss: LossName, r: number): number {
  switch (loss) {
    case 'dpo':
      return 1 / (1 + Math.exp(r));
    case 'ipo':
      return 2 * (1 - r);
    case 'slic':
      return r < 1 ? 1 : 0;
  }
}

/** Summary of a margin vector. */
export interface MarginSummary {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** 0-1 error: fraction of margins <= 0 (THEORY §1, Definition 3.1). */
  readonly error: number;
  /** The full vector, when requested. */
  readonly margins?: Float64Array;
}

/** Min, max, mean and 0-1 error of `margins` (copies the vector when `full`). */
export function summarizeMargins(margins: Float64Array, full = false): MarginSummary {
  let min = Infinity, max = -Infinity, sum = 0, errors = 0;
  for (let i = 0; i < margins.length; i++) {
    const r = margins[i]!;
    if (r < min) min = r;
    if (r > max) max = r;
    sum += r;
    if (r <= 0) errors++;
  }
  const n = margins.length;
  const base = { min: n ? min : NaN, max: n ? max : NaN, mean: n ? sum / n : NaN, error: n ? errors / n : NaN };
  return full ? { ...base, margins: Float64Array.from(margins) } : base;
}

/** Mean loss (1/N) Σ f(r_i) (THEORY §1, Eq. 1 for DPO). */
export function meanLoss(loss: LossName, margins: Float64Array): number {
  let s = 0;
  for (let i = 0; i < margins.length; i++) s += lossValue(loss, margins[i]!);
  return s / margins.length;
}

/** ||ΔW||_F over the active rows (all other rows of ΔW are zero). */
export function frobeniusNorm(deltaW: Float64Array): number {
  let s = 0;
  for (let i = 0; i < deltaW.length; i++) s += deltaW[i]! * deltaW[i]!;
  return Math.sqrt(s);
}

/** TRL's DPOTrainer reward metrics (means over the samples). */
export interface TrlRewards {
  /** mean β (ln π_W(w|x) - ln π_0(w|x)). */
  readonly 'rewards/chosen': number;
  /** mean β (ln π_W(l|x) - ln π_0(l|x)). */
  readonly 'rewards/rejected': number;
  /** mean of chosen - rejected = mean margin. */
  readonly 'rewards/margins': number;
  /** fraction of samples with chosen reward > rejected reward, i.e. r_i > 0. */
  readonly 'rewards/accuracies': number;
}

/**
 * TRL reward metrics for W_0 = 0 over a vocabulary of size V. The margins do not depend on W_0
 * (THEORY §1: the normaliser cancels), but the per-response rewards do; with W_0 = 0,
 * ln π_0(y|x) = -ln V and ln π_W(y|x) = (ΔW g)_y - LSE, where LSE is the log-sum-exp over the
 * active rows' logits plus (V - #rows) zero logits. Costs O(N · rows · d).
 * `margins` are the training margins at the same ΔW (used for `rewards/margins` and accuracies,
 * which TRL computes as chosen - rejected; equal up to rounding).
 */
export function trlRewards(
  data: PreferenceSet,
  rows: ActiveRows,
  deltaW: Float64Array,
  beta: number,
  vocab: number,
  margins: Float64Array,
): TrlRewards {
  const { n, d, features } = data;
  const m = rows.tokens.length;
  if (!(vocab >= m)) throw new InvalidInputError('vocab', `must be >= the ${m} tokens that occur, got ${vocab}`);
  const lnV = Math.log(vocab);
  const zeros = vocab - m;
  let chosen = 0, rejected = 0, marginSum = 0, acc = 0;
  // The logits z_i = ΔW g_i of a block of samples at a time come from the WebAssembly kernel
  // (each dot product in increasing k, as a plain loop sums it); the rest is cheap, O(N·rows).
  // Blocks of at most 16 samples: V8 runs a WebAssembly function in its baseline compiler until
  // it has been called enough to be optimised (there is no on-stack replacement), so one long
  // call would never reach the optimised code; many short ones do after the first few.
  const block = Math.max(1, Math.min(n, 16, Math.floor(2 ** 18 / Math.max(1, m))));
  const mem = new KernelMemory<'wt' | 'scores'>(features, { wt: 8 * m * d, scores: 8 * block * m });
  try {
    const wt = mem.f64('wt', m * d);
    for (let u = 0; u < m; u++) for (let k = 0; k < d; k++) wt[k * m + u] = deltaW[u * d + k]!;
    const scores = mem.f64('scores', block * m);
    const kernel = kernelFor(instantiateKernel(mem.memory), mem.f32);
    for (let start = 0; start < n; start += block) {
      const end = Math.min(n, start + block);
      kernel.rowScores(mem.features, d, start, end, mem.at.wt, m, mem.at.scores);
      for (let i = start; i < end; i++) {
        const z = (i - start) * m;
        let zMax = zeros > 0 ? 0 : -Infinity;
        for (let u = 0; u < m; u++) if (scores[z + u]! > zMax) zMax = scores[z + u]!;
        let sum = zeros * Math.exp(-zMax);
        for (let u = 0; u < m; u++) sum += Math.exp(scores[z + u]! - zMax);
        const lse = zMax + Math.log(sum);
        chosen += beta * (scores[z + rows.chosenRow[i]!]! - lse + lnV);
        rejected += beta * (scores[z + rows.rejectedRow[i]!]! - lse + lnV);
        marginSum += margins[i]!;
        if (margins[i]! > 0) acc++;
      }
    }
  } finally {
    mem.release();
  }
  return {
    'rewards/chosen': chosen / n,
    'rewards/rejected': rejected / n,
    'rewards/margins': marginSum / n,
    'rewards/accuracies': acc / n,
  };
}

/**
 * Margins r̃ = β ãᵀ ΔW g̃ of samples outside the training set (THEORY §2, new sample). A token
 * that never occurs in training has a zero row of ΔW.
 */
export function marginsOf(set: PreferenceSet, rows: ActiveRows, deltaW: Float64Array, beta: number): Float64Array {
  const { n, d, features, chosen, rejected } = set;
  const rowOf = new Map<number, number>();
  rows.tokens.forEach((tok, u) => rowOf.set(tok, u));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const cw = rowOf.get(chosen[i]!);
    const cl = rowOf.get(rejected[i]!);
    const base = i * d;
    let s = 0;
    for (let k = 0; k < d; k++) {
      const dw = cw === undefined ? 0 : deltaW[cw * d + k]!;
      const dl = cl === undefined ? 0 : deltaW[cl * d + k]!;
      s += (dw - dl) * features[base + k]!;
    }
    out[i] = beta * s;
  }
  return out;
}

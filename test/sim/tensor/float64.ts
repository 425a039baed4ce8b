/**
 * Test helpers: seeded random problems, a hand-written float64 version of the fused evaluation
 * (THEORY §1–§2), and the float32 error bounds the tensor backends are judged against.
 *
 * Error model (standard floating-point analysis, u = float32 unit roundoff = 2^-24, eps32 = 2u):
 * rounding the inputs to float32 perturbs each product ΔW_yk g_k by at most 2u relative; a sum of
 * n terms computed in float32 in any order is off by at most (n-1)·u·Σ|terms| (Higham, Thm 4.3's
 * γ_{n-1}); each further elementwise op adds u relative. So a float32 margin satisfies
 *   |r32 - r64| <= (d + MARGIN_SLACK_OPS) · eps32 · β Σ_k (|ΔW_wk| + |ΔW_lk|) |g_k|,
 * i.e. a tolerance proportional to the sum of the absolute values of the terms, not to |r|
 * (which may be tiny by cancellation) and never an absolute 1e-9.
 */
import seedrandom from 'seedrandom';
import type { LossName } from '../../../src/data/config.ts';
import type { PreferenceSet } from '../../../src/data/dataset.ts';
import type { ActiveRows } from '../../../src/sim/backend.ts';

/** float32 machine epsilon 2^-23. */
export const EPS32 = 2 ** -23;
/** Elementwise float32 operations after the dot product (row difference, ×β, upload roundings). */
export const MARGIN_SLACK_OPS = 4;
/** Lipschitz constant of the loss weight w(r) = -f'(r): DPO σ(-r) has |w'| <= 1/4, IPO 2(1-r) has 2. */
export const WEIGHT_LIPSCHITZ: Readonly<Record<'dpo' | 'ipo', number>> = { dpo: 0.25, ipo: 2 };

/** A random preference set: Gaussian features, distinct random token pairs below `vocab`. */
export function randomPreferenceSet(seed: string, n: number, d: number, vocab: number, scale = 1): PreferenceSet {
  const rng = seedrandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const features = Float64Array.from({ length: n * d }, () => scale * normal());
  const chosen = new Int32Array(n);
  const rejected = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    chosen[i] = Math.floor(rng() * vocab);
    do rejected[i] = Math.floor(rng() * vocab); while (rejected[i] === chosen[i]);
  }
  return { n, d, features, chosen, rejected };
}

/** Seeded uniform values in [-scale, scale). */
export function randomArray(seed: string, length: number, scale: number): Float64Array {
  const rng = seedrandom(seed);
  return Float64Array.from({ length }, () => scale * (2 * rng() - 1));
}

function weight64(loss: LossName, r: number): number {
  switch (loss) {
    case 'dpo':
      return 1 / (1 + Math.exp(r));
    case 'ipo':
      return 2 * (1 - r);
    case 'slic':
      return r < 1 ? 1 : 0;
  }
}

/** Float64 fused evaluation and the float32 error bounds of each output. */
export interface Evaluation64 {
  readonly margins: Float64Array;
  readonly direction: Float64Array;
  /** Allowed |r32 - r64| per sample. */
  readonly marginTolerance: Float64Array;
  /** Allowed |D32 - D64| per entry. */
  readonly directionTolerance: Float64Array;
}

/** r_i = β a_iᵀ ΔW g_i and D = (β/N) Σ w(r_i) a_i g_iᵀ in float64, with float32 tolerances. */
export function evaluate64(
  data: PreferenceSet,
  rows: ActiveRows,
  deltaW: Float64Array,
  beta: number,
  loss: 'dpo' | 'ipo',
  /** Extra float32 error of each margin when the margins are computed another way (e.g. a full softmax). */
  extraMarginError?: Float64Array,
): Evaluation64 {
  const { n, d, features } = data;
  const U = rows.tokens.length;
  const margins = new Float64Array(n);
  const marginTolerance = new Float64Array(n);
  const direction = new Float64Array(U * d);
  const absSum = new Float64Array(U * d);
  const lipSum = new Float64Array(U * d);
  const count = new Float64Array(U);
  for (let i = 0; i < n; i++) {
    const w = rows.chosenRow[i]!;
    const l = rows.rejectedRow[i]!;
    let r = 0;
    let mag = 0;
    for (let k = 0; k < d; k++) {
      const gk = features[i * d + k]!;
      r += (deltaW[w * d + k]! - deltaW[l * d + k]!) * gk;
      mag += (Math.abs(deltaW[w * d + k]!) + Math.abs(deltaW[l * d + k]!)) * Math.abs(gk);
    }
    margins[i] = beta * r;
    marginTolerance[i] = (d + MARGIN_SLACK_OPS) * EPS32 * beta * mag + (extraMarginError?.[i] ?? 0);
    const c = beta / n;
    const wi = weight64(loss, margins[i]!);
    // The weight is computed from a float32 margin: its error is Lip·δr plus its own rounding.
    const dw = WEIGHT_LIPSCHITZ[loss] * marginTolerance[i]! + 2 * EPS32 * Math.abs(wi);
    count[w]!++;
    count[l]!++;
    for (let k = 0; k < d; k++) {
      const term = c * wi * features[i * d + k]!;
      direction[w * d + k]! += term;
      direction[l * d + k]! -= term;
      for (const row of [w, l]) {
        absSum[row * d + k]! += Math.abs(term);
        lipSum[row * d + k]! += c * Math.abs(features[i * d + k]!) * dw;
      }
    }
  }
  const directionTolerance = new Float64Array(U * d);
  for (let u = 0; u < U; u++) {
    for (let k = 0; k < d; k++) {
      directionTolerance[u * d + k] = (count[u]! + MARGIN_SLACK_OPS) * EPS32 * absSum[u * d + k]! + lipSum[u * d + k]!;
    }
  }
  return { margins, direction, marginTolerance, directionTolerance };
}

/** Indices where |a - b| > tol (empty means "agrees"). */
export function disagreements(a: ArrayLike<number>, b: ArrayLike<number>, tol: ArrayLike<number>): number[] {
  const bad: number[] = [];
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i]! - b[i]!) <= tol[i]!)) bad.push(i);
  return bad;
}

/**
 * Safety factor for the feedback of ΔW errors into later directions over a short run. Ours: the
 * first-order bound below treats each step's direction error as independent of earlier ΔW
 * errors; the feedback multiplies them by at most (1 + η·β²·max_j Σ_i |C_ij|/N)^steps, which is
 * below 4 for the sizes the tests use.
 */
export const FLOW_AMPLIFICATION = 4;

/**
 * Float64 gradient descent (ΔW ← ΔW + η D, THEORY §2) with the float32 error bound of every
 * final margin accumulated step by step: η·(direction tolerance) plus the rounding of the sum.
 */
export function descent64(data: PreferenceSet, rows: ActiveRows, beta: number, steps: number, stepSize: number) {
  const { d } = data;
  const dw = new Float64Array(rows.tokens.length * d);
  const tolW = new Float64Array(dw.length);
  for (let t = 0; t < steps; t++) {
    const e = evaluate64(data, rows, dw, beta, 'dpo');
    for (let k = 0; k < dw.length; k++) {
      dw[k]! += stepSize * e.direction[k]!;
      tolW[k]! += stepSize * e.directionTolerance[k]! + EPS32 * Math.abs(dw[k]!);
    }
  }
  const e = evaluate64(data, rows, dw, beta, 'dpo');
  const tolerance = Float64Array.from(e.marginTolerance, (t0, i) => {
    let s = 0;
    for (let k = 0; k < d; k++) {
      s += Math.abs(data.features[i * d + k]!) * (tolW[rows.chosenRow[i]! * d + k]! + tolW[rows.rejectedRow[i]! * d + k]!);
    }
    return t0 + FLOW_AMPLIFICATION * beta * s;
  });
  return { deltaW: dw, margins: e.margins, tolerance };
}

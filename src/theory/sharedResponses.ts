/**
 * THEORY §9 (our derivation, a hypothesis to measure): the first-order test error of DPO on the
 * cluster model when concepts share response tokens, and the sample complexity it implies.
 *
 * With σ(−r_i) ≈ 1/2 (t ≲ τ_1), the direction of concept k is u_k ∝ Σ_{k'} (a_kᵀa_{k'}) G_{k'}
 * with G_k = 2Q c_k + η_k, η_k ~ N(0, 2Q v² I). A fresh point of concept k has margin mean
 * ∝ 2Q·(a_kᵀa_k) and standard deviation ∝ v‖u_k‖, which gives
 *
 *     error ≈ Φ(−1 / (v √h · √(1 + v²d/(2Q))))
 *
 * with the sharing factor h: K for one response pair shared by all K concepts (the authors'
 * " Yes"/" No"), 1 for distinct pairs, and (Z_k+3)/4 for the hub layout where groups of Z_k
 * concepts share one token (pairs (hub, leaf_k): a_kᵀa_k = 2, a_kᵀa_{k'} = 1 in the group).
 * Noise is absolute (v) or relative to the theorems' edge (v = m/(32√Q), THEORY §3).
 */
import { InvalidInputError, requireInt, requirePositive } from './errors.ts';
import { lnNormalTail, normalTail, upperNormalQuantile } from './normalTail.ts';
import { logSumExp } from './numerics.ts';

/** How concepts share response tokens (THEORY §3, §9). */
export type TokenLayout = { readonly kind: 'distinct' } | { readonly kind: 'shared-pair' } | { readonly kind: 'hub'; readonly Z: number };

/** Feature noise: absolute v, or v = m/(32√Q) (m = 1 is the v5 main-text edge, THEORY §3). */
export type NoiseLevel = { readonly kind: 'absolute'; readonly v: number } | { readonly kind: 'relative'; readonly m: number };

/** Denominator of the theorems' noise edge v = 1/(32√Q) (THEORY §3, condition "noise"). */
export const NOISE_EDGE_DENOMINATOR = 32;

/** v at Q for a noise level. */
export function noiseAt(noise: NoiseLevel, Q: number): number {
  return noise.kind === 'absolute' ? noise.v : noise.m / (NOISE_EDGE_DENOMINATOR * Math.sqrt(Q));
}

/**
 * Sizes of the hub groups for K concepts with at most Z per group (consecutive concepts,
 * the last group may be smaller). Z = 1 gives K groups of one (distinct pairs).
 * @example hubGroupSizes(5, 2) // [2, 2, 1]
 */
export function hubGroupSizes(K: number, Z: number): number[] {
  requireInt('K', K, 1);
  requireInt('Z', Z, 1);
  const out: number[] = [];
  for (let k = 0; k < K; k += Z) out.push(Math.min(Z, K - k));
  return out;
}

/** Sharing factor h of each concept (module comment): the error is Φ(−1/(v√h …)). */
export function sharingFactors(layout: TokenLayout, K: number): number[] {
  requireInt('K', K, 1);
  switch (layout.kind) {
    case 'distinct':
      return new Array<number>(K).fill(1);
    case 'shared-pair':
      return new Array<number>(K).fill(K);
    case 'hub':
      return hubGroupSizes(K, layout.Z).flatMap((z) => new Array<number>(z).fill((z + 3) / 4));
  }
}

/** A predicted mean test error, with its log (finite deep in the tail). */
export interface PredictedError {
  readonly error: number;
  readonly lnError: number;
}

/**
 * THEORY §9's first-order mean test error over concepts at (K, Q) for feature dimension d.
 * @example predictedError({ kind: 'shared-pair' }, 4, 100, { kind: 'absolute', v: 0.5 }, 10).error // ≈ Φ(−1/(0.5·2·√1.0125))
 */
export function predictedError(layout: TokenLayout, K: number, Q: number, noise: NoiseLevel, d: number): PredictedError {
  requirePositive('Q', Q);
  const v = noiseAt(noise, Q);
  if (!(v > 0)) throw new InvalidInputError('v', `must be > 0, got ${v}`);
  const grow = Math.sqrt(1 + (v * v * d) / (2 * Q));
  const hs = sharingFactors(layout, K);
  let sum = 0;
  const lns: number[] = [];
  for (const h of hs) {
    const z = 1 / (v * Math.sqrt(h) * grow);
    sum += normalTail(z);
    lns.push(lnNormalTail(z));
  }
  return { error: sum / hs.length, lnError: logSumExp(lns) - Math.log(hs.length) };
}

/** The Q → ∞ limit of {@link predictedError} at fixed v (absolute noise): Φ(−1/(v√h)), the floor. */
export function predictedFloor(layout: TokenLayout, K: number, v: number): number {
  const hs = sharingFactors(layout, K);
  return hs.reduce((s, h) => s + normalTail(1 / (v * Math.sqrt(h))), 0) / hs.length;
}

/**
 * Bisection steps on ln Q. Ours: 200 halvings of the bracket [1e-3, 1e12] resolve Q to far below
 * one sample.
 */
const BISECTION_STEPS = 200;
/** Largest Q searched: beyond it the prediction is reported as "none" (a floor or pole). */
export const PREDICTION_Q_MAX = 1e12;

/**
 * The (continuous) Q at which THEORY §9's predicted mean error equals η, or null where it stays
 * above η for every Q ≤ {@link PREDICTION_Q_MAX} (absolute noise beyond the pole
 * K* = 1/(v z_η)² for the shared pair). Closed forms: absolute v, common h:
 * v²d/(2(1/(h v² z_η²) − 1)); relative v = m/(32√Q): ≈ (m z_η/32)² h.
 * @example predictedQmin({ kind: 'shared-pair' }, 8, 0.05, { kind: 'relative', m: 32 }, 65) // ≈ 2.706·8
 */
export function predictedQmin(layout: TokenLayout, K: number, eta: number, noise: NoiseLevel, d: number): number | null {
  if (!(eta > 0 && eta < 0.5)) throw new InvalidInputError('eta', `must lie in (0, 1/2), got ${eta}`);
  upperNormalQuantile(eta);
  const f = (lnQ: number): number => predictedError(layout, K, Math.exp(lnQ), noise, d).error - eta;
  let lo = Math.log(1e-3);
  let hi = Math.log(PREDICTION_Q_MAX);
  if (f(hi) > 0) return null;
  if (f(lo) <= 0) return Math.exp(lo);
  for (let i = 0; i < BISECTION_STEPS; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return Math.exp(hi);
}

/**
 * The standard normal tail Φ(−z) and its logarithm, accurate deep in the tail: the exact test
 * error of a trained policy on a Gaussian cluster is Φ(−m/σ) (THEORY §9, "Exact test error"),
 * which underflows to 0 for m/σ > 38.5 while its logarithm stays finite and meaningful.
 *
 * Φ(−z) = erfc(z/√2)/2 with stdlib's erfc (relative accuracy ~1e-16 wherever the result is a
 * normal float64). Its logarithm uses that value while it is far from underflow, and beyond
 * {@link LOG_TAIL_SWITCH} the asymptotic (Laplace) series of the Mills ratio
 *   ln Φ(−z) = −z²/2 − ln z − ½ ln 2π + ln(1 − 1/z² + 3/z⁴ − 15/z⁶ + … + 10395/z¹²).
 */
import erfc from '@stdlib/math-base-special-erfc';
import erfcinv from '@stdlib/math-base-special-erfcinv';
import { requireFinite } from './errors.ts';

/**
 * z beyond which ln Φ(−z) uses the asymptotic series. Ours: erfc(z/√2) stays a normal float64
 * (> 2.2e-308) up to z ≈ 37.5, and at z = 37 the series truncated after its 1/z¹² term errs by
 * less than 135135/z¹⁴ ≈ 2e-17, below rounding.
 */
export const LOG_TAIL_SWITCH = 37;

const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Φ(−z) = P(N(0,1) > z), the upper normal tail; underflows to 0 for z > ~38.5.
 * @example normalTail(1.6448536269514722) // ≈ 0.05
 */
export function normalTail(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * ln Φ(−z), finite for every finite z (≈ −z²/2 deep in the tail, ≈ −Φ(z) for z → −∞).
 * @example lnNormalTail(40) // ≈ -804.608 (Φ(−40) ≈ 3.66e-350 underflows)
 */
export function lnNormalTail(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === Infinity) return -Infinity;
  if (z < 0) return Math.log1p(-0.5 * erfc(-z / Math.SQRT2));
  if (z < LOG_TAIL_SWITCH) return Math.log(0.5 * erfc(z / Math.SQRT2));
  const w = 1 / (z * z);
  const series = 1 - w * (1 - w * (3 - w * (15 - w * (105 - w * (945 - w * 10395)))));
  return -0.5 * z * z - Math.log(z) - HALF_LN_2PI + Math.log(series);
}

/**
 * z_η = Φ⁻¹(1 − η), the upper η-quantile of N(0,1) (THEORY §9's sample-complexity formulas).
 * @example upperNormalQuantile(0.05) // ≈ 1.6449
 */
export function upperNormalQuantile(eta: number): number {
  requireFinite('eta', eta);
  return Math.SQRT2 * erfcinv(2 * eta);
}

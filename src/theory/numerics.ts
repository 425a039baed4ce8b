/**
 * Float64 helpers shared by the bound formulas: log-space evaluation, the clamping rule that
 * keeps every result finite, and the float-to-log conversions. Pure, no I/O.
 *
 * **Clamping rule (used everywhere in src/theory).** A quantity whose exact value lies beyond
 * the float64 range is returned as `±Number.MAX_VALUE`, never as `±Infinity` (JSON cannot carry
 * infinities and a report must never print `NaN`). This happens only for logs of bounds that
 * are exactly 0 (e.g. the refined forms at v = 0) or for extreme β, τ, l_b; every such result
 * also carries its log, which stays finite and exact wherever the linear value overflows.
 */

/** ln 3: r_U(τ_1) of Theorem 4.2 and the failure-mode threshold (THEORY §4). */
export const LN3 = Math.log(3);

/** ln 2, for the bounds 2KQ²e^{-…} (THEORY §4). */
export const LN2 = Math.LN2;

/** Smallest positive normal float64 (2^-1022); below it relative precision is lost. */
export const MIN_NORMAL = 2.2250738585072014e-308;

/** Maps ±Infinity to ±Number.MAX_VALUE (the clamping rule above); finite values pass through. */
export function clampToFinite(x: number): number {
  if (x === Infinity) return Number.MAX_VALUE;
  if (x === -Infinity) return -Number.MAX_VALUE;
  if (Number.isNaN(x)) throw new Error('internal: NaN reached clampToFinite');
  return x;
}

/**
 * ln(Σ e^{x_i}) without overflow; `-Infinity` terms contribute nothing, and an empty or
 * all-`-Infinity` list gives `-Infinity`.
 *
 * @example logSumExp([Math.log(2), Math.log(3)]) // ≈ Math.log(5)
 */
export function logSumExp(xs: readonly number[]): number {
  let max = -Infinity;
  for (const x of xs) if (x > max) max = x;
  if (max === -Infinity || max === Infinity) return max;
  let s = 0;
  for (const x of xs) s += Math.exp(x - max);
  return max + Math.log(s);
}

/**
 * `1 - e^{lnX}` accurately (via `expm1`, so no cancellation when e^{lnX} ≈ 1), used for the
 * "with probability at least 1 - (failure term)" statements; `lnX` must not be +Infinity.
 */
export function oneMinusExp(lnX: number): number {
  return clampToFinite(-Math.expm1(lnX));
}

/** Value and natural log of one positive quantity computed by {@link ratioOfProducts}. */
export interface PositiveValue {
  /** The value, clamped to the float64 range (rule above); may underflow to 0. */
  readonly value: number;
  /** Its natural log, clamped to ±Number.MAX_VALUE. */
  readonly ln: number;
}

/**
 * ∏ num / ∏ den for positive finite factors, computed in linear space (correctly rounded at
 * each step, so within a few ulps) whenever no partial product leaves the normal float64
 * range, and otherwise in log space (so extreme β, τ, v never produce Infinity or a spurious
 * 0 before the end). Factors equal to 0 give value 0, ln -MAX_VALUE.
 *
 * @example ratioOfProducts([1, 1], [8, 10, 1]).value // 1/80
 */
export function ratioOfProducts(num: readonly number[], den: readonly number[]): PositiveValue {
  let p = 1;
  let linearOk = true;
  let lnSum = 0;
  for (const a of num) {
    p *= a;
    lnSum += Math.log(a);
    if (!(Math.abs(p) >= MIN_NORMAL && Math.abs(p) <= Number.MAX_VALUE)) linearOk = false;
  }
  for (const b of den) {
    p /= b;
    lnSum -= Math.log(b);
    if (!(Math.abs(p) >= MIN_NORMAL && Math.abs(p) <= Number.MAX_VALUE)) linearOk = false;
  }
  if (linearOk) return { value: p, ln: Math.log(p) };
  return { value: clampToFinite(Math.exp(lnSum)), ln: clampToFinite(lnSum) };
}

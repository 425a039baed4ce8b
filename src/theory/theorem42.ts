/**
 * Theorem 4.2 (training): the margin sandwich r_L(t) <= r_i(t) <= r_U(t) on [0, τ_1], its
 * version-3 form, and the stated probability (THEORY §4, §8).
 */
import { decideSign, iroot4, isqrt, lnInteger, lnTwo, scaleFloat, sumErrorBound } from './highPrecision.ts';
import { firstTrueAfter } from './integerSearch.ts';
import { LN3, clampToFinite, oneMinusExp, ratioOfProducts } from './numerics.ts';
import type { ProbabilityStatement } from './statements.ts';
import { requireCount, requirePositive } from './validate.ts';

/** Denominator of r_L's slope β²/(8Kτ) (THEORY §4, Theorem 4.2). */
export const LOWER_SLOPE_DENOMINATOR = 8;
/** Numerator of r_U's slope 5β²/(Kτ) (THEORY §4, Theorem 4.2). */
export const UPPER_SLOPE_NUMERATOR = 5;

/** The linear sandwich of a training theorem: r_L(t) = lowerSlope·t, r_U(t) = upperSlope·t. */
export interface MarginSandwich {
  /** End of the interval [0, τ_1] on which the sandwich holds (clamped to float64; see numerics.ts). */
  readonly tau1: number;
  /** ln τ_1 (finite even where τ_1 overflows). */
  readonly lnTau1: number;
  /** Slope of the lower bound r_L(t). */
  readonly lowerSlope: number;
  /** Slope of the upper bound r_U(t). */
  readonly upperSlope: number;
  /**
   * [r_L(τ_1), r_U(τ_1)]. The products simplify exactly (to [ln3/40, ln3] for Theorem 4.2), so
   * they are returned in that closed form: τ_1 · slope may overflow or underflow for extreme
   * β, τ while the window never does.
   */
  readonly window: readonly [number, number];
}

/**
 * The sandwich of Theorem 4.2 (THEORY §4): τ_1 = Kτ ln3/(5β²), r_L(t) = β²t/(8Kτ),
 * r_U(t) = 5β²t/(Kτ); at τ_1 every training margin lies in [ln3/40, ln3]. The same in every
 * edition (THEORY §8).
 *
 * @example trainingMarginSandwich(10).upperSlope // 0.5
 */
export function trainingMarginSandwich(K: number, beta = 1, tau = 1): MarginSandwich {
  requireCount('K', K);
  requirePositive('beta', beta);
  requirePositive('tau', tau);
  const tau1 = ratioOfProducts([K, tau, LN3], [5, beta, beta]);
  return {
    tau1: tau1.value,
    lnTau1: tau1.ln,
    lowerSlope: ratioOfProducts([beta, beta], [LOWER_SLOPE_DENOMINATOR, K, tau]).value,
    upperSlope: ratioOfProducts([UPPER_SLOPE_NUMERATOR, beta, beta], [K, tau]).value,
    window: [LN3 / 40, LN3],
  };
}

/**
 * The version-3 statement of Theorem 4.2 in terms of N (THEORY §4, §8 "v3"):
 * r_L(t) = Qβ²t/(4Nτ), r_U(t) = 10Qβ²t/(Nτ), τ_1 = Nτ ln3/(10Qβ²). Identical to
 * {@link trainingMarginSandwich} once N = 2KQ; N is a free parameter here so that this
 * identity can be checked rather than assumed.
 *
 * @example trainingMarginSandwichV3(2 * 10 * 50, 50).lowerSlope // 1/80
 */
export function trainingMarginSandwichV3(N: number, Q: number, beta = 1, tau = 1): MarginSandwich {
  requireCount('N', N);
  requireCount('Q', Q);
  requirePositive('beta', beta);
  requirePositive('tau', tau);
  const tau1 = ratioOfProducts([N, tau, LN3], [10, Q, beta, beta]);
  return {
    tau1: tau1.value,
    lnTau1: tau1.ln,
    lowerSlope: ratioOfProducts([Q, beta, beta], [4, N, tau]).value,
    upperSlope: ratioOfProducts([10, Q, beta, beta], [N, tau]).value,
    window: [LN3 / 40, LN3],
  };
}

/** Exponent min(c√Q/5, Q^{3/4}/256) of Theorem 4.2's failure term. */
function theorem42Exponent(Q: number, c: number): { readonly bernstein: number; readonly other: number } {
  const sqrtQ = Math.sqrt(Q);
  return { bernstein: (c * sqrtQ) / 5, other: (sqrtQ * Math.sqrt(sqrtQ)) / 256 };
}

/**
 * The probability stated by Theorem 4.2 (and Theorem 4.3): at least
 * 1 - 8KQ^{9/4} exp(-min(c√Q/5, Q^{3/4}/256)) (THEORY §4), evaluated in log space. The
 * constant c > 0 comes from Bernstein's inequality and is not specified by the paper (default 1).
 * Same in every edition (THEORY §8). At practical sizes it is negative (vacuous): see
 * {@link firstNonVacuousQ}.
 *
 * @example trainingProbability(1, 1000).vacuous // true
 */
export function trainingProbability(K: number, Q: number, c = 1): ProbabilityStatement {
  requireCount('K', K);
  requireCount('Q', Q);
  requirePositive('c', c);
  const { bernstein, other } = theorem42Exponent(Q, c);
  const lnFailureTerm = 3 * Math.LN2 + Math.log(K) + 2.25 * Math.log(Q) - Math.min(bernstein, other);
  const probability = oneMinusExp(lnFailureTerm);
  return { probability, lnFailureTerm: clampToFinite(lnFailureTerm), vacuous: probability <= 0 };
}

/**
 * g_1(Q) = c√Q/5 - L(Q) and g_2(Q) = Q^{3/4}/256 - L(Q), L(Q) = ln 8 + ln K + (9/4) ln Q, in
 * float64 with a bound on their rounding error (highPrecision.ts's sumErrorBound): Theorem 4.2's
 * failure term is < 1 iff both are > 0. Exported for tests.
 */
export function failureExponentMargins(K: number, Q: number, c: number): { readonly g1: number; readonly g2: number; readonly errorBound: number } {
  const { bernstein, other } = theorem42Exponent(Q, c);
  const l = 3 * Math.LN2 + Math.log(K) + 2.25 * Math.log(Q);
  return { g1: bernstein - l, g2: other - l, errorBound: sumErrorBound([bernstein, other, l]) };
}

/**
 * {@link failureExponentMargins} in fixed point with F fractional bits (highPrecision.ts), for
 * the rare Q where float64 cannot decide their signs. Exported for tests.
 */
export function failureExponentMarginsExact(K: number, Q: number, c: number, F: number): { readonly g1: bigint; readonly g2: bigint } {
  const q = BigInt(Q);
  const l = 3n * lnTwo(F) + lnInteger(BigInt(K), F) + (9n * lnInteger(q, F)) / 4n;
  const sqrtQ = isqrt(q << BigInt(2 * F)); // √Q · 2^F
  return { g1: scaleFloat(c, sqrtQ, 0) / 5n - l, g2: iroot4((q * q * q) << BigInt(4 * F)) / 256n - l };
}

/**
 * The smallest integer Q >= 1 for which Theorem 4.2's stated probability is positive (its
 * failure term 8KQ^{9/4}e^{-min(c√Q/5, Q^{3/4}/256)} < 1), or null if no Q <= 2^53 - 1 has it
 * (c so small that c√Q/5 never beats the logs). THEORY §7: "the main-text probability term
 * is below 1 only for Q above about 1.4·10⁵ (c = 1, K = 1)"; this computes that Q exactly.
 *
 * Method: the failure term is < 1 iff g_1(Q) > 0 and g_2(Q) > 0 ({@link failureExponentMargins}).
 * Each g_i falls then rises (its derivative changes sign once, at Q = 768^{4/3} for g_2 and
 * Q = (22.5/c)² for g_1), and g_2(1) = 1/256 - ln 8 - ln K < 0, so g_2 <= 0 until it turns
 * positive for good at q_2: {g_2 > 0} = [q_2, ∞). If g_1(q_2) > 0 the answer is q_2; otherwise
 * g_1 <= 0 on [q_2, its turning point] and rises after, so the first Q > q_2 with g_1 > 0 is
 * found by the same monotone search. Each sign is decided robustly (highPrecision.ts's
 * decideSign), integers by galloping and bisection.
 *
 * @example firstNonVacuousQ(1) // ≈ 1.4e5 (THEORY §7)
 */
export function firstNonVacuousQ(K: number, c = 1): number | null {
  requireCount('K', K);
  requirePositive('c', c);
  const positive = (Q: number, which: 'g1' | 'g2'): boolean => {
    const m = failureExponentMargins(K, Q, c);
    return decideSign(m[which], m.errorBound, (F) => failureExponentMarginsExact(K, Q, c, F)[which]) > 0;
  };
  const max = Number.MAX_SAFE_INTEGER;
  const q2 = firstTrueAfter(1, (Q) => positive(Q, 'g2'), max);
  if (q2 === null) return null; // unreachable: g_2 > 0 by Q = 1e7 for every K <= 2^53
  if (positive(q2, 'g1')) return q2;
  return firstTrueAfter(q2, (Q) => positive(Q, 'g1'), max);
}

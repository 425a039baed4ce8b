/**
 * Appendix C: approximately orthogonal concepts (THEORY §4 "Appendix C", Theorem C.5).
 */
import { LN3, ratioOfProducts } from './numerics.ts';
import { EPSILON_DENOMINATOR, requireEpsilonRule, type EpsilonRule } from './refined.ts';
import type { MarginSandwich } from './theorem42.ts';
import { requireCount, requireNonNegative, requirePositive } from './validate.ts';

/** Cap 1/4 in δ <= min(εv/8, 1/4) (THEORY §4 "Appendix C"). */
export const DELTA_CAP = 1 / 4;

/**
 * The largest δ Appendix C allows: min(ε v / 8, 1/4) with ε at its largest allowed value,
 * for which ε v = 1/(r (Z+2)) does not depend on v (r = 16 for Lemma B.3's ε, 8 for Theorem
 * B.4's proof; refined.ts). So the limit is 1/(128 (Z+2)) (r = 16), 1/384 for Z = 1. It is
 * below 1/2, so the separate requirement δ < 1/2 is implied (THEORY §4 "Appendix C").
 *
 * @example approximateOrthogonalityLimit(1) // 1/384
 */
export function approximateOrthogonalityLimit(Z = 1, rule: EpsilonRule = 'lemmaB3'): number {
  requireCount('Z', Z);
  const r = EPSILON_DENOMINATOR[requireEpsilonRule(rule)];
  return Math.min(1 / (8 * r * (Z + 2)), DELTA_CAP);
}

/**
 * Theorem C.5's sandwich for δ-approximately orthogonal concepts (THEORY §4 "Appendix C"):
 * the lower slope halves, β²t/(16Kτ) <= r_i(t) <= 5β²t/(Kτ) on [0, τ_1] with the same
 * τ_1 = Kτ ln3/(5β²), so at τ_1 every margin lies in [ln3/80, ln3].
 *
 * @example approximateOrthogonalSandwich(10).lowerSlope // 1/160
 */
export function approximateOrthogonalSandwich(K: number, beta = 1, tau = 1): MarginSandwich {
  requireCount('K', K);
  requirePositive('beta', beta);
  requirePositive('tau', tau);
  const tau1 = ratioOfProducts([K, tau, LN3], [5, beta, beta]);
  return {
    tau1: tau1.value,
    lnTau1: tau1.ln,
    lowerSlope: ratioOfProducts([beta, beta], [16, K, tau]).value,
    upperSlope: ratioOfProducts([5, beta, beta], [K, tau]).value,
    window: [LN3 / 80, LN3],
  };
}

/** Appendix C for one δ: whether its condition holds, and the sandwich it then gives. */
export interface ApproximateOrthogonality extends MarginSandwich {
  readonly delta: number;
  /** {@link approximateOrthogonalityLimit}. */
  readonly limit: number;
  /** δ <= limit. */
  readonly holds: boolean;
}

/**
 * Appendix C evaluated for a given δ (THEORY §4 "Appendix C", Theorem C.5): the condition
 * δ <= min(εv/8, 1/4) and the halved sandwich.
 */
export function approximateOrthogonality(input: {
  readonly K: number;
  readonly delta: number;
  readonly Z?: number;
  readonly beta?: number;
  readonly tau?: number;
  readonly epsilonRule?: EpsilonRule;
}): ApproximateOrthogonality {
  const delta = requireNonNegative('delta', input.delta);
  const limit = approximateOrthogonalityLimit(input.Z ?? 1, input.epsilonRule ?? 'lemmaB3');
  return { ...approximateOrthogonalSandwich(input.K, input.beta ?? 1, input.tau ?? 1), delta, limit, holds: delta <= limit };
}

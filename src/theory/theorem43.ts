/**
 * The generalisation bound of each edition as a function of (K, Q): Theorem 4.3's
 * 2KQ²e^{-Q/45} (v5 main text), version 3's 2KQ²e^{-Q^{1/4}/6}, and for the v5 appendix
 * Theorem B.4 at the worst case its conditions allow (THEORY §4, §8). `scaling.ts` inverts
 * these for Q_min.
 */
import type { Edition } from './edition.ts';
import { InvalidInputError } from './errors.ts';
import { clampToFinite } from './numerics.ts';
import { EPSILON_DENOMINATOR, defaultEpsilonRule, requireEpsilonRule, type EpsilonRule } from './refined.ts';
import type { RiskBound } from './statements.ts';
import { requireCount, requireEdition } from './validate.ts';

/** Q/45 in Theorem 4.3's exponent (THEORY §4). */
export const THEOREM43_EXPONENT_DIVISOR = 45;
/** Q^{1/4}/6 in version 3's exponent (THEORY §8). */
export const V3_EXPONENT_DIVISOR = 6;
/**
 * Largest Z for which the conditions can hold at all: Z <= 1/(4 l_b²) with l_b >= 1/4 gives
 * Z <= 4 (THEORY §3 conditions "Z" and "shared").
 */
export const MAX_SATISFIABLE_Z = 4;

/** Options of the edition-dependent generalisation bound. */
export interface GeneralizationOptions {
  /** Token-sharing number, used by the v5-appendix form only (default 1; must be <= 4 there). */
  readonly Z?: number;
  /** ε rule of the v5-appendix form (default: defaultEpsilonRule(edition)). */
  readonly epsilonRule?: EpsilonRule;
}

/**
 * E(Q) = Q · num / den, the exponent of the v5-appendix worst case as an exact rational in Q
 * (see {@link generalizationBound}): num = 128 Z, den = r (Z+2) (21 r Z (Z+2) + 4 r (Z+2) + 32 Z).
 * Z = 1, r = 16 gives E(Q) = Q/462.
 */
export function appendixExponentRatio(Z: number, rule: EpsilonRule): { readonly num: number; readonly den: number } {
  requireCount('Z', Z);
  if (Z > MAX_SATISFIABLE_Z) {
    throw new InvalidInputError('Z', `must be <= ${MAX_SATISFIABLE_Z} (Z <= 1/(4 l_b²) and l_b >= 1/4), got ${Z}`);
  }
  const r = EPSILON_DENOMINATOR[requireEpsilonRule(rule)];
  return { num: 128 * Z, den: r * (Z + 2) * (21 * r * Z * (Z + 2) + 4 * r * (Z + 2) + 32 * Z) };
}

/**
 * The exponent E(Q) of the bound 2KQ²e^{-E(Q)} of an edition: Q/45 (v5-main), Q^{1/4}/6 (v3),
 * Q·num/den (v5-appendix, {@link appendixExponentRatio}).
 */
export function generalizationExponent(Q: number, edition: Edition, options: GeneralizationOptions = {}): number {
  requireCount('Q', Q);
  switch (requireEdition(edition)) {
    case 'v5-main':
      return Q / THEOREM43_EXPONENT_DIVISOR;
    case 'v3':
      return Math.sqrt(Math.sqrt(Q)) / V3_EXPONENT_DIVISOR;
    case 'v5-appendix': {
      const { num, den } = appendixExponentRatio(options.Z ?? 1, options.epsilonRule ?? defaultEpsilonRule(edition));
      return (Q * num) / den;
    }
  }
}

/** A generalisation bound with the formula it came from. */
export interface GeneralizationBound extends RiskBound {
  readonly edition: Edition;
  /** The formula evaluated, e.g. '2KQ^2 e^{-Q/45}'. */
  readonly form: string;
}

const FORMS: Readonly<Record<Edition, string>> = {
  'v5-main': '2KQ^2 e^{-Q/45} (Theorem 4.3)',
  v3: '2KQ^2 e^{-Q^{1/4}/6} (v3 generalisation bound)',
  'v5-appendix': '2KQ^2 e^{-E(Q)}: Theorem B.4 at v = 1/(4 sqrt Q), d = 5Q, l_b = 1/(2 sqrt Z) (reconstructed)',
};

/**
 * The generalisation bound R(P) <= 2KQ²e^{-E(Q)} of an edition (THEORY §4 Theorem 4.3, §8):
 * - `v5-main`: Theorem 4.3, E = Q/45.
 * - `v3`: E = Q^{1/4}/6.
 * - `v5-appendix`: Theorem B.4 (reconstructed) at the worst case the appendix conditions allow,
 *   so that the bound depends on (K, Q) only: the largest noise v = 1/(4√Q), the largest
 *   dimension d = 5Q, the largest l_b = 1/(2√Z) (Z <= 1/(4 l_b²), l_b <= 1/2), and ε at its
 *   largest allowed value 1/(r v (Z+2)); then E(Q) = Q/462 for Z = 1 and r = 16
 *   ({@link appendixExponentRatio}). Each of these choices makes B.4's bound larger, so any
 *   configuration meeting the conditions has a bound at most this one.
 * Evaluated in log space (finite for every valid input); vacuous when >= 1. The bound rises
 * for Q below its peak (90 for v5-main) and falls after (`generalizationPeak`).
 *
 * @example generalizationBound(10, 880).bound // < 0.05 (THEORY §7)
 */
export function generalizationBound(K: number, Q: number, edition: Edition = 'v5-main', options: GeneralizationOptions = {}): GeneralizationBound {
  requireCount('K', K);
  const E = generalizationExponent(Q, edition, options);
  const lnBound = clampToFinite(Math.LN2 + Math.log(K) + 2 * Math.log(Q) - E);
  const bound = Math.exp(lnBound);
  return { bound, lnBound, vacuous: bound >= 1, edition, form: FORMS[edition] };
}

/**
 * The real Q at which 2KQ²e^{-E(Q)} peaks (d/dQ of 2 ln Q - E(Q) is 0): 2·45 = 90 (v5-main),
 * 48⁴ = 5308416 (v3: Q^{1/4} = 48), 2·den/num (v5-appendix; 924 for Z = 1, r = 16). The bound
 * rises strictly below it and falls strictly above it.
 */
export function generalizationPeak(edition: Edition, options: GeneralizationOptions = {}): number {
  switch (requireEdition(edition)) {
    case 'v5-main':
      return 2 * THEOREM43_EXPONENT_DIVISOR;
    case 'v3':
      return (8 * V3_EXPONENT_DIVISOR) ** 4;
    case 'v5-appendix': {
      const { num, den } = appendixExponentRatio(options.Z ?? 1, options.epsilonRule ?? defaultEpsilonRule(edition));
      return (2 * den) / num;
    }
  }
}

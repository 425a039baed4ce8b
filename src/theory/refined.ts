/**
 * The refined forms of Appendix B in terms of the proof parameter ε: Lemma B.1 (concentration
 * of all pairwise dot products) and Theorem B.4 (refined generalisation bound), THEORY §4
 * "Refined forms" and §8 "ε condition".
 *
 * **Which ε.** Lemma B.3 allows ε <= 1/(16 v (Z+2)) while the proof of Theorem B.4 uses
 * ε <= 1/(8 v (Z+2)) (THEORY §8). Every edition defaults to the Lemma B.3 value
 * `'lemmaB3'`, ε = 1/(16 v (Z+2)): it is the largest ε that the lemma the proofs rest on
 * actually grants, so it never overstates the bounds (a larger ε only makes them smaller).
 * `'theoremB4Proof'` selects 1/(8 v (Z+2)) explicitly.
 *
 * **v = 0.** With no noise, ε = 1/(16 v (Z+2)) = +∞ (every dot product is exact): Lemma B.1's
 * failure terms vanish (probability 1) and Theorem B.4's bound is 0. These limits are returned
 * as exact values, with logs clamped to -Number.MAX_VALUE and ε to Number.MAX_VALUE
 * (numerics.ts's clamping rule); ε·v keeps its limit 1/(16 (Z+2)).
 */
import type { Edition } from './edition.ts';
import { InvalidInputError } from './errors.ts';
import { clampToFinite, logSumExp, MIN_NORMAL, oneMinusExp, ratioOfProducts } from './numerics.ts';
import type { ProbabilityStatement, RiskBound } from './statements.ts';
import { requireCount, requireEdition, requireNonNegative, requirePositive } from './validate.ts';

/** The two readings of the ε condition (THEORY §8). */
export const EPSILON_RULES = ['lemmaB3', 'theoremB4Proof'] as const;
/** One of {@link EPSILON_RULES}. */
export type EpsilonRule = (typeof EPSILON_RULES)[number];

/** r in ε = 1/(r v (Z+2)) (THEORY §4, §8): 16 in Lemma B.3, 8 in Theorem B.4's proof. */
export const EPSILON_DENOMINATOR: Readonly<Record<EpsilonRule, number>> = { lemmaB3: 16, theoremB4Proof: 8 };

/**
 * The ε rule used by default for an edition: `'lemmaB3'` in all three (see the module comment
 * for why). The edition is still taken explicitly, as THEORY §8 requires of every
 * edition-dependent choice.
 */
export function defaultEpsilonRule(edition: Edition): EpsilonRule {
  requireEdition(edition);
  return 'lemmaB3';
}

/** Throws InvalidInputError('epsilonRule') unless `rule` is one of {@link EPSILON_RULES}. */
export function requireEpsilonRule(rule: unknown): EpsilonRule {
  if (rule !== 'lemmaB3' && rule !== 'theoremB4Proof') {
    throw new InvalidInputError('epsilonRule', `must be lemmaB3 or theoremB4Proof, got ${String(rule)}`);
  }
  return rule;
}

/** ε at its largest allowed value, with its log and ε·v. */
export interface RefinedEpsilon {
  /** ε = 1/(r v (Z+2)), clamped to Number.MAX_VALUE (v = 0 gives +∞ → MAX_VALUE). */
  readonly epsilon: number;
  /** ln ε, clamped likewise. */
  readonly lnEpsilon: number;
  /** ε·v = 1/(r (Z+2)) (its limit at v = 0). */
  readonly epsilonTimesV: number;
}

/**
 * The proof parameter ε of Appendix B at its largest allowed value, ε = 1/(r v (Z+2)) with
 * r = 16 (Lemma B.3) or 8 (Theorem B.4's proof) (THEORY §4 "Refined forms", §8).
 *
 * @example refinedEpsilon(1 / 320, 1).epsilon // 20/3 (= 2√Q/(Z+2) at Q = 100, v = 1/(32√Q))
 */
export function refinedEpsilon(v: number, Z = 1, rule: EpsilonRule = 'lemmaB3'): RefinedEpsilon {
  requireNonNegative('v', v);
  requireCount('Z', Z);
  const r = EPSILON_DENOMINATOR[requireEpsilonRule(rule)];
  const eps = ratioOfProducts([], [r, v, Z + 2]);
  return { epsilon: eps.value, lnEpsilon: eps.ln, epsilonTimesV: 1 / (r * (Z + 2)) };
}

/** Inputs of Lemma B.1. */
export interface ConcentrationInput {
  readonly K: number;
  readonly Q: number;
  readonly d: number;
  readonly v: number;
  /** Token-sharing number (default 1). */
  readonly Z?: number;
  /** Bernstein constant c > 0 (default 1; unspecified by the paper). */
  readonly c?: number;
  /** Which ε (default 'lemmaB3'). */
  readonly epsilonRule?: EpsilonRule;
}

/**
 * Lemma B.1 (THEORY §4 "Refined forms"): all pairwise dot products concentrate with
 * probability at least 1 - (8Z+4)KQ² e^{-ε²/16} - (8Z+4)KQ² exp(-c (ε/v) min(1, ε/(d v))),
 * with ε at its largest allowed value ({@link refinedEpsilon}). Evaluated in log space; v = 0
 * gives probability 1 (see the module comment).
 *
 * @example concentrationProbability({ K: 1, Q: 1000, d: 100, v: 1 / (32 * Math.sqrt(1000)) }).vacuous // false
 */
export function concentrationProbability(input: ConcentrationInput): ProbabilityStatement & { readonly epsilon: number } {
  const K = requireCount('K', input.K);
  const Q = requireCount('Q', input.Q);
  const d = requireCount('d', input.d);
  const v = requireNonNegative('v', input.v);
  const Z = requireCount('Z', input.Z ?? 1);
  const c = requirePositive('c', input.c ?? 1);
  const rule = requireEpsilonRule(input.epsilonRule ?? 'lemmaB3');
  const r = EPSILON_DENOMINATOR[rule];
  const { epsilon } = refinedEpsilon(v, Z, rule);
  if (v === 0) return { probability: 1, lnFailureTerm: -Number.MAX_VALUE, vacuous: false, epsilon };
  const lnA = Math.log(8 * Z + 4) + Math.log(K) + 2 * Math.log(Q);
  // ε²/16 = 1/(16 r² v² (Z+2)²)
  const e1 = ratioOfProducts([], [16, r, r, v, v, Z + 2, Z + 2]).value;
  // c (ε/v) min(1, ε/(d v)) with ε/v = 1/(r v² (Z+2)) and ε/(d v) = 1/(r d v² (Z+2))
  const epsOverV = ratioOfProducts([], [r, v, v, Z + 2]).value;
  const epsOverDV = ratioOfProducts([], [r, d, v, v, Z + 2]).value;
  const e2 = c * epsOverV * Math.min(1, epsOverDV);
  const lnFailureTerm = logSumExp([lnA - e1, lnA - e2]);
  const probability = oneMinusExp(lnFailureTerm);
  return { probability, lnFailureTerm: clampToFinite(lnFailureTerm), vacuous: probability <= 0, epsilon };
}

/** Inputs of Theorem B.4. */
export interface RefinedBoundInput {
  readonly K: number;
  readonly Q: number;
  readonly d: number;
  readonly v: number;
  readonly lb: number;
  /** Token-sharing number (default 1). */
  readonly Z?: number;
  /** Which ε (default 'lemmaB3'). */
  readonly epsilonRule?: EpsilonRule;
}

/**
 * The exponent ε²/(2 (1 + l_b² + d v² + 2εv)) of Theorem B.4, computed linearly when all parts
 * are in range and in log space otherwise. v must be > 0.
 */
function refinedExponent(d: number, v: number, lb: number, Z: number, r: number): number {
  const eps2 = ratioOfProducts([], [r, v, Z + 2, r, v, Z + 2]);
  const twoEpsV = 2 / (r * (Z + 2));
  const S = 1 + lb * lb + d * v * v + twoEpsV;
  if (Number.isFinite(S) && eps2.value >= MIN_NORMAL && eps2.value < Number.MAX_VALUE) return eps2.value / (2 * S);
  const lnS = logSumExp([0, 2 * Math.log(lb), Math.log(d) + 2 * Math.log(v), Math.log(twoEpsV)]);
  return Math.exp(eps2.ln - Math.LN2 - lnS);
}

/**
 * Theorem B.4 (refined generalisation bound, THEORY §4 "Refined forms"; **reconstructed**:
 * the exact display was not recovered from the paper):
 * R(P) <= 2KQ² exp(-ε²/(2 (1 + l_b² + d v² + 2εv))), with ε at its largest allowed value
 * ({@link refinedEpsilon}). v = 0 gives bound 0 (see the module comment).
 *
 * @example refinedGeneralizationBound({ K: 1, Q: 5000, d: 100, v: 1e-3, lb: 0.5 }).vacuous // false
 */
export function refinedGeneralizationBound(input: RefinedBoundInput): RiskBound & { readonly reconstructed: true; readonly epsilon: number } {
  const K = requireCount('K', input.K);
  const Q = requireCount('Q', input.Q);
  const d = requireCount('d', input.d);
  const v = requireNonNegative('v', input.v);
  const lb = requirePositive('lb', input.lb);
  const Z = requireCount('Z', input.Z ?? 1);
  const rule = requireEpsilonRule(input.epsilonRule ?? 'lemmaB3');
  const r = EPSILON_DENOMINATOR[rule];
  const { epsilon } = refinedEpsilon(v, Z, rule);
  // v = 0 needs no special case here: ε² = +∞ makes the exponent +∞, so lnBound clamps to
  // -MAX_VALUE and the bound is 0, the limit documented above.
  const lnBound = clampToFinite(Math.LN2 + Math.log(K) + 2 * Math.log(Q) - refinedExponent(d, v, lb, Z, r));
  const bound = Math.exp(lnBound);
  return { bound, lnBound, vacuous: bound >= 1, reconstructed: true, epsilon };
}

/**
 * One plain, JSON-able summary of every condition and bound for one configuration: what
 * `dpocheck bounds` prints (THEORY §3–§5, §8).
 */
import { DEFAULT_EDITION, type Edition } from './edition.ts';
import { approximateOrthogonality, type ApproximateOrthogonality } from './appendixC.ts';
import { theoremConditions, type ConditionCheck } from './conditions.ts';
import { failureModeThreshold, type FailureModeThreshold } from './failureMode.ts';
import { concentrationProbability, defaultEpsilonRule, refinedGeneralizationBound, type EpsilonRule } from './refined.ts';
import type { ProbabilityStatement, RiskBound } from './statements.ts';
import { generalizationBound } from './theorem43.ts';
import { trainingMarginSandwich, trainingProbability, type MarginSandwich } from './theorem42.ts';
import { requireCount, requireEdition, requireNonNegative, requirePositive } from './validate.ts';

/** Inputs of {@link boundsReport} (the flags of `dpocheck bounds`). */
export interface BoundsInput {
  readonly K: number;
  readonly Q: number;
  readonly d: number;
  readonly v: number;
  readonly lb: number;
  /** Token-sharing number (default 1). */
  readonly Z?: number;
  /** DPO temperature (default 1). */
  readonly beta?: number;
  /** Inverse learning rate (default 1). */
  readonly tau?: number;
  /** Bernstein constant of Theorem 4.2's probability (default 1). */
  readonly c?: number;
  /** Appendix C's δ (absent: exact basis concepts, no appendixC section). */
  readonly delta?: number;
  /** Default 'v5-main'. */
  readonly edition?: Edition;
}

/** The report; every number finite (numerics.ts's clamping rule), so JSON.stringify is lossless. */
export interface BoundsReport {
  readonly edition: Edition;
  /** The inputs with defaults filled in. */
  readonly inputs: Required<Omit<BoundsInput, 'delta' | 'edition'>> & { readonly delta: number | null };
  /** ε rule of the refined forms (refined.ts). */
  readonly epsilonRule: EpsilonRule;
  readonly conditions: ConditionCheck[];
  /** Every condition Theorem 4.2 needs holds (all but 'size'). */
  readonly theorem42ConditionsHold: boolean;
  /** Every condition Theorem 4.3 needs holds. */
  readonly theorem43ConditionsHold: boolean;
  readonly theorem42: MarginSandwich & ProbabilityStatement;
  /** The edition's generalisation bound (theorem43.ts): Theorem 4.3, v3's form, or B.4 worst case. */
  readonly theorem43: RiskBound & { readonly form: string };
  readonly lemmaB1: ProbabilityStatement & { readonly epsilon: number };
  readonly theoremB4: RiskBound & { readonly reconstructed: true; readonly epsilon: number };
  /** Present when δ was given. */
  readonly appendixC?: ApproximateOrthogonality;
  readonly failureMode: FailureModeThreshold;
}

/**
 * Every condition and bound of THEORY for one configuration: conditions (§3, §8), Theorem
 * 4.2's sandwich and probability (§4), the edition's generalisation bound (§4 Theorem 4.3, §8),
 * Lemma B.1 and Theorem B.4 (§4 "Refined forms", ε rule of refined.ts), Appendix C when δ is
 * given, and the failure-mode threshold (§4). Throws InvalidInputError naming the first invalid
 * field.
 *
 * @example boundsReport({ K: 10, Q: 880, d: 100, v: 1e-4, lb: 0.5 }).theorem43.bound // < 0.05
 */
export function boundsReport(input: BoundsInput): BoundsReport {
  const K = requireCount('K', input.K);
  const Q = requireCount('Q', input.Q);
  const d = requireCount('d', input.d);
  const v = requireNonNegative('v', input.v);
  const lb = requirePositive('lb', input.lb);
  const Z = requireCount('Z', input.Z ?? 1);
  const beta = requirePositive('beta', input.beta ?? 1);
  const tau = requirePositive('tau', input.tau ?? 1);
  const c = requirePositive('c', input.c ?? 1);
  const delta = input.delta === undefined ? null : requireNonNegative('delta', input.delta);
  const edition = requireEdition(input.edition ?? DEFAULT_EDITION);
  const epsilonRule = defaultEpsilonRule(edition);

  const conditions = theoremConditions({ K, Q, d, v, lb, Z, delta: delta ?? 0 }, edition, epsilonRule);
  // The appendix generalisation form needs Z <= 4; beyond that the conditions cannot hold and
  // the main-text form is reported instead (theorem43.ts's MAX_SATISFIABLE_Z).
  const generalization = generalizationBound(K, Q, edition === 'v5-appendix' && Z > 4 ? 'v5-main' : edition, { Z, epsilonRule });
  const report: BoundsReport = {
    edition,
    inputs: { K, Q, d, v, lb, Z, beta, tau, c, delta },
    epsilonRule,
    conditions,
    theorem42ConditionsHold: conditions.every((x) => x.holds || !x.appliesTo.includes('theorem42')),
    theorem43ConditionsHold: conditions.every((x) => x.holds || !x.appliesTo.includes('theorem43')),
    theorem42: { ...trainingMarginSandwich(K, beta, tau), ...trainingProbability(K, Q, c) },
    theorem43: { bound: generalization.bound, lnBound: generalization.lnBound, vacuous: generalization.vacuous, form: generalization.form },
    lemmaB1: concentrationProbability({ K, Q, d, v, Z, c, epsilonRule }),
    theoremB4: refinedGeneralizationBound({ K, Q, d, v, lb, Z, epsilonRule }),
    failureMode: failureModeThreshold(beta),
  };
  return delta === null ? report : { ...report, appendixC: approximateOrthogonality({ K, delta, Z, beta, tau, epsilonRule }) };
}

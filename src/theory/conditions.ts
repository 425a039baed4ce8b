/**
 * The conditions of Theorems 4.2 and 4.3 (THEORY §3 "Conditions", §8), each evaluated to
 * both sides of its inequality and a slack, so a report can say by how much a condition is met
 * or broken.
 *
 * **Slack orientation.** slack = (allowed side)/(constrained side): rhs/lhs for a condition
 * `lhs <= rhs`, lhs/rhs for `lhs >= rhs`. So slack >= 1 exactly when the condition holds (both
 * sides positive), slack = 2 means "met with a factor 2 to spare", 0.5 "broken by a factor 2".
 * `holds` is decided by the inequality itself, not by the rounded ratio. A side equal to 0
 * (v = 0, δ = 0) gives slack +∞, returned as Number.MAX_VALUE (numerics.ts's clamping rule).
 * A non-positive allowed side (v3's Q^{1/4} - 2 for Q <= 16) gives slack <= 0 (broken).
 */
import type { Edition } from './edition.ts';
import { approximateOrthogonalityLimit } from './appendixC.ts';
import { clampToFinite, ratioOfProducts } from './numerics.ts';
import { defaultEpsilonRule, type EpsilonRule } from './refined.ts';
import { requireCount, requireEdition, requireNonNegative, requirePositive } from './validate.ts';

/** Ids of the conditions, in report order. */
export const CONDITION_IDS = ['Z', 'dim', 'dimK', 'noise', 'shared', 'size', 'ortho'] as const;
/** One of {@link CONDITION_IDS}. */
export type ConditionId = (typeof CONDITION_IDS)[number];

/** Minimum samples per cluster of Theorem 4.3 (THEORY §3, condition "size"). */
export const MIN_Q_THEOREM43 = 40;
/** d <= 5Q (THEORY §3, condition "dim"). */
export const DIM_PER_SAMPLE = 5;
/** Lower end of l_b ∈ [1/4, 1/2] (THEORY §3, condition "shared"). */
export const SHARED_MIN = 1 / 4;
/** Upper end of l_b ∈ [1/4, 1/2] (THEORY §3, condition "shared"). */
export const SHARED_MAX = 1 / 2;

/** One condition evaluated for one configuration. */
export interface ConditionCheck {
  readonly id: ConditionId;
  /** The inequality in words, e.g. 'v <= 1/(32 sqrt Q)'. */
  readonly statement: string;
  /** Direction of the binding inequality lhs (relation) rhs. */
  readonly relation: '<=' | '>=';
  readonly holds: boolean;
  /** The constrained quantity (Z, d, v, l_b, Q, δ). */
  readonly lhs: number;
  /** The limit it is compared with (for 'shared', the nearer end of [1/4, 1/2] in ratio). */
  readonly rhs: number;
  /** >= 1 iff holds; see the module comment for the orientation. */
  readonly slack: number;
  /** Which theorems need it. */
  readonly appliesTo: readonly ('theorem42' | 'theorem43')[];
}

/** A configuration as the conditions see it (THEORY §3). */
export interface ConditionInput {
  readonly K: number;
  readonly Q: number;
  readonly d: number;
  readonly v: number;
  readonly lb: number;
  /** Token-sharing number (default 1). */
  readonly Z?: number;
  /** Appendix C's δ (default 0: exactly orthogonal basis concepts). */
  readonly delta?: number;
}

const BOTH = ['theorem42', 'theorem43'] as const;

function upper(id: ConditionId, statement: string, lhs: number, rhs: number, appliesTo: ConditionCheck['appliesTo'] = BOTH): ConditionCheck {
  return { id, statement, relation: '<=', holds: lhs <= rhs, lhs, rhs, slack: clampToFinite(rhs / lhs), appliesTo };
}

function lower(id: ConditionId, statement: string, lhs: number, rhs: number, appliesTo: ConditionCheck['appliesTo'] = BOTH): ConditionCheck {
  return { id, statement, relation: '>=', holds: lhs >= rhs, lhs, rhs, slack: clampToFinite(lhs / rhs), appliesTo };
}

/**
 * The noise limit of an edition (THEORY §3, §8): v <= 1/(32√Q) in the v5 main text,
 * v <= 1/(4√Q) in the v5 appendix and in v3.
 *
 * @example noiseLimit(100, 'v5-main') // 1/320
 */
export function noiseLimit(Q: number, edition: Edition): number {
  requireCount('Q', Q);
  return 1 / ((requireEdition(edition) === 'v5-main' ? 32 : 4) * Math.sqrt(Q));
}

/**
 * The Z limit of an edition (THEORY §3, §8): Z <= 1/(4 l_b²) in v5; in v3
 * Z <= min(1/(4 l_b²), Q^{1/4} - 2). Clamped to Number.MAX_VALUE for tiny l_b.
 *
 * @example zLimit(100, 0.5, 'v5-main') // 1
 */
export function zLimit(Q: number, lb: number, edition: Edition): number {
  requireCount('Q', Q);
  requirePositive('lb', lb);
  const v5 = clampToFinite(1 / (4 * lb * lb));
  return requireEdition(edition) === 'v3' ? Math.min(v5, Math.sqrt(Math.sqrt(Q)) - 2) : v5;
}

/**
 * Every condition of Theorems 4.2/4.3 for one configuration (THEORY §3 "Conditions", §8),
 * in the order of {@link CONDITION_IDS}:
 * - `Z`: Z <= 1/(4 l_b²) (v3 also Z <= Q^{1/4} - 2);
 * - `dim`: d <= 5Q; `dimK`: d >= K + 1 (room for b and the K concept vectors);
 * - `noise`: v <= 1/(32√Q) (v5-main) or 1/(4√Q) (v5-appendix, v3);
 * - `shared`: 1/4 <= l_b <= 1/2, reported against the nearer end (in ratio) with the smaller slack;
 * - `size`: Q >= 40 (Theorem 4.3 only);
 * - `ortho`: δ <= min(εv/8, 1/4) (Appendix C, `approximateOrthogonalityLimit`); δ = 0 (exact
 *   basis concepts, the main text's assumption) always holds. With δ > 0 the training sandwich
 *   that applies is Theorem C.5's (lower slope halved), not Theorem 4.2's.
 *
 * @example theoremConditions({ K: 2, Q: 100, d: 10, v: 0.001, lb: 0.5 }).every((c) => c.holds) // true
 */
export function theoremConditions(input: ConditionInput, edition: Edition = 'v5-main', epsilonRule?: EpsilonRule): ConditionCheck[] {
  const K = requireCount('K', input.K);
  const Q = requireCount('Q', input.Q);
  const d = requireCount('d', input.d);
  const v = requireNonNegative('v', input.v);
  const lb = requirePositive('lb', input.lb);
  const Z = requireCount('Z', input.Z ?? 1);
  const delta = requireNonNegative('delta', input.delta ?? 0);
  requireEdition(edition);
  const rule = epsilonRule ?? defaultEpsilonRule(edition);

  const zStatement = edition === 'v3' ? 'Z <= min(1/(4 l_b^2), Q^{1/4} - 2)' : 'Z <= 1/(4 l_b^2)';
  const noiseStatement = edition === 'v5-main' ? 'v <= 1/(32 sqrt Q)' : 'v <= 1/(4 sqrt Q)';
  const sharedLow = lower('shared', '1/4 <= l_b <= 1/2', lb, SHARED_MIN);
  const sharedHigh = upper('shared', '1/4 <= l_b <= 1/2', lb, SHARED_MAX);
  const shared: ConditionCheck = {
    ...(sharedLow.slack <= sharedHigh.slack ? sharedLow : sharedHigh),
    holds: sharedLow.holds && sharedHigh.holds,
  };
  const zRhs = zLimit(Q, lb, edition);
  // rhs/Z without zLimit's intermediate clamp (tiny l_b): the smaller of the two slacks.
  const v5Slack = ratioOfProducts([], [4, lb, lb, Z]).value;
  const zSlack = edition === 'v3' ? Math.min(v5Slack, (Math.sqrt(Math.sqrt(Q)) - 2) / Z) : v5Slack;
  return [
    { ...upper('Z', zStatement, Z, zRhs), slack: zSlack },
    upper('dim', 'd <= 5Q', d, DIM_PER_SAMPLE * Q),
    lower('dimK', 'd >= K + 1', d, K + 1),
    upper('noise', noiseStatement, v, noiseLimit(Q, edition)),
    shared,
    lower('size', 'Q >= 40', Q, MIN_Q_THEOREM43, ['theorem43']),
    upper('ortho', 'delta <= min(eps v/8, 1/4) (Appendix C; delta = 0: exact basis)', delta, approximateOrthogonalityLimit(Z, rule)),
  ];
}

/**
 * THEORY §3's conditions evaluated on measured parameters, each with a `factor`: the measured
 * value over the edge, oriented so that a factor > 1 means "broken by that factor" and <= 1 means
 * the condition holds. This is the reciprocal of `dpocheck bounds`' `slack` (>= 1 = holds); the
 * different name keeps the two from being confused. Every broken condition carries the explorer's
 * frontier for the matching departure (frontiers.ts); a few departures beyond the paper that can
 * be measured (imbalance, anisotropic noise, a shared response pair) are quoted the same way.
 */
import { correlatedDelta } from '../../data/breaking.ts';
import { approximateOrthogonalityLimit } from '../../theory/appendixC.ts';
import { DIM_PER_SAMPLE, MIN_Q_THEOREM43, noiseLimit, SHARED_MAX, SHARED_MIN } from '../../theory/conditions.ts';
import { quoteFrontier, type QuotedFrontier } from './frontiers.ts';

/** A condition on measured data. */
export interface MeasuredCondition {
  /** THEORY §3 id: Z, dim, dimK, noise, shared, size, ortho. */
  readonly id: string;
  readonly statement: string;
  readonly holds: boolean;
  /** measured/edge: > 1 = broken by that factor, <= 1 = holds (the reciprocal of `dpocheck bounds`' slack, where >= 1 = holds). */
  readonly factor: number;
  /** The measured side and the edge it is compared with. */
  readonly measured: number;
  readonly edge: number;
  /** The explorer's frontier for this departure when the condition is broken, else null. */
  readonly frontier: QuotedFrontier | null;
  /** A caveat (e.g. the measurement is within its noise floor), or null. */
  readonly note: string | null;
}

/** A departure beyond the paper's conditions, with its magnitude on the explorer's axis. */
export interface MeasuredDeparture {
  readonly id: 'imbalance' | 'anisotropic' | 'shared-pair';
  /** Magnitude on the explorer's axis (breaking.ts): neutral = 1 for all three. */
  readonly magnitude: number;
  readonly meaning: string;
  readonly frontier: QuotedFrontier | null;
}

/** What the conditions are computed from. */
export interface ConditionInputs {
  readonly K: number;
  /** Mean samples per cluster N/(2K), the Q of N = 2KQ. */
  readonly Q: number;
  readonly d: number;
  readonly v: number;
  readonly lb: number;
  readonly Z: number;
  /** max(maxConceptCos, maxBiasCos). */
  readonly maxCos: number;
  /** The noise floor of that cosine. */
  readonly cosFloor: number;
  readonly imbalance: number;
  readonly anisotropy: number;
  /** Number of concepts with the most common token set when all share one pair (else 1). */
  readonly sharedPairConcepts: number;
}

/**
 * The anisotropy ratio m (largest/smallest variance, the explorer's axis) of d variances spread
 * geometrically over m (the sampler's s_j ∝ m^{j/(d-1)}) whose top/mean ratio is `topOverMean`;
 * +Infinity when no geometric spread reaches it (it approaches d only as m -> ∞).
 * @example geometricSpreadRatio(1, 10) // 1
 */
export function geometricSpreadRatio(topOverMean: number, d: number): number {
  if (!(topOverMean > 1) || d < 2) return 1;
  const f = (m: number) => {
    const r = m ** (1 / (d - 1));
    return (m * d * (r - 1)) / (m * r - 1);
  };
  let lo = 1 + 1e-9, hi = 2;
  while (f(hi) < topOverMean) {
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  for (let i = 0; i < 200; i++) {
    const mid = Math.sqrt(lo * hi);
    if (f(mid) < topOverMean) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

function condition(
  id: string,
  statement: string,
  measured: number,
  edge: number,
  factor: number,
  departure: string | null,
  what: string,
  note: string | null = null,
): MeasuredCondition {
  const holds = factor <= 1;
  return {
    id,
    statement,
    holds,
    factor,
    measured,
    edge,
    frontier: holds || departure === null ? null : quoteFrontier(departure, factor, what),
    note,
  };
}

/**
 * Every THEORY §3 condition (v5 main text) on the measured parameters, in the order of
 * `theoremConditions`.
 * @example measuredConditions({ K: 2, Q: 100, d: 10, v: 0.001, lb: 0.5, Z: 1, maxCos: 0, cosFloor: 0.1, imbalance: 1, anisotropy: 1, sharedPairConcepts: 1 })
 */
export function measuredConditions(m: ConditionInputs): MeasuredCondition[] {
  const noiseEdge = noiseLimit(Math.max(1, m.Q), 'v5-main');
  const high = m.lb / SHARED_MAX;
  const low = SHARED_MIN / m.lb;
  const deltaEq = correlatedDelta(Math.min(m.maxCos, 1));
  const deltaEdge = approximateOrthogonalityLimit(Math.max(1, m.Z));
  const floorDelta = correlatedDelta(Math.min(m.cosFloor, 1));
  return [
    condition('Z', 'Z <= 1/(4 l_b^2)', m.Z, 1 / (4 * m.lb * m.lb), 4 * m.lb * m.lb * m.Z, 'Z', 'Z'),
    condition('dim', 'd <= 5Q', m.d, DIM_PER_SAMPLE * m.Q, m.d / (DIM_PER_SAMPLE * m.Q), 'dim', 'd'),
    condition('dimK', 'd >= K + 1', m.d, m.K + 1, (m.K + 1) / m.d, null, 'd'),
    condition('noise', 'v <= 1/(32 sqrt Q)', m.v, noiseEdge, m.v / noiseEdge, 'noise', 'noise'),
    high >= low
      ? condition('shared', '1/4 <= l_b <= 1/2', m.lb, SHARED_MAX, high, 'shared-high', 'l_b')
      : condition('shared', '1/4 <= l_b <= 1/2', m.lb, SHARED_MIN, low, 'shared-low', 'l_b', null),
    condition('size', 'Q >= 40 (Theorem 4.3)', m.Q, MIN_Q_THEOREM43, MIN_Q_THEOREM43 / m.Q, 'size', 'size'),
    condition(
      'ortho',
      "delta <= min(eps v/8, 1/4) (Appendix C; delta from the largest |cos| among concepts and b)",
      deltaEq,
      deltaEdge,
      deltaEq / deltaEdge,
      'ortho-correlated',
      'delta',
      floorDelta > deltaEdge
        ? `the noise floor of the cosines (${m.cosFloor.toPrecision(2)}, delta ${floorDelta.toPrecision(2)}) is above the edge: this many samples cannot show whether the concepts are orthogonal enough`
        : null,
    ),
  ];
}

/** The measurable departures beyond the paper, each on the explorer's magnitude axis. */
export function measuredDepartures(m: ConditionInputs): MeasuredDeparture[] {
  const out: MeasuredDeparture[] = [];
  const add = (id: MeasuredDeparture['id'], magnitude: number, meaning: string, what: string) =>
    out.push({ id, magnitude, meaning, frontier: magnitude > 1 ? quoteFrontier(id, magnitude, what, '×') : null });
  add('imbalance', m.imbalance, 'largest |C_{k,+}|/|C_{k,-}| (or its inverse) over concepts; 1 = balanced', 'imbalance');
  add(
    'anisotropic',
    geometricSpreadRatio(m.anisotropy, m.d),
    'largest/smallest noise variance of a geometric spread with the measured top/mean eigenvalue ratio; 1 = isotropic',
    'anisotropy',
  );
  add('shared-pair', m.sharedPairConcepts, 'number of concepts sharing one response pair; 1 = none', 'shared pair');
  return out;
}

/**
 * Q_min(K, η) is the smallest Q with bound < η (THEORY §4 "Scaling law", §8, each edition):
 * bound(Q_min) < η, and bound(Q) >= η at Q_min - 1 and, past the peak, at every Q below.
 */
import * as fc from 'fast-check';
import { logUniform, logUniformInt } from './bounds-arbitraries.ts';
import { defineClaim, type Trial } from '../src/check/claim.ts';
import { generalizationBound, generalizationPeak, qMin, type Edition } from '../src/theory/index.ts';

/**
 * Rounding allowance on ln bound - ln η, in ulps of the terms. Ours: the float64 ln bound is
 * within a few ulps of its terms, while qMin decides exactly (highPrecision.ts); within this
 * band the float check cannot contradict it, so such trials count as within tolerance.
 */
const DECISION_ULPS = 64;

export interface QminInput {
  readonly K: number;
  readonly eta: number;
  readonly edition: Edition;
}

export const boundsQminMinimal = defineClaim<QminInput>({
  id: 'bounds-qmin-minimal',
  title: 'bound(Q_min) < η <= bound(Q_min - 1) (and Q_min = 1 or Q_min - 1 is past the peak)',
  section: 'docs/theory.md §4, Theorem 4.3 (scaling law); §8',
  edition: 'all',
  expectation: 'holds',
  generator: 'edition, K log-uniform integer in [1, 1e9], η log-uniform in [1e-300, 10]',
  measures: 'ln bound - ln η at Q_min and Q_min - 1',
  bound: '< 0 at Q_min, >= 0 at Q_min - 1',
  runs: { small: 60, full: 2000 },
  arbitrary: () =>
    fc.record({
      K: logUniformInt(1, 1e9),
      eta: logUniform(1e-300, 10),
      edition: fc.constantFrom<Edition>('v5-main', 'v3', 'v5-appendix'),
    }),
  check: ({ K, eta, edition }): Trial => {
    const q = qMin(K, eta, edition);
    const lnEta = Math.log(eta);
    const at = (Q: number): number => generalizationBound(K, Q, edition).lnBound - lnEta;
    const tolAt = (Q: number): number => DECISION_ULPS * Number.EPSILON * (Math.abs(generalizationBound(K, Q, edition).lnBound) + Math.abs(lnEta) + 2 * Math.log(2 * K * Q * Q));
    const h1 = at(q);
    const h0 = q > 1 ? at(q - 1) : Infinity;
    const structural = q === 1 || q - 1 >= Math.floor(generalizationPeak(edition));
    const bad = h1 >= 0 || h0 < 0 || !structural;
    const within = bad && structural && (h1 >= 0 ? h1 <= tolAt(q) : true) && (h0 < 0 ? -h0 <= tolAt(q - 1) : true);
    return {
      violated: bad && !within,
      withinTolerance: within,
      observed: q,
      slack: Math.min(-h1, h0),
      detail: { h1, h0 },
      labels: [q === 1 ? 'qmin-1' : 'past-peak', edition],
    };
  },
});

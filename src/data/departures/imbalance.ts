/**
 * Departure `imbalance` (beyond): \|C_{k,-}\| = round(Q/m), so m = \|C_{k,+}\|/\|C_{k,-}\|.
 * At m = 1: balanced (neutral); neutral / m < 1: —; domain [1, ∞); default range [1, 5].
 */
import { negativeClusterSize } from '../sampler.ts';
import { holdsDefault, plainRegion, type Departure } from './common.ts';

export const imbalance: Departure<'imbalance'> = {
  axis: {
    id: 'imbalance',
    kind: 'beyond',
    condition: null,
    description: 'each misaligned cluster C_{k,-} has round(Q/m) samples instead of Q',
    magnitudeMeaning: 'm = |C_{k,+}|/|C_{k,-}| (realised after rounding); 1 = balanced',
    defaultRange: [1, 5],
    domain: [1, Number.POSITIVE_INFINITY],
    edge: null,
    neutral: 1,
    alsoBreaks: [],
  },
  measure(c) {
    return [c.qHi / c.qLo, c.qHi !== c.qLo];
  },
  plan(m, qMin) {
    const plain = plainRegion(qMin);
    const neg = (Q: number): number => negativeClusterSize(Q, 1 / m);
    return {
      // Past m = 1 the rounded |C_{k,-}| must still differ from Q (else nothing is imbalanced).
      region: { ...plain, neg, qAllowed: (_K, Q) => neg(Q) >= qMin && (m === 1 || neg(Q) < Q) },
      finish: (draw) => ({ ...holdsDefault(draw), departures: { imbalance: 1 / m } }),
    };
  },
};

/**
 * Departure `shared-pair` (beyond): K = ⌊m⌋ concepts, all with the one token pair (0, 1) (authors' " Yes"/" No").
 * At m = 1: one concept (neutral); neutral / m < 1: —; domain [1, 4]; default range [1, 4].
 */
import { LB_MAX, LB_MIN } from '../conditionEdges.ts';
import { lerp, plainRegion, settle, validNoise, type Departure } from './common.ts';

export const sharedPair: Departure<'shared-pair'> = {
  axis: {
    id: 'shared-pair',
    kind: 'beyond',
    condition: null,
    description: 'all K = floor(m) concepts answer with one token pair (the authors\' " Yes"/" No")',
    magnitudeMeaning: 'm = number of concepts sharing the pair; 1 = a single concept (no sharing); at most 4, where Z = K still fits 1/(4 l_b^2)',
    defaultRange: [1, 4],
    domain: [1, 4],
    edge: null,
    neutral: 1,
    alsoBreaks: [],
  },
  measure(c) {
    return [c.sharedSet, c.sharedSet > 1];
  },
  plan(m, qMin) {
    const plain = plainRegion(qMin);
    const K = Math.floor(m);
    // Z = K <= 1/(4 l_b²) needs l_b <= 1/(2 sqrt K).
    const lbHi = settle(Math.min(LB_MAX, 1 / (2 * Math.sqrt(K))), (y) => K <= 1 / (4 * y * y), false);
    return {
      region: { ...plain, kRange: [K, K] },
      finish: (draw) => {
        const lb = lerp(draw.fLb, LB_MIN, lbHi);
        return { lb, Z: K, v: validNoise(draw.fV, draw.Q, 1), tokens: { kind: 'shared-pair' } };
      },
    };
  },
};

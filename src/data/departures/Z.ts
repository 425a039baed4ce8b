/**
 * Departure `Z` (paper): Z concepts share token 0 ({@link sharingPairs}), Z ∈ [max(1,⌈m⌉), min(K,⌊4m⌋)], l_b = sqrt(m/(4Z)) ∈ [1/4, 1/2], so m = 4 l_b² Z.
 * At m = 1: Z = 1/(4 l_b²); neutral / m < 1: Z below its allowance; domain [1/4, maxK]; default range [1, 4].
 */
import { LB_MAX, LB_MIN } from '../conditionEdges.ts';
import { linInt } from '../arbitraries.ts';
import { plainRegion, settle, validNoise, type Departure } from './common.ts';

export const sharingNumber: Departure<'Z'> = {
  axis: {
    id: 'Z',
    kind: 'paper',
    condition: 'Z',
    description: 'Z concepts share one token, with l_b chosen so that Z = m/(4 l_b^2)',
    magnitudeMeaning: 'm = 4 l_b^2 Z, the sharing number over its allowance 1/(4 l_b^2); 1 = at the edge, > 1 broken',
    // Z <= K, and with Q >= 40 the small scale (N <= 400) fits K <= 5.
    defaultRange: [1, 4],
    domain: [0.25, 32],
    edge: 1,
    neutral: null,
    alsoBreaks: [],
  },
  measure(c) {
    const { lb } = c.config;
    return [4 * lb * lb * c.Z, c.Z > 1 / (4 * lb * lb)];
  },
  plan(m, qMin) {
    const plain = plainRegion(qMin);
    const broken = m > 1;
    // Z in [max(1, ceil m), floor(4m)] keeps l_b = sqrt(m/(4Z)) in [1/4, 1/2].
    const zLo = Math.max(1, Math.ceil(m));
    const zHi = Math.floor(4 * m);
    return {
      region: { ...plain, kRange: [zLo, Number.POSITIVE_INFINITY] },
      finish: (draw) => {
        const Z = linInt(draw.fZ, zLo, Math.min(draw.K, zHi));
        const lb0 = Math.min(LB_MAX, Math.max(LB_MIN, Math.sqrt(m / (4 * Z))));
        const lb = settle(lb0, (y) => Z > 1 / (4 * y * y) === broken, broken);
        return { lb, Z, v: validNoise(draw.fV, draw.Q, 1) };
      },
    };
  },
};

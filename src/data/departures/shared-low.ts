/**
 * Departure `shared-low` (paper (`shared`)): l_b = 1/(4m).
 * At m = 1: l_b = 1/4; neutral / m < 1: [1/2, 1): l_b ∈ (1/4, 1/2]; domain [1/2, ∞); default range [1, 16].
 */
import { LB_MIN, sharingBound } from '../conditionEdges.ts';
import { linInt } from '../arbitraries.ts';
import { plainRegion, validNoise, type Departure } from './common.ts';

export const sharedLow: Departure<'shared-low'> = {
  axis: {
    id: 'shared-low',
    kind: 'paper',
    condition: 'shared',
    description: 'shared component l_b = 1/(4m) below 1/4',
    magnitudeMeaning: 'm = 1/(4 l_b); 1 = l_b at 1/4, > 1 broken',
    defaultRange: [1, 16],
    domain: [0.5, Number.POSITIVE_INFINITY],
    edge: 1,
    neutral: null,
    alsoBreaks: [],
  },
  measure(c) {
    return [LB_MIN / c.config.lb, c.config.lb < LB_MIN];
  },
  plan(m, qMin) {
    const plain = plainRegion(qMin);
    return {
      region: plain,
      finish: (draw) => {
        const lb = 1 / (4 * m);
        const Z = linInt(draw.fZ, 1, Math.min(draw.K, sharingBound(lb)));
        return { lb, Z, v: validNoise(draw.fV, draw.Q, 1) };
      },
    };
  },
};

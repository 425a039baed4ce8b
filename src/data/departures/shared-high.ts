/**
 * Departure `shared-high` (paper (`shared`)): l_b = m/2, Z = 1 when m > 1.
 * At m = 1: l_b = 1/2; neutral / m < 1: [1/2, 1): l_b ∈ [1/4, 1/2); domain [1/2, ∞); default range [1, 4].
 */
import { LB_MAX, sharingBound } from '../conditionEdges.ts';
import { linInt } from '../arbitraries.ts';
import { plainRegion, validNoise, type Departure } from './common.ts';

export const sharedHigh: Departure<'shared-high'> = {
  axis: {
    id: 'shared-high',
    kind: 'paper',
    condition: 'shared',
    description: 'shared component l_b = m/2 above 1/2 (also breaks Z, which forces l_b <= 1/2)',
    magnitudeMeaning: 'm = 2 l_b; 1 = l_b at 1/2, > 1 broken (and Z broken by m^2)',
    defaultRange: [1, 4],
    domain: [0.5, Number.POSITIVE_INFINITY],
    edge: 1,
    neutral: null,
    alsoBreaks: ['Z'],
  },
  measure(c) {
    return [c.config.lb / LB_MAX, c.config.lb > LB_MAX];
  },
  plan(m, qMin) {
    const plain = plainRegion(qMin);
    const broken = m > 1;
    return {
      region: plain,
      finish: (draw) => {
        const lb = m / 2;
        const Z = broken ? 1 : linInt(draw.fZ, 1, Math.min(draw.K, sharingBound(lb)));
        return { lb, Z, v: validNoise(draw.fV, draw.Q, 1) };
      },
    };
  },
};

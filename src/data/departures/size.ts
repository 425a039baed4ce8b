/**
 * Departure `size` (paper): Q = ⌊40/m⌋, so the realised m = 40/Q.
 * At m = 1: Q = 40; neutral / m < 1: Q > 40; domain [40/maxQ, 40]; default range [1, 40].
 */
import { SIZE_MIN_Q } from '../conditionEdges.ts';
import { holdsDefault, plainRegion, type Departure } from './common.ts';

export const size: Departure<'size'> = {
  axis: {
    id: 'size',
    kind: 'paper',
    condition: 'size',
    description: 'samples per cluster Q = floor(40/m) below the 40 of Theorem 4.3',
    magnitudeMeaning: 'm = 40/Q (realised after the floor); 1 = Q at 40, > 1 broken, 40 = Q of 1',
    defaultRange: [1, 40],
    domain: [0.04, 40],
    edge: 1,
    neutral: null,
    alsoBreaks: [],
  },
  measure(c) {
    return [SIZE_MIN_Q / c.qLo, c.qLo < SIZE_MIN_Q];
  },
  plan(m, qMin) {
    const plain = plainRegion(qMin);
    const Q = Math.floor(SIZE_MIN_Q / m);
    return { region: { ...plain, qAllowed: (_K, q) => q === Q }, finish: (draw) => holdsDefault(draw) };
  },
};

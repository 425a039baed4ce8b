/**
 * Departure `dim` (paper): d = ⌈5mQ⌉, so the realised m = d/(5Q) is within 1/(5Q) above m.
 * At m = 1: d = 5Q; neutral / m < 1: d < 5Q (needs 5mQ >= K+1); domain (0, ∞); default range [1, 10].
 */
import { dimBound } from '../conditionEdges.ts';
import { holdsDefault, plainRegion, type Departure } from './common.ts';

export const dim: Departure<'dim'> = {
  axis: {
    id: 'dim',
    kind: 'paper',
    condition: 'dim',
    description: 'feature dimension d = ceil(5 m Q) above the allowed 5Q',
    magnitudeMeaning: 'm = d/(5Q); 1 = d at 5Q, > 1 broken',
    defaultRange: [1, 10],
    domain: [Number.MIN_VALUE, Number.POSITIVE_INFINITY],
    edge: 1,
    neutral: null,
    alsoBreaks: [],
  },
  measure(c) {
    return [c.config.d / dimBound(c.qLo), c.config.d > dimBound(c.qLo)];
  },
  plan(m, qMin) {
    const plain = plainRegion(qMin);
    return {
      // For m > 1 the exact product m·5Q exceeds 5Q by at least 5Q·2^-52, one ulp of 5Q, so
      // the rounded product is above 5Q and its ceiling breaks the condition; for m <= 1 it is
      // at most 5Q (rounding is monotone), so the condition holds.
      region: { ...plain, forcedD: (Q) => Math.ceil(m * dimBound(Q)) },
      finish: (draw) => holdsDefault(draw),
    };
  },
};

/**
 * Departure `noise` (paper): v = m/(32 √Q), so m = v/noiseBound(Q).
 * At m = 1: v = 1/(32√Q); neutral / m < 1: m = 0: noiseless; m = 8: the appendix/v3 edge 1/(4√Q) (THEORY §8); domain [0, ∞); default range [1, 32].
 */
import { noiseBound } from '../conditionEdges.ts';
import { plainRegion, settle, validLbZ, type Departure } from './common.ts';

export const noise: Departure<'noise'> = {
  axis: {
    id: 'noise',
    kind: 'paper',
    condition: 'noise',
    description: 'noise scale v = m/(32 sqrt Q)',
    magnitudeMeaning: 'm = 32 v sqrt(Q); 0 = noiseless, 1 = the v5 main-text edge, 8 = the appendix/v3 edge 1/(4 sqrt Q)',
    defaultRange: [1, 32],
    domain: [0, Number.POSITIVE_INFINITY],
    edge: 1,
    neutral: null,
    alsoBreaks: [],
  },
  measure(c) {
    return [c.sigmaMax / noiseBound(c.qHi), c.sigmaMax > noiseBound(c.qHi)];
  },
  plan(m, qMin) {
    const plain = plainRegion(qMin);
    const broken = m > 1;
    return {
      region: plain,
      finish: (draw) => {
        const { lb, Z } = validLbZ(draw);
        const bound = noiseBound(draw.Q);
        const v = settle(m * bound, (y) => y > bound === broken, broken);
        return { lb, Z, v };
      },
    };
  },
};

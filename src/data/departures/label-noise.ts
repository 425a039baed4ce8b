/**
 * Departure `label-noise` (beyond): a fraction m of training samples has (w, l) swapped.
 * At m = 1: —; neutral / m < 1: 0 (neutral); domain [0, 1/2]; default range [0, 0.5].
 */
import { holdsDefault, plainRegion, type Departure } from './common.ts';

export const labelNoise: Departure<'label-noise'> = {
  axis: {
    id: 'label-noise',
    kind: 'beyond',
    condition: null,
    description: 'a fraction m of the training samples has chosen and rejected swapped',
    magnitudeMeaning: 'm = round(m N)/N, the flipped fraction; 0 = clean labels, 1/2 = labels carry no information',
    defaultRange: [0, 0.5],
    domain: [0, 0.5],
    edge: null,
    neutral: 0,
    alsoBreaks: [],
  },
  measure(c) {
    return [c.flips / c.n, c.flips > 0];
  },
  plan(m, qMin) {
    const plain = plainRegion(qMin);
    return {
      // The sampler flips round(m N) labels: at least one must flip when m > 0.
      region: { ...plain, qAllowed: (K, Q) => Q >= qMin && (m === 0 || Math.round(m * 2 * K * Q) >= 1) },
      finish: (draw) => ({ ...holdsDefault(draw), departures: { labelNoise: m } }),
    };
  },
};

/**
 * Departure `anisotropic` (beyond): noise variances spread geometrically over a ratio m (max/min).
 * At m = 1: isotropic (neutral); neutral / m < 1: —; domain [1, ∞); default range [1, 100].
 */
import type { NoiseModel } from '../config.ts';
import { noiseStdFactor, plainRegion, validLbZ, validNoise, type Departure } from './common.ts';

export const anisotropic: Departure<'anisotropic'> = {
  axis: {
    id: 'anisotropic',
    kind: 'beyond',
    condition: null,
    description: 'Gaussian noise with per-coordinate variances spread geometrically over a ratio m',
    magnitudeMeaning: 'm = largest/smallest coordinate variance; 1 = isotropic',
    defaultRange: [1, 100],
    domain: [1, Number.POSITIVE_INFINITY],
    edge: null,
    neutral: 1,
    alsoBreaks: [],
  },
  measure(c) {
    const noise = c.config.departures.noise;
    return noise.kind === 'anisotropic' ? [noise.ratio, noise.ratio > 1] : [1, false];
  },
  plan(m, qMin) {
    const plain = plainRegion(qMin);
    return {
      region: plain,
      finish: (draw) => {
        const noise: NoiseModel = m > 1 ? { kind: 'anisotropic', ratio: m } : { kind: 'isotropic' };
        const { lb, Z } = validLbZ(draw);
        return { lb, Z, v: validNoise(draw.fV, draw.Q, noiseStdFactor(noise, draw.d)), departures: { noise } };
      },
    };
  },
};

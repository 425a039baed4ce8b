/**
 * Departure `heavy-tail` (beyond): Student-t noise with dof = 1/m, variance v².
 * At m = 1: —; neutral / m < 1: 0: Gaussian (neutral); domain [0, 1/2); default range [0, 0.45].
 */
import { holdsDefault, plainRegion, type Departure } from './common.ts';

export const heavyTail: Departure<'heavy-tail'> = {
  axis: {
    id: 'heavy-tail',
    kind: 'beyond',
    condition: null,
    description: 'Student-t noise with 1/m degrees of freedom, scaled to variance v^2',
    magnitudeMeaning: 'm = 1/dof; 0 = Gaussian, toward 1/2 the variance becomes infinite (dof -> 2)',
    defaultRange: [0, 0.45],
    domain: [0, 0.5],
    domainOpenAbove: true,
    edge: null,
    neutral: 0,
    alsoBreaks: [],
  },
  measure(c) {
    const noise = c.config.departures.noise;
    return noise.kind === 'student-t' ? [1 / noise.dof, true] : [0, false];
  },
  plan(m, qMin) {
    const plain = plainRegion(qMin);
    return {
      region: plain,
      finish: (draw) => ({
        ...holdsDefault(draw),
        departures: { noise: m > 0 ? { kind: 'student-t', dof: 1 / m } : { kind: 'isotropic' } },
      }),
    };
  },
};

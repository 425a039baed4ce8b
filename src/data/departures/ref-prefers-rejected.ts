/**
 * Departure `ref-prefers-rejected` (beyond): reference log-odds ln(pi_0(l)/pi_0(w)) = m ln3/β.
 * At m = 1: the failure-mode edge pi_0(l)/pi_0(w) = 3^{1/β} (THEORY §4, failure mode); neutral / m < 1: 0: indifferent (neutral); m < 0 prefers the chosen; domain (-∞, ∞); default range [0, 4].
 */
import { LN3 } from '../../theory/numerics.ts';
import { holdsDefault, plainRegion, type Departure } from './common.ts';

export const refPrefersRejected: Departure<'ref-prefers-rejected'> = {
  axis: {
    id: 'ref-prefers-rejected',
    kind: 'beyond',
    condition: null,
    description: 'the reference policy has log-odds ln(pi_0(l)/pi_0(w)) = m ln3/beta for every sample',
    magnitudeMeaning: 'm = beta ln(pi_0(l)/pi_0(w))/ln 3; 0 = indifferent, 1 = the failure-mode edge pi_0(l)/pi_0(w) = 3^{1/beta}, < 0 prefers the chosen',
    defaultRange: [0, 4],
    domain: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    edge: 1,
    neutral: 0,
    alsoBreaks: [],
  },
  measure(c) {
    return [(c.config.beta * c.config.departures.refLogOdds) / LN3, c.config.departures.refLogOdds > 0];
  },
  plan(m, qMin) {
    const plain = plainRegion(qMin);
    return {
      region: plain,
      finish: (draw) => ({ ...holdsDefault(draw), departures: { refLogOdds: (m * LN3) / draw.beta } }),
    };
  },
};

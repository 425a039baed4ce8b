/**
 * Departure `ortho-correlated` (paper (`ortho`)): correlated concepts <c_j,c_k> = ρ whose alignment sqrt(1-ρ) = 1 - δ²/8 with δ as for `ortho`.
 * At m = 1: as `ortho`; neutral / m < 1: m = 0: exact basis; domain [0, 384]; default range [1, 96].
 */
import { ORTHO_MAX_MAGNITUDE, correlatedDelta, type Departure } from './common.ts';
import { orthoPlan } from './ortho.ts';

export const orthoCorrelated: Departure<'ortho-correlated'> = {
  axis: {
    id: 'ortho-correlated',
    kind: 'paper',
    condition: 'ortho',
    description: 'correlated concepts <c_j, c_k> = rho, with alignment sqrt(1-rho) = 1 - delta^2/8 for delta as in ortho',
    magnitudeMeaning: "m = delta_eq over Appendix C's allowance, delta_eq = sqrt(8(1 - sqrt(1-rho))); 0 = exact basis, 1 = at the allowance",
    defaultRange: [1, 96],
    domain: [0, ORTHO_MAX_MAGNITUDE],
    edge: 1,
    neutral: null,
    alsoBreaks: [],
  },
  measure(c) {
    const k = c.config.concepts;
    return k.kind === 'correlated' ? [correlatedDelta(k.rho) / c.deltaBound, correlatedDelta(k.rho) > c.deltaBound] : [0, false];
  },
  plan(m, qMin) {
    return orthoPlan(m, qMin, true);
  },
};

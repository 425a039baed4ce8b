/**
 * Departure `ortho` (paper): Appendix C concepts, δ = m · approxDeltaBound(Z) = m/(128(Z+2)).
 * At m = 1: δ at Appendix C's allowance; neutral / m < 1: m = 0: exact basis; domain [0, 384]; default range [1, 96].
 */
import type { ConceptVectors } from '../config.ts';
import { approxDeltaBound } from '../conditionEdges.ts';
import { conceptMinDim } from '../concepts.ts';
import { ORTHO_MAX_MAGNITUDE, correlatedDelta, holdsDefault, plainRegion, rhoStep, settle, type Departure, type Plan } from './common.ts';

export const ortho: Departure<'ortho'> = {
  axis: {
    id: 'ortho',
    kind: 'paper',
    condition: 'ortho',
    description: "Appendix C's delta-approximately orthogonal concepts with delta = m/(128(Z+2))",
    magnitudeMeaning: "m = delta over Appendix C's allowance min(eps v/8, 1/4) = 1/(128(Z+2)); 0 = exact basis, 1 = at the allowance",
    defaultRange: [1, 96],
    domain: [0, ORTHO_MAX_MAGNITUDE],
    edge: 1,
    neutral: null,
    alsoBreaks: [],
  },
  measure(c) {
    const k = c.config.concepts;
    return k.kind === 'approx' ? [k.delta / c.deltaBound, k.delta > c.deltaBound] : [0, false];
  },
  plan(m, qMin) {
    return orthoPlan(m, qMin, false);
  },
};

/** The generation plan shared by `ortho` and `ortho-correlated` (correlated concepts when `correlated`). */
export function orthoPlan(m: number, qMin: number, correlated: boolean): Plan {
  const plain = plainRegion(qMin);
  const broken = m > 1;
  const kind: ConceptVectors = m === 0 ? { kind: 'basis' } : correlated ? { kind: 'correlated', rho: 0.5 } : { kind: 'approx', delta: 0.5 };
  return {
    region: { ...plain, dFloor: (K) => conceptMinDim(K, kind) },
    finish: (draw) => {
      const { lb, Z, v } = holdsDefault(draw);
      if (m === 0) return { lb, Z, v, concepts: { kind: 'basis' } };
      const bound = approxDeltaBound(Z);
      const target = m * bound;
      if (!correlated) {
        const delta = settle(target, (y) => y > bound === broken, broken);
        return { lb, Z, v, concepts: { kind: 'approx', delta } };
      }
      // Alignment sqrt(1-ρ) = 1 - δ²/8 = 1 - t, i.e. ρ = t(2 - t).
      const t = (target * target) / 8;
      const rho = settle(t * (2 - t), (y) => correlatedDelta(y) > bound === broken, broken, rhoStep);
      return { lb, Z, v, concepts: { kind: 'correlated', rho } };
    },
  };
}

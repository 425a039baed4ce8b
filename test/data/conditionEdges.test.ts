import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { approxDeltaBound, dimBound, epsilonBound, LB_MAX, LB_MIN, minDim, noiseBound, sharingBound, SIZE_MIN_Q } from '../../src/data/conditionEdges.ts';
import { approxConfigArb, validConfigArb } from '../../src/data/arbitraries.ts';
import { tokenPairs } from '../../src/data/config.ts';
import { approximateOrthogonalityLimit, MIN_Q_THEOREM43, noiseLimit, theoremConditions, tokenSharingZ, zLimit } from '../../src/theory/index.ts';

describe('condition edges (THEORY §3)', () => {
  it('state the paper numbers', () => {
    expect(noiseBound(64)).toBe(1 / 256);
    expect(dimBound(7)).toBe(35);
    expect(minDim(3)).toBe(4);
    expect([sharingBound(0.25), sharingBound(0.3), sharingBound(0.4), sharingBound(0.5)]).toEqual([4, 2, 1, 1]);
    expect(epsilonBound(1 / 320, 1)).toBeCloseTo(20 / 3, 12);
    expect(approxDeltaBound(1)).toBe(1 / 384);
    expect([LB_MIN, LB_MAX, SIZE_MIN_Q]).toEqual([0.25, 0.5, 40]);
  });

  it('agree with src/theory (noiseLimit, zLimit, MIN_Q_THEOREM43, Appendix C limit)', () => {
    for (const Q of [1, 2, 40, 904, 12345]) expect(noiseBound(Q)).toBe(noiseLimit(Q, 'v5-main'));
    for (const lb of [0.25, 0.3, 1 / 3, 0.45, 0.5]) expect(sharingBound(lb)).toBe(Math.floor(zLimit(100, lb, 'v5-main')));
    expect(SIZE_MIN_Q).toBe(MIN_Q_THEOREM43);
    for (const Z of [1, 2, 3, 4]) expect(approxDeltaBound(Z)).toBe(approximateOrthogonalityLimit(Z, 'lemmaB3'));
  });

  it('every generated configuration passes src/theory theoremConditions (v5-main)', () => {
    for (const [arb, requireSize] of [
      [validConfigArb({ scale: 'small', requireSize: true }), true],
      [validConfigArb({ scale: 'full' }), false],
      [approxConfigArb({ scale: 'small' }), false],
    ] as const) {
      for (const c of fc.sample(arb, { numRuns: 300, seed: 99 })) {
        const Z = tokenSharingZ(tokenPairs(c));
        const delta = c.concepts.kind === 'approx' ? c.concepts.delta : 0;
        const failed = theoremConditions({ K: c.K, Q: c.Q, d: c.d, v: c.v, lb: c.lb, Z, delta }, 'v5-main')
          .filter((x) => !x.holds && (requireSize || x.id !== 'size'))
          .map((x) => x.id);
        expect(failed, JSON.stringify(c)).toEqual([]);
      }
    }
  });
});

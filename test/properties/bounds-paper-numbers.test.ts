import { describe, expect, it } from 'vitest';
import { lemmaB1FirstNonVacuousQ, paperFixture, paperLemmaB1Practical } from '../../properties/bounds-paper-numbers.ts';
import { refined } from '../../scripts/goldenFormulas.ts';

const OPTS = { scale: 'small', edition: 'v5-main' } as const;

interface B1Fixture {
  Z: number;
  c: number;
  approximately: number;
  approximatelyAtK: number;
  crossings: { K: number; firstQ: number }[];
}

/** Lemma B.1's probability at the v5 noise limit v = 1/(32√Q), d = 5Q, from the 50-digit formulas. */
function goldenB1Probability(K: number, Q: number, Z: number, c: number): number {
  return refined(K, Q, 5 * Q, 1 / (32 * Math.sqrt(Q)), 0.25, Z, c, 'lemmaB3').b1Probability;
}

describe('bounds-paper-lemmaB1-practical', () => {
  const f = paperFixture<B1Fixture>('lemmaB1-practical');

  it('the fixture holds the crossings 543, 572, 600 for K = 1, 2, 4, and "about 600" is K = 4', () => {
    expect(f.crossings).toEqual([
      { K: 1, firstQ: 543 },
      { K: 2, firstQ: 572 },
      { K: 4, firstQ: 600 },
    ]);
    expect(f.approximately).toBe(600);
    expect(f.approximatelyAtK).toBe(4);
  });

  it('the 50-digit formulas agree: probability <= 0 at firstQ - 1 and > 0 at firstQ, for every K', () => {
    for (const { K, firstQ } of f.crossings) {
      expect(goldenB1Probability(K, firstQ - 1, f.Z, f.c), `K = ${K}, Q = ${firstQ - 1}`).toBeLessThanOrEqual(0);
      expect(goldenB1Probability(K, firstQ, f.Z, f.c), `K = ${K}, Q = ${firstQ}`).toBeGreaterThan(0);
    }
  });

  it('the claim checks every K and states which K the paper\'s number belongs to', () => {
    const t = paperLemmaB1Practical.check(null, OPTS) as { violated: boolean; detail: Record<string, unknown> };
    expect(t.violated).toBe(false);
    expect(t.detail['crossings']).toEqual(f.crossings);
    expect(t.detail).toMatchObject({ paperNumber: 600, paperNumberIsCrossingAtK: 4, paperNumberMatches: true });
    expect(paperLemmaB1Practical.title).toMatch(/K = 4/);
  });

  it('the float64 scan finds the same crossings', () => {
    expect([1, 2, 4].map((K) => lemmaB1FirstNonVacuousQ(K, 1, 1))).toEqual([543, 572, 600]);
  });
});

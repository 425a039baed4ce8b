/**
 * The Theorem 4.2/4.3 generators meet the conditions of the edition asked for (THEORY §8), and
 * the vacuity judgement follows that edition: the appendix/v3 noise condition v <= 1/(4√Q) is
 * wider than the main text's, v3's Z condition narrower. The non-vacuous branch draws Q across
 * the whole range where the stated failure probability falls from 1 to 1e-3.
 */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { firstNonVacuousQ, theoremConditions, noiseLimit, tokenSharingZ, trainingProbability, EDITIONS } from '../../src/theory/index.ts';
import { tokenPairs, type ClusterConfig } from '../../src/data/config.ts';
import { nonVacuousConfigArb, nonVacuousTopQ, theorem42Arb, theorem42Vacuous } from '../../properties/_internals/inputs.ts';

const conditionsOf = (c: ClusterConfig, edition: (typeof EDITIONS)[number]) =>
  theoremConditions({ K: c.K, Q: c.Q, d: c.d, v: c.v, lb: c.lb, Z: tokenSharingZ(tokenPairs(c)) }, edition).filter((x) => x.id !== 'size');

describe('edition-aware generators', () => {
  for (const edition of EDITIONS) {
    it(`meet every Theorem 4.2 condition of ${edition}`, () => {
      const configs = fc.sample(theorem42Arb({ scale: 'small', edition }), { seed: 17, numRuns: 300 });
      for (const c of configs) {
        const failed = conditionsOf(c, edition).filter((x) => !x.holds);
        expect(failed.map((x) => x.id), JSON.stringify(c)).toEqual([]);
      }
    });
  }

  it('use the wider noise range of the appendix and v3, and the vacuity judgement agrees', () => {
    const v3 = fc.sample(nonVacuousConfigArb('full', 'v3'), { seed: 3, numRuns: 200 });
    const beyondMain = v3.filter((c) => c.v > noiseLimit(c.Q, 'v5-main'));
    expect(beyondMain.length).toBeGreaterThan(50);
    for (const c of beyondMain) {
      expect(theorem42Vacuous(c, 'theorem42', 'v3').vacuous).toBe(false);
      // The same configuration breaks the v5 main text's noise condition.
      expect(theorem42Vacuous(c, 'theorem42', 'v5-main').broken).toContain('noise');
    }
  });

  it('draw Q uniformly across the non-vacuous range, reaching stated failure probabilities <= 1e-3', () => {
    const configs = fc.sample(nonVacuousConfigArb('full'), { seed: 5, numRuns: 400 });
    const q = configs.map((c) => 1 - trainingProbability(c.K, c.Q, 1).probability);
    expect(Math.min(...q)).toBeLessThanOrEqual(2e-3);
    expect(q.filter((x) => x < 0.1).length).toBeGreaterThan(100);
    for (const c of configs) expect(c.Q).toBeLessThanOrEqual(nonVacuousTopQ(c.K));
    // No small-value bias: the upper half of the Q range gets about half the draws.
    const frac = configs.map((c) => (c.Q - firstNonVacuousQ(c.K, 1)!) / (nonVacuousTopQ(c.K) - firstNonVacuousQ(c.K, 1)!));
    const upperHalf = frac.filter((f) => f > 0.5).length / frac.length;
    expect(upperHalf).toBeGreaterThan(0.35);
    expect(upperHalf).toBeLessThan(0.65);
  });
});

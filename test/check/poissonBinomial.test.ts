/**
 * The exact Poisson-binomial test behind the probability claims, and its detectable rate.
 */
import { describe, expect, it } from 'vitest';
import { binomialTest, detectableRate, poissonBinomialCritical, poissonBinomialPmf, poissonBinomialTest } from '../../src/check/statistics.ts';
import { pooledProbabilitySummary, PROBABILITY_TEST_LEVEL } from '../../properties/_internals/repeat.ts';
import type { Trial } from '../../src/check/claim.ts';

describe('Poisson-binomial', () => {
  it('has the exact pmf (small cases by hand)', () => {
    expect(Array.from(poissonBinomialPmf([0.5, 0.5]))).toEqual([0.25, 0.5, 0.25]);
    const pmf = poissonBinomialPmf([0.1, 0.2, 0.3]);
    expect(pmf[0]).toBeCloseTo(0.9 * 0.8 * 0.7, 15);
    expect(pmf[3]).toBeCloseTo(0.1 * 0.2 * 0.3, 15);
    expect(pmf[1]).toBeCloseTo(0.1 * 0.8 * 0.7 + 0.9 * 0.2 * 0.7 + 0.9 * 0.8 * 0.3, 15);
    expect(pmf.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });

  it('reduces to the binomial test when every probability is equal', () => {
    for (const [k, n, p] of [[3, 10, 0.1], [0, 30, 0.05], [12, 40, 0.2]] as const) {
      expect(poissonBinomialTest(k, Array(n).fill(p))).toBeCloseTo(binomialTest(k, n, p, 'greater'), 10);
    }
  });

  it('finds the critical count and the detectable rate exactly', () => {
    const probs = Array(40).fill(0.05);
    const c = poissonBinomialCritical(probs, 0.01)!;
    expect(poissonBinomialTest(c, probs)).toBeLessThanOrEqual(0.01);
    expect(poissonBinomialTest(c - 1, probs)).toBeGreaterThan(0.01);
    const m = detectableRate(probs, 0.01)!;
    // At m the alternative min(1, m q) rejects with probability >= 0.8, just below m it does not.
    const power = (mm: number) => poissonBinomialTest(c, probs.map((q) => Math.min(1, mm * q)));
    expect(power(m)).toBeGreaterThanOrEqual(0.8);
    expect(power(m / 1.01)).toBeLessThan(0.8);
    // More trials detect a smaller excess.
    expect(detectableRate(Array(200).fill(0.05), 0.01)!).toBeLessThan(m);
  });

  it('says when no rate is detectable (too few trials)', () => {
    expect(detectableRate([0.5, 0.5], 0.01)).toBeNull();
    expect(detectableRate([], 0.01)).toBeNull();
  });
});

describe('pooled probability summary', () => {
  const trial = (q: number, failures: number, reps = 2): Trial => ({ violated: false, detail: { statedFailure: q, failures, reps } });

  it('is held only with power: few datasets are inconclusive', () => {
    const few = pooledProbabilitySummary([trial(0.1, 0), trial(0.1, 0)]);
    expect(few.violated).toBe(false);
    expect(few.sufficient).toBe(false);
    expect(few.reason).toMatch(/too little power/);
    expect(few.fields!['detectableRate'] as number).toBeGreaterThan(3);
    expect(few.fields!['testLevel']).toBe(PROBABILITY_TEST_LEVEL);
  });

  it('holds with enough datasets and no excess, and is violated by a real excess', () => {
    const clean = pooledProbabilitySummary(Array.from({ length: 40 }, () => trial(0.1, 0)));
    expect(clean.sufficient).toBe(true);
    expect(clean.fields!['detectableRate'] as number).toBeLessThanOrEqual(3);
    const excess = pooledProbabilitySummary(Array.from({ length: 40 }, (_, i) => trial(0.02, i % 2)));
    expect(excess.violated).toBe(true);
    expect(excess.fields!['pValue'] as number).toBeLessThanOrEqual(PROBABILITY_TEST_LEVEL);
  });

  it('ignores vacuous trials', () => {
    const s = pooledProbabilitySummary([{ violated: false, vacuous: true, detail: { statedFailure: 1, failures: 2, reps: 2 } }, trial(0.1, 0)]);
    expect(s.fields!['datasets']).toBe(2);
  });
});

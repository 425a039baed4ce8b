import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { approxConfigArb, sharingPairs, SCALE_LIMITS, validConfigArb } from '../../src/data/arbitraries.ts';
import type { ValidConfigOptions } from '../../src/data/arbitraries.ts';
import { tokenPairs } from '../../src/data/config.ts';
import type { ClusterConfig } from '../../src/data/config.ts';
import { sampleDataset } from '../../src/data/sampler.ts';
import { InvalidInputError } from '../../src/theory/errors.ts';

/** Draws per option set: enough to hit each ~1/6-probability edge dozens of times. */
const DRAWS = 400;

/** Z of THEORY §3: the largest number of concepts whose token set contains one token. */
function sharingZ(pairs: Array<[number, number]>): number {
  const count = new Map<number, number>();
  for (const [p, n] of pairs) for (const t of new Set([p, n])) count.set(t, (count.get(t) ?? 0) + 1);
  return Math.max(...count.values());
}

/** Every v5 main-text condition, written out directly from the THEORY §3 table. */
function checkConditions(c: ClusterConfig, opts: ValidConfigOptions): void {
  const Z = sharingZ(tokenPairs(c));
  expect(Z).toBeLessThanOrEqual(1 / (4 * c.lb * c.lb));
  expect(c.d).toBeLessThanOrEqual(5 * c.Q);
  expect(c.d).toBeGreaterThanOrEqual(c.K + 1);
  expect(c.v).toBeGreaterThanOrEqual(0);
  expect(c.v).toBeLessThanOrEqual(1 / (32 * Math.sqrt(c.Q)));
  expect(c.lb).toBeGreaterThanOrEqual(1 / 4);
  expect(c.lb).toBeLessThanOrEqual(1 / 2);
  if (opts.requireSize) expect(c.Q).toBeGreaterThanOrEqual(40);
  const lim = SCALE_LIMITS[opts.scale];
  const N = 2 * c.K * c.Q;
  expect(N).toBeLessThanOrEqual(opts.maxN ?? lim.maxN);
  expect(N * c.d).toBeLessThanOrEqual(lim.maxEntries);
  expect(c.K).toBeLessThanOrEqual(lim.maxK);
  // Distinct token sets (THEORY §3); the schema checks it too, this guards the helper.
  const sets = tokenPairs(c).map(([p, n]) => `${Math.min(p, n)},${Math.max(p, n)}`);
  expect(new Set(sets).size).toBe(c.K);
  expect(c.departures).toEqual({ imbalance: 1, labelNoise: 0, noise: { kind: 'isotropic' }, refLogOdds: 0 });
}

interface EdgeCounts {
  vAtBound: number;
  lbMin: number;
  lbMax: number;
  dMax: number;
  dMin: number;
  zAtLimit: number;
  qAtSize: number;
  kMin: number;
  kLarge: number;
}

function countEdges(samples: ClusterConfig[]): EdgeCounts {
  const e: EdgeCounts = { vAtBound: 0, lbMin: 0, lbMax: 0, dMax: 0, dMin: 0, zAtLimit: 0, qAtSize: 0, kMin: 0, kLarge: 0 };
  for (const c of samples) {
    const Z = sharingZ(tokenPairs(c));
    if (c.v === 1 / (32 * Math.sqrt(c.Q))) e.vAtBound++;
    if (c.lb === 0.25) e.lbMin++;
    if (c.lb === 0.5) e.lbMax++;
    if (c.d === 5 * c.Q) e.dMax++;
    if (c.d === c.K + 1) e.dMin++;
    if (Z >= 2 && Z === Math.floor(1 / (4 * c.lb * c.lb))) e.zAtLimit++;
    if (c.Q === 40) e.qAtSize++;
    if (c.K === 1) e.kMin++;
    if (c.K >= 4) e.kLarge++;
  }
  return e;
}

describe('validConfigArb', () => {
  for (const opts of [
    { scale: 'small' },
    { scale: 'small', requireSize: true },
    { scale: 'full' },
    { scale: 'full', requireSize: true, allowSharing: false },
  ] as ValidConfigOptions[]) {
    it(`satisfies every condition and reaches the edges (${JSON.stringify(opts)})`, () => {
      const samples = fc.sample(validConfigArb(opts), { numRuns: DRAWS, seed: 20240806 });
      for (const c of samples) checkConditions(c, opts);
      const e = countEdges(samples);
      // Each edge has probability about 1/6 per draw (lower where it is not always reachable);
      // 15 of 400 is far below the ~67 expected and far above what chance alone would give.
      expect(e.vAtBound).toBeGreaterThan(15);
      expect(e.lbMin).toBeGreaterThan(15);
      expect(e.lbMax).toBeGreaterThan(15);
      expect(e.dMin).toBeGreaterThan(15);
      expect(e.dMax).toBeGreaterThan(15);
      expect(e.kMin).toBeGreaterThan(5);
      if (opts.scale === 'full') expect(e.kLarge).toBeGreaterThan(15);
      if (opts.allowSharing === false) expect(e.zAtLimit).toBe(0);
      else expect(e.zAtLimit).toBeGreaterThan(10);
      if (opts.requireSize) expect(e.qAtSize).toBeGreaterThan(15);
      // Spread: both small and large training sets occur.
      const Ns = samples.map((c) => 2 * c.K * c.Q);
      expect(Math.min(...Ns)).toBeLessThanOrEqual(opts.requireSize ? 80 : 4);
      expect(Math.max(...Ns)).toBeGreaterThan((opts.maxN ?? SCALE_LIMITS[opts.scale].maxN) / 2);
    });
  }

  it('small configurations sample in milliseconds and give N = 2KQ', () => {
    for (const c of fc.sample(validConfigArb({ scale: 'small' }), { numRuns: 30, seed: 1 })) {
      expect(sampleDataset(c).train.n).toBe(2 * c.K * c.Q);
    }
  });

  it('respects maxN', () => {
    for (const c of fc.sample(validConfigArb({ scale: 'full', maxN: 100 }), { numRuns: 200, seed: 2 })) {
      expect(2 * c.K * c.Q).toBeLessThanOrEqual(100);
    }
    expect(() => validConfigArb({ scale: 'small', requireSize: true, maxN: 60 })).toThrow(InvalidInputError);
  });

  it('shrinks toward the smallest configuration', () => {
    const out = fc.check(fc.property(validConfigArb({ scale: 'full' }), () => false), { seed: 7, numRuns: 10 });
    expect(out.failed).toBe(true);
    const [c] = out.counterexample as [ClusterConfig];
    expect([c.K, c.Q, c.d, c.v, c.lb, c.beta, c.tau, c.seed]).toEqual([1, 1, 2, 0, 0.25, 1, 1, 0]);
    expect(c.tokens).toEqual({ kind: 'distinct' });
    const sized = fc.check(fc.property(validConfigArb({ scale: 'small', requireSize: true }), () => false), { seed: 7, numRuns: 10 });
    expect((sized.counterexample as [ClusterConfig])[0].Q).toBe(40);
  });
});

describe('approxConfigArb', () => {
  it('δ <= min(ε v/8, 1/4) at ε = 1/(16 v (Z+2)), with δ at its bound and at 0', () => {
    const opts: ValidConfigOptions = { scale: 'small' };
    const samples = fc.sample(approxConfigArb(opts), { numRuns: DRAWS, seed: 3 });
    let atBound = 0;
    let zero = 0;
    for (const c of samples) {
      checkConditions(c, opts);
      expect(c.d).toBeGreaterThanOrEqual(3);
      if (c.concepts.kind !== 'approx') throw new Error('expected approx concepts');
      const Z = sharingZ(tokenPairs(c));
      const bound = c.v > 0 ? Math.min(((1 / (16 * c.v * (Z + 2))) * c.v) / 8, 1 / 4) : 1 / (128 * (Z + 2));
      expect(c.concepts.delta).toBeGreaterThanOrEqual(0);
      // ε v / 8 evaluated in this order can differ from 1/(128(Z+2)) by an ulp.
      expect(c.concepts.delta).toBeLessThanOrEqual(bound * (1 + 1e-15));
      expect(c.concepts.delta).toBeLessThan(0.5);
      if (c.concepts.delta === 1 / (128 * (Z + 2))) atBound++;
      if (c.concepts.delta === 0) zero++;
    }
    expect(atBound).toBeGreaterThan(15);
    expect(zero).toBeGreaterThan(15);
    for (const c of samples.slice(0, 20)) expect(sampleDataset(c).train.n).toBe(2 * c.K * c.Q);
  });
});

describe('sharingPairs', () => {
  it('has sharing number exactly Z with distinct token sets, for every Z <= K', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }).chain((K) => fc.tuple(fc.constant(K), fc.integer({ min: 1, max: K }), fc.boolean())), ([K, Z, alt]) => {
        const pairs = sharingPairs(K, Z, alt ? 'alternating' : 'chosen');
        expect(pairs.length).toBe(K);
        expect(sharingZ(pairs)).toBe(Z);
        for (const [p, n] of pairs) expect(p).not.toBe(n);
        expect(new Set(pairs.map(([p, n]) => `${Math.min(p, n)},${Math.max(p, n)}`)).size).toBe(K);
      }),
    );
    expect(sharingPairs(4, 3)).toEqual([[0, 1], [0, 2], [0, 3], [4, 5]]);
    expect(sharingPairs(3, 3, 'alternating')).toEqual([[0, 1], [2, 0], [0, 3]]);
    expect(() => sharingPairs(2, 3)).toThrow(InvalidInputError);
  });
});

import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { defineClaim, type Claim } from '../../src/check/claim.ts';
import { claimSeed, runClaim } from '../../src/check/runner.ts';

const base = {
  section: 'test',
  edition: 'all' as const,
  generator: 'integers',
  measures: 'x',
  bound: 'x < limit',
  runs: { small: 50, full: 200 },
};

/** "x < limit" over x in [0, 1000]: violated iff some x >= limit is drawn; shrinks to x = limit. */
function thresholdClaim(limit: number): Claim<{ x: number }> {
  return defineClaim({
    ...base,
    id: 'threshold',
    title: 'x stays below the limit',
    expectation: 'holds',
    arbitrary: () => fc.record({ x: fc.integer({ min: 0, max: 1000 }) }),
    check: ({ x }) => ({ violated: x >= limit, observed: x, bound: limit, slack: (limit - x) / limit }),
  });
}

describe('runClaim', () => {
  it('reports held with the exact 0-of-n Clopper–Pearson bound when nothing is violated', async () => {
    const r = await runClaim(thresholdClaim(2000), { seed: 1, runs: 60, scale: 'small' });
    expect(r.verdict).toBe('held');
    expect(r.runs).toBe(60);
    expect(r.effectiveRuns).toBe(60);
    expect(r.upperConfidence).toBeCloseTo(1 - 0.05 ** (1 / 60), 12);
    expect(r.counterexample).toBeNull();
  });

  it('reports violated and shrinks the counterexample to the boundary', async () => {
    const r = await runClaim(thresholdClaim(300), { seed: 7, runs: 200, scale: 'small' });
    expect(r.verdict).toBe('violated');
    expect(r.counterexample).not.toBeNull();
    expect(r.counterexample!.input).toEqual({ x: 300 });
    expect(r.counterexample!.trial.violated).toBe(true);
    expect(r.counterexample!.original.x).toBeGreaterThanOrEqual(300);
    // The saved path replays the shrunk value through fast-check itself.
    const replayed = fc.check(
      fc.property(thresholdClaim(300).arbitrary({ scale: 'small', edition: 'v5-main' }), (v) => v.x < 300),
      { seed: r.seed, path: r.counterexample!.path },
    );
    expect(replayed.counterexample?.[0]).toEqual({ x: 300 });
  });

  it('never calls a vacuous run held', async () => {
    const claim = defineClaim({
      ...thresholdClaim(2000),
      id: 'vac',
      check: ({ x }: { x: number }) => ({ violated: false, vacuous: true, observed: x }),
    });
    const r = await runClaim(claim, { seed: 3, runs: 20, scale: 'small' });
    expect(r.verdict).toBe('vacuous');
    expect(r.upperConfidence).toBeNull();
  });

  it('counts only non-vacuous inputs as evidence', async () => {
    const claim = defineClaim({
      ...thresholdClaim(2000),
      id: 'half',
      check: ({ x }: { x: number }) => ({ violated: false, vacuous: x % 2 === 0, slack: 1 }),
    });
    const r = await runClaim(claim, { seed: 5, runs: 100, scale: 'small' });
    expect(r.verdict).toBe('held');
    expect(r.effectiveRuns + r.vacuousRuns).toBe(100);
    expect(r.vacuousRuns).toBeGreaterThan(0);
    expect(r.upperConfidence).toBeCloseTo(1 - 0.05 ** (1 / r.effectiveRuns), 12);
  });

  it('reports measured claims as measured whatever the trials say', async () => {
    const claim = defineClaim({ ...thresholdClaim(10), id: 'm', expectation: 'measured' as const });
    const r = await runClaim(claim, { seed: 5, runs: 30, scale: 'small' });
    expect(r.verdict).toBe('measured');
    expect(r.observed).not.toBeNull();
  });

  it('is inconclusive when the generator misses a required region', async () => {
    const claim = defineClaim({
      ...thresholdClaim(2000),
      id: 'cov',
      check: ({ x }: { x: number }) => ({ violated: false, slack: 1, labels: x > 995 ? ['edge'] : [] }),
      coverage: { edge: 0.3 },
    });
    const r = await runClaim(claim, { seed: 11, runs: 200, scale: 'small' });
    expect(r.coverageOk).toBe(false);
    expect(r.verdict).toBe('inconclusive');
  });

  it('is inconclusive when too many inputs cannot be judged', async () => {
    const claim = defineClaim({
      ...thresholdClaim(2000),
      id: 'inc',
      check: ({ x }: { x: number }) => ({ violated: false, inconclusive: x % 3 === 0 }),
    });
    const r = await runClaim(claim, { seed: 2, runs: 90, scale: 'small' });
    expect(r.verdict).toBe('inconclusive');
  });

  it('gives identical results for the same seed', async () => {
    const a = await runClaim(thresholdClaim(500), { seed: 99, runs: 100, scale: 'small' });
    const b = await runClaim(thresholdClaim(500), { seed: 99, runs: 100, scale: 'small' });
    const strip = (r: typeof a) => ({ ...r, durationMs: 0 });
    expect(strip(a)).toEqual(strip(b));
  });

  it('surfaces an exception thrown by a claim instead of turning it into a verdict', async () => {
    const claim = defineClaim({
      ...thresholdClaim(2000),
      id: 'throws',
      check: ({ x }: { x: number }) => {
        if (x > 500) throw new RangeError('boom');
        return { violated: false };
      },
    });
    await expect(runClaim(claim, { seed: 4, runs: 100, scale: 'small' })).rejects.toThrow(/boom/);
  });

  it('reports the spread of configuration sizes the claim records', async () => {
    const claim = defineClaim({
      ...thresholdClaim(2000),
      id: 'sizes',
      check: ({ x }: { x: number }) => ({ violated: false, slack: 1, detail: { K: 1 + (x % 5), Q: x } }),
    });
    const r = await runClaim(claim, { seed: 8, runs: 50, scale: 'small' });
    const Qs = r.trials.map((t) => t.detail!['Q'] as number).sort((a, b) => a - b);
    expect(r.spread['Q']).toEqual({ min: Qs[0], median: Qs[24], max: Qs[49] });
    expect(r.spread['K']!.min).toBeGreaterThanOrEqual(1);
    expect(r.spread['K']!.max).toBeLessThanOrEqual(5);
    expect(r.spread['d']).toBeUndefined();
  });

  it('derives per-claim seeds that depend on the claim id and the global seed', () => {
    expect(claimSeed(1, 'a')).toBe(claimSeed(1, 'a'));
    expect(claimSeed(1, 'a')).not.toBe(claimSeed(1, 'b'));
    expect(claimSeed(1, 'a')).not.toBe(claimSeed(2, 'a'));
  });
});

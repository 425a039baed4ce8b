import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { BETA_SQUARED_RANGE, betaSquared, betaSquaredArb, makeBetaSquaredClaim } from '../../properties/beta-squared.ts';
import { ClusterConfigSchema } from '../../src/data/config.ts';

const opts = { scale: 'small', edition: 'v5-main' } as const;
const config = ClusterConfigSchema.parse({ K: 2, Q: 8, d: 6, v: 0.005, lb: 0.4, beta: 3.7, tau: 0.4, seed: 11 });

describe('beta-squared', () => {
  it('draws β and τ log-uniformly on the stated range, not pinned at 1', () => {
    const drawn = fc.sample(betaSquaredArb(opts), { seed: 5, numRuns: 200 });
    const [lo, hi] = BETA_SQUARED_RANGE;
    for (const c of drawn) {
      expect(c.beta).toBeGreaterThanOrEqual(lo);
      expect(c.beta).toBeLessThanOrEqual(hi);
      expect(c.tau).toBeGreaterThanOrEqual(lo);
      expect(c.tau).toBeLessThanOrEqual(hi);
    }
    expect(drawn.filter((c) => c.beta === 1 || c.tau === 1)).toHaveLength(0);
    expect(drawn.filter((c) => c.beta < 1).length).toBeGreaterThan(60);
    expect(drawn.filter((c) => c.beta > 1).length).toBeGreaterThan(60);
  });

  it('finds r(t; β, τ) = r(β²t/τ; 1, 1) far inside the integrator tolerance', async () => {
    const t = await betaSquared.check(config, opts);
    expect(t.violated).toBe(false);
    expect(t.slack!).toBeGreaterThan(0.9);
    expect(t.observed!).toBeLessThan(1e-12);
  });

  it('is violated by a planted wrong law s = βt/τ', async () => {
    const wrong = makeBetaSquaredClaim((t, beta, tau) => (beta * t) / tau, 'beta-linear');
    const t = await wrong.check(config, opts);
    expect(t.violated).toBe(true);
    expect(t.slack!).toBeLessThan(-1e3);
  });
});

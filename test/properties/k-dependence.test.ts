import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { K_DEPENDENCE_LIMITS, K_DEPENDENCE_MAX_K, doubledConfig, kDependence, kDependenceArb } from '../../properties/k-dependence.ts';
import { ClusterConfigSchema } from '../../src/data/config.ts';
import { sampleDataset } from '../../src/data/sampler.ts';
import { noiseLimit } from '../../src/theory/index.ts';

const opts = { scale: 'small', edition: 'v5-main' } as const;

describe('k-dependence', () => {
  it('draws pairs whose 2K twin is a valid configuration within the size caps', () => {
    for (const c of fc.sample(kDependenceArb(opts), { seed: 3, numRuns: 200 })) {
      const twin = doubledConfig(c);
      expect(c.K).toBeLessThanOrEqual(K_DEPENDENCE_MAX_K);
      expect(c.tokens.kind).toBe('distinct');
      expect(twin.d).toBeGreaterThanOrEqual(twin.K + 1);
      expect(c.d).toBeLessThanOrEqual(5 * c.Q);
      expect(c.v).toBeLessThanOrEqual(noiseLimit(c.Q, 'v5-main'));
      expect(c.lb).toBeGreaterThanOrEqual(0.25);
      expect(c.lb).toBeLessThanOrEqual(0.5);
      expect(4 * c.K * c.Q).toBeLessThanOrEqual(K_DEPENDENCE_LIMITS.small.maxN);
    }
  });

  it('the 2K training set starts with exactly the K training set (same seed, per-cluster streams)', () => {
    const c = ClusterConfigSchema.parse({ K: 2, Q: 6, d: 7, v: 0.01, lb: 0.3, seed: 9 });
    const a = sampleDataset(c).train;
    const b = sampleDataset(doubledConfig(c)).train;
    expect(b.n).toBe(2 * a.n);
    expect(Array.from(b.features.subarray(0, a.features.length))).toEqual(Array.from(a.features));
    expect(Array.from(b.chosen.subarray(0, a.n))).toEqual(Array.from(a.chosen));
  });

  it('measures the 2K/K mean-margin ratio near 1/2 at τ_1(K), test margins following', async () => {
    const c = ClusterConfigSchema.parse({ K: 3, Q: 10, d: 9, v: 0.005, lb: 0.35, beta: 2, tau: 0.5, seed: 4 });
    const t = await kDependence.check(c, opts);
    expect(t.violated).toBe(false);
    expect(t.observed!).toBeGreaterThan(0.45);
    expect(t.observed!).toBeLessThan(0.6);
    expect(t.slack).toBeCloseTo(1 - t.observed!, 15);
    expect(t.detail!['testFollowsTrain']).toBe(true);
  });
});

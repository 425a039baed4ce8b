import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import {
  K_DEPENDENCE_LIMITS,
  K_DEPENDENCE_MAX_K,
  doubledConfig,
  kDependence,
  kDependenceArb,
  makeKDependenceClaim,
  sharesAcrossTwin,
  type FlowLaw,
} from '../../properties/k-dependence.ts';
import { flowTrajectory } from '../../src/check/measure.ts';
import { ClusterConfigSchema, tokenPairs, type ClusterConfig } from '../../src/data/config.ts';
import { sharingPairs } from '../../src/data/arbitraries.ts';
import { sampleDataset } from '../../src/data/sampler.ts';
import { noiseLimit, tokenSharingZ, trainingMarginSandwich } from '../../src/theory/index.ts';

const opts = { scale: 'small', edition: 'v5-main' } as const;

/** A configuration whose K concepts share token 0 with their mirrors in the 2K twin. */
function sharedConfig(over: Partial<ClusterConfig> = {}): ClusterConfig {
  return ClusterConfigSchema.parse({
    K: 2, Q: 10, d: 7, v: noiseLimit(10, 'v5-main'), lb: 0.25, beta: 1, tau: 1, seed: 4,
    tokens: { kind: 'pairs', pairs: sharingPairs(2, 2, 'alternating') },
    ...over,
  });
}

/** max |r_twin(t) − r_K(t/2)| over the K set's samples, relative to max |r_K|: 0 when the twin is the 1/N rescaling. */
async function rescalingGap(config: ClusterConfig): Promise<number> {
  const t = trainingMarginSandwich(config.K, config.beta, config.tau).tau1;
  const small = await flowTrajectory(config, { tEnd: t / 2, gridPoints: 1, solverSteps: false });
  const twin = await flowTrajectory(doubledConfig(config), { tEnd: t, gridPoints: 1, solverSteps: false });
  const a = small.margins.at(-1)!;
  const b = twin.margins.at(-1)!;
  let gap = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    gap = Math.max(gap, Math.abs(b[i]! - a[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  return gap / scale;
}

describe('k-dependence', () => {
  it('draws pairs whose 2K twin is a valid configuration within the size caps, with token sharing in a third or more', () => {
    const sample = fc.sample(kDependenceArb(opts), { seed: 3, numRuns: 200 });
    for (const c of sample) {
      const twin = doubledConfig(c);
      expect(c.K).toBeLessThanOrEqual(K_DEPENDENCE_MAX_K);
      expect(twin.d).toBeGreaterThanOrEqual(twin.K + 1);
      expect(c.d).toBeLessThanOrEqual(5 * c.Q);
      expect(c.v).toBeLessThanOrEqual(noiseLimit(c.Q, 'v5-main'));
      expect(c.lb).toBeGreaterThanOrEqual(0.25);
      expect(c.lb).toBeLessThanOrEqual(0.5);
      expect(4 * c.K * c.Q).toBeLessThanOrEqual(K_DEPENDENCE_LIMITS.small.maxN);
      // The twin meets the Z condition of THEORY §3.
      expect(tokenSharingZ(tokenPairs(twin))).toBeLessThanOrEqual(1 / (4 * c.lb * c.lb) + 1e-12);
    }
    const shared = sample.filter(sharesAcrossTwin);
    expect(shared.length / sample.length).toBeGreaterThan(0.3);
    expect(shared.some((c) => tokenSharingZ(tokenPairs(doubledConfig(c))) === 4)).toBe(true);
  });

  it('the 2K training set starts with exactly the K training set (same seed, per-cluster streams), for both layouts', () => {
    for (const c of [ClusterConfigSchema.parse({ K: 2, Q: 6, d: 7, v: 0.01, lb: 0.3, seed: 9 }), sharedConfig({ Q: 6 })]) {
      const a = sampleDataset(c).train;
      const b = sampleDataset(doubledConfig(c)).train;
      expect(b.n).toBe(2 * a.n);
      expect(Array.from(b.features.subarray(0, a.features.length))).toEqual(Array.from(a.features));
      expect(Array.from(b.chosen.subarray(0, a.n))).toEqual(Array.from(a.chosen));
    }
  });

  it('distinct tokens: the twin is exactly the 1/N rescaling; shared tokens: the concepts interact', async () => {
    const distinct = ClusterConfigSchema.parse({ K: 2, Q: 10, d: 7, v: noiseLimit(10, 'v5-main'), lb: 0.25, seed: 4 });
    expect(await rescalingGap(distinct)).toBeLessThan(1e-7);
    expect(await rescalingGap(sharedConfig())).toBeGreaterThan(1e-3); // measured: about 2e-2
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

  it('holds with token sharing, labelled so', async () => {
    const t = await kDependence.check(sharedConfig(), opts);
    expect(t.violated).toBe(false);
    expect(t.labels).toContain('token-sharing');
    expect(t.detail!['twinZ']).toBe(4);
  });

  it('can fail: a planted law whose slopes grow with K is caught, with and without sharing', async () => {
    // Wrong law: the flow runs K² times faster, so margins grow like K instead of 1/K.
    const wrong: FlowLaw = (config, options) => flowTrajectory({ ...config, tau: config.tau / (config.K * config.K) }, options);
    const planted = makeKDependenceClaim(wrong, 'k-dependence-planted');
    for (const c of [sharedConfig(), ClusterConfigSchema.parse({ K: 2, Q: 10, d: 7, v: 0.005, lb: 0.3, seed: 4 })]) {
      const t = await planted.check(c, opts);
      expect(t.violated).toBe(true);
      expect(t.observed!).toBeGreaterThan(1);
    }
  });
});

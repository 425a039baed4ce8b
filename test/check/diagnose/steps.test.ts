/**
 * diagnose's statistics as steps: the same result run to the end at once or with turns of the
 * event loop between passes, which is what lets Ctrl-C be heard (and a second one quit) while
 * they run; the covariance product's workers are released when the steps are abandoned.
 */
import { describe, expect, it } from 'vitest';
import { identifyClusters } from '../../../src/check/diagnose/clusters.ts';
import { clusterStatistics, clusterStatisticsSteps, LANCZOS_STEPS } from '../../../src/check/diagnose/clusterStatistics.ts';
import { runStepsYielding } from '../../../src/check/interrupt.ts';
import { syntheticDataset } from './synthetic.ts';

describe('cluster statistics as steps', () => {
  const ds = syntheticDataset({ K: 2, Q: 60, d: 40, v: 0.1, lb: 0.4, seed: 9 });
  const clusters = identifyClusters(ds.train, 'synthetic');

  it('gives the same statistics at once and with the event loop turning between steps', async () => {
    let immediates = 0;
    const count = () => {
      immediates++;
      if (immediates < 10_000) setImmediate(count);
    };
    setImmediate(count);
    const stepped = await runStepsYielding(clusterStatisticsSteps(ds.train, clusters, 5, 1));
    // The event loop ran between the passes and the Lanczos products.
    expect(immediates).toBeGreaterThanOrEqual(Math.min(LANCZOS_STEPS, 30));
    expect(stepped).toEqual(clusterStatistics(ds.train, clusters, 5, 0));
  });

  it('releases the product workers when abandoned midway', async () => {
    const steps = clusterStatisticsSteps(ds.train, clusters, 5, 2);
    for (let i = 0; i < 6; i++) steps.next(); // into the Lanczos products
    const r = steps.return(undefined as never);
    expect(r.done).toBe(true);
    expect(steps.next().done).toBe(true);
    // A second run with workers still works (the first one's threads were terminated, not leaked).
    const again = await runStepsYielding(clusterStatisticsSteps(ds.train, clusters, 5, 2));
    expect(again.spectrum.steps).toBeGreaterThan(0);
  });
});

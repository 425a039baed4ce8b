/**
 * Library code asks for a tfjs backend by name and gets it: `simulate(…, { backend: 'cpu' })`
 * registers the tensor backends on first use (nothing here imports tensorSimBackend.ts or calls
 * registerTensorBackends, as the CLI used to have to).
 */
import { describe, expect, it } from 'vitest';
import { ClusterConfigSchema } from '../../../src/data/config.ts';
import { sampleDataset } from '../../../src/data/sampler.ts';
import { simulate, listBackends } from '../../../src/sim/index.ts';
import { noiseLimit, trainingMarginSandwich } from '../../../src/theory/index.ts';

describe('tensor backends from library code', () => {
  it('simulate with backend cpu works without registering anything first', async () => {
    expect(listBackends()).not.toContain('cpu');
    const config = ClusterConfigSchema.parse({ K: 2, Q: 10, d: 4, lb: 0.5, v: noiseLimit(10, 'v5-main'), seed: 3 });
    const tEnd = trainingMarginSandwich(2, 1, 1).tau1;
    const result = await simulate(sampleDataset(config), { beta: 1, tEnd, backend: 'cpu', rtol: 1e-5 });
    expect(result.backend).toBe('cpu');
    expect(listBackends()).toContain('cpu');
  });

  it('an unknown backend name is still an input error naming the registered ones', async () => {
    const config = ClusterConfigSchema.parse({ K: 1, Q: 4, d: 2, lb: 0.5, v: noiseLimit(4, 'v5-main'), seed: 1 });
    await expect(simulate(sampleDataset(config), { beta: 1, tEnd: 1, backend: 'gpu' })).rejects.toThrow(/unknown backend 'gpu'/);
  });
});

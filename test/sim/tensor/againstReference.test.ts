/**
 * The tensor backends behind the reference simulator's public API (`simulate` with
 * `backend: 'cpu' | 'wasm' | 'webgpu'`): the same integrators, with the float32 fused evaluation, agree with
 * `backend: 'reference'` within the float32 tolerance of `float64.ts`.
 */
import { describe, expect, test } from 'vitest';
import { activeRows } from '../../../src/sim/backend.ts';
import { marginsOf } from '../../../src/sim/metrics.ts';
import { simulate } from '../../../src/sim/simulate.ts';
import { registerTensorBackends } from '../../../src/sim/tensor/tensorSimBackend.ts';
import { BACKENDS_UNDER_TEST } from './backendsUnderTest.ts';
import { descent64, disagreements, randomPreferenceSet } from './float64.ts';

registerTensorBackends();

describe.each(BACKENDS_UNDER_TEST)('simulate --backend %s vs --backend reference', (backend) => {
  const train = randomPreferenceSet(`vs-ref-${backend}`, 30, 5, 8, 0.5);
  const dataset = { train, vocab: 8 };
  const rows = activeRows(train);

  test('gradient descent: final margins within the accumulated float32 tolerance', async () => {
    const opts = { beta: 1, tau: 2, tEnd: 15, optimizer: 'gd', trlRewards: false } as const;
    const [ref, ten] = await Promise.all([simulate(dataset, opts), simulate(dataset, { ...opts, backend })]);
    expect(ten.backend).toBe(backend);
    const bound = descent64(train, rows, opts.beta, opts.tEnd, 1 / opts.tau);
    const rRef = marginsOf(train, ten.rows, ref.deltaW, opts.beta);
    const rTen = marginsOf(train, ten.rows, ten.deltaW, opts.beta);
    expect(disagreements(rRef, bound.margins, bound.tolerance.map(() => 1e-12))).toEqual([]);
    expect(disagreements(rTen, rRef, bound.tolerance)).toEqual([]);
    expect(ten.train.min).toBeGreaterThan(ref.train.min - Math.max(...bound.tolerance));
  });

  // Skipped on webgpu (SwiftShader is slow; the gd case already runs it through simulate()).
  test.skipIf(backend === 'webgpu')('gradient flow (DOPRI5 on a float32 right-hand side, rtol 1e-5): margins agree to the integrator tolerance', async () => {
    // Ours: a float32 right-hand side is noisy at ~1e-7 relative, so the step controller needs a
    // tolerance well above that; 1e-5 keeps DOPRI5 from chasing rounding noise.
    const opts = { beta: 1, tau: 1, tEnd: 3, optimizer: 'flow', rtol: 1e-5, atol: 1e-8, trlRewards: false } as const;
    const [ref, ten] = await Promise.all([simulate(dataset, opts), simulate(dataset, { ...opts, backend })]);
    const rRef = marginsOf(train, ref.rows, ref.deltaW, opts.beta);
    const rTen = marginsOf(train, ten.rows, ten.deltaW, opts.beta);
    // Both solve the same ODE to rtol 1e-5 of margins of size O(1); allow 10 rtol of the largest margin
    // plus both integrators' own error estimates.
    const scale = Math.max(...rRef.map(Math.abs));
    const tol = 10 * opts.rtol * scale + ref.errorEstimate + ten.errorEstimate;
    expect(disagreements(rTen, rRef, rTen.map(() => tol))).toEqual([]);
    expect(scale).toBeGreaterThan(0.1);
  });
});

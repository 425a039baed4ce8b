import { describe, expect, test } from 'vitest';
import { activeRows } from '../../../src/sim/backend.ts';
import { loadTensorBackend } from '../../../src/sim/tensor/registry.ts';
import { createTensorSimBackend } from '../../../src/sim/tensor/tensorSimBackend.ts';
import { runBatchedDescent } from '../../../src/sim/tensor/batchedDescent.ts';
import { BACKENDS_UNDER_TEST } from './backendsUnderTest.ts';
import { descent64, disagreements, evaluate64, randomArray, randomPreferenceSet } from './float64.ts';

describe.each(BACKENDS_UNDER_TEST)('tensor SimBackend on %s', (name) => {
  test('fused evaluation agrees with float64 within the scaled float32 tolerance', async () => {
    const cases = [['a', 'dpo', 1, 0.5], ['b', 'ipo', 0.3, 2], ['c', 'dpo', 10, 0.1]] as const;
    // WebGPU on SwiftShader starts a worker thread per backend (~1 s): one case keeps the suite fast.
    for (const [seed, loss, beta, dwScale] of name === 'webgpu' ? cases.slice(0, 1) : cases) {
      const data = randomPreferenceSet(`sparse-${seed}`, 40, 7, 9);
      const rows = activeRows(data);
      const deltaW = randomArray(`dw-${seed}`, rows.tokens.length * data.d, dwScale);
      const ref = evaluate64(data, rows, deltaW, beta, loss);
      const be = await createTensorSimBackend({ data, rows }, name);
      expect(be.runtime.tf.getBackend()).toBe(be.runtime.tfBackend);
      const margins = new Float64Array(data.n);
      const direction = new Float64Array(rows.tokens.length * data.d);
      await be.evaluateAsync(deltaW, { loss, beta }, margins, direction);
      expect(disagreements(margins, ref.margins, ref.marginTolerance)).toEqual([]);
      expect(disagreements(direction, ref.direction, ref.directionTolerance)).toEqual([]);
      const only = new Float64Array(data.n);
      await be.marginsAsync(deltaW, beta, only);
      expect(Array.from(only)).toEqual(Array.from(margins));
      // The synchronous interface the integrators use (on webgpu through the worker thread).
      const m2 = new Float64Array(data.n);
      const d2 = new Float64Array(direction.length);
      be.evaluate(deltaW, { loss, beta }, m2, d2);
      if (name === 'webgpu') {
        // WebGPU's ScatterNd accumulates with atomics: the summation order, hence the last bits,
        // may change from call to call. Still within the float32 tolerance.
        expect(disagreements(d2, ref.direction, ref.directionTolerance)).toEqual([]);
        expect(disagreements(m2, ref.margins, ref.marginTolerance)).toEqual([]);
      } else {
        // cpu and wasm are deterministic: the same call gives the same bits.
        expect(Array.from(m2)).toEqual(Array.from(margins));
        expect(Array.from(d2)).toEqual(Array.from(direction));
      }
      be.margins(deltaW, beta, m2);
      expect(disagreements(m2, ref.margins, ref.marginTolerance)).toEqual([]);
      be.dispose();
    }
  });

  test('the tolerance is tight enough to catch a wrong kernel (a margin off by one ulp-scale term is flagged)', () => {
    const data = randomPreferenceSet('tight', 10, 5, 6);
    const rows = activeRows(data);
    const deltaW = randomArray('tight-dw', rows.tokens.length * data.d, 1);
    const ref = evaluate64(data, rows, deltaW, 1, 'dpo');
    // Dropping one feature coordinate's contribution is a plausible kernel bug; it must not pass.
    const wrong = Float64Array.from(ref.margins, (r, i) => r - (deltaW[rows.chosenRow[i]! * data.d]! - deltaW[rows.rejectedRow[i]! * data.d]!) * data.features[i * data.d]!);
    expect(disagreements(wrong, ref.margins, ref.marginTolerance).length).toBeGreaterThan(5);
  });

  // On webgpu the tensors live in the worker thread, out of reach of this thread's tf.memory().
  test.skipIf(name === 'webgpu')('no tensors leak across evaluations, β changes and dispose', async () => {
    const data = randomPreferenceSet('leak', 12, 3, 5);
    const rows = activeRows(data);
    const rt = await loadTensorBackend(name);
    const before = rt.tf.memory().numTensors;
    const be = await createTensorSimBackend({ data, rows }, name);
    const dw = randomArray('leak-dw', rows.tokens.length * data.d, 1);
    const m = new Float64Array(data.n);
    const g = new Float64Array(dw.length);
    await be.evaluateAsync(dw, { loss: 'dpo', beta: 1 }, m, g);
    const live = rt.tf.memory().numTensors;
    for (let k = 0; k < 5; k++) await be.evaluateAsync(dw, { loss: k % 2 ? 'ipo' : 'dpo', beta: 1 + k }, m, g);
    await be.evaluateAsync(dw, { loss: 'slic', beta: 1, slicMask: new Uint8Array(data.n).fill(1) }, m, g);
    expect(rt.tf.memory().numTensors).toBe(live);
    be.dispose();
    be.dispose();
    expect(rt.tf.memory().numTensors).toBe(before);
  });

  test('batched descent: B stacked problems (different N, d, β) follow their own float64 trajectories', async () => {
    const problems = [
      { data: randomPreferenceSet('batch-0', 16, 4, 6, 0.5), beta: 1 },
      { data: randomPreferenceSet('batch-1', 9, 6, 4, 0.5), beta: 0.5 },
      { data: randomPreferenceSet('batch-2', 25, 3, 8, 0.5), beta: 2 },
    ];
    const steps = 20;
    const stepSize = 0.5;
    const rt = await loadTensorBackend(name);
    const before = rt.tf.memory().numTensors;
    const out = await runBatchedDescent(rt, problems, { loss: 'dpo', steps, stepSize, recordEvery: 10 });
    expect(rt.tf.memory().numTensors).toBe(before);
    problems.forEach((p, b) => {
      const ref = descent64(p.data, activeRows(p.data), p.beta, steps, stepSize);
      const e = { margins: ref.margins };
      const tolR = ref.tolerance;
      expect(out[b]!.recordedSteps).toEqual([10, 20]);
      expect(disagreements(out[b]!.margins.at(-1)!, e.margins, tolR)).toEqual([]);
      expect(out[b]!.deltaW.length).toBe(ref.deltaW.length);
      // The margins moved: the check is not comparing zeros.
      expect(Math.max(...e.margins.map(Math.abs))).toBeGreaterThan(0.1);
    });
  });
});

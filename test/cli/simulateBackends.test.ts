/**
 * Acceptance: `dpocheck simulate --backend wasm|cpu|webgpu ...` agrees with
 * `--backend reference` on the same data within the documented float32 tolerance (derived per
 * margin in test/sim/tensor/float64.ts: the float32 error of every step, accumulated).
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { bufferIO } from '../../src/cli/io.ts';
import { loadDataset } from '../../src/data/datasetFile.ts';
import { activeRows } from '../../src/sim/backend.ts';
import { descent64 } from '../sim/tensor/float64.ts';
import { BACKENDS_UNDER_TEST } from '../sim/tensor/backendsUnderTest.ts';

const DATA = 'fixtures/simulate/gaussian_f64.npz';
const STEPS = 10;
const TAU = 2;

async function margins(backend: string): Promise<{ margins: number[]; backend: string }> {
  const io = bufferIO();
  const code = await main(
    ['simulate', '--data', DATA, '--beta', '1', '--lr', String(1 / TAU), '--t-end', String(STEPS), '--optimizer', 'gd', '--full', '--json', '--workers', '0', '--backend', backend],
    io,
  );
  expect(code, io.stderr.join('')).toBe(0);
  const doc = JSON.parse(io.stdout.join('')) as { backend: string; train: { margins: number[] } };
  return { margins: doc.train.margins, backend: doc.backend };
}

describe.each(BACKENDS_UNDER_TEST)('dpocheck simulate --backend %s', (backend) => {
  it('agrees with --backend reference within the float32 tolerance', async () => {
    const ref = await margins('reference');
    const ten = await margins(backend);
    expect(ten.backend).toBe(backend);
    const train = loadDataset(DATA).train;
    const bound = descent64(train, activeRows(train), 1, STEPS, 1 / TAU);
    expect(ten.margins).toHaveLength(ref.margins.length);
    const bad = ref.margins.flatMap((r, i) => (Math.abs(ten.margins[i]! - r) <= bound.tolerance[i]! ? [] : [i]));
    expect(bad).toEqual([]);
    // Not trivially equal: float32 must differ from float64 somewhere, or the backend is not float32.
    expect(ref.margins.some((r, i) => r !== ten.margins[i])).toBe(true);
  });
});

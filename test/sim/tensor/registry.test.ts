import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../../src/theory/errors.ts';
import {
  TFJS_NODE_GPU_MISSING, autoOrder, optionalPackageMissing, listBackends, loadTensorBackend, resolveTensorBackend,
} from '../../../src/sim/tensor/registry.ts';
import { REQUIRE_WEBGPU, WASM_INSTALLED, webgpuProbe } from './backendsUnderTest.ts';

describe('tensor backend registry', () => {
  test('listBackends: reference, wasm and cpu available; tfjs-node-gpu unavailable with the reason', async () => {
    const rows = await listBackends();
    expect(rows.map((r) => r.name)).toEqual(['reference', 'tfjs-node-gpu', 'webgpu', 'wasm', 'cpu']);
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(by['reference']).toMatchObject({ available: true, precision: 'float64' });
    // wasm is an optional dependency: available exactly when installed, else the reason says so.
    expect(by['wasm']).toMatchObject(WASM_INSTALLED
      ? { available: true, precision: 'float32' }
      : { available: false, precision: 'float32', reason: optionalPackageMissing('@tensorflow/tfjs-backend-wasm') });
    expect(by['cpu']).toMatchObject({ available: true, precision: 'float32' });
    expect(by['tfjs-node-gpu']).toMatchObject({ available: false, reason: TFJS_NODE_GPU_MISSING });
    expect(by['webgpu']!.available).toBe(webgpuProbe.ok);
    if (!webgpuProbe.ok) expect(by['webgpu']!.reason).toMatch(/adapter|webgpu/i);
    else expect(by['webgpu']!.adapter).toBeDefined();
  });

  test.each(WASM_INSTALLED ? (['cpu', 'wasm'] as const) : (['cpu'] as const))('%s: tfjs really runs on the backend requested', async (name) => {
    const rt = await loadTensorBackend(name);
    await rt.activate();
    expect(rt.tf.getBackend()).toBe(name);
    const sum = rt.tf.tidy(() => rt.tf.sum(rt.tf.tensor1d([1, 2, 3.5])).dataSync()[0]);
    expect(sum).toBe(6.5);
  });

  test('tfjs-node-gpu: requesting it throws InvalidInputError naming the missing package', async () => {
    const err = await loadTensorBackend('tfjs-node-gpu').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).field).toBe('backend');
    expect((err as Error).message).toContain(TFJS_NODE_GPU_MISSING);
  });

  test('webgpu is available when CI requires it', () => {
    if (!REQUIRE_WEBGPU) return;
    expect(webgpuProbe.ok, webgpuProbe.ok ? '' : webgpuProbe.reason).toBe(true);
  });

  test.skipIf(!webgpuProbe.ok && !REQUIRE_WEBGPU)('webgpu: tfjs runs on webgpu, not a silent cpu fallback', async () => {
    const rt = await loadTensorBackend('webgpu');
    await rt.activate();
    expect(rt.tf.getBackend()).toBe('webgpu');
    const t = rt.tf.tensor1d([1, 2, 3.5]);
    const s = rt.tf.sum(t);
    expect((await s.data())[0]).toBe(6.5);
    t.dispose(); s.dispose();
  });

  test('auto: never picks a software WebGPU adapter over wasm; hardware WebGPU comes before wasm', async () => {
    const soft = { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader', software: true };
    const hard = { ...soft, architecture: 'ampere', description: 'NVIDIA', software: false };
    expect(autoOrder(undefined)).toEqual(['tfjs-node-gpu', 'wasm', 'webgpu', 'cpu']);
    expect(autoOrder(soft)).toEqual(['tfjs-node-gpu', 'wasm', 'webgpu', 'cpu']);
    expect(autoOrder(hard)).toEqual(['tfjs-node-gpu', 'webgpu', 'wasm', 'cpu']);
    const rt = await resolveTensorBackend('auto');
    const expected = webgpuProbe.ok && !webgpuProbe.adapter.software ? 'webgpu' : WASM_INSTALLED ? 'wasm' : webgpuProbe.ok ? 'webgpu' : 'cpu';
    expect(rt.name).toBe(expected);
    expect(rt.tf.getBackend()).toBe(rt.tfBackend);
  });

  test('unknown backend names are rejected as input errors', () => {
    expect(() => loadTensorBackend('gpu' as never)).toThrow(InvalidInputError);
  });
});

import { describe, expect, it } from 'vitest';
import { sharedFloat64, sharedMemoryOf } from '../../src/data/sharedMemory.ts';
import { KernelMemory } from '../../src/sim/kernelMemory.ts';
import { activeRows } from '../../src/sim/backend.ts';
import { createReferenceBackend } from '../../src/sim/referenceBackend.ts';
import { ClusterConfigSchema } from '../../src/data/config.ts';
import { sampleDataset } from '../../src/data/sampler.ts';

describe('the kernel memory of a backend', () => {
  it('uses features in a shared memory in place and lays its buffers out after them, 16-byte aligned', () => {
    const features = sharedFloat64(30, 'f');
    features[29] = 5;
    const mem = new KernelMemory<'a' | 'b'>(features, { a: 3, b: 40 });
    expect(mem.copied).toBe(false);
    expect(mem.memory).toBe(sharedMemoryOf(features.buffer));
    expect(mem.features).toBe(features.byteOffset);
    expect(mem.at.a).toBeGreaterThanOrEqual(features.byteLength);
    expect(mem.at.a % 16).toBe(0);
    expect(mem.at.b - mem.at.a).toBe(16);
    mem.f64('b', 5).fill(1);
    expect(features[29]).toBe(5);
    mem.release();
  });

  it('copies other arrays once into a memory of its own, keeping float32 storage', () => {
    const features = Float32Array.from([1.5, -2, 3.25]);
    const mem = new KernelMemory<'a'>(features, { a: 8 });
    expect(mem.copied).toBe(true);
    expect(mem.f32).toBe(true);
    expect(Array.from(new Float32Array(mem.memory.buffer, mem.features, 3))).toEqual([1.5, -2, 3.25]);
  });

  it('gives a disposed backend\'s region to the next one, so backend after backend does not grow the memory', async () => {
    const ds = sampleDataset(ClusterConfigSchema.parse({ K: 2, Q: 20, d: 8, v: 0.01, lb: 0.5, seed: 3 }));
    const problem = { data: ds.train, rows: activeRows(ds.train) };
    const memory = sharedMemoryOf(ds.train.features.buffer)!;
    (await createReferenceBackend(problem, { workers: 0 })).dispose();
    const size = memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) (await createReferenceBackend(problem, { workers: 0 })).dispose();
    expect(memory.buffer.byteLength).toBe(size);
    // Two at once need two regions; both are reused afterwards.
    const a = await createReferenceBackend(problem, { workers: 0 });
    const b = await createReferenceBackend(problem, { workers: 0 });
    const two = memory.buffer.byteLength;
    expect(two).toBeGreaterThan(size);
    a.dispose();
    b.dispose();
    for (let i = 0; i < 5; i++) (await createReferenceBackend(problem, { workers: 0 })).dispose();
    expect(memory.buffer.byteLength).toBe(two);
  });
});

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
    // Features in a shared memory of their own, as loadDataset and the sampler give large ones.
    const features = sharedFloat64(ds.train.features.length, 'features');
    features.set(ds.train.features);
    const data = { ...ds.train, features };
    const problem = { data, rows: activeRows(data) };
    const memory = sharedMemoryOf(features.buffer)!;
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

  it('keeps the memories of copies in a pool: one memory serves backend after backend over plain arrays', async () => {
    const ds = sampleDataset(ClusterConfigSchema.parse({ K: 2, Q: 20, d: 8, v: 0.01, lb: 0.5, seed: 4 }));
    const problem = { data: ds.train, rows: activeRows(ds.train) };
    const seen = new Set<unknown>();
    for (let i = 0; i < 10; i++) {
      const mem = new KernelMemory<'a'>(ds.train.features, { a: 64 });
      expect(mem.copied).toBe(true);
      seen.add(mem.memory);
      mem.release();
    }
    expect(seen.size).toBe(1);
    // Two alive at once take two memories; a simulation in between reuses one of them.
    const a = new KernelMemory<'a'>(ds.train.features, { a: 64 });
    const b = new KernelMemory<'a'>(ds.train.features, { a: 64 });
    expect(a.memory).not.toBe(b.memory);
    a.release();
    const be = await createReferenceBackend(problem, { workers: 0 });
    be.dispose();
    b.release();
    const c = new KernelMemory<'a'>(ds.train.features, { a: 64 });
    expect([a.memory, b.memory]).toContain(c.memory);
    c.release();
  });
});

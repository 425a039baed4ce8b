import { describe, expect, it } from 'vitest';
import { allocateShared, IN_PLACE_MIN_BYTES, sharedFloat64, sharedMemoryOf, newSharedMemory, SHARED_MEMORY_MAX_BYTES, WASM_PAGE_BYTES } from '../../src/data/sharedMemory.ts';
import { InvalidInputError } from '../../src/theory/errors.ts';
import { ClusterConfigSchema } from '../../src/data/config.ts';
import { sampleDataset } from '../../src/data/sampler.ts';

describe('shared WebAssembly memory for features', () => {
  it('hands out zeroed, page-rounded shared buffers whose memory it can find again', () => {
    const buffer = allocateShared(10, 'x');
    expect(buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(buffer.byteLength).toBe(WASM_PAGE_BYTES);
    expect(new Uint8Array(buffer).every((b) => b === 0)).toBe(true);
    const memory = sharedMemoryOf(buffer);
    expect(memory?.buffer).toBe(buffer);
    expect(sharedMemoryOf(new SharedArrayBuffer(8))).toBeUndefined();
    expect(sharedMemoryOf(new ArrayBuffer(8))).toBeUndefined();
  });

  it('keeps old views valid and mapped when the memory grows', () => {
    const a = sharedFloat64(3, 'a');
    a[2] = 7;
    const memory = sharedMemoryOf(a.buffer)!;
    memory.grow(1);
    expect(memory.buffer.byteLength).toBe(2 * WASM_PAGE_BYTES);
    expect(new Float64Array(memory.buffer, 0, 3)[2]).toBe(7);
    expect(sharedMemoryOf(a.buffer)).toBe(memory);
  });

  it('refuses more than 4 GiB with an input error naming the array', () => {
    expect(() => newSharedMemory(SHARED_MEMORY_MAX_BYTES + 1, 'features')).toThrow(InvalidInputError);
    expect(() => newSharedMemory(SHARED_MEMORY_MAX_BYTES + 1, 'features')).toThrow(/features.*4 GiB/);
  });

  it('is where the sampler puts large training features (small ones and test sets stay plain arrays)', () => {
    const small = sampleDataset(ClusterConfigSchema.parse({ K: 2, Q: 3, d: 4, v: 0.01, lb: 0.5, seed: 1 }), { testSize: 10 });
    expect(sharedMemoryOf(small.train.features.buffer)).toBeUndefined();
    // N·d·8 = 2·1·512·2048·8 bytes = 16 MiB: the threshold.
    const large = sampleDataset(ClusterConfigSchema.parse({ K: 1, Q: 512, d: 2048, v: 0.01, lb: 0.5, seed: 1 }), { testSize: 10 });
    expect(large.train.features.byteLength).toBe(IN_PLACE_MIN_BYTES);
    expect(sharedMemoryOf(large.train.features.buffer)).toBeDefined();
    expect(sharedMemoryOf(large.test!.features.buffer)).toBeUndefined();
  });
});

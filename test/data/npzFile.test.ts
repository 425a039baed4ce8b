import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, parseNpzDataset } from '../../src/data/datasetFile.ts';
import { encodeNpy, readNpz, readNpzBytes, readNpzFile, writeNpz } from '../../src/data/npz.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/data');
const tmp = mkdtempSync(join(tmpdir(), 'dpocheck-npzfile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Features [[0, 0.5, -1], [2, 0.25, 3]] and tokens, as np.savez / np.savez_compressed would write them. */
function archive(features: Float64Array | Float32Array, compressed: boolean, fortran = false): Uint8Array {
  let npy = encodeNpy(features, [2, 3]);
  if (fortran) {
    const t = features instanceof Float32Array ? new Float32Array(6) : new Float64Array(6);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) t[j * 2 + i] = features[i * 3 + j]!;
    npy = encodeNpy(t, [2, 3]);
    const text = Buffer.from(npy).toString('latin1').replace("'fortran_order': False", "'fortran_order': True ");
    npy = Uint8Array.from(Buffer.from(text, 'latin1'));
  }
  return writeNpz(new Map([
    ['features', npy],
    ['chosen', encodeNpy(new Int32Array([0, 2]), [2])],
    ['rejected', encodeNpy(new Int32Array([1, 3]), [2])],
  ]), compressed);
}
const VALUES = [0, 0.5, -1, 2, 0.25, 3];

describe('readNpzFile / loadDataset (.npz read by offset into the final array)', () => {
  it.each([
    ['stored', false, false], ['deflated', true, false], ['stored Fortran-order', false, true],
  ])('keeps float32 features as Float32Array and float64 as Float64Array (%s)', (_name, compressed, fortran) => {
    for (const Type of [Float32Array, Float64Array]) {
      const path = join(tmp, `x-${String(compressed)}-${String(fortran)}-${Type.name}.npz`);
      writeFileSync(path, archive(Type.from(VALUES), compressed, fortran));
      const ds = loadDataset(path);
      expect(ds.train.features).toBeInstanceOf(Type);
      expect(Array.from(ds.train.features)).toEqual(VALUES);
      expect(Array.from(ds.train.chosen)).toEqual([0, 2]);
      // Stored C-order members land in shared memory, which the backend's workers use in place.
      if (!compressed && !fortran) expect(ds.train.features.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
  });

  it('reads every fixture exactly as the in-memory reader does, and fails with the same message', () => {
    const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.npz'));
    expect(names.length).toBeGreaterThan(10);
    const outcome = (f: () => unknown): unknown => {
      try {
        return f();
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (const name of names) {
      const path = join(FIXTURES, name);
      const fromFile = outcome(() => loadDataset(path));
      const fromBytes = outcome(() => parseNpzDataset(readFileSync(path), path));
      if (typeof fromFile === 'string') expect(fromBytes).toBe(fromFile);
      else expect(JSON.stringify(fromFile, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v))).toBe(JSON.stringify(fromBytes, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)));
      // The widening reader agrees value for value.
      const widened = outcome(() => readNpz(readFileSync(path), path, ['features']).get('features')?.values);
      const kept = outcome(() => readNpzFile(path, ['features']).get('features')?.values);
      if (widened instanceof Float64Array) expect(Array.from(kept as Float64Array)).toEqual(Array.from(widened));
    }
  });

  it('detects a flipped data byte of a stored member by CRC-32, and a truncated file', () => {
    const bytes = archive(Float64Array.from(VALUES), false);
    const npy = encodeNpy(Float64Array.from(VALUES), [2, 3]);
    const at = Buffer.from(bytes).indexOf(Buffer.from(npy)) + npy.length - 3;
    const bad = bytes.slice();
    bad[at] ^= 0x10;
    const path = join(tmp, 'flipped.npz');
    writeFileSync(path, bad);
    expect(() => readNpzFile(path, ['features'])).toThrow(/flipped\.npz\[features\.npy\]: CRC-32 mismatch/);
    expect(readNpzFile(path, ['chosen']).get('chosen')!.values.length).toBe(2);
    writeFileSync(path, bytes.subarray(0, bytes.length - 30));
    expect(() => readNpzFile(path, ['features'])).toThrow(/flipped\.npz: /);
    expect(() => readNpzFile(join(tmp, 'missing.npz'), ['features'])).toThrow(/missing\.npz: cannot read file \(ENOENT\)/);
    expect(() => readNpzFile(tmp, ['features'])).toThrow(/cannot read file \(EISDIR\)|not a zip archive/);
  });

  it('readNpzBytes keeps float32 too; readNpz and parseNpy still widen to float64', () => {
    const zip = archive(Float32Array.from(VALUES), true);
    expect(readNpzBytes(zip, 'a.npz', ['features']).get('features')!.values).toBeInstanceOf(Float32Array);
    expect(readNpz(zip, 'a.npz', ['features']).get('features')!.values).toBeInstanceOf(Float64Array);
  });
});

describe('large deflated members (inflated by a worker thread streaming from the file)', () => {
  it('gives the same arrays as the in-memory inflate, in shared memory, and still detects corruption', async () => {
    const { setWorkerInflateMinBytes } = await import('../../src/data/npz.ts');
    const previous = setWorkerInflateMinBytes(1);
    try {
      for (const Type of [Float32Array, Float64Array]) {
        const path = join(tmp, `big-${Type.name}.npz`);
        const bytes = archive(Type.from(VALUES), true);
        writeFileSync(path, bytes);
        const ds = loadDataset(path);
        expect(ds.train.features).toBeInstanceOf(Type);
        expect(ds.train.features.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(Array.from(ds.train.features)).toEqual(VALUES);
        expect(Array.from(ds.train.rejected)).toEqual([1, 3]);
        // Flip a bit inside the compressed features: the worker's inflate or its CRC catches it.
        const bad = bytes.slice();
        const npyStart = Buffer.from(bytes).indexOf(Buffer.from('features.npy')) + 'features.npy'.length;
        bad[npyStart + 40] ^= 0x04;
        writeFileSync(path, bad);
        expect(() => loadDataset(path)).toThrow(/big-\w+\.npz\[features\.npy\]: (CRC-32 mismatch|corrupt deflate stream)/);
      }
    } finally {
      setWorkerInflateMinBytes(previous);
    }
  });
});

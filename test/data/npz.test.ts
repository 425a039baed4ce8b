import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy, readNpz, writeNpz } from '../../src/data/npz.ts';
import { InvalidInputError } from '../../src/theory/errors.ts';

/** Builds a .npy file by hand: header text (padded to 64 bytes like numpy) and raw data. */
function npy(dict: string, data: Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const unpadded = pre + dict.length + 1;
  const total = Math.ceil(unpadded / 64) * 64;
  const header = dict + ' '.repeat(total - unpadded) + '\n';
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, header.length, true);
  else dv.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(data, total);
  return out;
}

const f8 = (...xs: number[]) => new Uint8Array(new Float64Array(xs).buffer);
const throwsInvalid = (f: () => unknown, re: RegExp) => {
  expect(f).toThrow(InvalidInputError);
  expect(f).toThrow(re);
};

describe('encodeNpy / parseNpy', () => {
  it('round-trips every writable dtype and writes numpy-style headers', () => {
    const cases = [
      [new Float64Array([1.5, -2, Math.PI, 1e-300, -0, 7]), [2, 3], '<f8'],
      [new Float32Array([0.25, -1, 3]), [3], '<f4'],
      [new Int32Array([-5, 0, 2 ** 31 - 1, 4]), [4], '<i4'],
      [new BigInt64Array([1n, -2n, 2n ** 40n]), [3, 1], '<i8'],
      [new Float64Array(0), [0, 4], '<f8'],
    ] as const;
    for (const [values, shape, descr] of cases) {
      const bytes = encodeNpy(values, shape);
      expect((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64).toBe(0);
      const text = new TextDecoder('latin1').decode(bytes.subarray(10, 80));
      expect(text.startsWith(`{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.length === 1 ? `${shape[0]},` : shape.join(', ')}), }`)).toBe(true);
      const a = parseNpy(bytes, 'x');
      expect(a.descr).toBe(descr);
      expect(a.shape).toEqual(shape);
      expect(Array.from(a.values)).toEqual(Array.from(values, Number));
    }
  });

  it('reads versions 2.0 and 3.0 and double-quoted keys', () => {
    const dict = `{"descr": "<f8", "fortran_order": False, "shape": (2,)}`;
    for (const v of [2, 3]) expect(Array.from(parseNpy(npy(dict, f8(1, 2), v), 'x').values)).toEqual([1, 2]);
  });

  it('transposes Fortran-order arrays of rank 2 and 3 into C order', () => {
    // C-order [[0,1,2],[3,4,5]] stored column-major is 0,3,1,4,2,5.
    const a = parseNpy(npy(`{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }`, f8(0, 3, 1, 4, 2, 5)), 'x');
    expect(Array.from(a.values)).toEqual([0, 1, 2, 3, 4, 5]);
    // Shape (2,2,2): element (i,j,k) has Fortran offset i + 2j + 4k; value = C offset 4i+2j+k.
    const fortran = new Float64Array(8);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) fortran[i + 2 * j + 4 * k] = 4 * i + 2 * j + k;
    const b = parseNpy(npy(`{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2, 2), }`, new Uint8Array(fortran.buffer)), 'x');
    expect(Array.from(b.values)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('widens integer dtypes exactly', () => {
    const i2 = new Uint8Array(new Int16Array([-3, 300]).buffer);
    expect(Array.from(parseNpy(npy(`{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }`, i2), 'x').values)).toEqual([-3, 300]);
    const u1 = new Uint8Array([255, 0]);
    expect(Array.from(parseNpy(npy(`{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }`, u1), 'x').values)).toEqual([255, 0]);
    const u8 = new Uint8Array(new BigUint64Array([2n ** 63n]).buffer);
    expect(parseNpy(npy(`{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }`, u8), 'x').values[0]).toBe(2 ** 63);
  });

  it('rejects every malformed header or data block', () => {
    const ok = `{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }`;
    const good = npy(ok, f8(1, 2));
    expect(parseNpy(good, 'x').values.length).toBe(2);
    const bad: Array<[Uint8Array, RegExp]> = [
      [good.subarray(0, good.length - 1), /needs 16/],
      [Uint8Array.from([...good, 0]), /has 17 bytes/],
      [npy(`{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }`, f8(1, 2)), /big-endian/],
      [npy(`{'descr': '|O', 'fortran_order': False, 'shape': (2,), }`, f8(1, 2)), /object/],
      [npy(`{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }`, f8(1, 2)), /not supported/],
      [npy(`{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }`, f8(1, 2)), /structured/],
      [npy(`{'descr': '<f8', 'shape': (2,), }`, f8(1, 2)), /missing key 'fortran_order'/],
      [npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1}`, f8(1, 2)), /unexpected key/],
      [npy(`{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,)}`, f8(1, 2)), /duplicate key/],
      [npy(`{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}`, f8(1, 2)), /True or False/],
      [npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (2)}`, f8(1, 2)), /trailing comma/],
      [npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}`, f8(1, 2)), /non-negative integers/],
      [npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} x`, f8(1, 2)), /must end with/],
      [npy(ok, f8(1, 2), 4), /version 4\.0/],
      [Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58, 1, 0, 0, 0, 0]), /magic/],
      [good.subarray(0, 9), /only 9 bytes/],
    ];
    for (const [bytes, re] of bad) throwsInvalid(() => parseNpy(bytes, 'f.npz[features]'), re);
    // Messages name the array.
    expect(() => parseNpy(good.subarray(0, 20), 'f.npz[features]')).toThrow(/^f\.npz\[features\]: /);
  });
});

describe('readNpz / writeNpz', () => {
  const arrays = new Map([
    ['features', encodeNpy(new Float64Array([1, 2, 3, 4, 5, 6]), [3, 2])],
    ['chosen', encodeNpy(new Int32Array([0, 2, 4]), [3])],
  ]);

  it('round-trips stored and deflated archives, with deterministic bytes', () => {
    for (const compressed of [false, true]) {
      const zip = writeNpz(arrays, compressed);
      expect(Buffer.from(writeNpz(arrays, compressed)).equals(Buffer.from(zip))).toBe(true);
      const back = readNpz(zip, 'a.npz', ['features', 'chosen', 'absent']);
      expect([...back.keys()].sort()).toEqual(['chosen', 'features']);
      expect(Array.from(back.get('features')!.values)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(back.get('features')!.shape).toEqual([3, 2]);
    }
    // Stored means method 0: the raw .npy bytes appear verbatim in the archive.
    const stored = Buffer.from(writeNpz(arrays, false));
    expect(stored.indexOf(Buffer.from(arrays.get('features')!))).toBeGreaterThan(0);
  });

  it('detects a flipped data byte by CRC-32, in stored and deflated members', () => {
    const stored = writeNpz(arrays, false);
    const at = Buffer.from(stored).indexOf(Buffer.from(arrays.get('features')!)) + 130;
    const bad = stored.slice();
    bad[at] ^= 0x01;
    expect(() => readNpz(bad, 'a.npz', ['features'])).toThrow(/a\.npz\[features\.npy\]: CRC-32 mismatch/);
    // Unwanted members are not read, so their corruption is harmless.
    expect(readNpz(bad, 'a.npz', ['chosen']).get('chosen')!.values.length).toBe(3);
  });

  it('rejects non-zip, truncated and unsupported archives', () => {
    const zip = writeNpz(arrays, true);
    expect(() => readNpz(new Uint8Array(10), 'a.npz', ['features'])).toThrow(/not a zip archive/);
    expect(() => readNpz(zip.subarray(0, zip.length - 5), 'a.npz', ['features'])).toThrow(InvalidInputError);
    expect(() => readNpz(zip.subarray(10), 'a.npz', ['features'])).toThrow(InvalidInputError);
    // Method 12 (bzip2) in both headers.
    const m = zip.slice();
    const dv = new DataView(m.buffer);
    for (let p = 0; p + 4 <= m.length; p++) {
      if (dv.getUint32(p, true) === 0x04034b50) dv.setUint16(p + 8, 12, true);
      if (dv.getUint32(p, true) === 0x02014b50) dv.setUint16(p + 10, 12, true);
    }
    expect(() => readNpz(m, 'a.npz', ['features'])).toThrow(/compression method 12/);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterConfigSchema } from '../../src/data/config.ts';
import type { Dataset, PreferenceSet } from '../../src/data/dataset.ts';
import { encodeJsonDataset, encodeNpzDataset, loadDataset, parseJsonDataset, parseNpzDataset, saveDataset } from '../../src/data/datasetFile.ts';
import { sampleDataset } from '../../src/data/sampler.ts';
import { InvalidInputError } from '../../src/theory/errors.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/data');
const fixture = (name: string) => join(FIXTURES, name);
const tmp = mkdtempSync(join(tmpdir(), 'dpocheck-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What scripts/make-npz-fixtures.py writes: features[i, j] = (i*d + j)/8 - 1 + offset. */
const formula = (n: number, d: number, offset = 0) => Array.from({ length: n * d }, (_, t) => t / 8 - 1 + offset);
const CHOSEN = [0, 2, 4, 0, 2, 4];
const REJECTED = CHOSEN.map((x) => x + 1);
const REF_C = [-0.5, -0.25, -1.0, -2.0, -0.125, -3.0];

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
function sameSet(a: PreferenceSet | undefined, b: PreferenceSet | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const opt = (x?: ArrayBufferView, y?: ArrayBufferView) => (x === undefined || y === undefined ? x === y : bytesOf(x).equals(bytesOf(y)));
  return a.n === b.n && a.d === b.d && opt(a.features, b.features) && opt(a.chosen, b.chosen) && opt(a.rejected, b.rejected) && opt(a.cluster, b.cluster) && opt(a.refChosenLogp, b.refChosenLogp) && opt(a.refRejectedLogp, b.refRejectedLogp);
}
const sameDataset = (a: Dataset, b: Dataset) => a.vocab === b.vocab && sameSet(a.train, b.train) && sameSet(a.test, b.test);

/** A dataset's invariants (what every successful load must satisfy). */
function checkInvariants(ds: Dataset): void {
  for (const s of ds.test === undefined ? [ds.train] : [ds.train, ds.test]) {
    expect(s.features.length).toBe(s.n * s.d);
    expect(s.n).toBeGreaterThan(0);
    for (const x of s.features) expect(Number.isFinite(x)).toBe(true);
    for (let i = 0; i < s.n; i++) {
      expect(s.chosen[i]).not.toBe(s.rejected[i]);
      expect(Math.min(s.chosen[i], s.rejected[i])).toBeGreaterThanOrEqual(0);
      expect(Math.max(s.chosen[i], s.rejected[i])).toBeLessThan(ds.vocab);
    }
  }
}

describe('numpy fixtures (scripts/make-npz-fixtures.py)', () => {
  it('reads float64 np.savez with int64 tokens', () => {
    const ds = loadDataset(fixture('f64_savez.npz'));
    expect([ds.train.n, ds.train.d, ds.vocab]).toEqual([6, 4, 6]);
    expect(Array.from(ds.train.features)).toEqual(formula(6, 4));
    expect(Array.from(ds.train.chosen)).toEqual(CHOSEN);
    expect(Array.from(ds.train.rejected)).toEqual(REJECTED);
    expect(ds.test).toBeUndefined();
  });

  it('reads float32 np.savez_compressed with reference log-probabilities', () => {
    const ds = loadDataset(fixture('f32_savez_compressed.npz'));
    expect(Array.from(ds.train.features)).toEqual(formula(6, 4));
    expect(Array.from(ds.train.refChosenLogp!)).toEqual(REF_C);
    expect(Array.from(ds.train.refRejectedLogp!)).toEqual(REF_C.map((x) => x - 1));
  });

  it('reads test arrays (ignoring an unknown string array) in both containers and mixed int dtypes', () => {
    for (const name of ['f64_test_savez.npz', 'f32_test_savez_compressed.npz']) {
      const ds = loadDataset(fixture(name));
      expect(Array.from(ds.train.features)).toEqual(formula(6, 4));
      expect(Array.from(ds.test!.features)).toEqual(formula(3, 4, 0.5));
      expect(Array.from(ds.test!.chosen)).toEqual([1, 3, 5]);
      expect(Array.from(ds.test!.rejected)).toEqual([0, 2, 4]);
      expect(Array.from(ds.train.rejected)).toEqual(REJECTED);
    }
  });

  it('reads a Fortran-ordered feature matrix in the right order', () => {
    expect(Array.from(loadDataset(fixture('fortran_savez.npz')).train.features)).toEqual(formula(6, 4));
  });

  it('reads random float64 features bit-identically to the JSON twin Python wrote', () => {
    const a = loadDataset(fixture('random_f64.npz'));
    const b = loadDataset(fixture('random_f64.json'));
    expect(a.train.n).toBe(20);
    expect(sameDataset(a, b)).toBe(true);
  });

  const broken: Array<[string, string]> = [
    ['bad_bigendian.npz', 'features'],
    ['bad_nan.npz', 'features'],
    ['bad_inf_test.npz', 'test_features'],
    ['bad_shape_chosen.npz', 'chosen'],
    ['bad_features_1d.npz', 'features'],
    ['bad_features_3d.npz', 'features'],
    ['bad_same_token.npz', 'rejected'],
    ['bad_negative_token.npz', 'chosen'],
    ['bad_token_too_large.npz', 'rejected'],
    ['bad_float_tokens.npz', 'chosen'],
    ['bad_missing_rejected.npz', 'rejected'],
    ['bad_object.npz', 'chosen'],
    ['bad_complex.npz', 'features'],
    ['bad_test_dim.npz', 'test_features'],
    ['bad_partial_test.npz', 'test_chosen'],
    ['bad_ref_length.npz', 'ref_chosen_logp'],
    ['bad_truncated.npz', ''],
    ['bad_not_zip.npz', ''],
  ];
  for (const [name, array] of broken) {
    it(`rejects ${name} with a one-line error naming the file${array ? ` and ${array}` : ''}`, () => {
      let err: unknown;
      try {
        loadDataset(fixture(name));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidInputError);
      const msg = (err as Error).message;
      expect(msg).not.toContain('\n');
      expect(msg.startsWith(`${fixture(name)}${array ? `[${array}]` : ''}: `)).toBe(true);
    });
  }
});

describe('loadDataset / saveDataset', () => {
  const config = ClusterConfigSchema.parse({ K: 2, Q: 5, d: 4, v: 0.01, lb: 0.3, seed: 3, departures: { refLogOdds: 1.5 } });
  const ds = sampleDataset(config, { testSize: 7 });

  it('round-trips a sampled dataset through npz, compressed npz and JSON exactly, with stable bytes', () => {
    for (const [file, format] of [
      ['a.npz', undefined],
      ['b.npz', 'npz-compressed'],
      ['c.json', undefined],
    ] as const) {
      const path = join(tmp, file);
      saveDataset(path, ds, format);
      const first = readFileSync(path);
      const back = loadDataset(path);
      expect(sameDataset(back, ds)).toBe(true);
      saveDataset(path, back, format);
      expect(readFileSync(path).equals(first)).toBe(true);
    }
  });

  it('names the file for unreadable paths and unknown extensions', () => {
    expect(() => loadDataset(join(tmp, 'missing.npz'))).toThrow(/missing\.npz: cannot read file \(ENOENT\)/);
    expect(() => loadDataset(join(tmp, 'x.csv'))).toThrow(InvalidInputError);
    expect(() => loadDataset(tmp + '/.npz')).toThrow(InvalidInputError);
    expect(() => saveDataset(join(tmp, 'no/such/dir/x.npz'), ds)).toThrow(InvalidInputError);
    expect(() => saveDataset(join(tmp, 'x.txt'), ds)).toThrow(InvalidInputError);
  });

  it('validates JSON: schema, ragged rows, tokens, partial groups', () => {
    const bad: Array<[string, RegExp]> = [
      ['{', /f\.json: invalid JSON/],
      ['[]', /^f\.json: /],
      ['{"features": [[1]], "chosen": [0]}', /f\.json\[rejected\]/],
      ['{"features": [[1, 2], [3]], "chosen": [0, 0], "rejected": [1, 1]}', /f\.json\[features\]: row 1 has 1/],
      ['{"features": [[1]], "chosen": [0.5], "rejected": [1]}', /f\.json\[chosen\]: value 0\.5/],
      ['{"features": [[1]], "chosen": [1], "rejected": [1]}', /f\.json\[rejected\]: sample 0/],
      ['{"features": [[1e999]], "chosen": [0], "rejected": [1]}', /f\.json\[features\]/],
      ['{"features": [], "chosen": [], "rejected": []}', /f\.json\[features\]: has no rows/],
      ['{"features": [[1]], "chosen": [0], "rejected": [1], "ref_chosen_logp": [0]}', /f\.json\[ref_rejected_logp\]: required when/],
      ['{"features": [[1]], "chosen": [0], "rejected": [1], "test_features": [[1, 2]], "test_chosen": [0], "test_rejected": [1]}', /test_features\]: has 2 columns/],
      ['{"features": [["1"]], "chosen": [0], "rejected": [1]}', /f\.json\[features\]: at 0\.0: /],
    ];
    for (const [text, re] of bad) {
      expect(() => parseJsonDataset(text, 'f.json')).toThrow(InvalidInputError);
      expect(() => parseJsonDataset(text, 'f.json')).toThrow(re);
    }
    const ok = parseJsonDataset('{"features": [[1, 0]], "chosen": [3], "rejected": [7], "note": "ignored"}', 'f.json');
    expect([ok.train.n, ok.train.d, ok.vocab]).toEqual([1, 2, 8]);
  });
});

describe('fuzz: corrupt files give InvalidInputError or the original dataset, nothing else', () => {
  const config = ClusterConfigSchema.parse({ K: 2, Q: 3, d: 3, v: 0.01, lb: 0.5, seed: 1 });
  const ds = sampleDataset(config, { testSize: 4 });

  /** Runs `load`; returns 'error' for InvalidInputError, the dataset otherwise; rethrows anything else. */
  const outcome = (load: () => Dataset): 'error' | Dataset => {
    try {
      return load();
    } catch (e) {
      if (e instanceof InvalidInputError && !e.message.includes('\n')) return 'error';
      throw e;
    }
  };

  for (const compressed of [false, true]) {
    const valid = encodeNpzDataset(ds, compressed);
    it(`npz (${compressed ? 'deflated' : 'stored'}): random byte replacements`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
          const bytes = valid.slice();
          for (const [at, x] of edits) bytes[at] ^= x;
          const r = outcome(() => parseNpzDataset(bytes, 'f.npz'));
          if (r !== 'error') expect(sameDataset(r, ds)).toBe(true);
        }),
        { numRuns: 300, seed: 42 },
      );
    });
    it(`npz (${compressed ? 'deflated' : 'stored'}): every truncation and random garbage`, () => {
      for (let n = 0; n < valid.length; n++) expect(outcome(() => parseNpzDataset(valid.subarray(0, n), 'f.npz'))).toBe('error');
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2000 }), (junk) => {
          expect(outcome(() => parseNpzDataset(junk, 'f.npz'))).toBe('error');
        }),
        { numRuns: 200, seed: 43 },
      );
    });
  }

  const text = encodeJsonDataset(ds);
  it('JSON: every truncation fails, random edits fail or give a valid dataset', () => {
    for (let n = 0; n < text.length; n += 3) expect(outcome(() => parseJsonDataset(text.slice(0, n), 'f.json'))).toBe('error');
    fc.assert(
      fc.property(fc.nat({ max: text.length - 1 }), fc.string({ minLength: 0, maxLength: 3 }), fc.nat({ max: 3 }), (at, insert, del) => {
        const mutated = text.slice(0, at) + insert + text.slice(at + del);
        const r = outcome(() => parseJsonDataset(mutated, 'f.json'));
        if (r !== 'error') checkInvariants(r);
      }),
      { numRuns: 300, seed: 44 },
    );
  });

  it('JSON: arbitrary JSON values fail or give a valid dataset', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (s) => {
        const r = outcome(() => parseJsonDataset(s, 'f.json'));
        if (r !== 'error') checkInvariants(r);
      }),
      { numRuns: 300, seed: 45 },
    );
  });

  it('files on disk: the same through loadDataset', () => {
    const path = join(tmp, 'fuzz.npz');
    const valid = encodeNpzDataset(ds, true);
    const bytes = valid.slice();
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(path, bytes);
    expect(outcome(() => loadDataset(path))).toBe('error');
  });
});

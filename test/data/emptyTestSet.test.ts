import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadDataset, parseNpzDataset } from '../../src/data/datasetFile.ts';
import { encodeNpy, writeNpz } from '../../src/data/npz.ts';
import { InvalidInputError } from '../../src/theory/errors.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/data');

/** A hand-made .npz: 2 training samples with d = 3, plus whatever test arrays are given. */
function npz(test: Record<string, Uint8Array>): Uint8Array {
  const arrays = new Map<string, Uint8Array>([
    ['features', encodeNpy(Float64Array.from([1, 0, 0, 0, 1, 0]), [2, 3])],
    ['chosen', encodeNpy(Int32Array.from([0, 1]), [2])],
    ['rejected', encodeNpy(Int32Array.from([1, 0]), [2])],
    ...Object.entries(test),
  ]);
  return writeNpz(arrays, false);
}

describe('empty test arrays mean "no test set"', () => {
  it('reads numpy-written empty test_* arrays (np.zeros((0, d)), np.array([])) as no test set', () => {
    const ds = loadDataset(join(FIXTURES, 'empty_test_savez.npz'));
    expect(ds.test).toBeUndefined();
    expect(ds.train.n).toBeGreaterThan(0);
  });

  it('reads hand-made zero-row arrays, 2-d or 1-d, as no test set', () => {
    for (const shape of [[0, 3], [0]]) {
      const ds = parseNpzDataset(
        npz({
          test_features: encodeNpy(new Float64Array(0), shape),
          test_chosen: encodeNpy(new Int32Array(0), [0]),
          test_rejected: encodeNpy(new Float64Array(0), [0]),
        }),
        'x.npz',
      );
      expect(ds.test, JSON.stringify(shape)).toBeUndefined();
      expect(ds.train.n).toBe(2);
    }
  });

  it('still refuses a test set that is empty in some arrays only, or non-empty extras beside it', () => {
    const partial = npz({
      test_features: encodeNpy(new Float64Array(0), [0, 3]),
      test_chosen: encodeNpy(Int32Array.from([0]), [1]),
      test_rejected: encodeNpy(Int32Array.from([1]), [1]),
    });
    expect(() => parseNpzDataset(partial, 'x.npz')).toThrow(InvalidInputError);
    const extra = npz({
      test_features: encodeNpy(new Float64Array(0), [0, 3]),
      test_chosen: encodeNpy(new Int32Array(0), [0]),
      test_rejected: encodeNpy(new Int32Array(0), [0]),
      test_cluster: encodeNpy(Int32Array.from([0]), [1]),
    });
    expect(() => parseNpzDataset(extra, 'x.npz')).toThrow(/test_cluster.*test set is empty/);
  });
});

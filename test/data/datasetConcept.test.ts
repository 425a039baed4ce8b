/**
 * The optional `concept` / `test_concept` arrays of dataset files (datasetFile.ts): read from npz
 * and JSON, written back, and refused with one line when malformed.
 */
import { describe, expect, it } from 'vitest';
import { encodeJsonDataset, encodeNpzDataset, parseJsonDataset, parseNpzDataset } from '../../src/data/datasetFile.ts';
import type { Dataset } from '../../src/data/dataset.ts';

const ds: Dataset = {
  train: {
    n: 4, d: 2, features: Float64Array.from([1, 0, 0, 1, 1, 1, 0, 0]),
    chosen: Int32Array.from([0, 1, 0, 1]), rejected: Int32Array.from([1, 0, 1, 0]), concept: Int32Array.from([3, 3, 7, 7]),
  },
  test: { n: 2, d: 2, features: Float64Array.from([1, 2, 3, 4]), chosen: Int32Array.from([0, 1]), rejected: Int32Array.from([1, 0]), concept: Int32Array.from([7, 3]) },
  vocab: 2,
};

describe('concept arrays', () => {
  it('round-trip through npz and JSON', () => {
    for (const back of [parseNpzDataset(encodeNpzDataset(ds, false), 'f.npz'), parseJsonDataset(encodeJsonDataset(ds), 'f.json')]) {
      expect([...back.train.concept!]).toEqual([3, 3, 7, 7]);
      expect([...back.test!.concept!]).toEqual([7, 3]);
    }
  });
  it('are optional', () => {
    const { concept: _c, ...train } = ds.train;
    expect(parseNpzDataset(encodeNpzDataset({ train, vocab: 2 }, false), 'f.npz').train.concept).toBeUndefined();
  });
  it('must be integers of the right length, and test_concept needs test_features', () => {
    const json = JSON.parse(encodeJsonDataset(ds));
    expect(() => parseJsonDataset(JSON.stringify({ ...json, concept: [1, 2, 3] }), 'f.json')).toThrow(/f\.json\[concept\]: has length 3 but there are 4 samples/);
    expect(() => parseJsonDataset(JSON.stringify({ ...json, concept: [1, 2, 3, -1] }), 'f.json')).toThrow(/f\.json\[concept\]: value -1 at index 3 is not an integer/);
    expect(() => parseJsonDataset(JSON.stringify({ ...json, concept: [1, 2, 3, 0.5] }), 'f.json')).toThrow(/\[concept\]/);
    const { test_features: _f, test_chosen: _c, test_rejected: _r, ...noTest } = json;
    expect(() => parseJsonDataset(JSON.stringify(noTest), 'f.json')).toThrow(/f\.json\[test_concept\]: present without test_features/);
  });
});

/**
 * Concepts and signed clusters of real data (clusters.ts): from a concept array, a cluster array
 * or the token sets; the one-line refusals for data the §3 model cannot describe.
 */
import { describe, expect, it } from 'vitest';
import { identifyClusters } from '../../../src/check/diagnose/clusters.ts';
import { heldOutSplit } from '../../../src/check/diagnose/split.ts';
import type { PreferenceSet } from '../../../src/data/dataset.ts';
import { InvalidInputError } from '../../../src/theory/errors.ts';

function set(chosen: number[], rejected: number[], extra: Partial<PreferenceSet> = {}): PreferenceSet {
  return { n: chosen.length, d: 1, features: new Float64Array(chosen.length), chosen: Int32Array.from(chosen), rejected: Int32Array.from(rejected), ...extra };
}

describe('identifyClusters', () => {
  it('distinct token sets are the concepts; the sign comes from the preference direction', () => {
    const c = identifyClusters(set([5, 5, 4, 4, 0, 0, 1, 1], [4, 4, 5, 5, 1, 1, 0, 0]), 'f');
    expect(c.source).toBe('tokens');
    expect(c.K).toBe(2);
    expect(c.pairs).toEqual([[4, 5], [0, 1]]); // concepts in order of first appearance of their token set
    expect([...c.clusterOf]).toEqual([1, 1, 0, 0, 2, 2, 3, 3]); // C_{k,+} prefers the smaller token id
    expect(c.Z).toBe(1);
  });

  it('a concept array groups samples with one shared pair, and Z = K', () => {
    const c = identifyClusters(set([0, 1, 0, 1, 0, 1, 0, 1], [1, 0, 1, 0, 1, 0, 1, 0], { concept: Int32Array.from([7, 7, 7, 7, 3, 3, 3, 3]) }), 'f');
    expect(c.source).toBe('concept');
    expect(c.conceptIds).toEqual([3, 7]);
    expect([...c.clusterOf]).toEqual([2, 3, 2, 3, 0, 1, 0, 1]);
    expect(c.Z).toBe(2);
  });

  it('falls back to the sampler\'s cluster array (concept = ⌊id/2⌋)', () => {
    const c = identifyClusters(set([0, 0, 1, 1, 0, 0, 1, 1], [1, 1, 0, 0, 1, 1, 0, 0], { cluster: Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]) }), 'f');
    expect(c.source).toBe('cluster');
    expect(c.K).toBe(2);
  });

  const refuse = (s: PreferenceSet, pattern: RegExp) => {
    let error: unknown;
    try {
      identifyClusters(s, 'data.npz');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const message = (error as Error).message;
    expect(message).toMatch(pattern);
    expect(message).not.toMatch(/\n/);
  };

  it('one response pair for everything and no concept ids: asks for the concept array', () => {
    refuse(set([0, 1, 0, 1], [1, 0, 1, 0]), /data\.npz\[concept\].*same response pair \{0,1\}.*add an integer 'concept' array/);
  });
  it('a concept with only one cluster', () => {
    refuse(set([0, 0, 2, 3, 2, 3], [1, 1, 3, 2, 3, 2]), /concept 0 has only one cluster/);
  });
  it('a cluster with fewer than 2 samples', () => {
    refuse(set([0, 1, 1], [1, 0, 0], { concept: Int32Array.from([4, 4, 4]) }), /cluster \(4, \+\) has 1 sample/);
  });
  it('a concept with two response pairs', () => {
    refuse(set([0, 1, 2, 3], [1, 0, 3, 2], { concept: Int32Array.from([0, 0, 0, 0]) }), /concept 0 has more than one response pair/);
  });
});

describe('heldOutSplit', () => {
  it('holds out the fraction of every cluster, deterministically', () => {
    const n = 40;
    const chosen = Array.from({ length: n }, (_, i) => (i % 4 < 2 ? (i % 2) : 2 + (i % 2)));
    const rejected = chosen.map((c) => c ^ 1);
    const s = { ...set(chosen, rejected), features: Float64Array.from({ length: n }, (_, i) => i) };
    const clusters = identifyClusters(s, 'f');
    const a = heldOutSplit({ train: s, vocab: 4 }, clusters, 0.2, 9);
    const b = heldOutSplit({ train: s, vocab: 4 }, clusters, 0.2, 9);
    expect(a.test!.n).toBe(8); // 2 of each cluster of 10
    expect(a.train.n).toBe(32);
    expect([...a.test!.features]).toEqual([...b.test!.features]);
    expect(new Set([...a.train.features, ...a.test!.features]).size).toBe(n);
    expect(() => heldOutSplit({ train: s, vocab: 4 }, clusters, 0.9, 9)).toThrow(/fewer than 2 training samples/);
  });
});

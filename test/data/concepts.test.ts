import { describe, expect, it } from 'vitest';
import { approxAlignment, conceptMinDim, conceptVectors, sharedComponent } from '../../src/data/concepts.ts';
import type { ConceptVectors } from '../../src/data/config.ts';
import { InvalidInputError } from '../../src/theory/errors.ts';

/** Rounding slack for dot products of unit vectors in d <= 50 dimensions (a few ulps per term). */
const ROUNDING = 1e-14;

const dot = (c: Float64Array, d: number, j: number, k: number) => {
  let s = 0;
  for (let t = 0; t < d; t++) s += c[j * d + t] * c[k * d + t];
  return s;
};

describe('conceptVectors', () => {
  it('basis: c_k = e_{1+k}, orthonormal and orthogonal to b = l_b e_1', () => {
    const K = 4;
    const d = 7;
    const c = conceptVectors({ K, d, seed: 0, concepts: { kind: 'basis' } });
    for (let k = 0; k < K; k++) {
      for (let t = 0; t < d; t++) expect(c[k * d + t]).toBe(t === k + 1 ? 1 : 0);
    }
    expect(Array.from(sharedComponent({ d, lb: 0.3 }))).toEqual([0.3, 0, 0, 0, 0, 0, 0]);
  });

  it('approx: <c_k, e_{1+k}> = 1 - δ²/8 exactly, unit norm, orthogonal to e_1, seeded', () => {
    const K = 5;
    const d = 20;
    const delta = 0.3;
    const concepts: ConceptVectors = { kind: 'approx', delta };
    const c = conceptVectors({ K, d, seed: 9, concepts });
    for (let k = 0; k < K; k++) {
      expect(c[k * d + k + 1]).toBe(1 - (delta * delta) / 8);
      expect(c[k * d]).toBe(0);
      expect(Math.abs(dot(c, d, k, k) - 1)).toBeLessThan(ROUNDING);
    }
    expect(approxAlignment(delta)).toBe(1 - 0.09 / 8);
    // The off-axis direction is random: rows differ from the basis and between seeds.
    const c2 = conceptVectors({ K, d, seed: 10, concepts });
    expect(Array.from(c2)).not.toEqual(Array.from(c));
    expect(Array.from(conceptVectors({ K, d, seed: 9, concepts }))).toEqual(Array.from(c));
    // Off-axis norm is sqrt(1 - s²) so pairwise inner products stay small (|<c_j,c_k>| <= 2 sqrt(1-s²)).
    const off = Math.sqrt(1 - approxAlignment(delta) ** 2);
    for (let j = 0; j < K; j++) for (let k = j + 1; k < K; k++) expect(Math.abs(dot(c, d, j, k))).toBeLessThanOrEqual(2 * off + off * off + ROUNDING);
  });

  it('approx with δ = 0 is the basis', () => {
    const c = conceptVectors({ K: 2, d: 3, seed: 1, concepts: { kind: 'approx', delta: 0 } });
    expect(Array.from(c)).toEqual([0, 1, 0, 0, 0, 1]);
  });

  it('correlated: unit vectors with pairwise inner product rho, orthogonal to e_1', () => {
    const K = 6;
    const d = 8;
    const rho = 0.37;
    const c = conceptVectors({ K, d, seed: 0, concepts: { kind: 'correlated', rho } });
    for (let j = 0; j < K; j++) {
      expect(c[j * d]).toBe(0);
      expect(Math.abs(dot(c, d, j, j) - 1)).toBeLessThan(ROUNDING);
      for (let k = j + 1; k < K; k++) expect(Math.abs(dot(c, d, j, k) - rho)).toBeLessThan(ROUNDING);
    }
  });

  it('validates d against the kind: K+1, 3 for approx, K+2 for correlated', () => {
    expect(conceptMinDim(3, { kind: 'basis' })).toBe(4);
    expect(conceptMinDim(1, { kind: 'approx', delta: 0.1 })).toBe(3);
    expect(conceptMinDim(3, { kind: 'correlated', rho: 0.2 })).toBe(5);
    expect(conceptMinDim(3, { kind: 'correlated', rho: 0 })).toBe(4);
    expect(() => conceptVectors({ K: 3, d: 4, seed: 0, concepts: { kind: 'correlated', rho: 0.2 } })).toThrow(InvalidInputError);
    expect(() => conceptVectors({ K: 1, d: 2, seed: 0, concepts: { kind: 'approx', delta: 0.1 } })).toThrow(/d >= 3/);
  });
});

import { describe, expect, it } from 'vitest';
import { activeRows } from '../../src/sim/backend.ts';
import * as kernel from '../../src/sim/kernel.ts';
import { blockLayout, createReferenceBackend, ReferenceBackend, SAMPLE_BLOCK } from '../../src/sim/referenceBackend.ts';
import { randomDataset } from './randomData.ts';
import seedrandom from 'seedrandom';

/** Naive dense reference: full V×d ΔW, r_i and G = (β/N) Σ w(r_i) a_i g_iᵀ written out directly. */
function naive(ds: ReturnType<typeof randomDataset>, dW: Float64Array, beta: number, weight: (r: number) => number) {
  const { n, d, features, chosen, rejected } = ds.train;
  const V = ds.vocab;
  const r = new Float64Array(n);
  const G = new Float64Array(V * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += (dW[chosen[i]! * d + k]! - dW[rejected[i]! * d + k]!) * features[i * d + k]!;
    r[i] = beta * s;
    const c = (beta / n) * weight(r[i]!);
    for (let k = 0; k < d; k++) {
      G[chosen[i]! * d + k] += c * features[i * d + k]!;
      G[rejected[i]! * d + k] -= c * features[i * d + k]!;
    }
  }
  return { r, G };
}

describe('reference backend', () => {
  // Random pairs take the kernel's direct path; runs of equal pairs (cluster order) its run path.
  const random = randomDataset('backend-naive', { n: 37, d: 5, vocab: 9 });
  const runs = { ...random, train: { ...random.train, chosen: random.train.chosen.map((_, i) => 2 * Math.floor(i / 5) % 8), rejected: random.train.chosen.map((_, i) => (2 * Math.floor(i / 5) + 1) % 8 + (i % 5 === 4 ? 1 : 0)) } };
  it.each([['random pairs', random], ['runs of equal pairs', runs]])('matches a naive dense computation for DPO, IPO and SLiC (%s)', (_name, ds) => {
    const rows = activeRows(ds.train);
    const be = new ReferenceBackend({ data: ds.train, rows });
    const rng = seedrandom('dw');
    const dense = new Float64Array(ds.vocab * 5);
    for (let i = 0; i < dense.length; i++) dense[i] = rng() - 0.5;
    const restricted = new Float64Array(rows.tokens.length * 5);
    rows.tokens.forEach((tok, u) => restricted.set(dense.subarray(tok * 5, tok * 5 + 5), u * 5));
    const weights = { dpo: (r: number) => 1 / (1 + Math.exp(r)), ipo: (r: number) => 2 * (1 - r), slic: (r: number) => (r < 1 ? 1 : 0) };
    for (const loss of ['dpo', 'ipo', 'slic'] as const) {
      const ref = naive(ds, dense, 2, weights[loss]);
      const r = new Float64Array(ds.train.n);
      const G = new Float64Array(restricted.length);
      be.evaluate(restricted, { loss, beta: 2 }, r, G);
      r.forEach((x, i) => expect(x).toBeCloseTo(ref.r[i]!, 12));
      rows.tokens.forEach((tok, u) => {
        for (let k = 0; k < 5; k++) expect(G[u * 5 + k]).toBeCloseTo(ref.G[tok * 5 + k]!, 12);
      });
      const r2 = new Float64Array(ds.train.n);
      be.margins(restricted, 2, r2);
      expect(r2).toEqual(r);
    }
  });

  it('gives bit-identical results on 0, 1 and 2 worker threads (several blocks)', async () => {
    const n = 2 * SAMPLE_BLOCK + 123;
    const ds = randomDataset('backend-workers', { n, d: 6, vocab: 40 });
    const rows = activeRows(ds.train);
    const problem = { data: ds.train, rows };
    const rng = seedrandom('dw2');
    const dW = new Float64Array(rows.tokens.length * 6).map(() => rng() - 0.5);
    const outs: { r: Float64Array; G: Float64Array }[] = [];
    for (const workers of [0, 1, 2]) {
      const be = await createReferenceBackend(problem, { workers });
      try {
        const r = new Float64Array(n);
        const G = new Float64Array(dW.length);
        be.evaluate(dW, { loss: 'dpo', beta: 1.5 }, r, G);
        const r2 = new Float64Array(n);
        be.margins(dW, 1.5, r2);
        expect(r2).toEqual(r);
        outs.push({ r, G });
      } finally {
        be.dispose();
      }
    }
    expect(outs[1]!.r).toEqual(outs[0]!.r);
    expect(outs[2]!.r).toEqual(outs[0]!.r);
    expect(Buffer.from(outs[1]!.G.buffer).equals(Buffer.from(outs[0]!.G.buffer))).toBe(true);
    expect(Buffer.from(outs[2]!.G.buffer).equals(Buffer.from(outs[0]!.G.buffer))).toBe(true);
  });

  describe('float32 feature storage', () => {
    const n = 2 * SAMPLE_BLOCK + 123;
    const d = 7;
    const base = randomDataset('backend-f32', { n, d, vocab: 40 });
    // First half in runs of 6 equal pairs (the kernel's run path), second half random (direct path).
    const chosen = base.train.chosen.map((w, i) => (i < n / 2 ? 2 * (Math.floor(i / 6) % 20) : w));
    const rejected = base.train.rejected.map((l, i) => (i < n / 2 ? 2 * (Math.floor(i / 6) % 20) + 1 : l));
    // The same values twice: float64 storage, and float32 storage as a float32 file is read.
    const exact = { ...base.train, chosen, rejected, features: Float64Array.from(base.train.features, (x) => Math.fround(x)) };
    const exact32 = { ...exact, features: Float32Array.from(exact.features) };
    const rows = activeRows(exact);
    const rng = seedrandom('dw-f32');
    const dW = new Float64Array(rows.tokens.length * d).map(() => rng() - 0.5);
    const slicMask = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1));
    const specs = [{ loss: 'dpo', beta: 1.5 }, { loss: 'ipo', beta: 0.7 }, { loss: 'slic', beta: 2 }, { loss: 'slic', beta: 2, slicMask }] as const;

    /** The float64-storage path, run block by block through the kernel exactly as the backend does. */
    function float64Path(spec: (typeof specs)[number]) {
      const L = blockLayout({ data: exact, rows });
      const r = new Float64Array(n);
      const G = new Float64Array(dW.length);
      const partial = new Float64Array(L.blockRows.length * d);
      const scratch = new Float64Array(2 * d);
      const mask = 'slicMask' in spec ? spec.slicMask : null;
      for (let b = 0; b < L.blockCount; b++) {
        const r0 = L.blockRowStart[b]!;
        kernel.evaluateBlockF64(exact.features, d, L.blockStart[b]!, L.blockStart[b + 1]!, rows.chosenRow, rows.rejectedRow,
          L.localChosen, L.localRejected, L.blockRowStart[b + 1]! - r0, dW, kernel.LOSS_CODE[spec.loss], spec.beta,
          spec.beta / n, mask, r, partial, r0 * d, scratch);
      }
      kernel.reduceBlocks(G, d, L.blockCount, L.blockRowStart, L.blockRows, partial);
      const m = new Float64Array(n);
      kernel.marginsBlockF64(exact.features, d, 0, n, rows.chosenRow, rows.rejectedRow, dW, spec.beta, m);
      return { r, G, m };
    }
    const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

    it.each([0, 1, 2])('is used for Float32Array features and gives margins and directions bit-identical to float64 storage (%i workers)', async (workers) => {
      const be = await createReferenceBackend({ data: exact32, rows }, { workers });
      try {
        expect((be as unknown as { storage: string }).storage).toBe('float32');
        for (const spec of specs) {
          const ref = float64Path(spec);
          const r = new Float64Array(n);
          const G = new Float64Array(dW.length);
          be.evaluate(dW, spec, r, G);
          const m = new Float64Array(n);
          be.margins(dW, spec.beta, m);
          expect(bits(r).equals(bits(ref.r))).toBe(true);
          expect(bits(G).equals(bits(ref.G))).toBe(true);
          expect(bits(m).equals(bits(ref.m))).toBe(true);
          expect(G.some((x) => x !== 0)).toBe(true);
        }
      } finally {
        be.dispose();
      }
    });

    it.each([0, 2])('is not made up for float64 features, even when every value is a float32 (%i workers)', async (workers) => {
      const be = await createReferenceBackend({ data: exact, rows }, { workers });
      try {
        expect((be as unknown as { storage: string }).storage).toBe('float64');
      } finally {
        be.dispose();
      }
    });

    it('runs a separate generated copy per storage (monomorphic element loads)', () => {
      expect(kernel.kernelFor(exact32.features).evaluateBlock).toBe(kernel.evaluateBlockF32);
      expect(kernel.kernelFor(exact.features).evaluateBlock).toBe(kernel.evaluateBlockF64);
      expect(kernel.evaluateBlockF32).not.toBe(kernel.evaluateBlockF64);
      expect(kernel.marginsBlockF32).not.toBe(kernel.marginsBlockF64);
    });
  });

  it('rejects samples with chosen = rejected', () => {
    const ds = randomDataset('bad', { n: 3, d: 2, vocab: 4 });
    const bad = { ...ds.train, rejected: Int32Array.from(ds.train.chosen) };
    expect(() => activeRows(bad)).toThrow(/chosen = rejected/);
  });
});

import { describe, expect, it } from 'vitest';
import { activeRows } from '../../src/sim/backend.ts';
import { createReferenceBackend, ReferenceBackend, SAMPLE_BLOCK } from '../../src/sim/referenceBackend.ts';
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

    /** The same values stored as float64, through the float64 loops of the kernel. */
    async function float64Path(spec: (typeof specs)[number]) {
      const be = await createReferenceBackend({ data: exact, rows }, { workers: 0 });
      try {
        const r = new Float64Array(n);
        const G = new Float64Array(dW.length);
        be.evaluate(dW, spec, r, G);
        const m = new Float64Array(n);
        be.margins(dW, spec.beta, m);
        return { r, G, m };
      } finally {
        be.dispose();
      }
    }
    const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

    it.each([0, 1, 2])('is used for Float32Array features and gives margins and directions bit-identical to float64 storage (%i workers)', async (workers) => {
      const be = await createReferenceBackend({ data: exact32, rows }, { workers });
      try {
        expect((be as unknown as { storage: string }).storage).toBe('float32');
        for (const spec of specs) {
          const ref = await float64Path(spec);
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
  });

  it('rejects samples with chosen = rejected', () => {
    const ds = randomDataset('bad', { n: 3, d: 2, vocab: 4 });
    const bad = { ...ds.train, rejected: Int32Array.from(ds.train.chosen) };
    expect(() => activeRows(bad)).toThrow(/chosen = rejected/);
  });
});

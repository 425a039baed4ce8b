/**
 * The WebAssembly kernel (src/sim/assembly/kernel.ts) against its scalar definition, bit for bit:
 * the dot product in four accumulators s_j over k ≡ j (mod 4), tail entries into s0,
 * r = β((s0 + s1) + (s2 + s3)); per block, a run of ≥ 2 consecutive samples with the same token
 * pair sums its c_i g_i into one buffer in sample order and adds it to its two rows when the run
 * ends, a lone sample adds c_i g_i to its rows directly; block partials are summed in block order.
 * The kernel's SIMD lanes, its pipelined deposits and its float32 widening must not change a bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeRows } from '../../src/sim/backend.ts';
import { LOSS_CODE } from '../../src/sim/kernel.ts';
import { blockLayout, createReferenceBackend, SAMPLE_BLOCK } from '../../src/sim/referenceBackend.ts';
import type { PreferenceSet } from '../../src/data/dataset.ts';
import type { LossSpec } from '../../src/sim/backend.ts';

/** The scalar definition, written out plainly (no fusion, no SIMD), on the backend's own block layout. */
function scalarDefinition(data: PreferenceSet, dW: Float64Array, spec: LossSpec) {
  const rows = activeRows(data);
  const L = blockLayout({ data, rows });
  const { n, d, features: x } = data;
  const { chosenRow: cr, rejectedRow: rr } = rows;
  const r = new Float64Array(n);
  const G = new Float64Array(rows.tokens.length * d);
  const weight = (i: number, m: number) => {
    if (LOSS_CODE[spec.loss] === 0) return 1 / (1 + Math.exp(m));
    if (LOSS_CODE[spec.loss] === 1) return 2 * (1 - m);
    return spec.slicMask !== undefined ? spec.slicMask[i]! : m < 1 ? 1 : 0;
  };
  for (let b = 0; b < L.blockCount; b++) {
    const start = L.blockStart[b]!, end = L.blockStart[b + 1]!;
    const touched = L.blockRowStart[b + 1]! - L.blockRowStart[b]!;
    const partial = new Float64Array(touched * d);
    for (let i = start; i < end;) {
      let j = i;
      while (j + 1 < end && cr[j + 1] === cr[i] && rr[j + 1] === rr[i]) j++;
      const run = j > i;
      const acc = new Float64Array(d);
      const pw = L.localChosen[i]! * d, pl = L.localRejected[i]! * d;
      for (let t = i; t <= j; t++) {
        const s = [0, 0, 0, 0];
        for (let k = 0; k < d; k++) {
          const lane = k < d - (d % 4) ? k % 4 : 0;
          s[lane] += (dW[cr[t]! * d + k]! - dW[rr[t]! * d + k]!) * x[t * d + k]!;
        }
        r[t] = spec.beta * ((s[0]! + s[1]!) + (s[2]! + s[3]!));
        const c = (spec.beta / n) * weight(t, r[t]!);
        if (c === 0) continue;
        for (let k = 0; k < d; k++) {
          const v = c * x[t * d + k]!;
          if (run) acc[k] += v;
          else {
            partial[pw + k] += v;
            partial[pl + k] -= v;
          }
        }
      }
      if (run) for (let k = 0; k < d; k++) {
        partial[pw + k] += acc[k]!;
        partial[pl + k] -= acc[k]!;
      }
      i = j + 1;
    }
    for (let u = 0; u < touched; u++) {
      const dst = L.blockRows[L.blockRowStart[b]! + u]! * d;
      for (let k = 0; k < d; k++) G[dst + k] += partial[u * d + k]!;
    }
  }
  return { r, G, rowCount: rows.tokens.length };
}

const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

/** Small problems: any d (odd, below 4), lone samples and runs of equal pairs, every loss, both storages. */
const problem = fc.record({
  d: fc.integer({ min: 1, max: 13 }),
  pairs: fc.array(fc.record({ w: fc.integer({ min: 0, max: 5 }), dl: fc.integer({ min: 1, max: 5 }), repeat: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 12 }),
  values: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 64 }),
  f32: fc.boolean(),
  loss: fc.constantFrom('dpo', 'ipo', 'slic', 'slic-mask'),
  beta: fc.double({ min: 0.1, max: 3, noNaN: true }),
});

async function compare(data: PreferenceSet, dW: Float64Array, spec: LossSpec, workers: number) {
  const be = await createReferenceBackend({ data, rows: activeRows(data) }, { workers });
  try {
    const r = new Float64Array(data.n);
    const G = new Float64Array(dW.length);
    be.evaluate(dW, spec, r, G);
    const m = new Float64Array(data.n);
    be.margins(dW, spec.beta, m);
    return { r, G, m };
  } finally {
    be.dispose();
  }
}

describe('WebAssembly kernel', () => {
  it('equals its scalar definition bit for bit (margins, direction, margins-only pass)', async () => {
    await fc.assert(
      fc.asyncProperty(problem, async (p) => {
        const chosen: number[] = [], rejected: number[] = [];
        for (const q of p.pairs) for (let t = 0; t < q.repeat; t++) {
          chosen.push(q.w);
          rejected.push((q.w + q.dl) % 7);
        }
        const n = chosen.length, d = p.d;
        const values = Float64Array.from({ length: n * d }, (_, i) => p.values[i % p.values.length]! * (1 + (i % 7) / 10));
        const features = p.f32 ? Float32Array.from(values) : values;
        const data: PreferenceSet = { n, d, features, chosen: Int32Array.from(chosen), rejected: Int32Array.from(rejected) };
        const rows = activeRows(data).tokens.length;
        const dW = Float64Array.from({ length: rows * d }, (_, i) => Math.sin(3 * i + 1));
        const spec: LossSpec = p.loss === 'slic-mask'
          ? { loss: 'slic', beta: p.beta, slicMask: Uint8Array.from({ length: n }, (_, i) => (i % 3 === 1 ? 0 : 1)) }
          : { loss: p.loss, beta: p.beta };
        const ref = scalarDefinition({ ...data, features: Float64Array.from(features) }, dW, spec);
        const got = await compare(data, dW, spec, 0);
        expect(bits(got.r)).toBe(bits(ref.r));
        expect(bits(got.m)).toBe(bits(ref.r));
        expect(bits(got.G)).toBe(bits(ref.G));
      }),
      { seed: 2024, numRuns: 150 },
    );
  });

  it.each([0, 2])('equals its scalar definition across several blocks (%i workers)', async (workers) => {
    const n = 2 * SAMPLE_BLOCK + 77, d = 9;
    const chosen = Int32Array.from({ length: n }, (_, i) => (i < n / 2 ? 2 * (Math.floor(i / 5) % 30) : (i * 7) % 61));
    const rejected = Int32Array.from({ length: n }, (_, i) => (i < n / 2 ? 2 * (Math.floor(i / 5) % 30) + 1 : ((i * 7) % 61) + 1 + (i % 3)));
    const features = Float32Array.from({ length: n * d }, (_, i) => Math.cos(0.37 * i));
    const data: PreferenceSet = { n, d, features, chosen, rejected };
    const rows = activeRows(data).tokens.length;
    const dW = Float64Array.from({ length: rows * d }, (_, i) => Math.sin(i) / 4);
    const spec: LossSpec = { loss: 'dpo', beta: 1.3 };
    const ref = scalarDefinition({ ...data, features: Float64Array.from(features) }, dW, spec);
    const got = await compare(data, dW, spec, workers);
    expect(bits(got.r)).toBe(bits(ref.r));
    expect(bits(got.G)).toBe(bits(ref.G));
    expect(got.G.some((v) => v !== 0)).toBe(true);
  });
});

describe('TRL rewards through the kernel (rowScores)', () => {
  /** The plain scalar definition: logits z_u = Σ_k ΔW_u[k] x_i[k] in increasing k, then the log-sum-exp. */
  function scalarRewards(data: PreferenceSet, dW: Float64Array, beta: number, vocab: number, margins: Float64Array) {
    const rows = activeRows(data);
    const { n, d, features } = data;
    const m = rows.tokens.length;
    let chosen = 0, rejected = 0;
    for (let i = 0; i < n; i++) {
      const z = new Float64Array(m);
      for (let u = 0; u < m; u++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += dW[u * d + k]! * features[i * d + k]!;
        z[u] = s;
      }
      const zMax = Math.max(vocab > m ? 0 : -Infinity, ...z);
      let sum = (vocab - m) * Math.exp(-zMax);
      for (let u = 0; u < m; u++) sum += Math.exp(z[u]! - zMax);
      const lse = zMax + Math.log(sum);
      chosen += beta * (z[rows.chosenRow[i]!]! - lse + Math.log(vocab));
      rejected += beta * (z[rows.rejectedRow[i]!]! - lse + Math.log(vocab));
    }
    return { 'rewards/chosen': chosen / n, 'rewards/rejected': rejected / n, 'rewards/margins': margins.reduce((a, b) => a + b, 0) / n, 'rewards/accuracies': margins.filter((r) => r > 0).length / n };
  }

  it('equals the plain scalar loops bit for bit (any number of rows, both storages)', async () => {
    const { trlRewards } = await import('../../src/sim/metrics.ts');
    await fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 2, max: 23 }), fc.boolean(), (d, n, tokens, f32) => {
        const chosen = Int32Array.from({ length: n }, (_, i) => (i * 5) % tokens);
        const rejected = Int32Array.from({ length: n }, (_, i) => ((i * 5) % tokens + 1 + (i % (tokens - 1))) % tokens);
        const values = Float64Array.from({ length: n * d }, (_, i) => Math.sin(1.7 * i + n));
        const data: PreferenceSet = { n, d, features: f32 ? Float32Array.from(values) : values, chosen, rejected };
        const rows = activeRows(data);
        const dW = Float64Array.from({ length: rows.tokens.length * d }, (_, i) => Math.cos(0.9 * i) * 2);
        const margins = Float64Array.from({ length: n }, (_, i) => Math.sin(i) - 0.2);
        const got = trlRewards(data, rows, dW, 0.8, tokens + 3, margins);
        const want = scalarRewards({ ...data, features: Float64Array.from(data.features) }, dW, 0.8, tokens + 3, margins);
        expect(got).toEqual(want);
        for (const key of ['rewards/chosen', 'rewards/rejected'] as const) expect(Object.is(got[key], want[key])).toBe(true);
      }),
      { seed: 7, numRuns: 120 },
    );
  });
});

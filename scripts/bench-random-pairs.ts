/**
 * `tsx scripts/bench-random-pairs.ts [V]`: one reference-backend evaluation on random token pairs
 * (no runs of equal pairs, so every sample takes the kernel's direct path), N = 6,400, d = 2,000,
 * V distinct tokens (default 2,000: about one row per pair), on 1 thread and on 2 workers,
 * against one streaming pass of the kernel module's SIMD sum over the same features (best of 5).
 * With many rows each evaluation also zeroes, fills and reduces a partial row per touched row and
 * block, which is what this measures beside the cluster data of scripts/bench.ts.
 */
import { sharedFloat64, sharedMemoryOf } from '../src/data/sharedMemory.ts';
import { activeRows } from '../src/sim/backend.ts';
import { instantiateKernel } from '../src/sim/kernel.ts';
import { createReferenceBackend } from '../src/sim/referenceBackend.ts';

const n = 6400, d = 2000;
const V = Number(process.argv[2] ?? 2000);
const features = sharedFloat64(n * d, 'features');
for (let i = 0; i < features.length; i++) features[i] = Math.sin(i);
const chosen = Int32Array.from({ length: n }, (_, i) => (i * 7919) % V);
const rejected = Int32Array.from(chosen, (w, i) => (w + 1 + (i % 13)) % V);
const data = { n, d, features, chosen, rejected };
const rows = activeRows(data);
const deltaW = new Float64Array(rows.tokens.length * d).map((_, i) => 1e-3 * Math.cos(i));
const margins = new Float64Array(n);
const direction = new Float64Array(deltaW.length);
const best = (f: () => void): number => {
  let b = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    f();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
};
const kernel = instantiateKernel(sharedMemoryOf(features.buffer)!);
const stream = best(() => void kernel.streamSumF64(features.byteOffset, n * d));
console.log(`random pairs: N = ${n}, d = ${d}, ${rows.tokens.length} rows; one streaming pass ${stream.toFixed(1)} ms`);
for (const workers of [0, 2]) {
  const backend = await createReferenceBackend({ data, rows }, { workers });
  backend.evaluate(deltaW, { loss: 'dpo', beta: 1 }, margins, direction); // warm-up
  const t = best(() => backend.evaluate(deltaW, { loss: 'dpo', beta: 1 }, margins, direction));
  console.log(`${workers === 0 ? '1 thread' : `${workers} workers`}: ${t.toFixed(1)} ms per evaluation (${(t / stream).toFixed(2)}× a streaming pass)`);
  backend.dispose();
}

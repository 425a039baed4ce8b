/**
 * Benchmark of the tensor backends next to the float64 reference: time per step and
 * throughput for the sparse single-token step and the dense full-vocabulary step, and batched
 * configurations per second. Prints a markdown table.
 *
 * Usage: npx tsx scripts/bench-tensor.ts [--quick]
 * (export VK_ICD_FILENAMES from .ci/provision-webgpu.sh to include webgpu on SwiftShader)
 */
import type { PreferenceSet } from '../src/data/dataset.ts';
import { activeRows } from '../src/sim/backend.ts';
import { ReferenceBackend } from '../src/sim/referenceBackend.ts';
import { runBatchedDescent } from '../src/sim/tensor/batchedDescent.ts';
import { trainDenseHeads } from '../src/sim/tensor/denseHead.ts';
import { listBackends, loadTensorBackend, type TensorBackendName } from '../src/sim/tensor/registry.ts';

const quick = process.argv.includes('--quick');
/** Sizes: large enough that per-call overhead does not dominate, small enough for a 2-core CI box. */
const SPARSE = { n: quick ? 1000 : 4000, d: 64, vocab: 40, steps: quick ? 10 : 30 };
const DENSE = { n: quick ? 128 : 256, d: 64, vocab: quick ? 512 : 2048, steps: quick ? 3 : 10 };
const BATCH = { configs: quick ? 16 : 64, n: 200, d: 16, vocab: 20, steps: quick ? 5 : 20 };

/** Deterministic pseudo-random data (a linear congruential generator: the bench needs no statistics). */
function problem(seed: number, n: number, d: number, vocab: number): PreferenceSet {
  let s = seed >>> 0;
  const next = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const features = Float64Array.from({ length: n * d }, () => next() - 0.5);
  const chosen = Int32Array.from({ length: n }, () => Math.floor(next() * vocab));
  const rejected = Int32Array.from(chosen, (w) => (w + 1 + Math.floor(next() * (vocab - 1))) % vocab);
  return { n, d, features, chosen, rejected };
}

async function time(fn: () => Promise<void> | void): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

interface Row { backend: string; sparseMs: number; sparseRate: number; denseMs?: number; denseRate?: number; batchRate: number }

async function benchReference(): Promise<Row> {
  const data = problem(1, SPARSE.n, SPARSE.d, SPARSE.vocab);
  const rows = activeRows(data);
  const be = new ReferenceBackend({ data, rows });
  const dw = new Float64Array(rows.tokens.length * SPARSE.d);
  const m = new Float64Array(SPARSE.n);
  const g = new Float64Array(dw.length);
  const gdSteps = (b: ReferenceBackend, w: Float64Array, mm: Float64Array, gg: Float64Array, steps: number) => {
    for (let t = 0; t < steps; t++) {
      b.evaluate(w, { loss: 'dpo', beta: 1 }, mm, gg);
      for (let k = 0; k < w.length; k++) w[k]! += 0.1 * gg[k]!;
    }
  };
  gdSteps(be, dw, m, g, 2);
  const sparse = await time(() => gdSteps(be, dw, m, g, SPARSE.steps));
  const batch = await time(() => {
    for (let c = 0; c < BATCH.configs; c++) {
      const p = problem(100 + c, BATCH.n, BATCH.d, BATCH.vocab);
      const r = activeRows(p);
      const b = new ReferenceBackend({ data: p, rows: r });
      gdSteps(b, new Float64Array(r.tokens.length * BATCH.d), new Float64Array(BATCH.n), new Float64Array(r.tokens.length * BATCH.d), BATCH.steps);
    }
  });
  return {
    backend: 'reference (float64, 1 thread)',
    sparseMs: (1000 * sparse) / SPARSE.steps,
    sparseRate: (SPARSE.n * SPARSE.steps) / sparse,
    batchRate: BATCH.configs / batch,
  };
}

async function benchTensor(name: TensorBackendName): Promise<Row> {
  const rt = await loadTensorBackend(name);
  const sparseData = problem(1, SPARSE.n, SPARSE.d, SPARSE.vocab);
  const opts = { loss: 'dpo', stepSize: 0.1 } as const;
  await runBatchedDescent(rt, [{ data: sparseData, beta: 1 }], { ...opts, steps: 2 }); // warm-up (kernel compilation)
  const sparse = await time(async () => { await runBatchedDescent(rt, [{ data: sparseData, beta: 1 }], { ...opts, steps: SPARSE.steps }); });
  const denseData = problem(2, DENSE.n, DENSE.d, DENSE.vocab);
  const head = Float64Array.from({ length: DENSE.vocab * DENSE.d }, (_, k) => Math.sin(k) * 0.1);
  const denseProblem = [{ data: denseData, vocab: DENSE.vocab, initialHead: head }];
  await trainDenseHeads(rt, denseProblem, { steps: 1 });
  const dense = await time(async () => { await trainDenseHeads(rt, denseProblem, { steps: DENSE.steps, logEvery: DENSE.steps }); });
  const configs = Array.from({ length: BATCH.configs }, (_, c) => ({ data: problem(100 + c, BATCH.n, BATCH.d, BATCH.vocab), beta: 1 }));
  await runBatchedDescent(rt, configs, { ...opts, steps: 1 });
  const batch = await time(async () => { await runBatchedDescent(rt, configs, { ...opts, steps: BATCH.steps }); });
  return {
    backend: rt.adapter ? `${name} (${rt.adapter.description})` : name,
    sparseMs: (1000 * sparse) / SPARSE.steps,
    sparseRate: (SPARSE.n * SPARSE.steps) / sparse,
    // The dense run includes W_0's log-softmax and two metric passes; per step it is dominated by the steps.
    denseMs: (1000 * dense) / DENSE.steps,
    denseRate: (DENSE.n * DENSE.steps) / dense,
    batchRate: BATCH.configs / batch,
  };
}

const fmt = (x: number | undefined, digits = 1): string => (x === undefined ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toPrecision(3));

const rows: Row[] = [await benchReference()];
const skipped: string[] = [];
for (const b of await listBackends()) {
  if (b.name === 'reference') continue;
  if (!b.available) { skipped.push(`${b.name}: ${b.reason}`); continue; }
  rows.push(await benchTensor(b.name));
}
console.log(`Sparse step: N=${SPARSE.n}, d=${SPARSE.d}, ${SPARSE.vocab} tokens, one fused evaluation + ΔW update (GD), ${SPARSE.steps} steps.`);
console.log(`Dense step: full softmax head V=${DENSE.vocab}, d=${DENSE.d}, N=${DENSE.n}, autodiff + Adam, ${DENSE.steps} steps (the reference never forms the softmax: n/a).`);
console.log(`Batched: ${BATCH.configs} configurations of N=${BATCH.n}, d=${BATCH.d}, ${BATCH.steps} GD steps each, in one program (reference: one after another).\n`);
console.log('| backend | sparse ms/step | sparse samples/s | dense ms/step | dense samples/s | batched configs/s |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.backend} | ${fmt(r.sparseMs)} | ${fmt(r.sparseRate)} | ${fmt(r.denseMs)} | ${fmt(r.denseRate)} | ${fmt(r.batchRate)} |`);
}
if (skipped.length > 0) console.log(`\nUnavailable: ${skipped.join('; ')}`);

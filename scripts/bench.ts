/**
 * `npm run bench`: performance of the float64 reference simulator and its kernel.
 *
 * For each size (up to the paper's scale K = 16, Q = 904, d = 4520, N = 28,928; cluster data of
 * docs/theory.md §3 with l_b = 1/2 and v = 1/(32√Q)) it measures
 *   - the time of one RHS evaluation (fused margins + direction) on 1 thread and on the workers,
 *     against the machine's streaming-bandwidth ceiling measured in the same run (the kernel
 *     module's SIMD sum over the feature matrix on 1 and 2 threads: a memory-bound loop in the
 *     kernel's own language);
 *   - the flow to τ_1 = K τ ln3/(5 β²) (docs/theory.md §4) at rtol 1e-8: seconds, RHS evaluations,
 *     achieved GFLOP/s and GB/s (6·N·d flops and 8·N·d bytes per evaluation);
 *   - peak memory (maxRSS);
 *   - the same integration by scripts/bench_numpy.py (numpy + scipy solve_ivp RK45, two BLAS
 *     products per evaluation) on the same data, written to .npy files, when python3 has them.
 * and prints a markdown table. Every size runs twice: on the sampled float64 features, and on the
 * same features rounded to float32 ("float32"), as real embeddings exported from PyTorch
 * are, held as a Float32Array (as `loadDataset` reads a float32 file). The backend keeps that
 * storage and its kernel computes in float64 (bit-identical to widening first) and numpy gets a float32 .npy that it widens to float64 (astype) before
 * integrating, so both sides still compute exactly in float64 on identical data.
 *
 * Usage: npm run bench [-- --quick] [-- --workers 2] [-- --no-numpy] [-- --sizes 1130,2260,4520]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Dataset, FeatureMatrix } from '../src/data/dataset.ts';
import { allocateShared, sharedMemoryOf } from '../src/data/sharedMemory.ts';
import { instantiateKernel, kernelModule } from '../src/sim/kernel.ts';
import { activeRows } from '../src/sim/backend.ts';
import { createReferenceBackend } from '../src/sim/referenceBackend.ts';
import { simulate } from '../src/sim/simulate.ts';

interface Size { K: number; Q: number; d: number }

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const withNumpy = !args.includes('--no-numpy');
const workers = Number(args[args.indexOf('--workers') + 1] ?? 2) || 2;
/** rtol of the benchmark; atol far below any entry of ΔW that moves a margin. */
const RTOL = 1e-8;
const ATOL = 1e-12;
const BETA = 1;
const TAU = 1;
/** Repetitions when timing single evaluations / bandwidth sweeps (best of, to skip warm-up). */
const REPS = 3;
const ALL_SIZES: Size[] = [{ K: 4, Q: 226, d: 1130 }, { K: 16, Q: 452, d: 2260 }, { K: 16, Q: 904, d: 4520 }];
/** `--sizes 1130,4520` picks sizes by d (default all three). */
const sizeFlag = args.includes('--sizes') ? args[args.indexOf('--sizes') + 1]!.split(',').map(Number) : null;
const SIZES: Size[] = quick ? [{ K: 4, Q: 100, d: 400 }] : ALL_SIZES.filter((s) => sizeFlag === null || sizeFlag.includes(s.d));

/** The features rounded to float32 storage, in a shared WebAssembly memory (as `loadDataset` reads a float32 file). */
function toFloat32(a: FeatureMatrix): Float32Array {
  const out = new Float32Array(allocateShared(4 * a.length, 'features'), 0, a.length);
  out.set(a);
  return out;
}

async function makeData(s: Size): Promise<Dataset> {
  const { ClusterConfigSchema } = await import('../src/data/config.ts');
  const { sampleDataset } = await import('../src/data/sampler.ts');
  const config = ClusterConfigSchema.parse({ K: s.K, Q: s.Q, d: s.d, v: 1 / (32 * Math.sqrt(s.Q)), lb: 0.5, beta: BETA, tau: TAU, seed: 1 });
  const ds = sampleDataset(config);
  // Features in a shared WebAssembly memory, as `loadDataset` and the sampler give large ones
  // (smaller ones would be copied into the backend's memory; the stream columns read them in place).
  if (sharedMemoryOf(ds.train.features.buffer) !== undefined) return { train: ds.train, vocab: ds.vocab };
  const features = new Float64Array(allocateShared(8 * ds.train.features.length, 'features'), 0, ds.train.features.length);
  features.set(ds.train.features);
  return { train: { ...ds.train, features }, vocab: ds.vocab };
}

function best(f: () => void): number {
  let t = Infinity;
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    f();
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return t;
}

/** The shared memory and byte offset of features made by src/data (sampler, loadDataset). */
function home(a: FeatureMatrix) {
  const memory = sharedMemoryOf(a.buffer);
  if (memory === undefined) throw new Error('bench: features are not in a shared WebAssembly memory');
  return { memory, ptr: a.byteOffset, f32: a instanceof Float32Array };
}

/**
 * Seconds to sum `a` once on the calling thread (best of REPS), with the kernel module's own
 * SIMD sum: the memory-bound rate in the kernel's language (two f64x2 accumulators, float32
 * widened as the kernel widens it).
 */
function streamOne(a: FeatureMatrix): number {
  const { memory, ptr, f32 } = home(a);
  const k = instantiateKernel(memory);
  const sum = f32 ? k.streamSumF32 : k.streamSumF64;
  let sink = 0;
  const t = best(() => { sink += sum(ptr, a.length); });
  if (sink === 0.123456789) console.log('');
  return t;
}

/** Seconds for `threads` workers to sum disjoint parts of `a` with the kernel's SIMD sum (best of REPS). */
async function streamThreads(a: FeatureMatrix, threads: number): Promise<number> {
  const code = `
    const { parentPort, workerData: w } = require('node:worker_threads');
    const k = new WebAssembly.Instance(w.module, { env: { memory: w.memory, exp: Math.exp } }).exports;
    const sum = w.f32 ? k.streamSumF32 : k.streamSumF64;
    parentPort.on('message', () => parentPort.postMessage(sum(w.ptr, w.len)));`;
  const { memory, ptr, f32 } = home(a);
  const chunk = Math.floor(a.length / threads);
  const ws = Array.from({ length: threads }, (_, i) => new Worker(code, {
    eval: true,
    workerData: { memory, module: kernelModule(), ptr: ptr + i * chunk * a.BYTES_PER_ELEMENT, len: chunk, f32 },
  }));
  const once = () => Promise.all(ws.map((w) => new Promise((res) => { w.once('message', res); w.postMessage(0); })));
  await once(); // warm-up
  let t = Infinity;
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    await once();
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  await Promise.all(ws.map((w) => w.terminate()));
  return t;
}

function writeNpy(path: string, data: Float64Array | Float32Array | Int32Array, shape: number[]): void {
  const descr = data instanceof Float64Array ? '<f8' : data instanceof Float32Array ? '<f4' : '<i4';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

function hasNumpy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy, scipy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toPrecision(digits) : '—');

/** One table row: the measurements above for one dataset, stored as `storage` by the backend. */
async function measure(s: Size, ds: Dataset, genSeconds: number, numpyOk: boolean): Promise<string> {
  const N = 2 * s.K * s.Q;
  const { n, d } = ds.train;
  const problem = { data: ds.train, rows: activeRows(ds.train) };
  const probe = await createReferenceBackend(problem, { workers: 0 });
  const storage = (probe as unknown as { storage: 'float32' | 'float64' }).storage;
  probe.dispose();
  const f32 = storage === 'float32';
  // What the kernel streams: the stored matrix (float32 copy or the float64 features).
  const stored = ds.train.features;
  const bytes = stored.BYTES_PER_ELEMENT * n * d;
  const flops = 6 * n * d;
  const stream1 = streamOne(stored);
  const stream2 = await streamThreads(stored, 2);
  const deltaW = new Float64Array(problem.rows.tokens.length * d).map((_, i) => 1e-3 * Math.sin(i));
  const margins = new Float64Array(n);
  const dir = new Float64Array(deltaW.length);
  const timeEval = async (w: number) => {
    const be = await createReferenceBackend(problem, { workers: w });
    be.evaluate(deltaW, { loss: 'dpo', beta: BETA }, margins, dir); // warm-up
    const t = best(() => be.evaluate(deltaW, { loss: 'dpo', beta: BETA }, margins, dir));
    be.dispose();
    return t;
  };
  const eval1 = await timeEval(0);
  const evalW = await timeEval(workers);
  const tau1 = (s.K * TAU * Math.log(3)) / (5 * BETA * BETA); // docs/theory.md §4, Theorem 4.2
  const res = await simulate(ds, { beta: BETA, tau: TAU, tEnd: tau1, rtol: RTOL, atol: ATOL, workers, trlRewards: false, full: true });
  const perEval = res.seconds / res.rhsEvaluations;
  const maxRss = process.resourceUsage().maxRSS / 1024 ** 2; // KiB -> GiB
  let np: { seconds_load: number; seconds_integrate: number; nfev: number } | undefined;
  let agree = NaN;
  if (numpyOk) {
    const dir0 = mkdtempSync(join(tmpdir(), 'dpocheck-bench-'));
    try {
      // float32 data goes to numpy as the float32 file a PyTorch user would have.
      writeNpy(join(dir0, 'features.npy'), stored, [n, d]);
      writeNpy(join(dir0, 'chosen.npy'), ds.train.chosen, [n]);
      writeNpy(join(dir0, 'rejected.npy'), ds.train.rejected, [n]);
      const out = execFileSync('python3', [join(import.meta.dirname, 'bench_numpy.py'), dir0, String(BETA), String(TAU), String(tau1), String(RTOL), String(ATOL)], { encoding: 'utf8', maxBuffer: 1 << 26 });
      np = JSON.parse(out.trim().split('\n').pop()!);
      const npMargins = new Float64Array((np as unknown as { margins: number[] }).margins);
      const ours = res.train.margins!;
      agree = 0;
      for (let i = 0; i < n; i++) agree = Math.max(agree, Math.abs(npMargins[i]! - ours[i]!) / Math.max(1e-300, Math.abs(ours[i]!)));
    } finally {
      rmSync(dir0, { recursive: true, force: true });
    }
  }
  const line = [
    `${s.K}/${s.Q}/${s.d}`, f32 ? 'float32' : 'float64', String(N), fmt(bytes / 2 ** 30), fmt(genSeconds),
    fmt(bytes / stream1 / 1e9), fmt(bytes / stream2 / 1e9),
    `${fmt(eval1 * 1e3)} (${fmt(eval1 / stream1, 2)}×)`, `${fmt(evalW * 1e3)} (${fmt(evalW / stream2, 2)}×)`,
    fmt(res.seconds), String(res.rhsEvaluations), `${res.accepted}/${res.rejected}`,
    fmt(flops / perEval / 1e9), fmt(bytes / perEval / 1e9), fmt(maxRss),
    `${fmt(res.train.min)}…${fmt(res.train.max)}`, fmt(res.errorEstimate, 2),
    np ? `${fmt(np.seconds_load)} + ${fmt(np.seconds_integrate)} (${np.nfev})` : 'skipped',
    np ? fmt(np.seconds_integrate / res.seconds, 2) : '—', fmt(agree, 2),
  ];
  console.error(`done ${s.K}/${s.Q}/${s.d} ${storage}`);
  return `| ${line.join(' | ')} |`;
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const numpyOk = withNumpy && hasNumpy();
  if (withNumpy && !numpyOk) console.log('python3 lacks numpy/scipy: skipping the numpy comparison');
  for (const s of SIZES) {
    const t0 = performance.now();
    const ds = await makeData(s);
    const genSeconds = (performance.now() - t0) / 1000;
    rows.push(await measure(s, ds, genSeconds, numpyOk));
    const ds32 = { ...ds, train: { ...ds.train, features: toFloat32(ds.train.features) } };
    rows.push(await measure(s, ds32, genSeconds, numpyOk));
  }
  console.log(`\nrtol ${RTOL}, atol ${ATOL}, β = ${BETA}, τ = ${TAU}, workers = ${workers}; ${new Date().toISOString().slice(0, 10)}`);
  console.log('Storage float32: the same features rounded to float32 and held as a Float32Array (as loadDataset reads a float32 .npz); the kernel reads them as float32 and');
  console.log('computes in float64 (bit-identical to float64 storage); numpy loads the float32 .npy and widens it with astype(float64), so both');
  console.log('sides compute exactly in float64. Bytes, streaming and GB/s refer to the stored matrix (4 or 8 bytes per entry).');
  console.log('The streaming columns are the machine\'s memory-bound rate in the kernel\'s language, measured in this run: the kernel module\'s own WebAssembly');
  console.log('SIMD sum over the stored matrix (two f64x2 accumulators, float32 widened as the kernel widens it) on 1 thread and on 2 workers;');
  console.log('(× stream) is one kernel evaluation against one such pass.\n');
  console.log('| K/Q/d | storage | N | features GiB | data gen s | stream 1T GB/s | stream 2T GB/s | 1 RHS, 1 thread ms (× stream) | 1 RHS, workers ms (× stream) | flow to τ_1 s | RHS evals | steps acc/rej | GFLOP/s | GB/s | peak RSS GiB | margins at τ_1 | error est. | numpy load + integrate s (nfev) | numpy / ours (integrate) | max rel diff vs numpy |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

await main();

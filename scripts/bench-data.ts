/**
 * `npm run bench` (data path): reading a real `.npz` and a whole `dpocheck simulate --data` run,
 * side by side with numpy on the same file.
 *
 * For each size (N = 2KQ samples of the cluster data of docs/theory.md §3, l_b = 1/2,
 * v = 1/(32√Q)) and each storage (float64, and float32 as PyTorch exports embeddings) it writes
 * the dataset with numpy's own `np.savez` into a temporary folder, then measures
 *   - load: `loadDataset(file)` in a fresh process (scripts/bench-load.ts) against
 *     `np.load(f)['features']` (which materialises the array), seconds and the peak memory each
 *     adds above its process's baseline, as a multiple of the feature bytes;
 *   - end to end: `node bin/dpocheck.js simulate --data file --K K --until tau1 --rtol 1e-8
 *     --atol 1e-12 --workers 2 --json` against `python3 scripts/bench_numpy.py file …` (numpy +
 *     scipy RK45 in W-space, the same tolerances), wall-clock seconds and peak RSS of each
 *     process (GNU time), start-up included.
 * The temporary files are deleted after each size (paper scale: about 1 GB each).
 *
 * Usage: tsx scripts/bench-data.ts [--quick] [--sizes 6400,paper] [--storage float64|float32|both] [--compressed] [--cli path/to/entry.js]
 *   --compressed: write the files with np.savez_compressed instead of np.savez.
 *   --cli: the CLI entry to time (default bin/dpocheck.js, which runs the compiled dist/: run
 *   `npm run build` first, as `npm run bench` does; bin/dpocheck-dev.js would add tsx's start-up).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterConfigSchema } from '../src/data/config.ts';
import { sampleDataset } from '../src/data/sampler.ts';

interface Size { label: string; K: number; Q: number; d: number }

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const flag = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const cli = flag('--cli') ?? join(import.meta.dirname, '../bin/dpocheck.js');
const ALL: Size[] = [
  { label: 'quick', K: 4, Q: 100, d: 400 },
  { label: '6400', K: 16, Q: 200, d: 2000 },
  { label: 'paper', K: 16, Q: 904, d: 4520 },
];
const wanted = quick ? ['quick'] : (flag('--sizes') ?? '6400,paper').split(',');
const SIZES = ALL.filter((s) => wanted.includes(s.label));
const storage = flag('--storage') ?? 'both';
const STORAGES = storage === 'both' ? [false, true] : [storage === 'float32'];
const compressed = args.includes('--compressed');
const RTOL = 1e-8;
const ATOL = 1e-12;
const NUMPY = join(import.meta.dirname, 'bench_numpy.py');

/** Writes a C-order .npy (version 1.0, numpy's 64-byte header padding) without building it in memory. */
function writeNpy(path: string, data: Float64Array | Float32Array | Int32Array, shape: number[]): void {
  const descr = data instanceof Float64Array ? '<f8' : data instanceof Float32Array ? '<f4' : '<i4';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10 + header.length);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre.writeUInt16LE(header.length, 8);
  pre.write(header, 10, 'latin1');
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, pre);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    for (let p = 0; p < bytes.length; p += 1 << 28) writeSync(fd, bytes.subarray(p, Math.min(bytes.length, p + (1 << 28))));
  } finally {
    closeSync(fd);
  }
}

/** Writes the dataset as `np.savez` does (numpy itself writes the archive from .npy files, memory-mapped). */
function writeNpz(dir: string, s: Size, f32: boolean): string {
  const config = ClusterConfigSchema.parse({ K: s.K, Q: s.Q, d: s.d, v: 1 / (32 * Math.sqrt(s.Q)), lb: 0.5, beta: 1, tau: 1, seed: 1 });
  const { train } = sampleDataset(config);
  writeNpy(join(dir, 'features.npy'), f32 ? Float32Array.from(train.features) : train.features, [train.n, train.d]);
  writeNpy(join(dir, 'chosen.npy'), train.chosen, [train.n]);
  writeNpy(join(dir, 'rejected.npy'), train.rejected, [train.n]);
  const file = join(dir, `data-${f32 ? 'f32' : 'f64'}.npz`);
  execFileSync('python3', ['-c', [
    'import numpy as np, sys',
    'd = sys.argv[1]',
    `np.${compressed ? 'savez_compressed' : 'savez'}(sys.argv[2], **{k: np.load(f'{d}/{k}.npy', mmap_mode='r') for k in ('features', 'chosen', 'rejected')})`,
  ].join('\n'), dir, file]);
  for (const k of ['features', 'chosen', 'rejected']) rmSync(join(dir, `${k}.npy`));
  return file;
}

/** Wall seconds and peak RSS bytes from the line GNU time writes to stderr. */
function parseTime(stderr: string): { seconds: number; peakBytes: number } {
  const m = /BENCH-TIME ([0-9.]+) ([0-9]+)/.exec(stderr);
  return m === null ? { seconds: NaN, peakBytes: NaN } : { seconds: Number(m[1]), peakBytes: Number(m[2]) * 1024 };
}
const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : '—');

/** Runs a command under GNU time: wall seconds, peak RSS bytes, and its stdout. */
function runTimed(cmd: string, argv: string[]): { seconds: number; peakBytes: number; stdout: string } {
  const r = spawnSync('/usr/bin/time', ['-f', 'BENCH-TIME %e %M', cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { ...parseTime(r.stderr), stdout: r.stdout };
}

function main(): void {
  const rows: string[] = [];
  for (const s of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), 'dpocheck-bench-data-'));
    try {
      for (const f32 of STORAGES) {
        const file = writeNpz(dir, s, f32);
        const fileBytes = statSync(file).size;
        const ours = JSON.parse(runTimed('npx', ['tsx', join(import.meta.dirname, 'bench-load.ts'), file]).stdout.trim().split('\n').pop()!) as { seconds: number; peakAboveBaselineBytes: number; featureBytes: number; storage: string };
        const np = JSON.parse(runTimed('python3', [NUMPY, '--load', file]).stdout.trim().split('\n').pop()!) as { seconds: number; peak_above_baseline_bytes: number; feature_bytes: number };
        const tau1 = (s.K * Math.log(3)) / 5; // docs/theory.md §4, β = τ = 1
        const e2eOurs = runTimed('node', [cli, 'simulate', '--data', file, '--K', String(s.K), '--until', 'tau1', '--rtol', String(RTOL), '--atol', String(ATOL), '--workers', '2', '--json']);
        const e2eNp = runTimed('python3', [NUMPY, file, '1', '1', String(tau1), String(RTOL), String(ATOL), '--no-margins']);
        const flow = (JSON.parse(e2eOurs.stdout) as { seconds: number }).seconds;
        const npRun = JSON.parse(e2eNp.stdout.trim().split('\n').pop()!) as { seconds_load: number; seconds_integrate: number };
        rows.push(`| ${s.K}/${s.Q}/${s.d} | ${2 * s.K * s.Q} | ${f32 ? 'float32' : 'float64'}${compressed ? ' compressed' : ''} (${ours.storage}) | ${fmt(fileBytes / 2 ** 30)} | ` +
          `${fmt(ours.seconds)} | ${fmt(np.seconds)} | ${fmt(ours.seconds / np.seconds, 2)} | ` +
          `${fmt(ours.peakAboveBaselineBytes / ours.featureBytes, 2)} | ${fmt(np.peak_above_baseline_bytes / ours.featureBytes, 2)} | ` +
          `${fmt(e2eOurs.seconds)} (flow ${fmt(flow)}) | ${fmt(e2eNp.seconds)} (load ${fmt(npRun.seconds_load)}, integrate ${fmt(npRun.seconds_integrate)}) | ${fmt(e2eNp.seconds / e2eOurs.seconds, 2)} | ` +
          `${fmt(e2eOurs.peakBytes / 2 ** 30)} | ${fmt(e2eNp.peakBytes / 2 ** 30)} |`);
        console.error(`done ${s.label} ${f32 ? 'float32' : 'float64'}`);
        rmSync(file);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\nData path: ${compressed ? 'np.savez_compressed' : 'np.savez'} files; load = loadDataset vs np.load(f)['features'] (fresh processes; peak = maxRSS added by the load, in feature bytes);`);
  console.log(`end to end = whole processes (start-up included): ${cli.endsWith('bin/dpocheck.js') ? 'node bin/dpocheck.js (compiled dist/)' : `node ${cli}`} simulate --data … --until tau1 --rtol ${RTOL} --atol ${ATOL} --workers 2 vs python3 scripts/bench_numpy.py on the same file. ${new Date().toISOString().slice(0, 10)}\n`);
  console.log('| K/Q/d | N | file dtype (stored as) | file GiB | load s | np.load s | load / numpy | load peak × features | numpy peak × features | simulate end to end s | numpy end to end s | numpy / ours (end to end) | our peak RSS GiB | numpy peak RSS GiB |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

main();

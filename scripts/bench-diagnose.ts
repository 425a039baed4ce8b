/**
 * Speed of `dpocheck diagnose`'s statistics on a paper-scale file (THEORY §7: K = 16, Q = 904,
 * d = 4520, N = 28,928; 1.05 GB of float64 features): generates the file with numpy (THEORY §3
 * clusters, l_b = 1/2, v = 0.05, anisotropic noise), times `dpocheck diagnose --no-train` on it
 * end to end (reading the file included) and as the statistics alone, and deletes the file.
 *
 * Usage: npm run bench:diagnose [-- --K 16 --Q 904 --d 4520] [-- --keep]
 * Needs python3 with numpy for the generation (skipped with a message otherwise).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const K = arg('--K', 16), Q = arg('--Q', 904), d = arg('--d', 4520);
const keep = args.includes('--keep');

const GENERATE = `
import sys, numpy as np
K, Q, d, path = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(7)
N = 2 * K * Q
x = np.empty((N, d))
sd = 0.05 * np.sqrt(np.geomspace(1, 10, d) / np.geomspace(1, 10, d).mean())
for k in range(K):
    for s, sign in enumerate((1, -1)):
        rows = slice((2 * k + s) * Q, (2 * k + s + 1) * Q)
        x[rows] = rng.standard_normal((Q, d)) * sd
        x[rows, 0] += 0.5
        x[rows, 1 + k] += sign
chosen = np.repeat(np.arange(2 * K), Q)
rejected = chosen ^ 1
np.savez(path, features=x, chosen=chosen, rejected=rejected)
`;

const dir = mkdtempSync(join(tmpdir(), 'dpocheck-bench-diagnose-'));
const file = join(dir, 'paper_scale.npz');
try {
  try {
    execFileSync('python3', ['-c', GENERATE, String(K), String(Q), String(d), file], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    process.stdout.write('bench-diagnose: skipped (python3 with numpy is needed to generate the file)\n');
    process.exit(0);
  }
  const gb = statSync(file).size / 1e9;
  // /usr/bin/time gives the child's CPU time and peak memory: on a shared machine the wall time
  // measures the other load as much as diagnose (the statistics run on one thread, so on an idle
  // machine wall ≈ CPU time).
  const timing = join(dir, 'time.txt');
  const cmd = [process.execPath, 'bin/dpocheck.js', 'diagnose', '--data', file, '--no-train', '--json', '--workers', '2'];
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', timing, ...cmd], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  const wall = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`diagnose failed (${run.status}): ${run.stderr}`);
  const [user, sys, rssKb] = readFileSync(timing, 'utf-8').trim().split(/\s+/).map(Number);
  const report = JSON.parse(run.stdout) as { seconds: { statistics: number; statisticsCpu: number; phases: Record<string, number> }; estimates: { lb: number; v: number } };
  process.stdout.write(
    `| K | Q | d | N | file (GB) | wall (s) | CPU user+sys (s) | statistics: wall / CPU (s) | peak RSS (GB) | l_b | v |\n|---|---|---|---|---|---|---|---|---|---|---|\n` +
      `| ${K} | ${Q} | ${d} | ${2 * K * Q} | ${gb.toFixed(2)} | ${wall.toFixed(1)} | ${(user + sys).toFixed(1)} | ${report.seconds.statistics.toFixed(1)} / ${report.seconds.statisticsCpu.toFixed(1)} | ${(rssKb / 1e6).toFixed(2)} | ${report.estimates.lb.toFixed(4)} | ${report.estimates.v.toFixed(4)} |\n` +
      `phases (wall s): ${Object.entries(report.seconds.phases).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}\n` +
      `load average during the run: ${loadavg().map((x) => x.toFixed(1)).join(', ')} on ${availableParallelism()} cores\n`,
  );
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
  else process.stdout.write(`kept ${file}\n`);
}

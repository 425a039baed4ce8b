/**
 * `npm run bench` (first part): start-up time of the compiled CLI. Runs a bare `node -e 0` and
 * `node bin/dpocheck.js --version` (the compiled dist/, built by `npm run build`) alternately,
 * RUNS times each, and prints the medians and their ratio. The package's target is a ratio of at
 * most 10: `--version` loads no command module, and every command loads only its own (tfjs, vega
 * and the simulator only where they are used).
 *
 * Usage: tsx scripts/bench-startup.ts [--runs 15]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
/** Alternating runs of each command; the median of 15 is stable to a few ms on an idle machine. */
const RUNS = Number(args[args.indexOf('--runs') + 1] ?? 15) || 15;

if (!existsSync('dist/src/cli/main.js')) {
  console.error('bench-startup: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

function timeMs(cmd: readonly string[]): number {
  const t0 = process.hrtime.bigint();
  execFileSync(process.execPath, cmd, { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const bare: number[] = [];
const version: number[] = [];
const bounds: number[] = [];
for (let i = 0; i < RUNS; i++) {
  bare.push(timeMs(['-e', '0']));
  version.push(timeMs(['bin/dpocheck.js', '--version']));
  bounds.push(timeMs(['bin/dpocheck.js', 'bounds', '--K', '1', '--Q', '1000', '--d', '100', '--v', '0.0009', '--lb', '0.3']));
}
const b = median(bare);
console.log(`\nStart-up (median of ${RUNS}, ${new Date().toISOString().slice(0, 10)}):\n`);
console.log('| command | ms | × bare node |');
console.log('|---|---|---|');
console.log(`| node -e 0 | ${b.toFixed(0)} | 1.0 |`);
console.log(`| dpocheck --version | ${median(version).toFixed(0)} | ${(median(version) / b).toFixed(1)} |`);
console.log(`| dpocheck bounds (one configuration) | ${median(bounds).toFixed(0)} | ${(median(bounds) / b).toFixed(1)} |`);

/**
 * `dpocheck explore` and `dpocheck merge`: the noise frontier of the
 * Theorem 4.2 sandwich comes with a confidence interval and its probed failure rates agree with
 * an independent simulation of the same configurations; every departure has a generator, a
 * coverage statistic and a frontier row; shards merge into the unsharded findings; bad flags
 * exit 2 with one line; Ctrl-C exits 130 and keeps the run resumable.
 */
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerExplore } from '../../src/cli/commands/explore.ts';
import { registerMerge } from '../../src/cli/commands/merge.ts';
import { bufferIO } from '../../src/cli/io.ts';
import { describeError } from '../../src/cli/errors.ts';
import type { CommandContext } from '../../src/cli/main.ts';
import { probeConfigs, type Findings } from '../../src/check/explore/index.ts';
import { DEPARTURE_IDS } from '../../src/data/breaking.ts';
import { sampleDataset } from '../../src/data/sampler.ts';
import { simulate } from '../../src/sim/index.ts';
import { failureRatesAgree } from '../../src/check/statistics.ts';
import type { ClusterConfig } from '../../src/data/config.ts';

/** Runs one command line on a program with explore and merge registered (as main.ts will). */
async function cli(argv: string[], onErr?: (text: string) => void): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIO();
  const err = io.err;
  const ctx: CommandContext = { io: { ...io, err: (t) => { err(t); onErr?.(t); } }, exitCode: 0 };
  const program = new Command().exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: () => undefined });
  registerExplore(program, ctx);
  registerMerge(program, ctx);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: () => undefined });
  let code: number;
  try {
    await program.parseAsync(argv, { from: 'user' });
    code = ctx.exitCode;
  } catch (e) {
    const d = describeError(e);
    if (d !== null) io.err(`dpocheck: ${d.message}\n`);
    code = d?.code ?? 0;
  }
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'dpocheck-explore-'));

/**
 * The sandwich of Theorem 4.2 (THEORY §4) judged independently of the claim: sample, integrate
 * the flow to τ_1 with our own grid, and compare every margin with β²t/(8Kτ) and 5β²t/(Kτ).
 */
async function sandwichFailsIndependently(config: ClusterConfig): Promise<boolean> {
  const { K, beta, tau } = config;
  const tau1 = (K * tau * Math.log(3)) / (5 * beta * beta);
  const grid = Array.from({ length: 24 }, (_, k) => Math.min(tau1, (tau1 * (k + 1)) / 24));
  const result = await simulate(sampleDataset(config), { beta, tau, loss: 'dpo', optimizer: 'flow', tEnd: tau1, checkpoints: grid, full: true, rtol: 1e-10 });
  const slack = 1e-7; // far above the integrator's error, far below a real miss
  for (const c of result.checkpoints) {
    if (!(c.t > 0) || c.train.margins === undefined) continue;
    const lo = (beta * beta * c.t) / (8 * K * tau);
    const hi = (5 * beta * beta * c.t) / (K * tau);
    for (const r of c.train.margins) if (r < lo * (1 - slack) || r > hi * (1 + slack)) return true;
  }
  return false;
}

const SMALL = ['--diagrams', 'none', '--target-evaluations', '0', '--no-charts', '--scale', 'small'];

describe('dpocheck explore', () => {
  it('returns a noise frontier with a CI whose probed rates agree with an independent simulation', async () => {
    const dir = tmp();
    const r = await cli(['explore', '--condition', 'noise', '--claims', 'thm42-sandwich', '--json', '--seed', '11', '--p', '0.25',
      '--runs-per-probe', '20', '--batch', '20', '--max-runs', '200', '--dir', dir, ...SMALL]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe(''); // --json: stderr stays quiet
    const findings = JSON.parse(r.out) as Findings;
    expect(findings.frontiers).toHaveLength(1);
    const row = findings.frontiers[0]!;
    expect(row.status).toBe('found');
    expect(row.ci).not.toBeNull();
    const [lo, hi] = row.ci!;
    expect(lo).toBeLessThanOrEqual(row.frontier!);
    expect(row.frontier!).toBeLessThanOrEqual(hi);
    expect(lo).toBeGreaterThan(1); // the v5 edge is far inside the noise the sandwich tolerates
    // The two probes bracketing the frontier, re-derived from their batch seeds and judged anew.
    const below = row.probes.filter((p) => p.m <= lo).at(-1)!;
    const above = row.probes.find((p) => p.m >= hi)!;
    for (const probe of [below, above]) {
      let failures = 0;
      let runs = 0;
      for (const b of probe.batches) {
        for (const config of probeConfigs('noise', probe.m, b.n, b.seed, 'small')) {
          runs++;
          if (await sandwichFailsIndependently(config)) failures++;
        }
      }
      expect(runs).toBe(probe.runs);
      expect(failureRatesAgree({ failures, runs }, probe).agree, `m = ${probe.m}: independent ${failures}/${runs} vs ${probe.failures}/${probe.runs}`).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8'))).toEqual(findings);
  }, 60_000);

  it('gives every departure a frontier row with its coverage, and shards merge into the unsharded findings', async () => {
    const common = ['explore', '--claims', 'thm42-window', '--json', '--seed', '5', '--runs-per-probe', '10', '--batch', '10', '--max-runs', '10',
      '--diagrams', 'noise-x-K', '--cell-runs', '1', '--target-evaluations', '0', '--no-charts', '--p', '0.3'];
    const whole = await cli([...common, '--dir', tmp()]);
    expect(whole.code, whole.err).toBe(0);
    const all = JSON.parse(whole.out) as Findings;
    expect(all.complete).toBe(true);
    expect(all.frontiers.map((f) => f.departure)).toEqual([...DEPARTURE_IDS]);
    for (const f of all.frontiers) {
      expect(f.runs, f.departure).toBeGreaterThan(0);
      expect(f.status).not.toBe('not-run');
      // The coverage statistic: every drawn configuration broke exactly what was intended.
      expect(f.coverage.configs).toBeGreaterThan(0);
      expect(f.coverage.exactShare, f.departure).toBe(1);
      expect(f.probes[0]!.coverage.meanMagnitude).toBeCloseTo(f.probes[0]!.m, 0);
    }
    const d1 = tmp();
    const d2 = tmp();
    const s1 = await cli([...common, '--shard', '1/2', '--dir', d1]);
    const s2 = await cli([...common, '--shard', '2/2', '--dir', d2]);
    expect(s1.code).toBe(0);
    expect((JSON.parse(s1.out) as Findings).complete).toBe(false);
    expect(s2.code).toBe(0);
    const out = tmp();
    const merged = await cli(['merge', d1, d2, '--out', out, '--json', '--no-charts']);
    expect(merged.code, merged.err).toBe(0);
    expect(JSON.parse(merged.out)).toEqual(all);
    // Merging one shard alone is incomplete, and says so.
    const half = await cli(['merge', d1, '--out', tmp(), '--json', '--no-charts']);
    expect((JSON.parse(half.out) as Findings).complete).toBe(false);
    expect(half.err).toMatch(/not finished/);
  }, 60_000);

  it('exits 130 on Ctrl-C keeping a resumable run, and --resume completes it', async () => {
    const dir = tmp();
    const args = ['explore', '--condition', 'label-noise', '--claims', 'thm42-window', '--seed', '3', '--runs-per-probe', '10', '--batch', '10',
      '--max-runs', '20', '--dir', dir, ...SMALL];
    let sent = false;
    const r = await cli(args, () => {
      if (!sent) {
        sent = true;
        process.emit('SIGINT');
      }
    });
    expect(r.code).toBe(130);
    expect(r.err).toMatch(/interrupted; kept what was measured.*--resume/);
    expect(existsSync(join(dir, 'state.json'))).toBe(true);
    const resumed = await cli(['explore', '--resume', dir, '--json', '--no-charts']);
    expect(resumed.code, resumed.err).toBe(0);
    const f = JSON.parse(resumed.out) as Findings;
    expect(f.complete).toBe(true);
    expect(f.frontiers[0]!.runs).toBeGreaterThan(0);
  }, 30_000);

  it.each([
    [['--condition', 'bogus'], /--condition: unknown condition 'bogus'/],
    [['--claims', 'lemma41-normaliser'], /--claims: 'lemma41-normaliser' cannot be explored/],
    [['--shard', '3/2'], /--shard: /],
    [['--p', '1.5'], /--p: must lie strictly between 0 and 1/],
    [['--budget', 'soon'], /budget/],
    [['--runs-per-probe', '0'], /--runs-per-probe: must be >= 1/],
    [['--diagrams', 'nope'], /--diagrams: unknown diagram/],
    [['--resume', '/nonexistent/dir'], /not an explore run directory/],
  ])('rejects %j with exit 2 and one line', async (flags, message) => {
    const r = await cli(['explore', ...flags]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(message);
  });
});

/** A tiny finished run (one frontier item, a handful of runs). */
const TINY = ['--condition', 'label-noise', '--claims', 'thm42-window', '--seed', '3', '--runs-per-probe', '5', '--batch', '5', '--max-runs', '10', ...SMALL];

describe('explore and merge refuse to overwrite or ignore what the user gave', () => {
  it('refuses --dir onto an existing run unless --force, before any work', async () => {
    const dir = tmp();
    const first = await cli(['explore', ...TINY, '--dir', dir]);
    expect(first.code, first.err).toBe(0);
    const before = readFileSync(join(dir, 'state.json'), 'utf8');
    const again = await cli(['explore', ...TINY, '--seed', '4', '--dir', dir]);
    expect(again.code).toBe(2);
    expect(again.out).toBe('');
    expect(again.err.trimEnd().split('\n')).toHaveLength(1);
    expect(again.err).toMatch(/--dir .*holds an explore run; continue it with --resume .*or replace it with --force/);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(before);
    const forced = await cli(['explore', ...TINY, '--seed', '4', '--dir', dir, '--force', '--json']);
    expect(forced.code, forced.err).toBe(0);
    expect((JSON.parse(forced.out) as Findings).settings.seed).toBe(4);
  }, 60_000);

  it('refuses --resume with flags that conflict with the run, naming them; the same values are fine', async () => {
    const dir = tmp();
    expect((await cli(['explore', ...TINY, '--dir', dir])).code).toBe(0);
    const r = await cli(['explore', '--resume', dir, '--seed', '7', '--condition', 'noise']);
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/--resume .* keeps the run's settings; conflicting flags: --condition .*--seed \(the run has 3\)/);
    const same = await cli(['explore', '--resume', dir, '--seed', '3', '--json', '--no-charts']);
    expect(same.code, same.err).toBe(0);
  }, 60_000);

  it('judges the phase diagrams with the selected claims only', async () => {
    const dir = tmp();
    const r = await cli(['explore', '--condition', 'label-noise', '--claims', 'thm42-window', '--seed', '3', '--runs-per-probe', '5', '--batch', '5',
      '--max-runs', '5', '--cell-runs', '1', '--diagrams', 'noise-x-K', '--target-evaluations', '0', '--no-charts', '--dir', dir, '--json', '--budget', '1s']);
    const f = JSON.parse(r.out) as Findings;
    expect(f.settings.diagramClaim).toBe('thm42-window');
    expect(f.diagrams.every((d) => d.claim === 'thm42-window')).toBe(true);
  }, 60_000);

  it('merge refuses --out onto an input, the same shard twice, and names the directory of a mismatch; a missing shard is said', async () => {
    const d1 = tmp();
    const d2 = tmp();
    const shardArgs = ['explore', '--condition', 'label-noise,imbalance', '--claims', 'thm42-window', '--seed', '3', '--runs-per-probe', '5', '--batch', '5', '--max-runs', '5', ...SMALL];
    expect((await cli([...shardArgs, '--shard', '1/2', '--dir', d1])).code).toBe(0);
    expect((await cli([...shardArgs, '--seed', '4', '--shard', '2/2', '--dir', d2])).code).toBe(0);

    const onto = await cli(['merge', d1, d2, '--out', d1]);
    expect(onto.code).toBe(2);
    expect(onto.err).toMatch(/--out .*is one of the inputs/);

    const twice = await cli(['merge', d1, d1, '--out', tmp()]);
    expect(twice.code).toBe(2);
    expect(twice.err).toContain(`${d1}: is shard 1/2 again (already given as ${d1})`);

    const mismatch = await cli(['merge', d1, d2, '--out', tmp()]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.err).toContain(`${d2}: was run with different settings`);
    expect(mismatch.err).not.toContain('dirs[');

    const alone = await cli(['merge', d1, '--out', tmp(), '--json', '--no-charts']);
    expect(alone.code).toBe(0);
    expect(alone.err).toMatch(/shard 2\/2 not given; their items stay pending/);
  }, 60_000);
});

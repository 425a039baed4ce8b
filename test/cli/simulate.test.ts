/**
 * `dpocheck simulate` in-process: flag handling, determinism across workers, atomic --out, the
 * τ_1 stop, and the acceptance criterion against numpy/scipy goldens made independently by
 * scripts/make-simulate-goldens.py.
 */
import { runSingleCommand, type CliRun } from './singleCommand.ts';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerSimulate } from '../../src/cli/commands/simulate.ts';
import { SAMPLE_BLOCK } from '../../src/sim/index.ts';

const FIXTURES = path.join(import.meta.dirname, '..', '..', 'fixtures', 'simulate');
const GOLDENS = ['gaussian_f64', 'shared_pair_f32', 'cluster_f64', 'heavy_tailed_f64'] as const;
const tmp = mkdtempSync(path.join(tmpdir(), 'dpocheck-simulate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `dpocheck <argv>` with only this command registered (see singleCommand.ts). */
const cli = (argv: readonly string[]): Promise<CliRun> => runSingleCommand(registerSimulate, argv);

/** Parses a successful `--json` run. */
async function json(argv: readonly string[]): Promise<Record<string, any>> {
  const run = await cli([...argv, '--json']);
  expect(run.stderr, run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Record<string, any>;
}

/** The JSON without its wall-clock field. */
function withoutSeconds(doc: Record<string, any>): Record<string, any> {
  const { seconds, ...rest } = doc;
  expect(typeof seconds).toBe('number');
  return rest;
}

const CONFIG = { K: 2, Q: 6, d: 5, v: 0.05, lb: 0.8, seed: 7 } as const;
const CONFIG_FLAGS = ['--K', '2', '--Q', '6', '--d', '5', '--v', '0.05', '--lb', '0.8', '--seed', '7'];

describe('dpocheck simulate', () => {
  it('gives the same JSON from flags and from --config', async () => {
    const file = path.join(tmp, 'config.json');
    writeFileSync(file, JSON.stringify(CONFIG));
    const common = ['--beta', '0.7', '--tau', '1.5', '--t-end', '3', '--checkpoints', '1,2', '--test-size', '9', '--workers', '0'];
    const fromFlags = await json(['simulate', ...CONFIG_FLAGS, ...common]);
    const fromFile = await json(['simulate', '--config', file, ...common]);
    expect(withoutSeconds(fromFile)).toEqual(withoutSeconds(fromFlags));
    expect(fromFlags).toMatchObject({ N: 2 * 2 * 6, d: 5, tEnd: 3, beta: 0.7, tau: 1.5, loss: 'dpo', optimizer: 'flow', backend: 'reference' });
    expect(fromFlags['config']).toMatchObject({ ...CONFIG, beta: 0.7, tau: 1.5 });
    expect(fromFlags['checkpoints'].map((c: { t: number }) => c.t)).toEqual([1, 2, 3]);
    expect(fromFlags['test']).toMatchObject({ error: expect.any(Number) });
    for (const key of ['rewards/chosen', 'rewards/rejected', 'rewards/margins', 'rewards/accuracies']) {
      expect(typeof fromFlags['rewards'][key]).toBe('number');
    }
    expect(fromFlags['deltaWNorm']).toBeGreaterThan(0);
    expect(fromFlags['rhsEvaluations']).toBeGreaterThan(0);
    expect(fromFlags['errorEstimate']).toBeGreaterThanOrEqual(0);
    // Without --full no margin vectors; with it, plain arrays of length N (not typed-array objects).
    expect(fromFlags['train'].margins).toBeUndefined();
    const full = await json(['simulate', ...CONFIG_FLAGS, ...common, '--full']);
    expect(Array.isArray(full['train'].margins)).toBe(true);
    expect(full['train'].margins).toHaveLength(24);
    expect(full['test'].margins).toHaveLength(9);
    expect(Math.min(...full['train'].margins)).toBe(full['train'].min);
  });

  it('gives bit-identical JSON for 1 and 2 workers (and across runs)', async () => {
    // N = 2·2·Q spans several fixed sample blocks, so the two runs really split the work.
    const Q = Math.ceil((1.5 * SAMPLE_BLOCK) / 4);
    const args = ['simulate', '--K', '2', '--Q', String(Q), '--d', '6', '--v', '0.3', '--lb', '1', '--t-end', '2', '--full', '--test-size', '50'];
    const one = await cli([...args, '--workers', '1', '--json']);
    const two = await cli([...args, '--workers', '2', '--json']);
    const again = await cli([...args, '--workers', '2', '--json']);
    const strip = (s: string): string => s.replace(/"seconds": [^\n]+\n/, '');
    expect(JSON.parse(one.stdout)['N']).toBeGreaterThan(SAMPLE_BLOCK);
    expect(strip(two.stdout)).toBe(strip(one.stdout));
    expect(strip(again.stdout)).toBe(strip(two.stdout));
  });

  it('writes --out atomically and completely, and writes nothing when the run fails', async () => {
    const out = path.join(tmp, 'out', 'result.json');
    const dir = path.dirname(out);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const ok = await cli(['simulate', ...CONFIG_FLAGS, '--t-end', '1', '--out', out, '--json', '--workers', '0']);
    expect(ok.code).toBe(0);
    expect(readFileSync(out, 'utf-8')).toBe(ok.stdout);
    expect(readdirSync(dir)).toEqual(['result.json']); // no temporary file left behind
    // The human table goes to stdout while the file still gets the JSON.
    const human = await cli(['simulate', ...CONFIG_FLAGS, '--t-end', '1', '--out', out, '--workers', '0']);
    expect(human.stdout).toMatch(/train min/);
    expect(JSON.parse(readFileSync(out, 'utf-8'))['tEnd']).toBe(1);

    for (const failing of [
      ['simulate', '--data', path.join(tmp, 'missing.npz'), '--t-end', '1'],
      ['simulate', '--data', path.join(FIXTURES, '..', 'data', 'bad_nan.npz'), '--t-end', '1'],
      ['simulate', '--data', path.join(FIXTURES, '..', 'data', 'bad_truncated.npz'), '--t-end', '1'],
      ['simulate', ...CONFIG_FLAGS, '--t-end', '-1'],
    ]) {
      const run = await cli([...failing, '--out', path.join(dir, 'never.json')]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
      expect(readdirSync(dir)).toEqual(['result.json']);
    }
  });

  it('stops --until tau1 at Theorem 4.2\'s τ_1 = Kτ ln3/(5β²)', async () => {
    const beta = 0.6, tau = 2.5;
    const res = await json(['simulate', ...CONFIG_FLAGS, '--beta', String(beta), '--tau', String(tau), '--until', 'tau1', '--checkpoints', '0.5', '--workers', '0']);
    const expected = (CONFIG.K * tau * Math.log(3)) / (5 * beta * beta);
    expect(res['tEnd']).toBeCloseTo(expected, 14);
    expect(res['tau1']).toBe(res['tEnd']);
    expect(res['until']).toBe('tau1');
    expect(res['checkpoints'].at(-1).t).toBe(res['tEnd']);
    // With --data, K comes from --K; gd stops at the first whole step at or after τ_1.
    const data = path.join(FIXTURES, 'cluster_f64.npz');
    const gd = await json(['simulate', '--data', data, '--K', '3', '--optimizer', 'gd', '--until', 'tau1', '--workers', '0']);
    expect(gd['tEnd']).toBe(Math.ceil((3 * Math.log(3)) / 5));
  });

  it('applies the authors\' last-layer preset (Adam, lr 1e-3, β = 0.01, 100 steps)', async () => {
    const res = await json(['simulate', '--data', path.join(FIXTURES, 'cluster_f64.npz'), '--preset', 'authors-last-layer', '--workers', '0']);
    expect(res).toMatchObject({ optimizer: 'adam', beta: 0.01, lr: 1e-3, tEnd: 100, rhsEvaluations: 100, errorEstimate: 0, rtol: null });
  });

  it.each([
    [['simulate'], /^no input/],
    [['simulate', '--config', 'a.json', '--data', 'b.npz', '--t-end', '1'], /--config and --data/],
    [['simulate', '--data', 'b.npz', '--Q', '3', '--t-end', '1'], /^--Q: cannot be combined with --data/],
    [['simulate', ...CONFIG_FLAGS], /^--t-end: required/],
    [['simulate', ...CONFIG_FLAGS, '--t-end', '0'], /^--t-end: must be > 0/],
    [['simulate', ...CONFIG_FLAGS, '--t-end', '1', '--until', 'tau1'], /--until and --t-end/],
    [['simulate', '--data', path.join(FIXTURES, 'cluster_f64.npz'), '--until', 'tau1'], /^--until tau1: needs K/],
    [['simulate', ...CONFIG_FLAGS, '--t-end', '1', '--loss', 'kto'], /^--loss: expected one of dpo, ipo, slic/],
    [['simulate', ...CONFIG_FLAGS, '--t-end', '1', '--workers', '-1'], /^--workers: must be >= 0/],
    [['simulate', ...CONFIG_FLAGS, '--t-end', '1', '--workers', '1.5'], /^--workers: expected an integer/],
    [['simulate', ...CONFIG_FLAGS, '--t-end', '1', '--optimizer', 'sgd'], /^--optimizer/],
    [['simulate', ...CONFIG_FLAGS, '--t-end', '2.5', '--optimizer', 'gd'], /^--t-end: must be a whole number/],
    [['simulate', ...CONFIG_FLAGS, '--t-end', '1', '--lr', '0.1'], /^--lr: only for/],
    [['simulate', ...CONFIG_FLAGS, '--t-end', '1', '--checkpoints', '0.5,2'], /^--checkpoints: each must lie in \(0, 1\]/],
    [['simulate', ...CONFIG_FLAGS, '--t-end', '1', '--backend', 'cuda'], /^--backend: expected one of/],
    [['simulate', '--K', '3', '--Q', '2', '--d', '3', '--v', '0', '--lb', '1', '--t-end', '1'], /^--d: must be >= K\+1 = 4/],
    [['simulate', ...CONFIG_FLAGS, '--t-end', '1', '--out', path.join(tmp, 'no', 'such', 'dir.json')], /^--out .*does not exist/],
    [['simulate', '--preset', 'authors-last-layer', '--optimizer', 'flow', ...CONFIG_FLAGS], /^--optimizer: the preset/],
  ])('rejects %j with one line and exit 2', async (argv, message) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toHaveLength(2); // one line + the final newline
    expect(run.stderr.startsWith('dpocheck: ')).toBe(true);
    expect(run.stderr.slice('dpocheck: '.length)).toMatch(message);
  });

  it('names the field of an invalid --config file', async () => {
    const file = path.join(tmp, 'bad-config.json');
    writeFileSync(file, JSON.stringify({ ...CONFIG, v: -1 }));
    const bad = await cli(['simulate', '--config', file, '--t-end', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^dpocheck: --config .*bad-config\.json: v: /);
    writeFileSync(file, '{"K": 2,');
    expect((await cli(['simulate', '--config', file, '--t-end', '1'])).stderr).toMatch(/not valid JSON/);
    writeFileSync(file, JSON.stringify({ ...CONFIG, extra: 1 }));
    expect((await cli(['simulate', '--config', file, '--t-end', '1'])).stderr).toMatch(/extra/);
  });
});

/** A golden written by scripts/make-simulate-goldens.py. */
interface Golden {
  data: string;
  beta: number;
  tau: number;
  tEnd: number;
  train_margins: number[];
  test_margins: number[];
}

/** The acceptance tolerance: margins within 1e-7 relative of the reference integration. */
const ACCEPTANCE_RTOL = 1e-7;
/**
 * Floor of the relative error's denominator, as a fraction of the vector's largest |margin|: an
 * ODE solver's error on a margin scales with the size of ΔW (the whole vector's scale), not with
 * that one margin, so a margin that happens to sit near 0 is measured against 1e-3 of the
 * scale rather than against itself. (None of the current goldens needs it: every margin passes
 * a pure relative test at 1e-8.)
 */
const MARGIN_FLOOR_FRACTION = 1e-3;

function worstRelativeError(got: readonly number[], ref: readonly number[]): number {
  expect(got).toHaveLength(ref.length);
  const floor = MARGIN_FLOOR_FRACTION * Math.max(...ref.map(Math.abs));
  let worst = 0;
  ref.forEach((r, i) => {
    worst = Math.max(worst, Math.abs(got[i]! - r) / Math.max(Math.abs(r), floor));
  });
  return worst;
}

describe('acceptance: matches a scipy DOP853 reference on numpy-made data', () => {
  it.each(GOLDENS)('%s: train and test margins within 1e-7 relative', async (name) => {
    const golden = JSON.parse(readFileSync(path.join(FIXTURES, `${name}.golden.json`), 'utf-8')) as Golden;
    const res = await json([
      'simulate', '--data', path.join(FIXTURES, golden.data),
      '--beta', String(golden.beta), '--tau', String(golden.tau), '--t-end', String(golden.tEnd), '--full',
    ]);
    expect(res['tEnd']).toBe(golden.tEnd);
    expect(res['N']).toBe(golden.train_margins.length);
    expect(worstRelativeError(res['train'].margins, golden.train_margins)).toBeLessThan(ACCEPTANCE_RTOL);
    expect(worstRelativeError(res['test'].margins, golden.test_margins)).toBeLessThan(ACCEPTANCE_RTOL);
  });
});

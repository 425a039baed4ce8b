/**
 * `dpocheck law` and `dpocheck merge` of law runs: bad input exits 2 with one line and writes
 * nothing; --paper-tables --json has both fits with R²; the JSON has the documented shape with
 * schemaVersion; shards merged by `dpocheck merge` equal the unsharded run; a real SIGINT to a
 * child process exits 130 keeping a resumable run, and --resume completes it to the
 * uninterrupted result.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferIO } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'dpocheck-law-'));
const ROOT = join(import.meta.dirname, '..', '..');

describe('dpocheck law: bad input', () => {
  it.each([
    [['--K', '4', '--d', '3'], /--d: must be >= K\+1/],
    [['--v', '0'], /--v: must be > 0/],
    [['--v', '-0.5'], /--v: must be > 0/],
    [['--K', ''], /--K/],
    [['--Q', '1,,2'], /--Q/],
    [['--tokens', 'z=5', '--K', '2,8'], /Z concepts cannot share/],
    [['--tokens', 'z=0'], /--tokens/],
    [['--condition', 'noise=2'], /grid axis/],
    [['--condition', 'bogus=1'], /unknown departure/],
    [['--optimizer', 'adam'], /--preset/],
    [['--v', '0.1', '--noise-multiplier', '2'], /not both/],
    [['--shard', '3/2'], /--shard/],
  ])('%j -> exit 2, one line, no output directory', async (args, re) => {
    const out = tmp();
    const r = await cli(['law', ...args, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(re);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('dpocheck law --paper-tables --json', () => {
  it('fits THEORY §9\'s law and the straight line to both models, with R²', async () => {
    const r = await cli(['law', '--paper-tables', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.schemaVersion).toBe(1);
    expect(j.paperTables.map((p: { model: string }) => p.model)).toEqual(['Mistral-7B-v0.3', 'Qwen3-8B-Base']);
    for (const p of j.paperTables) {
      expect(p.law.v).toBeGreaterThan(0);
      expect(typeof p.law.r2).toBe('number');
      expect(typeof p.linear.r2).toBe('number');
      expect(typeof p.linear.slope).toBe('number');
      expect(typeof p.linear.intercept).toBe('number');
      expect(typeof p.law.aic).toBe('number');
    }
  });
});

const SMALL = ['--K', '1,2,4', '--Q', '2,4,8', '--datasets', '2', '--d', '6', '--seed', '5', '--no-charts', '--json'];

describe('dpocheck law: JSON, shards and merge', () => {
  it('has the documented shape and merges shards into the unsharded result', async () => {
    const root = tmp();
    const whole = await cli(['law', ...SMALL, '--dir', join(root, 'whole')]);
    expect(whole.code).toBe(0);
    const j = JSON.parse(whole.out);
    expect(j.schemaVersion).toBe(1);
    expect(Object.keys(j.cells[0])).toEqual(expect.arrayContaining(['K', 'Q', 'tokens', 'noise', 'v', 'd', 'lb', 'datasets', 'testError', 'testErrorLow', 'testErrorHigh', 'lnTestError', 'worstConceptError', 'predicted']));
    expect(Object.keys(j.qmin[0])).toEqual(expect.arrayContaining(['K', 'tokens', 'noise', 'eta', 'Q', 'low', 'high', 'status', 'floor']));
    expect(Object.keys(j.fits[0])).toEqual(expect.arrayContaining(['tokens', 'noise', 'form', 'params', 'r2', 'aic']));
    expect(j.cells).toHaveLength(2 * 3 * 3);
    for (const i of [1, 2]) expect((await cli(['law', ...SMALL, '--shard', `${i}/2`, '--dir', join(root, `s${i}`)])).code).toBe(0);
    const merged = await cli(['merge', join(root, 's1'), join(root, 's2'), '--out', join(root, 'merged'), '--json', '--no-charts']);
    expect(merged.code).toBe(0);
    expect(merged.out).toBe(whole.out);
    expect(existsSync(join(root, 'merged', 'law.md'))).toBe(true);
    // merge tells law runs from other runs
    const mixed = await cli(['merge', join(root, 's1'), root, '--out', join(root, 'x')]);
    expect(mixed.code).toBe(2);
    expect(mixed.err).toMatch(/law runs/);
  });
});

describe('dpocheck law --budget', () => {
  it('leaves what does not fit for --resume and says so', async () => {
    const dir = join(tmp(), 'b');
    const r = await cli(['law', '--K', '1,2', '--Q', '2,4', '--datasets', '2', '--d', '3', '--budget', '1ms', '--dir', dir, '--json', '--no-charts']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/budget spent; kept what was measured, \d+ training sets left/);
    expect(JSON.parse(r.out).complete).toBe(false);
    const done = await cli(['law', '--resume', dir, '--json', '--no-charts']);
    expect(JSON.parse(done.out).complete).toBe(true);
  });
});

describe('dpocheck verify --law-run', () => {
  it('adds the law charts to the verify report; a directory that is not a law run is bad input', async () => {
    const root = tmp();
    expect((await cli(['law', '--K', '1,2', '--Q', '2,4', '--datasets', '2', '--d', '3', '--dir', join(root, 'law'), '--json'])).code).toBe(0);
    const r = await cli(['verify', '--claims', 'token-factor', '--runs', '1', '--scale', 'small', '--seed', '1', '--no-store', '--out', join(root, 'v'), '--law-run', join(root, 'law')]);
    expect(r.code).toBe(0);
    const charts = readdirSync(join(root, 'v', 'latest', 'charts'));
    expect(charts).toEqual(expect.arrayContaining(['law-qmin.svg', 'law-error-vs-K-shared-pair-m=32.svg']));
    const bad = await cli(['verify', '--claims', 'token-factor', '--runs', '1', '--out', join(root, 'w'), '--law-run', root]);
    expect(bad.code).toBe(2);
    expect(existsSync(join(root, 'w'))).toBe(false);
  });
});

describe('dpocheck law: Ctrl-C', () => {
  it('a real SIGINT exits 130 keeping what was measured; --resume completes it', async () => {
    const root = tmp();
    const dir = join(root, 'run');
    // Cells of up to a second each (N up to 65,536, d = 65): the run (≈ 17 s on an idle 2-core
    // machine) outlasts the first periodic save however fast the machine is.
    const args = ['law', '--K', '1,4,16,64', '--Q', '128,256,512', '--datasets', '2', '--d', '65', '--seed', '3', '--no-charts', '--json'];
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'dpocheck-dev.js'), ...args, '--dir', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const measured = (): number => {
      try {
        const st = JSON.parse(readFileSync(join(dir, 'law-state.json'), 'utf8')) as { records: Record<string, unknown[]> };
        return Object.values(st.records).reduce((n, l) => n + l.length, 0);
      } catch {
        return 0;
      }
    };
    const code = await new Promise<number | null>((resolve) => {
      const poll = setInterval(() => {
        if (measured() >= 2) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 50);
      child.on('exit', (c) => {
        clearInterval(poll);
        resolve(c);
      });
    });
    expect(stderr).toMatch(/interrupted; kept what was measured/);
    expect(code).toBe(130);
    const kept = measured();
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(4 * 3 * 2 * 2);
    const partial = JSON.parse(readFileSync(join(dir, 'law.json'), 'utf8'));
    expect(partial.complete).toBe(false);
    const resumed = await cli(['law', '--resume', dir, '--json', '--no-charts']);
    expect(resumed.code).toBe(0);
    const fresh = await cli(['law', ...args.slice(1), '--dir', join(root, 'fresh')]);
    expect(resumed.out).toBe(fresh.out);
  }, 180_000);
});

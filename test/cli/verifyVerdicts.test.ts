/**
 * `dpocheck verify` as a new user meets it: a budget too small for all claims still writes the
 * report, output locations are checked before any work, editions are honoured (or refused with
 * exit 2), the report says how to repeat the run, and Ctrl-C keeps a partial report (exit 130).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { bufferIO } from '../../src/cli/io.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'dpocheck-verdicts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(argv: string[]) {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

type Results = { interrupted: boolean; budgetSpent: boolean; claims: Array<Record<string, unknown>> };
const results = (dir: string): Results => JSON.parse(readFileSync(path.join(dir, 'latest', 'results.json'), 'utf8')) as Results;

describe('verify budget', () => {
  it('writes the report when the budget is too small for all claims', async () => {
    const out = path.join(tmp, 'budget');
    const r = await run(['verify', '--budget', '1ms', '--scale', 'small', '--seed', '3', '--claims', 'lemma41-normaliser,token-factor,bounds-qmin-minimal,bounds-report-finite', '--out', out, '--no-store', '--no-charts', '--json']);
    expect(r.code).toBe(0);
    const doc = results(out);
    expect(doc.claims).toHaveLength(4);
    expect(doc.budgetSpent).toBe(true);
    expect(doc.claims.some((c) => c['reason'] === 'budget spent before it ran' && c['verdict'] === 'inconclusive')).toBe(true);
    const summary = readFileSync(path.join(out, 'latest', 'summary.md'), 'utf8');
    expect(summary).toMatch(/not bit-repeatable/);
    expect(summary).toContain('--budget none --claims lemma41-normaliser,token-factor,bounds-qmin-minimal,bounds-report-finite --edition v5-main --scale small');
  });
});

describe('verify output, list, help', () => {
  it('refuses an --out that is an existing file before running anything (exit 2, one line)', async () => {
    const file = path.join(tmp, 'a-file.md');
    writeFileSync(file, 'keep me\n');
    const r = await run(['verify', '--runs', '3', '--claims', 'token-factor', '--out', file, '--no-store', '--no-charts']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--out: .* is not a directory/);
    expect(r.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
  });

  it('prints the claim list as JSON with --list --json', async () => {
    const r = await run(['verify', '--list', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { schemaVersion: number; claims: Array<{ id: string; editions: string[] | null; pinned: boolean }> };
    expect(doc.schemaVersion).toBe(1);
    expect(doc.claims.find((c) => c.id === 'thm42-sandwich')!.editions).toContain('v3');
    expect(doc.claims.find((c) => c.id === 'appendixC-sandwich')!.pinned).toBe(true);
  });

  it('--help shows the default budget and that --runs alone has no time limit', async () => {
    const r = await run(['verify', '--help']);
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toMatch(/default 10m/);
    expect(text).toMatch(/--runs alone has no time limit/);
  });

  it('"Repeat exactly" prints every flag that matters', async () => {
    const out = path.join(tmp, 'repeat');
    const r = await run(['verify', '--runs', '2', '--scale', 'small', '--seed', '8', '--edition', 'v3', '--claims', 'token-factor', '--out', out, '--no-store', '--no-charts', '--json']);
    expect(r.code).toBe(0);
    const summary = readFileSync(path.join(out, 'latest', 'summary.md'), 'utf8');
    expect(summary).toContain('Repeat exactly: `npx dpocheck verify --seed 8 --runs 2 --claims token-factor --edition v3 --scale small`');
  });
});

describe('verify --edition', () => {
  it('refuses with exit 2 when no claim asked for has a form in the edition', async () => {
    const out = path.join(tmp, 'refused');
    const r = await run(['verify', '--edition', 'v3', '--runs', '3', '--claims', 'bounds-qmin-scaling', '--out', out, '--no-store', '--no-charts']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/edition v3/);
    expect(existsSync(out)).toBe(false);
  });

  it('checks each claim in the edition it has, pins the pinned ones and skips the rest', async () => {
    const out = path.join(tmp, 'v3');
    const r = await run(['verify', '--edition', 'v3', '--runs', '2', '--scale', 'small', '--seed', '4', '--claims', 'bounds-qmin-scaling,token-factor,bounds-paper-qmin-table,lemmaB1-probability', '--out', out, '--no-store', '--no-charts', '--json']);
    expect(r.code).toBe(0);
    const byId = Object.fromEntries(results(out).claims.map((c) => [c['id'], c]));
    expect(byId['bounds-qmin-scaling']!['verdict']).toBe('skipped');
    expect(byId['bounds-qmin-scaling']!['checkedEdition']).toBeNull();
    expect(byId['token-factor']!['checkedEdition']).toBe('v3');
    expect(byId['bounds-paper-qmin-table']!['checkedEdition']).toBe('v5-main');
    expect(byId['bounds-paper-qmin-table']!['editionNote']).toMatch(/pinned/);
    expect(byId['bounds-paper-qmin-table']!['verdict']).toBe('held');
    expect(byId['bounds-paper-qmin-table']!['heldBy']).toBe('exhaustion');
    // A probability claim reports its test level and detectable rate at the top level.
    const b1 = byId['lemmaB1-probability']!;
    expect(b1['checkedEdition']).toBe('v5-appendix');
    expect(b1['testLevel']).toBe(0.01);
    expect('detectableRate' in b1).toBe(true);
    expect(b1['verdict']).not.toBe('held');
  });
});

describe('verify and Ctrl-C', () => {
  it('stops after the input in flight, writes a partial report marked interrupted and exits 130', async () => {
    const out = path.join(tmp, 'sigint');
    const child = spawn(
      process.execPath,
      ['bin/dpocheck-dev.js', 'verify', '--scale', 'small', '--runs', '100000', '--seed', '5', '--claims', 'lemma41-normaliser,token-factor', '--out', out, '--no-store', '--no-charts'],
      { cwd: path.resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.resume();
    // Wait until the run has started (its first line), then a little more, then Ctrl-C.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (stderr.includes('dpocheck verify: seed')) {
          clearInterval(poll);
          setTimeout(resolve, 1500);
        }
      }, 100);
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    const doc = results(out);
    expect(doc.interrupted).toBe(true);
    expect(doc.claims[0]!['runs'] as number).toBeGreaterThan(0);
    expect(doc.claims[0]!['runs'] as number).toBeLessThan(100000);
    expect(doc.claims[1]!['reason']).toBe('interrupted before it ran');
    expect(readFileSync(path.join(out, 'latest', 'summary.md'), 'utf8')).toMatch(/Interrupted/);
  }, 60_000);
});

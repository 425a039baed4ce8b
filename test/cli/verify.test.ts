import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { bufferIO } from '../../src/cli/io.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'dpocheck-verify-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(argv: string[]) {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

const CLAIMS = 'token-factor,certificate-implies-sandwich,lemmaB1-probability';

describe('dpocheck verify', () => {
  it('gives identical results.json for the same seed and runs (timestamps and durations aside)', async () => {
    const strip = (json: string) => {
      const doc = JSON.parse(json) as Record<string, unknown> & { claims: Array<Record<string, unknown>> };
      delete doc['startedAt'];
      delete doc['durationMs'];
      for (const c of doc.claims) delete c['durationMs'];
      return doc;
    };
    const a = await run(['verify', '--runs', '3', '--scale', 'small', '--seed', '11', '--claims', CLAIMS, '--out', path.join(tmp, 'a'), '--no-store', '--no-charts', '--json']);
    const b = await run(['verify', '--runs', '3', '--scale', 'small', '--seed', '11', '--claims', CLAIMS, '--out', path.join(tmp, 'b'), '--no-store', '--no-charts', '--json']);
    expect(a.code).toBe(0);
    expect(strip(a.stdout)).toEqual(strip(b.stdout));
    const onDisk = readFileSync(path.join(tmp, 'a', 'latest', 'results.json'), 'utf8');
    expect(strip(onDisk)).toEqual(strip(a.stdout));
    const doc = strip(a.stdout);
    expect(doc['seed']).toBe(11);
    expect(doc.claims.map((c) => c['id'])).toEqual(CLAIMS.split(','));
    for (const c of doc.claims) expect(['held', 'violated', 'vacuous', 'inconclusive', 'measured']).toContain(c['verdict']);
    expect(readFileSync(path.join(tmp, 'a', 'latest', 'summary.md'), 'utf8')).toContain('seed **11**');
  });

  it('lists the claims', async () => {
    const r = await run(['verify', '--list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('thm42-sandwich');
    expect(r.stdout).toContain('thm43-generalization');
  });

  it('refuses unknown claims and bad budgets with exit 2 and writes nothing', async () => {
    for (const argv of [
      ['verify', '--claims', 'no-such-claim', '--out', path.join(tmp, 'x')],
      ['verify', '--budget', 'soon', '--out', path.join(tmp, 'x')],
      ['verify', '--runs', '0', '--out', path.join(tmp, 'x')],
      ['verify', '--edition', 'v4', '--out', path.join(tmp, 'x')],
    ]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(path.join(tmp, 'x'))).toBe(false);
    }
  });
});

describe('dpocheck replay', () => {
  const file = path.join(tmp, 'cx.json');
  const base = {
    format: 'dpocheck-counterexample/1',
    claim: 'token-factor',
    edition: 'v5-main',
    scale: 'small',
    seed: 1,
    path: '0',
    input: { wj: 0, lj: 1, wi: 1, li: 0 },
    observed: -2,
    bound: -2,
    slack: 1,
    shrinks: 0,
    packageVersion: 'test',
    replay: 'npx dpocheck replay cx.json',
  };

  it('reproduces a fixed-bug file (expect holds) and exits 0', async () => {
    writeFileSync(file, JSON.stringify({ ...base, expect: 'holds' }));
    const r = await run(['replay', file, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { violated: boolean; observed: number; identical: boolean };
    expect(out.violated).toBe(false);
    expect(out.observed).toBe(-2);
    expect(out.identical).toBe(true);
  });

  it('exits 1 when a still-violating counterexample no longer reproduces', async () => {
    writeFileSync(file, JSON.stringify({ ...base, expect: 'violated' }));
    const r = await run(['replay', file]);
    expect(r.code).toBe(1);
  });

  it('exits 2 on a file that is not a counterexample', async () => {
    writeFileSync(file, JSON.stringify({ hello: 1 }));
    const r = await run(['replay', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^dpocheck: .*not a dpocheck counterexample/);
  });
});

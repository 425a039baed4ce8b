/**
 * The verify report directory: index.html (self-contained, every claim's verdict, the charts
 * inlined), trials.jsonl (one line per trial, the same keys on every line), results.json against
 * its schema, summary.md linking the charts; counterexamples written only into the report unless
 * --store DIR is given; claims from --claims-module run with the built-in runner and report.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { bufferIO } from '../../src/cli/io.ts';
import { ResultsJsonSchema, TrialLineSchema } from '../../src/report/outputSchemas.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/report/html/page.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'dpocheck-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const MODULE = 'test/report/fixtures/ownClaims.ts';
const CLAIMS = 'token-factor,thm42-sandwich,own-qmin-increasing,own-bound-below-one';

async function run(argv: string[]) {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

describe('verify report', () => {
  let dir: string;
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    result = await run(['verify', '--runs', '4', '--scale', 'small', '--seed', '7', '--claims-module', MODULE, '--claims', CLAIMS, '--out', path.join(tmp, 'r')]);
    dir = path.join(tmp, 'r', 'latest');
  });

  it('runs the module claims with the built-in ones: the planted claim is violated (exit 1), the rest judged', () => {
    expect(result.code, result.stderr).toBe(1);
    const doc = ResultsJsonSchema.parse(JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')));
    expect(doc.claims.map((c) => c.id)).toEqual(CLAIMS.split(','));
    const by = Object.fromEntries(doc.claims.map((c) => [c.id, c]));
    expect(by['own-bound-below-one']!.verdict).toBe('violated');
    // Four inputs are too few for "held" (29 counted inputs needed): judged, clean, inconclusive.
    expect(by['own-qmin-increasing']!.verdict).toBe('inconclusive');
    expect(by['own-qmin-increasing']!.reason).toMatch(/counted inputs/);
    expect(result.stdout).toMatch(/counterexample own-bound-below-one: npx dpocheck replay \S+ --claims-module /);
  });

  it('writes counterexamples only into the report directory by default', () => {
    const cxDir = path.join(dir, 'counterexamples', 'own-bound-below-one');
    expect(readdirSync(cxDir).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(existsSync(path.join('fixtures', 'counterexamples', 'own-bound-below-one'))).toBe(false);
  });

  it('trials.jsonl has one line per trial with the same keys, each valid', () => {
    const doc = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as { claims: Array<{ id: string; runs: number }> };
    const lines = readFileSync(path.join(dir, 'trials.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(doc.claims.reduce((s, c) => s + c.runs, 0));
    const keys = Object.keys(lines[0]!).sort();
    for (const l of lines) {
      expect(Object.keys(l).sort()).toEqual(keys);
      expect(TrialLineSchema.safeParse(l).success).toBe(true);
    }
    const own = lines.filter((l) => l['claim'] === 'own-qmin-increasing');
    expect(own.map((l) => l['index'])).toEqual([0, 1, 2, 3]);
    expect(typeof (own[0]!['input'] as Record<string, unknown>)['K']).toBe('number');
    expect(lines.some((l) => l['violated'] === true)).toBe(true);
  });

  it('index.html is self-contained and shows every claim with its verdict and the charts', () => {
    const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(html).toContain(CONTENT_SECURITY_POLICY);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script/i);
    const doc = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as { claims: Array<{ id: string; verdict: string }> };
    for (const c of doc.claims) {
      expect(html).toContain(`data-row="${c.id}"`);
      expect(html).toContain(`id="claim-${c.id}"`);
      expect(html).toContain(`badge-${c.verdict}`);
    }
    const charts = readdirSync(path.join(dir, 'charts'));
    expect(charts).toEqual(expect.arrayContaining(['margin-band.svg', 'slack.svg']));
    expect(html.match(/<img src="data:image\/svg\+xml;base64,/g)).toHaveLength(charts.length);
    expect(html).toContain('npx dpocheck replay');
  });

  it('draws the margin band from the worst trial of the run, not a fixed example', () => {
    const svg = readFileSync(path.join(dir, 'charts', 'margin-band.svg'), 'utf8');
    expect(svg).toContain('worst trial of thm42-sandwich');
    expect(svg).toContain('(worst)');
  });

  it('summary.md links the charts, index.html and trials.jsonl', () => {
    const md = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    for (const f of readdirSync(path.join(dir, 'charts'))) expect(md).toContain(`(charts/${f})`);
    expect(md).toContain('(index.html)');
    expect(md).toContain('(trials.jsonl)');
  });

  it('--store DIR also saves the counterexample there', async () => {
    const store = path.join(tmp, 'store');
    const r = await run(['verify', '--runs', '20', '--scale', 'small', '--seed', '7', '--claims-module', MODULE, '--claims', 'own-bound-below-one', '--out', path.join(tmp, 's'), '--store', store, '--no-charts']);
    expect(r.code).toBe(1);
    expect(readdirSync(path.join(store, 'own-bound-below-one'))).toHaveLength(1);
  });

  it('a bad claims module is one line on stderr and exit 2', async () => {
    for (const file of ['no/such/module.js', 'package.json']) {
      const r = await run(['verify', '--runs', '1', '--claims-module', file, '--out', path.join(tmp, 'bad')]);
      expect(r.code, file).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(path.join(tmp, 'bad'))).toBe(false);
    }
  });
});

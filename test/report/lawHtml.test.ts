/**
 * index.html of a law run directory and of diagnose's --out directory: written by the same page
 * writer as the verify report, self-contained (no external URL), one row per cell / condition,
 * every chart inlined as a data: image.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { bufferIO } from '../../src/cli/io.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/report/html/page.ts';
import { escapeHtml } from '../../src/report/html/escape.ts';
import { lawCellRowId, lawHtml } from '../../src/report/lawHtml.ts';
import { paperTableFits } from '../../src/check/law/paperTables.ts';
import type { LawResults } from '../../src/check/law/results.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'dpocheck-law-html-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const EXTERNAL = /(src|href)="(https?:)?\/\//;
const INLINED = /<img src="data:image\/svg\+xml;base64,/g;

describe('law index.html', () => {
  let results: LawResults;

  it('shows the regimes, every cell, every Q̂_min entry and fit, and inlines every chart', async () => {
    const dir = path.join(tmp, 'law');
    const io = bufferIO();
    const code = await main(['law', '--K', '1,2,4', '--Q', '8,16', '--datasets', '2', '--d', '9', '--seed', '2', '--json', '--dir', dir], io);
    expect(code, io.stderr.join('')).toBe(0);
    results = JSON.parse(io.stdout.join('')) as LawResults;
    const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(html).toContain(CONTENT_SECURITY_POLICY);
    expect(html).not.toMatch(EXTERNAL);
    expect(results.cells.length).toBe(3 * 2 * results.settings.tokens.length * results.settings.noises.length);
    for (const c of results.cells) expect(html).toContain(`data-row="${escapeHtml(lawCellRowId(c))}"`);
    for (const q of results.qmin) expect(html).toContain(`data-row="${escapeHtml(`${q.tokens}/${q.noise}/${q.K}`)}"`);
    expect(html.match(/<tr data-row=/g)!.length).toBe(results.cells.length + results.qmin.length);
    expect(html).toContain('id="regimes-table"');
    expect(html).toContain('id="fits-table"');
    for (const f of results.fits) expect(html).toContain(escapeHtml(f.formula));
    const charts = readdirSync(path.join(dir, 'charts'));
    expect(charts.length).toBeGreaterThan(0);
    expect(html.match(INLINED)).toHaveLength(charts.length);
  }, 120_000);

  it("shows the paper's tables when the results carry them, and no charts section images without charts", () => {
    const html = lawHtml({ ...results, paperTables: paperTableFits() }, {});
    expect(html).toContain('id="paper-tables-table"');
    for (const f of paperTableFits()) expect(html).toContain(f.model);
    expect(html.match(INLINED)).toBeNull();
    expect(html).not.toMatch(EXTERNAL);
  });
});

describe('diagnose index.html', () => {
  it('shows every estimate and condition with its frontier text, and inlines every chart', async () => {
    const out = path.join(tmp, 'diag');
    const io = bufferIO();
    const fixture = path.join(import.meta.dirname, '..', '..', 'fixtures', 'datasets', 'llm_like.npz');
    const code = await main(['diagnose', '--data', fixture, '--bootstrap', '5', '--workers', '1', '--no-train', '--out', out], io);
    expect(code, io.stderr.join('')).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'diagnose.json'), 'utf8')) as {
      conditions: Array<{ id: string; frontier: { text: string } | null }>;
      departures: Array<{ id: string }>;
    };
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).toContain(CONTENT_SECURITY_POLICY);
    expect(html).not.toMatch(EXTERNAL);
    expect(report.conditions.length).toBeGreaterThan(0);
    for (const c of report.conditions) {
      expect(html).toContain(`data-row="${escapeHtml(c.id)}"`);
      if (c.frontier !== null) expect(html).toContain(escapeHtml(c.frontier.text));
    }
    for (const d of report.departures) expect(html).toContain(`data-row="${escapeHtml(d.id)}"`);
    for (const id of ['estimates-table', 'cosines-table', 'training']) expect(html).toContain(`id="${id}"`);
    const charts = readdirSync(out).filter((f) => f.endsWith('.svg'));
    expect(charts.length).toBeGreaterThan(0);
    expect(html.match(INLINED)).toHaveLength(charts.length);
  }, 120_000);
});

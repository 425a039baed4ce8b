/**
 * index.html of an explore run directory: written by the same page writer as the verify report,
 * self-contained, with one findings row per frontier and every chart inlined.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { bufferIO } from '../../src/cli/io.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/report/html/page.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'dpocheck-explore-html-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('explore index.html', () => {
  it('shows every frontier row and inlines every chart', async () => {
    const dir = path.join(tmp, 'run');
    const io = bufferIO();
    const code = await main(
      ['explore', '--condition', 'noise', '--claims', 'thm42-window', '--json', '--seed', '5', '--runs-per-probe', '10', '--batch', '10',
        '--max-runs', '10', '--diagrams', 'noise-x-K', '--cell-runs', '1', '--target-evaluations', '0', '--p', '0.3', '--dir', dir],
      io,
    );
    expect(code, io.stderr.join('')).toBe(0);
    const findings = JSON.parse(io.stdout.join('')) as { frontiers: Array<{ departure: string; claim: string }> };
    const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(html).toContain(CONTENT_SECURITY_POLICY);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(findings.frontiers.length).toBeGreaterThan(0);
    for (const f of findings.frontiers) expect(html).toContain(`data-row="${f.departure}/${f.claim}"`);
    const charts = readdirSync(path.join(dir, 'charts'));
    expect(charts.length).toBeGreaterThan(0);
    expect(html.match(/<img src="data:image\/svg\+xml;base64,/g)).toHaveLength(charts.length);
  }, 120_000);
});

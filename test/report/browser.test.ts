/**
 * The verify and law reports' index.html in a real browser (Debian's chromium, driven by playwright-core):
 * the page loads with no console errors and no network request, shows every claim's verdict,
 * and every chart image decodes. A screenshot is kept under reports/browser/.
 *
 * Skipped with a visible message when /usr/bin/chromium is not installed, unless
 * DPOCHECK_REQUIRE_BROWSER=1 (set by .ci/run after installing chromium): then it fails instead.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { main } from '../../src/cli/main.ts';
import { bufferIO } from '../../src/cli/io.ts';

/** Debian's chromium package installs the browser here. */
const CHROMIUM = '/usr/bin/chromium';
const REQUIRE = process.env['DPOCHECK_REQUIRE_BROWSER'] === '1';
const HAVE = existsSync(CHROMIUM);
if (!HAVE && !REQUIRE) console.warn(`\n[dpocheck] SKIPPING the browser test of index.html: ${CHROMIUM} is not installed (apt-get install chromium)\n`);

/** Flags that keep chromium off the network and independent of any profile or GPU. */
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

const tmp = mkdtempSync(path.join(tmpdir(), 'dpocheck-browser-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!HAVE && !REQUIRE)('index.html in headless chromium', () => {
  it('chromium is installed when CI requires it', () => {
    expect(HAVE, `${CHROMIUM} missing`).toBe(true);
  });

  it('loads with no console error and no network request, shows every verdict and renders every chart', async () => {
    const io = bufferIO();
    const code = await main(
      ['verify', '--runs', '4', '--scale', 'small', '--seed', '3', '--claims-module', 'test/report/fixtures/ownClaims.ts',
        '--claims', 'bounds-qmin-minimal,token-factor,thm42-sandwich,own-qmin-increasing,own-bound-below-one', '--out', path.join(tmp, 'r')],
      io,
    );
    expect([0, 1], io.stderr.join('')).toContain(code);
    const dir = path.join(tmp, 'r', 'latest');
    const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as { claims: Array<{ id: string; verdict: string }> };

    const context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), { executablePath: CHROMIUM, args: FLAGS, headless: true });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
      page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
      await page.goto(pathToFileURL(path.join(dir, 'index.html')).href, { waitUntil: 'load' });

      for (const c of results.claims) {
        const row = page.locator(`#verdict-table tr[data-row="${c.id}"]`);
        await expect.poll(() => row.isVisible()).toBe(true);
        expect((await row.locator('.badge').innerText()).trim()).toBe(c.verdict);
        expect(await page.locator(`#claim-${c.id}`).isVisible()).toBe(true);
      }
      // Runs in the page (no DOM types here: lib is ES2022 only).
      type Img = { alt: string; naturalWidth: number; complete: boolean };
      const images = await page.locator('figure.chart img').evaluateAll((imgs) =>
        imgs.map((i) => ({ alt: (i as unknown as Img).alt, w: (i as unknown as Img).naturalWidth, done: (i as unknown as Img).complete })),
      );
      expect(images.length).toBeGreaterThanOrEqual(3);
      for (const img of images) {
        expect(img.done, img.alt).toBe(true);
        expect(img.w, img.alt).toBeGreaterThan(0);
      }
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      mkdirSync('reports/browser', { recursive: true });
      await page.screenshot({ path: 'reports/browser/index.png', fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('the law page loads with no console error and no network request, shows every cell and renders every chart', async () => {
    const dir = path.join(tmp, 'law');
    const io = bufferIO();
    const code = await main(['law', '--K', '1,2,4', '--Q', '8,16', '--datasets', '2', '--d', '9', '--seed', '2', '--json', '--dir', dir], io);
    expect(code, io.stderr.join('')).toBe(0);
    const results = JSON.parse(io.stdout.join('')) as { cells: Array<{ tokens: string; noise: string; K: number; Q: number }> };
    const context = await chromium.launchPersistentContext(path.join(tmp, 'profile-law'), { executablePath: CHROMIUM, args: FLAGS, headless: true });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
      page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
      await page.goto(pathToFileURL(path.join(dir, 'index.html')).href, { waitUntil: 'load' });
      expect(await page.locator('#cells-table tbody tr').count()).toBe(results.cells.length);
      for (const c of results.cells) {
        expect(await page.locator(`#cells-table tr[data-row="${c.tokens}/${c.noise}/${c.K}/${c.Q}"]`).isVisible()).toBe(true);
      }
      type Img = { alt: string; naturalWidth: number; complete: boolean };
      const images = await page.locator('figure.chart img').evaluateAll((imgs) =>
        imgs.map((i) => ({ alt: (i as unknown as Img).alt, w: (i as unknown as Img).naturalWidth, done: (i as unknown as Img).complete })),
      );
      expect(images.length).toBeGreaterThanOrEqual(1);
      for (const img of images) {
        expect(img.done, img.alt).toBe(true);
        expect(img.w, img.alt).toBeGreaterThan(0);
      }
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      mkdirSync('reports/browser', { recursive: true });
      await page.screenshot({ path: 'reports/browser/law.png', fullPage: true });
    } finally {
      await context.close();
    }
  }, 120_000);
});

/**
 * Start-up cost: the CLI imports only the command it runs. `--version` and `bounds` must not load
 * the simulator, tfjs or vega (what makes `dpocheck --version` start within 10× a bare node
 * start; the time itself is measured by `npm run bench`, never asserted). A resolve hook in the
 * child process records every module it loads.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandsFor } from '../../src/cli/main.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'dpocheck-lazy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const HOOK = path.join(tmp, 'trace.mjs');
writeFileSync(HOOK, `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { appendFileSync } from 'node:fs';
export async function resolve(s, c, n) { const r = await n(s, c); appendFileSync(process.env.DPOCHECK_TRACE, r.url + '\\\\n'); return r; }
\`));
`);

/** The module URLs a CLI run loads. */
function loaded(args: string[]): string[] {
  const trace = path.join(tmp, `trace-${args[0]}.txt`);
  writeFileSync(trace, '');
  execFileSync(process.execPath, ['--import', HOOK, 'bin/dpocheck-dev.js', ...args], { env: { ...process.env, DPOCHECK_TRACE: trace }, stdio: 'ignore' });
  return readFileSync(trace, 'utf8').trim().split('\n');
}

const HEAVY = /\/node_modules\/(vega|vega-lite|@tensorflow)\/|\/src\/sim\//;

describe('lazy command modules', () => {
  it('registers only the command named, none for --version, all for help', () => {
    expect(commandsFor(['--version'])).toEqual([]);
    expect(commandsFor(['-V'])).toEqual([]);
    expect(commandsFor(['bounds', '--K', '1'])).toEqual(['bounds']);
    expect(commandsFor([])).toContain('verify');
    expect(commandsFor(['help']).length).toBeGreaterThan(5);
  });

  it('--version and bounds load no simulator, tfjs or vega; simulate does load the simulator (the trace sees it)', () => {
    for (const args of [['--version'], ['bounds', '--K', '1', '--Q', '100', '--d', '10', '--v', '0.001', '--lb', '0.3']]) {
      const urls = loaded(args);
      expect(urls.length, args[0]).toBeGreaterThan(10);
      expect(urls.filter((u) => HEAVY.test(u)), args[0]).toEqual([]);
    }
    expect(loaded(['simulate', '--help']).some((u) => HEAVY.test(u))).toBe(true);
  });
});

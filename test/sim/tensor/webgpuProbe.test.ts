/**
 * The WebGPU probe is a TypeScript module run as a child process (src/childModule.ts): from the
 * sources it is started with tsx's loader, from dist/ as plain compiled JavaScript.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { childModule } from '../../../src/childModule.ts';

const ADAPTER = path.join(import.meta.dirname, '..', '..', '..', 'src', 'sim', 'tensor', 'webgpuAdapter.ts');

describe('childModule', () => {
  it('from a .ts parent: the .ts sibling with the tsx loader preloaded', () => {
    const c = childModule('./webgpuProbe', pathToFileURL(ADAPTER).href);
    expect(c.script).toBe(path.join(path.dirname(ADAPTER), 'webgpuProbe.ts'));
    expect(existsSync(c.script)).toBe(true);
    expect(c.execArgv[0]).toBe('--import');
    expect(c.execArgv[1]).toMatch(/^file:\/\/.*\/tsx\/.*\.mjs$/);
  });

  it('from a compiled .js parent: the .js sibling, no loader', () => {
    const c = childModule('./webgpuProbe', 'file:///pkg/dist/src/sim/tensor/webgpuAdapter.js');
    expect(c.script).toBe(path.join('/pkg/dist/src/sim/tensor', 'webgpuProbe.js'));
    expect(c.execArgv).toEqual([]);
  });

  it('the probe runs from the sources and answers one JSON line', async () => {
    const c = childModule('./webgpuProbe', pathToFileURL(ADAPTER).href);
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [...c.execArgv, c.script], { encoding: 'utf8', timeout: 60_000 }, (err, out) => (err ? reject(err) : resolve(out))),
    );
    const line = stdout.split('\n').find((l) => l.startsWith('{'));
    expect(line).toBeDefined();
    const answer = JSON.parse(line!) as { stage: string; adapter: boolean };
    expect(['load', 'create', 'request', 'done']).toContain(answer.stage);
    expect(typeof answer.adapter).toBe('boolean');
  }, 60_000);
});

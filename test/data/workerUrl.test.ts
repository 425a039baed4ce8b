import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { workerModule } from '../../src/data/workerUrl.ts';

describe('workerModule (worker threads from TypeScript sources or compiled JavaScript)', () => {
  it('gives a compiled caller the .js sibling, as is', () => {
    const url = workerModule('file:///opt/dpocheck/dist/src/sim/referenceBackend.js', 'worker');
    expect(url.href).toBe('file:///opt/dpocheck/dist/src/sim/worker.js');
  });

  it('gives a .ts caller a bootstrap that registers tsx in the worker and imports the .ts sibling', async () => {
    const url = workerModule(new URL('../../src/sim/referenceBackend.ts', import.meta.url).href, 'referenceProtocol');
    expect(url.protocol).toBe('data:');
    const code = decodeURIComponent(url.href.slice('data:text/javascript,'.length));
    expect(code).toContain(new URL('../../src/sim/referenceProtocol.ts', import.meta.url).href);
    expect(code).toMatch(/tsx\/dist\/esm\/api\/index\.mjs/);
    // The bootstrap really loads a .ts module in a plain Node worker (referenceProtocol.ts only defines constants).
    const w = new Worker(url);
    const code0 = await new Promise<number>((resolve, reject) => {
      w.once('error', reject);
      w.once('exit', resolve);
    });
    expect(code0).toBe(0);
  });
});

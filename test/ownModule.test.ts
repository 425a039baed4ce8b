import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ownModule, tsxEntry } from '../src/ownModule.ts';

const ROOT = new URL('../', import.meta.url);

/** Every file under `dir` (relative to the repo root) whose name matches `pattern`. */
function filesUnder(dir: string, pattern: RegExp): string[] {
  const entries = readdirSync(fileURLToPath(new URL(dir, ROOT)), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && pattern.test(e.name)).map((e) => e.name);
}

describe('ownModule (the sibling to start, from the TypeScript sources or the compiled package)', () => {
  it('gives a .ts caller the .ts sibling and a compiled caller the .js sibling', () => {
    expect(ownModule('./worker', 'file:///repo/src/sim/referenceBackend.ts')).toEqual({
      url: new URL('file:///repo/src/sim/worker.ts'),
      fromSources: true,
    });
    expect(ownModule('./worker', 'file:///repo/dist/src/sim/referenceBackend.js')).toEqual({
      url: new URL('file:///repo/dist/src/sim/worker.js'),
      fromSources: false,
    });
  });

  it("finds tsx's loader and ESM register API as absolute file URLs", () => {
    expect(tsxEntry(import.meta.url, '.')).toMatch(/^file:\/\/.*\/tsx\/dist\/loader\.mjs$/);
    expect(tsxEntry(import.meta.url, './esm/api')).toMatch(/^file:\/\/.*\/tsx\/dist\/esm\/api\/index\.mjs$/);
  });

  it('has only TypeScript to compile: no hand-written JavaScript under src/ or properties/', () => {
    // `npm run build` is tsc alone; a .js/.mjs/.cjs module (or a .d.mts beside one) there would be
    // missing from dist/, and ownModule would point the compiled package at a file tsc never wrote.
    for (const dir of ['src/', 'properties/']) expect(filesUnder(dir, /\.(m|c)?js$|\.d\.(m|c)ts$/)).toEqual([]);
  });
});

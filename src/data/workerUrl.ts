/**
 * Where a worker thread's module is and how to start it, for both ways this package runs: from
 * the TypeScript sources (vitest, the tsx-based dev CLI) and from compiled JavaScript (tsc emit,
 * where src/sim/worker.ts becomes dist/src/sim/worker.js). Plain Node 20 cannot load a .ts
 * worker, and loader hooks given to a worker through `--import` do not reach its entry module;
 * so from sources the worker starts from a two-line bootstrap (a data: URL) that registers tsx's
 * ESM hooks in the worker and then imports the .ts module. Compiled, the .js module runs as is.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** tsx's ESM register API (`tsx/esm/api`, its "import" export) as a file URL, found from `from`. */
function tsxEsmApi(from: string): string {
  const pkgJson = createRequire(from).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(pkgJson), pkg.exports['./esm/api']!.import.default)).href;
}

/**
 * The URL to start the worker module `name` (no extension) next to the calling module with.
 * `callerUrl` is the caller's `import.meta.url`: a `.ts` caller runs from sources and gets a
 * bootstrap for `name.ts` under tsx; any other caller gets `name.js`.
 * @example new Worker(workerModule(import.meta.url, 'worker'), { workerData });
 */
export function workerModule(callerUrl: string, name: string): URL {
  if (!new URL(callerUrl).pathname.endsWith('.ts')) return new URL(`./${name}.js`, callerUrl);
  const target = new URL(`./${name}.ts`, callerUrl).href;
  const code = `import { register } from ${JSON.stringify(tsxEsmApi(callerUrl))};\nregister();\nawait import(${JSON.stringify(target)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

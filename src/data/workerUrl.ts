/**
 * Where a worker thread's module is and how to start it, for both ways this package runs: from
 * the TypeScript sources (vitest, the tsx-based dev CLI) and from compiled JavaScript (tsc emit,
 * where src/sim/worker.ts becomes dist/src/sim/worker.js); which sibling: ../ownModule.ts.
 * Plain Node 20 cannot load a .ts worker, and loader hooks given to a worker through `--import`
 * do not reach its entry module; so from sources the worker starts from a two-line bootstrap
 * (a data: URL) that registers tsx's ESM hooks in the worker and then imports the .ts module.
 * Compiled, the .js module runs as is.
 */
import { ownModule, tsxEntry } from '../ownModule.ts';

/**
 * The URL to start the worker module `name` (no extension) next to the calling module with.
 * `callerUrl` is the caller's `import.meta.url`: a `.ts` caller runs from sources and gets a
 * bootstrap for `name.ts` under tsx; any other caller gets `name.js`.
 * @example new Worker(workerModule(import.meta.url, 'worker'), { workerData });
 */
export function workerModule(callerUrl: string, name: string): URL {
  const { url, fromSources } = ownModule(`./${name}`, callerUrl);
  if (!fromSources) return url;
  const code = `import { register } from ${JSON.stringify(tsxEntry(callerUrl, './esm/api'))};\nregister();\nawait import(${JSON.stringify(url.href)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

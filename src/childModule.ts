/**
 * Runs one of dpocheck's own TypeScript modules as a child Node process, the same way from the
 * sources (bin/dpocheck-dev.js and vitest run `src/*.ts` through tsx or vite) and from the
 * compiled package (`dist/src/*.js`, plain node): the caller passes its own `import.meta.url`;
 * a `.ts` caller gets the `.ts` child with tsx's loader preloaded (`node --import tsx`), a `.js`
 * caller the compiled `.js` child with nothing extra (which sibling: ownModule.ts).
 */
import { fileURLToPath } from 'node:url';
import { ownModule, tsxEntry } from './ownModule.ts';

/** What to pass to `execFile(process.execPath, [...execArgv, script])`. */
export interface ChildModule {
  /** Absolute path of the child's entry file. */
  readonly script: string;
  /** Node flags that let it load (the tsx loader from the sources; none from dist/). */
  readonly execArgv: readonly string[];
}

/**
 * Locates the sibling module `name` (without extension) of the module at `parentUrl`.
 * @example
 *   const child = childModule('./webgpuProbe', import.meta.url);
 *   execFile(process.execPath, [...child.execArgv, child.script], callback);
 */
export function childModule(name: string, parentUrl: string): ChildModule {
  const { url, fromSources } = ownModule(name, parentUrl);
  const script = fileURLToPath(url);
  return fromSources ? { script, execArgv: ['--import', tsxEntry(parentUrl, '.')] } : { script, execArgv: [] };
}

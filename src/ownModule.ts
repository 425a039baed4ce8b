/**
 * Which of dpocheck's own modules to start in a child process (childModule.ts) or a worker thread
 * (data/workerUrl.ts), for both ways this package runs: from the TypeScript sources (vitest, the
 * tsx-based dev CLI: the caller's `import.meta.url` ends in `.ts`) and from the compiled package
 * (`dist/src/*.js`, plain node). From the sources the `.ts` sibling is meant and tsx must be
 * loaded to run it; compiled, the `.js` sibling runs as is. tsx is a development dependency,
 * needed only where the sources run.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A sibling module of the caller, in the caller's own form. */
export interface OwnModule {
  /** The module's file URL: `name.ts` beside a `.ts` caller, `name.js` beside any other. */
  readonly url: URL;
  /** True when the caller (and so the module) runs from the TypeScript sources. */
  readonly fromSources: boolean;
}

/**
 * Locates the sibling `name` (relative, without extension) of the module at `callerUrl`.
 * @example ownModule('./worker', import.meta.url).url
 */
export function ownModule(name: string, callerUrl: string): OwnModule {
  const fromSources = new URL(callerUrl).pathname.endsWith('.ts');
  return { url: new URL(`${name}.${fromSources ? 'ts' : 'js'}`, callerUrl), fromSources };
}

/**
 * The file URL of tsx's entry point `subpath` (a key of its package.json "exports": '.' is the
 * `--import` loader, './esm/api' the ESM register API), resolved from `callerUrl` and taken in
 * the "import" condition. An absolute URL, so it loads whatever the working directory is.
 */
export function tsxEntry(callerUrl: string, subpath: '.' | './esm/api'): string {
  const pkgJson = createRequire(callerUrl).resolve('tsx/package.json');
  type Target = string | { import: string | { default: string } };
  const target = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { exports: Record<string, Target> }).exports[subpath]!;
  const file = typeof target === 'string' ? target : typeof target.import === 'string' ? target.import : target.import.default;
  return pathToFileURL(join(dirname(pkgJson), file)).href;
}

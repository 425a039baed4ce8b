/**
 * Where dpocheck's own files are: the package root, found by walking up from this module to the
 * `package.json` named `dpocheck`. The same code runs from the TypeScript sources (`src/`) and
 * from the compiled package (`dist/src/`), so files read at run time (the paper's tables under
 * `fixtures/paper/`, the JSON Schemas) are resolved from the root, never relative to `src/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The directory holding dpocheck's package.json. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dpocheck') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`dpocheck: package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/**
 * A path inside the package.
 * @example packagePath('fixtures', 'paper', 'qmin-table.json')
 */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}

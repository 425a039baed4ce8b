/**
 * Claims from a user's own module (`dpocheck verify --claims-module ./my-claims.js`): a project
 * that builds on dpocheck writes claims with `defineClaim` and has them run with dpocheck's
 * runner, verdicts, counterexamples and report. The module exports its claims as `claims` (an
 * array) or as its default export (an array or one claim).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidInputError } from '../theory/errors.ts';
import type { Claim } from './claim.ts';

/** Whether a value has the shape of a claim (the fields the runner and the report use). */
export function isClaim(x: unknown): x is Claim<unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const c = x as Record<string, unknown>;
  return (
    typeof c['id'] === 'string' && c['id'] !== '' && typeof c['title'] === 'string' && typeof c['section'] === 'string' &&
    (c['expectation'] === 'holds' || c['expectation'] === 'measured') && typeof c['arbitrary'] === 'function' &&
    typeof c['check'] === 'function' && typeof c['runs'] === 'object' && c['runs'] !== null
  );
}

/**
 * Imports `file` (resolved from the working directory) and returns its claims.
 * Throws InvalidInputError (field = the file) when it is missing, fails to load, exports no
 * claims, exports something that is not a claim, or repeats an id (also one of `reserved`).
 *
 * @example const mine = await loadClaimsModule('./my-claims.js', CLAIMS.map((c) => c.id));
 */
export async function loadClaimsModule(file: string, reserved: readonly string[] = []): Promise<Claim<any>[]> {
  const path = resolve(file);
  if (!existsSync(path)) throw new InvalidInputError(file, 'claims module not found');
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new InvalidInputError(file, `claims module failed to load: ${msg.split('\n')[0]}`);
  }
  const exported = mod['claims'] ?? mod['default'];
  const list = Array.isArray(exported) ? exported : exported === undefined ? [] : [exported];
  if (list.length === 0) throw new InvalidInputError(file, "exports no claims (export an array 'claims' or a default export made with defineClaim)");
  const seen = new Set(reserved);
  return list.map((c, i) => {
    if (!isClaim(c)) throw new InvalidInputError(file, `export ${i} is not a claim (make it with defineClaim from 'dpocheck')`);
    if (seen.has(c.id)) throw new InvalidInputError(file, `claim id '${c.id}' is already taken`);
    seen.add(c.id);
    return c;
  });
}

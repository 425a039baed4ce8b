/**
 * How tests compare src/theory with the 50-digit goldens of scripts/goldens.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Relative tolerance of every golden comparison (the requirement). */
export const REL_TOL = 1e-12;
/**
 * Absolute tolerance for quantities that are differences (probabilities 1 - x, logs): near 0
 * their relative error is unbounded while their absolute error stays at a few ulps of the
 * terms (≤ ~1e-14 here), so 1e-12 absolute is the "absolute near 0".
 */
export const ABS_TOL_DIFFERENCE = 1e-12;
/**
 * Absolute tolerance for products (bounds, slopes): only below the normal float64 range
 * (< 2.2e-308), where relative precision is lost by underflow itself.
 */
export const ABS_TOL_PRODUCT = 1e-300;

export type Kind = 'difference' | 'product';

/** Why `actual` is not within tolerance of `golden`, or null if it is. */
export function mismatch(actual: number, golden: number, kind: Kind): string | null {
  if (!Number.isFinite(actual)) return `not finite: ${actual}`;
  if (Math.abs(golden) === Number.MAX_VALUE) return actual === golden ? null : `expected the clamp ${golden}, got ${actual}`;
  const allowed = REL_TOL * Math.abs(golden) + (kind === 'difference' ? ABS_TOL_DIFFERENCE : ABS_TOL_PRODUCT);
  const diff = Math.abs(actual - golden);
  return diff <= allowed ? null : `|${actual} - ${golden}| = ${diff} > ${allowed}`;
}

/** The cases of fixtures/goldens/<name>.json. */
export function loadGoldens<T>(name: string): T[] {
  const file = join(import.meta.dirname, '..', '..', 'fixtures', 'goldens', `${name}.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: T[] }).cases;
}

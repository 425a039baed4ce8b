/**
 * Input validation for src/theory, on top of the shared contracts in `errors.ts`: every public
 * function calls these first, so invalid input throws `InvalidInputError` naming the field.
 */
import { InvalidInputError, requireFinite, requireInt, requireNonNegative, requirePositive } from './errors.ts';
import { isEdition, type Edition } from './edition.ts';

/**
 * Throws unless `x` is an integer in [1, 2^53 - 1]: a count (K, Q, d, N, Z). Counts above
 * 2^53 are not exactly representable, and the integer searches of `scaling.ts` rely on exact
 * integers.
 */
export function requireCount(field: string, x: number): number {
  requireInt(field, x, 1);
  if (x > Number.MAX_SAFE_INTEGER) {
    throw new InvalidInputError(field, `must be at most 2^53 - 1 = ${Number.MAX_SAFE_INTEGER}, got ${String(x)}`);
  }
  return x;
}

/** Throws unless `edition` is one of THEORY §8's editions. */
export function requireEdition(edition: unknown): Edition {
  if (!isEdition(edition)) {
    throw new InvalidInputError('edition', `must be one of v5-main, v5-appendix, v3, got ${String(edition)}`);
  }
  return edition;
}

export { requireFinite, requireInt, requireNonNegative, requirePositive };

/**
 * Typed input errors. Every public function in dpocheck validates its inputs and throws
 * `InvalidInputError` naming the offending field, so that the CLI can turn it into a one-line
 * message and exit code 2 (never a stack trace).
 */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  /** The field (parameter, flag or file entry) whose value is invalid. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** Throws unless `x` is a finite number. */
export function requireFinite(field: string, x: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new InvalidInputError(field, `must be a finite number, got ${String(x)}`);
  }
  return x;
}

/** Throws unless `x` is an integer >= `min` (default 1). */
export function requireInt(field: string, x: number, min = 1): number {
  requireFinite(field, x);
  if (!Number.isInteger(x) || x < min) {
    throw new InvalidInputError(field, `must be an integer >= ${min}, got ${String(x)}`);
  }
  return x;
}

/** Throws unless `x` is a finite number > 0. */
export function requirePositive(field: string, x: number): number {
  requireFinite(field, x);
  if (!(x > 0)) throw new InvalidInputError(field, `must be > 0, got ${String(x)}`);
  return x;
}

/** Throws unless `x` is a finite number >= 0. */
export function requireNonNegative(field: string, x: number): number {
  requireFinite(field, x);
  if (!(x >= 0)) throw new InvalidInputError(field, `must be >= 0, got ${String(x)}`);
  return x;
}

/**
 * Strict parsers for flag values. `Number('')` is 0 and `parseInt('3abc')` is 3; neither is
 * acceptable for a verification tool, so every numeric flag goes through these.
 */
import { UsageError } from './errors.ts';

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A finite decimal number (scientific notation allowed), or a UsageError naming the flag. */
export function parseNumber(flag: string, raw: string): number {
  const text = raw.trim();
  if (!NUMBER_RE.test(text)) throw new UsageError(`${flag}: expected a number, got '${raw}'`);
  const x = Number(text);
  if (!Number.isFinite(x)) throw new UsageError(`${flag}: expected a finite number, got '${raw}'`);
  return x;
}

/** An integer >= min (written without a fraction; 1e3 is accepted as 1000). */
export function parseInteger(flag: string, raw: string, min = 1): number {
  const x = parseNumber(flag, raw);
  if (!Number.isSafeInteger(x)) throw new UsageError(`${flag}: expected an integer, got '${raw}'`);
  if (x < min) throw new UsageError(`${flag}: must be >= ${min}, got ${x}`);
  return x;
}

/** A number > 0. */
export function parsePositive(flag: string, raw: string): number {
  const x = parseNumber(flag, raw);
  if (!(x > 0)) throw new UsageError(`${flag}: must be > 0, got ${x}`);
  return x;
}

/** A comma-separated list of integers >= min, e.g. `--K 1,2,4`. */
export function parseIntegerList(flag: string, raw: string, min = 1): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new UsageError(`${flag}: expected a comma-separated list of integers, got '${raw}'`);
  return parts.map((p) => parseInteger(flag, p, min));
}

/** A comma-separated list of numbers. */
export function parseNumberList(flag: string, raw: string): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw new UsageError(`${flag}: expected a comma-separated list of numbers, got '${raw}'`);
  return parts.map((p) => parseNumber(flag, p));
}

/** One of a fixed set of words. */
export function parseChoice<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(`${flag}: expected one of ${choices.join(', ')}, got '${raw}'`);
}

/** A seed: an integer in [0, 2^32). */
export function parseSeed(flag: string, raw: string): number {
  const x = parseInteger(flag, raw, 0);
  if (x > 0xffffffff) throw new UsageError(`${flag}: must be < 2^32, got ${x}`);
  return x;
}

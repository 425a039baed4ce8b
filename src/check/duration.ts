/**
 * Time budgets written the way people type them on a command line (`--budget 90s`, `10m`,
 * `1h30m`, `500ms`), converted to milliseconds.
 */
import { InvalidInputError } from '../theory/errors.ts';

/** Milliseconds per unit, largest first: the order in which units must appear. */
const UNIT_MS: ReadonlyArray<readonly [unit: string, ms: number]> = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

/** One `<number><unit>` term; `ms` is tried before `m` and `s` by the alternation order. */
const TERM = /(\d+(?:\.\d+)?|\.\d+)(ms|h|m|s)/y;

/**
 * Parses a duration such as `'90s'`, `'10m'`, `'1h30m'`, `'1.5h'` or `'500ms'` into milliseconds
 * (rounded to the nearest millisecond). Units are h, m, s, ms, each at most once and largest
 * first; surrounding whitespace is ignored. A bare number is rejected, since its unit would be a
 * guess.
 *
 * @param text - the duration as typed
 * @param field - the name reported in the error (default 'budget', the CLI flag)
 * @throws InvalidInputError naming `field` when the text is not such a duration or is zero
 * @example parseDuration('1h30m') // 5_400_000
 */
export function parseDuration(text: string, field = 'budget'): number {
  const fail = (why: string): never => {
    throw new InvalidInputError(field, `${why}; expected e.g. 90s, 10m, 1h30m or 500ms, got '${String(text)}'`);
  };
  if (typeof text !== 'string') fail('must be a string');
  const trimmed = text.trim();
  if (trimmed === '') fail('is empty');
  let position = 0;
  let lastUnitIndex = -1;
  let total = 0;
  TERM.lastIndex = 0;
  while (position < trimmed.length) {
    TERM.lastIndex = position;
    const match = TERM.exec(trimmed);
    if (match === null) fail(`cannot read '${trimmed.slice(position)}'`);
    const [whole, amount, unit] = match as RegExpExecArray;
    const unitIndex = UNIT_MS.findIndex(([u]) => u === unit);
    if (unitIndex <= lastUnitIndex) fail(`unit '${unit}' is repeated or out of order (use h, m, s, ms in that order)`);
    lastUnitIndex = unitIndex;
    total += Number(amount) * UNIT_MS[unitIndex][1];
    position += whole.length;
  }
  const ms = Math.round(total);
  if (!(ms > 0) || !Number.isFinite(ms)) fail('must be a positive duration of at least 1ms');
  return ms;
}

/**
 * Formats milliseconds compactly for reports, the inverse of `parseDuration` on whole units.
 *
 * @example formatDuration(5_400_000) // '1h30m'
 * @example formatDuration(1_500) // '1s500ms'
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new InvalidInputError('ms', `must be a finite number >= 0, got ${String(ms)}`);
  let rest = Math.round(ms);
  if (rest === 0) return '0ms';
  let out = '';
  for (const [unit, size] of UNIT_MS) {
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  return out;
}

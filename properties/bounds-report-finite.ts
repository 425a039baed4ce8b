/**
 * Every number of `boundsReport` is finite for every valid input, however extreme
 * (THEORY §3–§5; numerics.ts's clamping rule), so its JSON round-trips losslessly.
 */
import * as fc from 'fast-check';
import { logUniform, logUniformInt } from './bounds-arbitraries.ts';
import { defineClaim, type Trial } from '../src/check/claim.ts';
import { boundsReport, type BoundsInput, type Edition } from '../src/theory/index.ts';

/** A positive finite double spanning the whole float64 range (log-uniform) or a round value. */
const anyPositive = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true, noDefaultInfinity: true }),
    logUniform(1e-300, 1e300),
    fc.constantFrom(0.25, 0.5, 1),
  );

const count = (max: number): fc.Arbitrary<number> =>
  fc.oneof(logUniformInt(1, 100), logUniformInt(1, max), fc.constant(max));

/** Collects every number in a JSON-like value. */
function numbers(x: unknown, out: number[] = []): number[] {
  if (typeof x === 'number') out.push(x);
  else if (Array.isArray(x)) for (const y of x) numbers(y, out);
  else if (x !== null && typeof x === 'object') for (const y of Object.values(x)) numbers(y, out);
  return out;
}

export const boundsReportFinite = defineClaim<BoundsInput>({
  id: 'bounds-report-finite',
  title: 'boundsReport returns only finite numbers and round-trips through JSON',
  section: 'docs/theory.md §3–§5, §8 (numerics of src/theory)',
  edition: 'all',
  expectation: 'holds',
  generator: 'K, Q, d integers up to 2^53 - 1; v, l_b, β, τ, c, δ anywhere in the float64 range (v, δ also 0); each edition',
  measures: 'count of non-finite numbers; JSON round-trip equality',
  bound: '0 non-finite; equal',
  runs: { small: 100, full: 5000 },
  arbitrary: () =>
    fc.record({
      K: count(Number.MAX_SAFE_INTEGER),
      Q: count(Number.MAX_SAFE_INTEGER),
      d: count(Number.MAX_SAFE_INTEGER),
      v: fc.oneof(fc.constant(0), anyPositive()),
      lb: anyPositive(),
      Z: fc.integer({ min: 1, max: 6 }),
      beta: anyPositive(),
      tau: anyPositive(),
      c: anyPositive(),
      delta: fc.option(fc.oneof(fc.constant(0), anyPositive()), { nil: undefined }),
      edition: fc.constantFrom<Edition>('v5-main', 'v5-appendix', 'v3'),
    }),
  check: (input): Trial => {
    const report = boundsReport(input);
    const bad = numbers(report).filter((x) => !Number.isFinite(x)).length;
    const before = numbers(report);
    const after = numbers(JSON.parse(JSON.stringify(report)));
    const roundTrips = before.length === after.length && before.every((x, i) => Object.is(x, after[i]));
    return { violated: bad > 0 || !roundTrips, observed: bad, bound: 0, detail: { roundTrips } };
  },
});

/**
 * Q_min(K, η) (THEORY §4 Theorem 4.3 "Scaling law", §7) is non-decreasing in K and grows by
 * about 45 ln 2 ≈ 31–36 per doubling of K.
 *
 * Exact band checked, and why: Q* (the real root of F(Q) = Q/45 - 2 ln Q = ln(2K/η), past the
 * peak Q = 90) satisfies F(Q*_{2K}) - F(Q*_K) = ln 2, so by the mean value theorem
 * ΔQ* = ln 2 / F'(ξ) with F'(ξ) ∈ [1/45 - 2/Q*_K, 1/45): ΔQ* ∈ (45 ln 2, ln2/(1/45 - 2/Q*_K)].
 * Q_min is the first integer above Q*, so Q*_K ∈ (Q_min(K) - 1, Q_min(K)] and the integer step
 * differs from ΔQ* by less than 1: Δ ∈ [⌈45 ln 2 - 1⌉, ⌊ln2/(1/45 - 2/(Q_min(K) - 1)) + 1⌋],
 * i.e. [31, 36] at the table's sizes. η <= 1/2 keeps Q_min past the peak.
 */
import * as fc from 'fast-check';
import { logUniform, logUniformInt } from './bounds-arbitraries.ts';
import { defineClaim, type Trial } from '../src/check/claim.ts';
import { qMin } from '../src/theory/index.ts';

/** Largest K drawn. Ours: Q_min stays far below 2^53 and each search is microseconds. */
const MAX_K = 1e9;
/** Range of η. Ours: η <= 1/2 keeps Q_min > 500, past the peak at 90, for every K >= 1. */
const ETA_RANGE = { min: 1e-12, max: 0.5 } as const;

export interface QminDoublingInput {
  readonly K: number;
  readonly eta: number;
}

export const boundsQminScaling = defineClaim<QminDoublingInput>({
  id: 'bounds-qmin-scaling',
  title: 'Q_min(2K, η) - Q_min(K, η) lies in [31, ⌊ln2/(1/45 - 2/(Q_min(K)-1)) + 1⌋] (≈ 45 ln 2 per doubling)',
  section: 'docs/theory.md §4, Theorem 4.3 (scaling law); §7',
  edition: 'v5-main',
  expectation: 'holds',
  generator: `K log-uniform integer in [1, ${MAX_K}], η log-uniform in [${ETA_RANGE.min}, ${ETA_RANGE.max}]`,
  measures: 'Δ = Q_min(2K, η) - Q_min(K, η)',
  bound: '[⌈45 ln2 - 1⌉, ⌊ln2/(1/45 - 2/(Q_min(K)-1)) + 1⌋] (mean value theorem on Q/45 - 2 ln Q)',
  runs: { small: 60, full: 2000 },
  arbitrary: () =>
    fc.record({
      K: logUniformInt(1, MAX_K),
      eta: logUniform(ETA_RANGE.min, ETA_RANGE.max),
    }),
  check: ({ K, eta }): Trial => {
    const q1 = qMin(K, eta);
    const q2 = qMin(2 * K, eta);
    const delta = q2 - q1;
    const lo = Math.ceil(45 * Math.LN2 - 1);
    const hi = Math.floor(Math.LN2 / (1 / 45 - 2 / (q1 - 1)) + 1);
    const violated = !(delta >= lo && delta <= hi);
    return {
      violated,
      observed: delta,
      bound: delta < lo ? lo : hi,
      slack: Math.min(delta - lo, hi - delta) / hi,
      detail: { q1, q2, lo, hi },
      labels: [delta === 35 ? 'delta-35' : `delta-${delta}`],
    };
  },
});

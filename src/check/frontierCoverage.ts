/**
 * Measuring the coverage of frontier intervals (src/check/frontier.ts) on oracles whose
 * frontier is known: seeded Bernoulli draws from a failure-rate curve θ(m) on [0, 10].
 *
 * "True frontier": with the indifference zone (p_L, p_U) around p, the frontier zone is
 * [m_L, m_U], m_L = inf{m in [lo, hi] : θ(m) ≥ p_L}, m_U = inf{m in [lo, hi] : θ(m) ≥ p_U}
 * (+∞ when θ never gets there). A run covers it when its report is true of that zone: an
 * interval [a, b] ('found', 'always-fails') meets it (a ≤ m_U and b ≥ m_L); 'undecided' with
 * [a, hi] (the frontier may lie beyond hi) has a ≤ m_U; 'never-fails' has m_U = +∞; on these
 * monotone curves 'non-monotone' is always wrong.
 *
 * @example
 *   const r = await measureCoverage(COVERAGE_SHAPES[0], 100);
 *   r.covered / r.runs; // e.g. 1
 */
import seedrandom from 'seedrandom';
import { estimateFrontier, frontierRule, type FailureOracle, type FrontierOptions, type FrontierResult } from './frontier.ts';
import type { Interval } from './statistics.ts';

/** A failure-rate curve with a name and the p it is measured at. */
export interface CoverageShape {
  readonly name: string;
  readonly description: string;
  readonly p: number;
  rate(m: number): number;
}

/** Range of every shape. */
export const COVERAGE_RANGE: Interval = [0, 10];

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/**
 * The shapes measured by `npm run frontier-coverage`: a steep logistic, a shallow line, a
 * plateau at exactly p (a rate that can never be decided: it sits inside the indifference zone
 * over [3, 7]), and a step (the steepest case: 0 then 1).
 */
export const COVERAGE_SHAPES: readonly CoverageShape[] = [
  { name: 'steep', description: 'logistic 1/(1+e^{-4(m-5)}), p = 0.05', p: 0.05, rate: (m) => 1 / (1 + Math.exp(-4 * (m - 5))) },
  { name: 'shallow', description: 'linear (m-2)/40, p = 0.05', p: 0.05, rate: (m) => clamp01((m - 2) / 40) },
  {
    name: 'plateau',
    description: 'rises to p = 0.05 at m = 3, flat at p until m = 7, then +0.3 per unit',
    p: 0.05,
    rate: (m) => (m < 3 ? (0.05 * m) / 3 : m <= 7 ? 0.05 : clamp01(0.05 + 0.3 * (m - 7))),
  },
  { name: 'step', description: '0 below m = 6.3, 1 from there, p = 0.1', p: 0.1, rate: (m) => (m >= 6.3 ? 1 : 0) },
];

/** A seeded Bernoulli oracle drawing failures with probability rate(m). */
export function bernoulliOracle(rate: (m: number) => number): FailureOracle {
  return async (m, n, seed) => {
    const rng = seedrandom(String(seed));
    const q = rate(m);
    let failures = 0;
    for (let i = 0; i < n; i++) if (rng() < q) failures++;
    return { failures, runs: n };
  };
}

/** inf{m in [lo, hi] : rate(m) >= level} for a non-decreasing rate (+Infinity if none), by bisection. */
export function firstReach(rate: (m: number) => number, level: number, [lo, hi]: Interval): number {
  if (rate(lo) >= level) return lo;
  if (rate(hi) < level) return Number.POSITIVE_INFINITY;
  let [a, b] = [lo, hi];
  for (let i = 0; i < 80; i++) {
    const mid = (a + b) / 2;
    if (rate(mid) >= level) b = mid;
    else a = mid;
  }
  return b;
}

/** The frontier zone [m_L, m_U] of a shape under the rule's indifference zone. */
export function frontierZone(rate: (m: number) => number, zone: Interval, range: Interval): Interval {
  return [firstReach(rate, zone[0], range), firstReach(rate, zone[1], range)];
}

/** Whether a result is true of the frontier zone (see the module comment). */
export function coversZone(result: Pick<FrontierResult, 'status' | 'ci'>, [mL, mU]: Interval): boolean {
  switch (result.status) {
    case 'found':
    case 'always-fails':
      return result.ci !== null && result.ci[0] <= mU && result.ci[1] >= mL;
    case 'undecided':
      return result.ci !== null && result.ci[0] <= mU;
    case 'never-fails':
      return mU === Number.POSITIVE_INFINITY;
    case 'non-monotone':
      return false;
  }
}

export interface CoverageMeasurement {
  readonly shape: string;
  readonly runs: number;
  readonly covered: number;
  /** Of those, runs whose interval contains the exact p-frontier inf{m : θ(m) ≥ p} (no zone). */
  readonly coveredExact: number;
  /** ci[1] − ci[0] of every run with an interval. */
  readonly widths: readonly number[];
  /** Oracle runs of every run. */
  readonly runsUsed: readonly number[];
  readonly zone: Interval;
}

/**
 * Runs the frontier search `runs` times (seeds firstSeed, firstSeed+1, ...) on a shape and counts
 * the runs that cover its frontier zone.
 */
export async function measureCoverage(
  shape: CoverageShape,
  runs: number,
  options: { firstSeed?: number; search?: Partial<Omit<FrontierOptions, 'oracle' | 'lo' | 'hi' | 'seed' | 'p'>> } = {},
): Promise<CoverageMeasurement> {
  const rule = frontierRule({ p: shape.p, ...(options.search ?? {}) });
  const zone = frontierZone(shape.rate, rule.zone, COVERAGE_RANGE);
  const oracle = bernoulliOracle(shape.rate);
  const exact = firstReach(shape.rate, shape.p, COVERAGE_RANGE);
  let covered = 0;
  let coveredExact = 0;
  const widths: number[] = [];
  const runsUsed: number[] = [];
  for (let k = 0; k < runs; k++) {
    const result = await estimateFrontier({ ...(options.search ?? {}), oracle, lo: COVERAGE_RANGE[0], hi: COVERAGE_RANGE[1], seed: (options.firstSeed ?? 1) + k, p: shape.p });
    if (coversZone(result, zone)) covered++;
    if (coversZone(result, [exact, exact])) coveredExact++;
    if (result.ci !== null) widths.push(result.ci[1] - result.ci[0]);
    runsUsed.push(result.runsUsed);
  }
  return { shape: shape.name, runs, covered, coveredExact, widths, runsUsed, zone };
}

/** Median of a list (NaN when empty). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

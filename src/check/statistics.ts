/**
 * Exact small-sample statistics behind every verdict: Clopper–Pearson intervals for a failure
 * probability, exact binomial and Fisher tests, least-squares lines and summary statistics.
 *
 * "Exact" means the stated confidence or significance level is guaranteed for every sample size
 * (conservatively), not only asymptotically: the suite often reports 0 failures in a few dozen
 * runs, where normal approximations are meaningless.
 *
 * Quantiles of the beta distribution and the binomial CDF come from stdlib; the probability mass
 * functions are evaluated here in log space (see `logBinomialPmfs`, `logFactorials`) because
 * stdlib's pmf packages are not dependencies of this project and the tests only need to compare
 * masses with each other, which log space does without underflow.
 */
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import { InvalidInputError, requireFinite, requireInt } from '../theory/errors.ts';

/** A closed interval `[low, high]`. */
export type Interval = readonly [number, number];

/** A count of failures among independent runs (a binomial observation). */
export interface BinomialCount {
  /** Number of runs in which the claim failed, 0 <= failures <= runs. */
  readonly failures: number;
  /** Number of independent runs. */
  readonly runs: number;
}

/** Which deviation from the null hypothesis a test looks for. */
export type Alternative = 'two-sided' | 'greater' | 'less';

/** Confidence level used when the caller does not say (the report's 95%). */
export const DEFAULT_CONFIDENCE = 0.95;

/**
 * Relative tolerance when deciding that two probability masses are "equally extreme" in the
 * two-sided exact tests. Masses that are mathematically equal (e.g. symmetric tables) can differ
 * in the last bits after floating-point evaluation; 1e-7 is the value scipy uses
 * (`scipy.stats.binomtest`, `fisher_exact`), so our p-values match the reference values.
 */
const EQUAL_MASS_RELATIVE_TOLERANCE = 1e-7;

function requireLevel(field: string, level: number): number {
  requireFinite(field, level);
  if (!(level > 0 && level < 1)) {
    throw new InvalidInputError(field, `must lie strictly between 0 and 1, got ${String(level)}`);
  }
  return level;
}

function requireProbability(field: string, p: number): number {
  requireFinite(field, p);
  if (!(p >= 0 && p <= 1)) throw new InvalidInputError(field, `must lie in [0, 1], got ${String(p)}`);
  return p;
}

function requireCount(failures: number, runs: number): void {
  requireInt('runs', runs, 0);
  requireInt('failures', failures, 0);
  if (failures > runs) {
    throw new InvalidInputError('failures', `must be <= runs (${runs}), got ${failures}`);
  }
}

/**
 * Two-sided exact (Clopper–Pearson) confidence interval for a binomial proportion: the set of
 * probabilities not rejected by either one-sided exact test at level (1 - level)/2.
 * Bounds: `Beta^{-1}((1-level)/2; k, n-k+1)` and `Beta^{-1}((1+level)/2; k+1, n-k)`, with 0 at
 * k = 0 and 1 at k = n. With no runs (n = 0) the interval is [0, 1].
 *
 * @param failures - observed failures k
 * @param runs - number of runs n
 * @param level - two-sided confidence level in (0, 1), default 0.95
 * @example clopperPearson(3, 10) // ≈ [0.0667, 0.6525]
 */
export function clopperPearson(failures: number, runs: number, level = DEFAULT_CONFIDENCE): Interval {
  requireCount(failures, runs);
  requireLevel('level', level);
  if (runs === 0) return [0, 1];
  const tail = (1 - level) / 2;
  const low = failures === 0 ? 0 : betaQuantile(tail, failures, runs - failures + 1);
  const high = failures === runs ? 1 : betaQuantile(1 - tail, failures + 1, runs - failures);
  return [low, high];
}

/**
 * One-sided exact (Clopper–Pearson) upper confidence bound on a failure probability: the largest
 * p not rejected by the exact test of "P(X <= k) >= 1 - level". This is the number reported with
 * "held: no violation in n runs"; for k = 0 it has the closed form `1 - (1-level)^{1/n}`
 * (about 3/n at 95%, the "rule of three"). With no runs the bound is 1.
 *
 * @example clopperPearsonUpper(0, 59) // ≈ 0.0495: 59 clean runs bound the rate below 5%
 */
export function clopperPearsonUpper(failures: number, runs: number, level = DEFAULT_CONFIDENCE): number {
  requireCount(failures, runs);
  requireLevel('level', level);
  if (runs === 0 || failures === runs) return 1;
  // Closed form, computed as -expm1(ln(1-level)/n) to keep full precision for large n.
  if (failures === 0) return -Math.expm1(Math.log(1 - level) / runs);
  return betaQuantile(level, failures + 1, runs - failures);
}

/**
 * One-sided exact (Clopper–Pearson) lower confidence bound on a probability (0 when k = 0).
 *
 * @example clopperPearsonLower(10, 10) // ≈ 0.741 = 0.05^{1/10}
 */
export function clopperPearsonLower(failures: number, runs: number, level = DEFAULT_CONFIDENCE): number {
  requireCount(failures, runs);
  requireLevel('level', level);
  if (runs === 0 || failures === 0) return 0;
  if (failures === runs) return Math.exp(Math.log(1 - level) / runs);
  return betaQuantile(1 - level, failures, runs - failures + 1);
}

/** P(X <= x) for X ~ Binomial(n, p); 0 for x < 0. */
function cdf(x: number, n: number, p: number): number {
  if (x < 0) return 0;
  if (x >= n) return 1;
  return binomialCdf(x, n, p);
}

/** P(X >= x) for X ~ Binomial(n, p), as a lower tail of n - X (no cancellation in 1 - cdf). */
function upperTail(x: number, n: number, p: number): number {
  if (x <= 0) return 1;
  if (x > n) return 0;
  return cdf(n - x, n, 1 - p);
}

/**
 * ln P(X = x) for x = 0..n, X ~ Binomial(n, p) with 0 < p < 1, by the ratio recursion
 * P(x+1)/P(x) = (n-x)/(x+1) · p/(1-p). Hand-written because only relative comparisons of masses
 * are needed and no log-gamma is available without an extra dependency; the accumulated
 * rounding (about n·1e-16 relative) is far below `EQUAL_MASS_RELATIVE_TOLERANCE` for any n the
 * suite uses.
 */
function logBinomialPmfs(n: number, p: number): Float64Array {
  const out = new Float64Array(n + 1);
  const logOdds = Math.log(p) - Math.log1p(-p);
  out[0] = n * Math.log1p(-p);
  for (let x = 0; x < n; x++) out[x + 1] = out[x] + Math.log((n - x) / (x + 1)) + logOdds;
  return out;
}

/**
 * Exact binomial test of "the failure probability is p" given k failures in n runs: the p-value
 * of the observation. 'greater' tests for a probability above p (P(X >= k)), 'less' for one
 * below p (P(X <= k)), and 'two-sided' sums the masses of all outcomes no more likely than the
 * observed one (the method of scipy.stats.binomtest).
 *
 * @example binomialTest(3, 10, 0.1, 'greater') // ≈ 0.0702
 */
export function binomialTest(
  failures: number,
  runs: number,
  p: number,
  alternative: Alternative = 'two-sided',
): number {
  requireCount(failures, runs);
  requireProbability('p', p);
  if (runs === 0) return 1;
  if (alternative === 'greater') return upperTail(failures, runs, p);
  if (alternative === 'less') return cdf(failures, runs, p);
  if (p === 0) return failures === 0 ? 1 : 0;
  if (p === 1) return failures === runs ? 1 : 0;
  const logPmf = logBinomialPmfs(runs, p);
  const threshold = logPmf[failures] + Math.log1p(EQUAL_MASS_RELATIVE_TOLERANCE);
  const mean = p * runs;
  if (failures === mean) return 1;
  let pValue: number;
  if (failures < mean) {
    // Count outcomes in the upper tail that are at most as likely as the observation.
    let y = 0;
    for (let x = runs; x >= Math.ceil(mean) && logPmf[x] <= threshold; x--) y++;
    pValue = cdf(failures, runs, p) + (y > 0 ? upperTail(runs - y + 1, runs, p) : 0);
  } else {
    let y = 0;
    for (let x = 0; x <= Math.floor(mean) && logPmf[x] <= threshold; x++) y++;
    pValue = (y > 0 ? cdf(y - 1, runs, p) : 0) + upperTail(failures, runs, p);
  }
  return Math.min(1, pValue);
}

/** ln(i!) for i = 0..n, by summing logarithms (exact to rounding; n is at most a few 10^5). */
function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) out[i] = out[i - 1] + Math.log(i);
  return out;
}

/**
 * Fisher's exact test comparing two failure rates: conditional on the total number of failures,
 * the failures of `a` are hypergeometric under "the rates are equal". 'less' looks for rate(a) <
 * rate(b), 'greater' for rate(a) > rate(b), 'two-sided' sums the masses of all tables no more
 * likely than the observed one (as scipy.stats.fisher_exact).
 *
 * @example fisherExactTest({ failures: 3, runs: 10 }, { failures: 9, runs: 10 }) // ≈ 0.0198
 */
export function fisherExactTest(a: BinomialCount, b: BinomialCount, alternative: Alternative = 'two-sided'): number {
  requireCount(a.failures, a.runs);
  requireCount(b.failures, b.runs);
  const total = a.runs + b.runs;
  const failures = a.failures + b.failures;
  if (a.runs === 0 || b.runs === 0 || failures === 0 || failures === total) return 1;
  const lf = logFactorials(total);
  const logDenominator = lf[total] - lf[a.runs] - lf[b.runs];
  const logPmf = (x: number): number =>
    lf[failures] - lf[x] - lf[failures - x] + lf[total - failures] - lf[a.runs - x] - lf[total - failures - a.runs + x] -
    logDenominator;
  const xMin = Math.max(0, a.runs - (total - failures));
  const xMax = Math.min(failures, a.runs);
  const observed = logPmf(a.failures);
  const threshold = observed + Math.log1p(EQUAL_MASS_RELATIVE_TOLERANCE);
  let pValue = 0;
  // Summed in increasing x, a fixed order, so the result is reproducible bit for bit.
  for (let x = xMin; x <= xMax; x++) {
    const include =
      alternative === 'less' ? x <= a.failures : alternative === 'greater' ? x >= a.failures : logPmf(x) <= threshold;
    if (include) pValue += Math.exp(logPmf(x));
  }
  return Math.min(1, pValue);
}

/** Significance level at which two failure rates are declared different by default. */
export const DEFAULT_SIGNIFICANCE = 0.05;

/** The outcome of comparing two failure rates. */
export interface RateComparison {
  /** Two-sided p-value of Fisher's exact test of "the two rates are equal". */
  readonly pValue: number;
  /** True when the test does not reject equality at the given significance level. */
  readonly agree: boolean;
  /** Each rate's two-sided Clopper–Pearson interval at level 1 - significance (for display). */
  readonly intervalA: Interval;
  readonly intervalB: Interval;
}

/**
 * Do two observed failure rates agree? Decided by Fisher's exact (conditional) test at level
 * `significance`, not by the overlap of the two confidence intervals: overlap of two 95%
 * intervals corresponds to a much stricter, unstated level (roughly 99.5% for equal sizes) and
 * gives no p-value, whereas Fisher's test is exact at every sample size, including 0 failures.
 * Use this e.g. to check that the explorer's rate at a probed magnitude agrees with an
 * independent simulation.
 *
 * @example failureRatesAgree({ failures: 2, runs: 100 }, { failures: 2, runs: 100 }).agree // true
 */
export function failureRatesAgree(
  a: BinomialCount,
  b: BinomialCount,
  significance = DEFAULT_SIGNIFICANCE,
): RateComparison {
  requireLevel('significance', significance);
  const pValue = fisherExactTest(a, b, 'two-sided');
  return {
    pValue,
    agree: pValue >= significance,
    intervalA: clopperPearson(a.failures, a.runs, 1 - significance),
    intervalB: clopperPearson(b.failures, b.runs, 1 - significance),
  };
}

/** True when two closed intervals share at least one point. */
export function intervalsOverlap(a: Interval, b: Interval): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

/**
 * Sum in index order with Neumaier's compensation: a fixed order (so bit-identical results for
 * identical input) and an error independent of the length, for means of many small numbers.
 */
export function compensatedSum(values: ArrayLike<number>): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + compensation;
}

function requireSample(field: string, values: ArrayLike<number>, minLength = 1): void {
  if (values.length < minLength) {
    throw new InvalidInputError(field, `needs at least ${minLength} value(s), got ${values.length}`);
  }
  for (let i = 0; i < values.length; i++) requireFinite(`${field}[${i}]`, values[i]);
}

/** A straight-line least-squares fit y ≈ intercept + slope·x. */
export interface LinearFit {
  readonly slope: number;
  readonly intercept: number;
  /**
   * Coefficient of determination 1 - SS_res/SS_tot. When all y are equal (SS_tot = 0) the line
   * fits exactly and R² is reported as 1.
   */
  readonly rSquared: number;
  readonly n: number;
}

/**
 * Ordinary least squares of y on x with R², as in the paper's linear fits of test error on K
 * (THEORY §7: R² = 0.95 for Mistral, 0.99 for Qwen). Centred two-pass formulas for accuracy.
 *
 * @example linearFit([1, 2, 4, 8], [0, 0.008, 0.036, 0.056]).rSquared // ≈ 0.946
 */
export function linearFit(x: ArrayLike<number>, y: ArrayLike<number>): LinearFit {
  requireSample('x', x, 2);
  requireSample('y', y, 2);
  if (x.length !== y.length) {
    throw new InvalidInputError('y', `must have the same length as x (${x.length}), got ${y.length}`);
  }
  const n = x.length;
  const xMean = compensatedSum(x) / n;
  const yMean = compensatedSum(y) / n;
  const dx = Float64Array.from({ length: n }, (_, i) => x[i] - xMean);
  const dy = Float64Array.from({ length: n }, (_, i) => y[i] - yMean);
  const sxx = compensatedSum(dx.map((v) => v * v));
  if (!(sxx > 0)) throw new InvalidInputError('x', 'needs at least two distinct values');
  const sxy = compensatedSum(dx.map((v, i) => v * dy[i]));
  const slope = sxy / sxx;
  const intercept = yMean - slope * xMean;
  const ssTot = compensatedSum(dy.map((v) => v * v));
  const ssRes = compensatedSum(Float64Array.from({ length: n }, (_, i) => (y[i] - intercept - slope * x[i]) ** 2));
  const rSquared = ssTot === 0 ? 1 : 1 - ssRes / ssTot;
  return { slope, intercept, rSquared, n };
}

/**
 * The q-quantile of a sample by linear interpolation between order statistics (Hyndman & Fan
 * type 7, numpy's and R's default): position (n-1)·q in the sorted sample.
 *
 * @example quantile([3, 1, 2], 0.5) // 2
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  requireSample('values', values);
  requireProbability('q', q);
  return quantileSorted(Float64Array.from(values).sort(), q);
}

function quantileSorted(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const fraction = position - below;
  return fraction === 0 ? sorted[below] : sorted[below] + fraction * (sorted[above] - sorted[below]);
}

/** Summary statistics of a sample. */
export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly max: number;
  /** Mean, summed in input order with compensation (bit-identical for identical input). */
  readonly mean: number;
  readonly q05: number;
  readonly q25: number;
  readonly median: number;
  readonly q75: number;
  readonly q95: number;
}

/**
 * Min, max, mean and the 5/25/50/75/95% quantiles (type 7) of a non-empty finite sample.
 *
 * @example summarize([1, 2, 3, 4]).median // 2.5
 */
export function summarize(values: ArrayLike<number>): Summary {
  requireSample('values', values);
  const sorted = Float64Array.from(values).sort();
  return {
    n: sorted.length,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: compensatedSum(values) / values.length,
    q05: quantileSorted(sorted, 0.05),
    q25: quantileSorted(sorted, 0.25),
    median: quantileSorted(sorted, 0.5),
    q75: quantileSorted(sorted, 0.75),
    q95: quantileSorted(sorted, 0.95),
  };
}

/**
 * Probability mass function of a Poisson-binomial variable: the number of successes among
 * independent trials with probabilities `probs[i]`. Exact, by the standard O(n²) convolution
 * (add one trial at a time: P_new(k) = P(k)(1 − p) + P(k−1)p), in a fixed order.
 *
 * @example poissonBinomialPmf([0.5, 0.5]) // [0.25, 0.5, 0.25]
 */
export function poissonBinomialPmf(probs: ArrayLike<number>): Float64Array {
  for (let i = 0; i < probs.length; i++) requireProbability(`probs[${i}]`, probs[i]);
  const pmf = new Float64Array(probs.length + 1);
  pmf[0] = 1;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    for (let k = i + 1; k >= 1; k--) pmf[k] = pmf[k] * (1 - p) + pmf[k - 1] * p;
    pmf[0] *= 1 - p;
  }
  return pmf;
}

/** Upper tails P(X >= k), k = 0..n+1, of a pmf (summed from the top: no cancellation). */
function upperTails(pmf: Float64Array): Float64Array {
  const tails = new Float64Array(pmf.length + 1);
  for (let k = pmf.length - 1; k >= 0; k--) tails[k] = Math.min(1, tails[k + 1] + pmf[k]);
  return tails;
}

/**
 * Exact one-sided test of "each trial i fails with probability at most probs[i]" against more
 * failures: the p-value P(X >= failures) with X Poisson-binomial(probs).
 *
 * @example poissonBinomialTest(2, [0.5, 0.5]) // 0.25
 */
export function poissonBinomialTest(failures: number, probs: ArrayLike<number>): number {
  requireInt('failures', failures, 0);
  if (failures > probs.length) throw new InvalidInputError('failures', `must be <= the number of trials (${probs.length}), got ${failures}`);
  return upperTails(poissonBinomialPmf(probs))[failures];
}

/**
 * Smallest failure count that the one-sided Poisson-binomial test rejects at `level`
 * (P(X >= c) <= level), or null when even n failures do not reach it.
 */
export function poissonBinomialCritical(probs: ArrayLike<number>, level: number): number | null {
  requireLevel('level', level);
  const tails = upperTails(poissonBinomialPmf(probs));
  for (let c = 0; c <= probs.length; c++) if (tails[c] <= level) return c;
  return null;
}

/** Power the detectable-rate search asks for (the usual 80%). */
export const DETECTABLE_POWER = 0.8;

/**
 * The smallest multiple m of the stated failure probabilities that the exact one-sided
 * Poisson-binomial test at `level` detects with probability >= `power`: if each trial failed with
 * probability min(1, m·probs[i]), the test would reject at least that often. Found by bisection
 * (the power grows with m) to a relative precision of 1e-3; null when no m reaches the power
 * (too few trials, or stated probabilities all 0 or 1).
 *
 * @example detectableRate(Array(40).fill(0.1), 0.05) // ≈ 2.7
 */
export function detectableRate(probs: ArrayLike<number>, level: number, power = DETECTABLE_POWER): number | null {
  requireLevel('power', power);
  const c = poissonBinomialCritical(probs, level);
  if (c === null) return null;
  const q = Array.from(probs);
  const powerAt = (m: number): number => upperTails(poissonBinomialPmf(q.map((p) => Math.min(1, m * p))))[c];
  const positive = q.filter((p) => p > 0);
  if (positive.length === 0) return null;
  // Beyond m = 1/min(q) every stated-positive trial fails surely: the largest power there is.
  let hi = 1 / Math.min(...positive);
  if (powerAt(hi) < power) return null;
  let lo = 1;
  if (powerAt(lo) >= power) return 1;
  while (hi / lo > 1 + 1e-3) {
    const mid = Math.sqrt(lo * hi);
    if (powerAt(mid) >= power) hi = mid;
    else lo = mid;
  }
  return hi;
}

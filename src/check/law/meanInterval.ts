/**
 * The mean of per-training-set measurements with its two-sided Student-t confidence interval
 * (training sets are independent draws; their test errors are exact, so the interval is the
 * spread across training sets, not sampling noise of a test set).
 */
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import { InvalidInputError } from '../../theory/errors.ts';

/**
 * Upper p-quantile of Student's t with ν degrees of freedom (p in (1/2, 1)), from the beta
 * quantile: P(|T| > t) = I_{ν/(ν+t²)}(ν/2, 1/2).
 * @example studentTQuantile(0.975, 5) // ≈ 2.5706
 */
export function studentTQuantile(p: number, dof: number): number {
  if (!(p > 0.5 && p < 1)) throw new InvalidInputError('p', `must lie in (1/2, 1), got ${p}`);
  if (!(dof > 0)) throw new InvalidInputError('dof', `must be > 0, got ${dof}`);
  const x = betaQuantile(2 * (1 - p), dof / 2, 0.5);
  return Math.sqrt((dof * (1 - x)) / x);
}

/** Mean, standard error and a two-sided interval (clamped to [lower, upper] when given). */
export interface MeanInterval {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly n: number;
}

/**
 * Mean of `values` with its `level` t interval, clamped to [clampLow, clampHigh] (an error rate
 * lies in [0, 1]). Needs at least 2 values.
 * @example meanInterval([0.1, 0.12, 0.11]) // { mean: 0.11, low: ≈0.085, high: ≈0.135, n: 3 }
 */
export function meanInterval(values: readonly number[], level = 0.95, clampLow = 0, clampHigh = 1): MeanInterval {
  const n = values.length;
  if (n < 2) throw new InvalidInputError('values', `needs at least 2 values for an interval, got ${n}`);
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n);
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * se;
  return { mean, low: Math.max(clampLow, mean - half), high: Math.min(clampHigh, mean + half), n };
}

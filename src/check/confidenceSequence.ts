/**
 * An always-valid confidence sequence for a Bernoulli mean: Robbins' beta-binomial mixture
 * martingale. For a true failure probability θ and a Beta(a, b) mixing prior,
 *
 *   M_t(θ) = B(a + S_t, b + t − S_t) / B(a, b) / (θ^{S_t} (1 − θ)^{t − S_t})
 *
 * (S_t failures in t runs) is a nonnegative martingale with mean 1 under θ, so by Ville's
 * inequality P(∃t: M_t(θ) ≥ 1/α) ≤ α. The set {θ0 : M_t(θ0) < 1/α} is therefore a confidence
 * sequence: it contains θ at every t simultaneously with probability ≥ 1 − α, however often it
 * is looked at and whenever sampling stops. It is an interval around the sample mean (the
 * likelihood is unimodal and M_t at the maximum-likelihood estimate is ≤ 1).
 *
 * @example
 *   confidenceSequence(0, 80, 0.003, betaPrior(0.05)); // [0, 0.08...]: 0 failures in 80 runs
 *   excludes(0, 80, 0.0952, 0.003, betaPrior(0.05));   // true: θ >= 0.0952 is rejected
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import type { Interval } from './statistics.ts';

/** Parameters (a, b) of the Beta mixing prior. */
export interface BetaPrior {
  readonly a: number;
  readonly b: number;
}

/**
 * Total weight a + b of the default prior. Ours: a prior with little weight (2 pseudo-runs)
 * centred on p makes the martingale cheap where it matters for a frontier: a probe that never
 * fails is shown below the zone after ≈ ln(1/α)/p_U runs plus a 0.1·ln t penalty (a uniform
 * prior pays ln t), and a probe that always fails is shown above it in a handful of runs.
 */
export const DEFAULT_PRIOR_WEIGHT = 2;

/** The Beta prior centred on p with `weight` pseudo-runs. */
export function betaPrior(p: number, weight = DEFAULT_PRIOR_WEIGHT): BetaPrior {
  return { a: weight * p, b: weight * (1 - p) };
}

function lnBeta(a: number, b: number): number {
  return gammaln(a) + gammaln(b) - gammaln(a + b);
}

/**
 * ln M_t(θ0): the log of the mixture martingale after `failures` in `runs` (see the module comment).
 * θ0 in [0, 1]; +Infinity where θ0 cannot have produced the data (θ0 = 0 with a failure).
 */
export function logMixtureMartingale(failures: number, runs: number, theta0: number, prior: BetaPrior): number {
  const successes = runs - failures;
  const logLik =
    (failures === 0 ? 0 : failures * Math.log(theta0)) + (successes === 0 ? 0 : successes * Math.log1p(-theta0));
  if (logLik === Number.NEGATIVE_INFINITY) return Number.POSITIVE_INFINITY;
  return lnBeta(prior.a + failures, prior.b + successes) - lnBeta(prior.a, prior.b) - logLik;
}

/** Whether θ0 lies outside the confidence sequence at level 1 − α after these counts. */
export function excludes(failures: number, runs: number, theta0: number, alpha: number, prior: BetaPrior): boolean {
  return logMixtureMartingale(failures, runs, theta0, prior) >= Math.log(1 / alpha);
}

/** Bisection steps for the interval ends: 2^-60 of [0, 1], below any rate worth printing. */
const BISECTION_STEPS = 60;

/**
 * The confidence sequence at level 1 − α after `failures` in `runs`: the interval of θ0 not
 * excluded. [0, 1] before any run.
 */
export function confidenceSequence(failures: number, runs: number, alpha: number, prior: BetaPrior): Interval {
  if (runs === 0) return [0, 1];
  const mle = failures / runs;
  const threshold = Math.log(1 / alpha);
  const out = (theta: number): boolean => logMixtureMartingale(failures, runs, theta, prior) >= threshold;
  let lower = 0;
  if (failures > 0 && out(0)) {
    let [x, y] = [0, mle]; // out(x), !out(y)
    for (let i = 0; i < BISECTION_STEPS; i++) {
      const mid = (x + y) / 2;
      if (out(mid)) x = mid;
      else y = mid;
    }
    lower = x;
  }
  let upper = 1;
  if (failures < runs && out(1)) {
    let [x, y] = [mle, 1]; // !out(x), out(y)
    for (let i = 0; i < BISECTION_STEPS; i++) {
      const mid = (x + y) / 2;
      if (out(mid)) y = mid;
      else x = mid;
    }
    upper = y;
  }
  return [lower, upper];
}

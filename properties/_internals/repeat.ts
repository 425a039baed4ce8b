/**
 * Repeated draws of one configuration (different dataset seeds) for the probability claims: the
 * frequency with which a theorem's conclusion (or the §5 certificate) fails, compared with the
 * failure probability the theorem states.
 */
import type { ClusterConfig } from '../../src/data/config.ts';
import { checkBand, kernelRowSummaries, ERROR_SAFETY_FACTOR } from '../../src/check/measure.ts';
import { binomialTest, clopperPearson } from '../../src/check/statistics.ts';
import { trainingMarginSandwich, trainingSetCertificate } from '../../src/theory/index.ts';
import { cachedTrajectory } from './inputs.ts';

/**
 * Significance of the one-sided binomial test that calls a stated probability contradicted.
 * Ours: 1% per configuration keeps a run of a hundred configurations from crying wolf by chance
 * more than about once, while a real excess of failures is still caught.
 */
export const PROBABILITY_TEST_LEVEL = 0.01;

/** Largest N for which the N×N certificate is also computed (O(N²d)). Ours: ~1 s at d <= 5. */
export const CERTIFICATE_MAX_N = 2500;

export interface RepeatOutcome {
  readonly reps: number;
  readonly sandwichFailures: number;
  readonly certificateFailures: number | null;
}

/** Draws `reps` datasets of `config` (seeds seed, seed+1, …) and counts failures of the sandwich/window and of the certificate. */
export async function repeatConfig(config: ClusterConfig, reps: number): Promise<RepeatOutcome> {
  const s = trainingMarginSandwich(config.K, config.beta, config.tau);
  let sandwichFailures = 0;
  let certificateFailures: number | null = 2 * config.K * config.Q <= CERTIFICATE_MAX_N ? 0 : null;
  for (let r = 0; r < reps; r++) {
    const c = { ...config, seed: (config.seed + r) >>> 0 };
    const traj = await cachedTrajectory(c, { tEnd: s.tau1 });
    const band = checkBand(traj, traj.result.errorEstimate, () => s.lowerSlope, () => s.upperSlope);
    const tol = ERROR_SAFETY_FACTOR * traj.result.errorEstimate;
    const windowFailed = traj.result.train.min < s.window[0] - tol || traj.result.train.max > s.window[1] + tol;
    if (band.violated || windowFailed) sandwichFailures++;
    if (certificateFailures !== null) {
      const cert = trainingSetCertificate(kernelRowSummaries(traj.dataset.train), traj.dataset.train.n, config.K);
      if (!cert.holds) certificateFailures++;
    }
  }
  return { reps, sandwichFailures, certificateFailures };
}

/** Compares `failures` of `reps` with a stated failure probability q = 1 − p. */
export function compareWithStated(failures: number, reps: number, statedFailure: number) {
  const q = Math.min(1, Math.max(0, statedFailure));
  const pValue = binomialTest(failures, reps, q, 'greater');
  const [lo, hi] = clopperPearson(failures, reps);
  return {
    rate: failures / reps,
    ci: [lo, hi] as const,
    pValue,
    contradicted: pValue < PROBABILITY_TEST_LEVEL,
    // > 0 while the observed rate is below the stated failure probability.
    slack: q > 0 ? (q - failures / reps) / q : failures === 0 ? 1 : -1,
  };
}

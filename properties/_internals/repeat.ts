/**
 * Repeated draws of one configuration (different dataset seeds) for the probability claims, and
 * the claim-level test that pools every dataset of a run: the number of datasets on which the
 * conclusion (or the §5 certificate) failed is compared with the per-dataset stated failure
 * probabilities q_i by an exact one-sided Poisson-binomial test, whose power is reported as the
 * detectable rate.
 */
import type { ClaimSummary, Trial } from '../../src/check/claim.ts';
import type { ClusterConfig } from '../../src/data/config.ts';
import { kernelRowSummaries } from '../../src/check/measure.ts';
import { detectableRate, poissonBinomialTest, DETECTABLE_POWER } from '../../src/check/statistics.ts';
import { trainingMarginSandwich, trainingSetCertificate, type Edition } from '../../src/theory/index.ts';
import { cachedTrajectory } from './inputs.ts';
import { theorem42Trials } from './thm42Trials.ts';

/**
 * Significance of the pooled one-sided Poisson-binomial test that calls a stated probability
 * contradicted. Ours: 1%: one test per claim per run, so a default run cries wolf (exit 1) by
 * chance at most once in a hundred runs per probability claim.
 */
export const PROBABILITY_TEST_LEVEL = 0.01;

/**
 * Largest detectable rate for which a probability claim may be called held. Ours: a test that
 * only notices failures three times more frequent than stated is the weakest we accept as evidence.
 */
export const MAX_DETECTABLE_RATE = 3;

/** Largest N for which the N×N certificate is also computed (O(N²d)). Ours: ~1 s at d <= 5. */
export const CERTIFICATE_MAX_N = 2500;

export interface RepeatOutcome {
  readonly reps: number;
  readonly sandwichFailures: number;
  readonly certificateFailures: number | null;
}

/**
 * Draws `reps` datasets of `config` (seeds seed, seed+1, …) and counts failures of the sandwich
 * or window and of the certificate. The first dataset is the one the other Theorem 4.2 claims
 * judge (kept, not simulated again).
 */
export async function repeatConfig(config: ClusterConfig, reps: number, edition: Edition = 'v5-main'): Promise<RepeatOutcome> {
  let sandwichFailures = 0;
  let certificateFailures: number | null = 2 * config.K * config.Q <= CERTIFICATE_MAX_N ? 0 : null;
  for (let r = 0; r < reps; r++) {
    const c = { ...config, seed: (config.seed + r) >>> 0 };
    const t = await theorem42Trials(c, edition);
    if (t.sandwich.detail?.['conclusionHeld'] === false || t.window.detail?.['conclusionHeld'] === false) sandwichFailures++;
    if (certificateFailures !== null) {
      const traj = await cachedTrajectory(c, { tEnd: trainingMarginSandwich(c.K, c.beta, c.tau).tau1 });
      const cert = trainingSetCertificate(kernelRowSummaries(traj.dataset.train), traj.dataset.train.n, config.K);
      if (!cert.holds) certificateFailures++;
    }
  }
  return { reps, sandwichFailures, certificateFailures };
}

/**
 * The pooled test over every non-vacuous trial of a run. Each trial carries in its detail
 * `reps` (datasets), `failures` (how many failed) and `statedFailure` (q = 1 − p of its
 * configuration). Violated when the exact Poisson-binomial p-value is at most the level; held
 * only when it is not and the detectable rate is at most MAX_DETECTABLE_RATE.
 */
export function pooledProbabilitySummary(trials: readonly Trial[]): ClaimSummary {
  const probs: number[] = [];
  let failures = 0;
  for (const t of trials) {
    if (t.vacuous === true || t.inconclusive === true) continue;
    const reps = t.detail?.['reps'];
    const f = t.detail?.['failures'];
    const q = t.detail?.['statedFailure'];
    if (typeof reps !== 'number' || typeof f !== 'number' || typeof q !== 'number') continue;
    for (let r = 0; r < reps; r++) probs.push(Math.min(1, Math.max(0, q)));
    failures += f;
  }
  const pValue = poissonBinomialTest(failures, probs);
  const rate = detectableRate(probs, PROBABILITY_TEST_LEVEL, DETECTABLE_POWER);
  const expected = probs.reduce((a, b) => a + b, 0);
  const fields = {
    testLevel: PROBABILITY_TEST_LEVEL,
    detectablePower: DETECTABLE_POWER,
    detectableRate: rate,
    datasets: probs.length,
    failures,
    expectedFailures: expected,
    pValue,
  };
  const stats = `${failures} failures in ${probs.length} datasets (${expected.toPrecision(3)} allowed on average), exact Poisson-binomial p = ${pValue.toPrecision(3)} at level ${PROBABILITY_TEST_LEVEL}`;
  const power = rate === null ? 'no excess is detectable with 80% power' : `detectable rate ${rate.toPrecision(3)}× the stated probabilities`;
  if (pValue <= PROBABILITY_TEST_LEVEL) return { violated: true, sufficient: false, reason: `more failures than stated: ${stats}`, fields };
  if (rate === null || rate > MAX_DETECTABLE_RATE) {
    return { violated: false, sufficient: false, reason: `too little power: ${stats}; ${power} (needs <= ${MAX_DETECTABLE_RATE})`, fields };
  }
  return { violated: false, sufficient: true, reason: `${stats}; ${power}`, fields };
}

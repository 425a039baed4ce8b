/**
 * The deterministic certificate of THEORY §5 (our derivation from the proof of Theorem 4.2):
 * for a fixed training set, if min_j λ_j >= 1/(8K) and max_j Λ_j <= 5/K, then on [0, τ_1]
 *   β²λ_j t/τ <= r_j(t) <= β²Λ_j t/τ   and   r_L(t) <= r_j(t) <= r_U(t),
 * and every test sample with P̃/4 − M̃/2 > 0 has r̃(τ_1) > 0. This is an implication that holds
 * with certainty: a violation beyond the integrator's error is a bug in dpocheck, never luck.
 * Training sets whose certificate fails make the implication say nothing (vacuous trials).
 */
import * as fc from 'fast-check';
import { defineClaim, type GenOptions, type Trial } from '../src/check/claim.ts';
import { checkBand, kernelRowSummaries, testMargins, ERROR_SAFETY_FACTOR } from '../src/check/measure.ts';
import { ClusterConfigSchema, type ClusterConfig } from '../src/data/config.ts';
import { validConfigArb } from '../src/data/arbitraries.ts';
import { sampleTestSet } from '../src/data/sampler.ts';
import { certifiedSlopes, rowCertificate, testSampleCertificate, trainingMarginSandwich, trainingSetCertificate } from '../src/theory/index.ts';
import type { SandwichBounds } from './thm42-sandwich.ts';
import { cachedTrajectory, configLabels, configShape } from './_internals/inputs.ts';

/** Caps on N: the certificate needs the N×N kernel (O(N²d)). Ours: milliseconds at small scale, ~1 s at full. */
const MAX_N = { small: 240, full: 800 } as const;
/** Fresh test samples whose certificate is checked. */
const TEST_SAMPLES = { small: 100, full: 1000 } as const;

/**
 * Inputs: valid configurations, and the same with extra noise or flipped labels so that the
 * certificate sometimes fails (the implication must then say nothing, not pass as held).
 */
export function certificateArb(opts: GenOptions): fc.Arbitrary<ClusterConfig> {
  return fc
    .tuple(
      validConfigArb({ scale: opts.scale, maxN: MAX_N[opts.scale] }),
      fc.constantFrom(1, 1, 4, 16),
      fc.constantFrom(0, 0, 0.05, 0.2),
    )
    .map(([config, noiseFactor, labelNoise]) =>
      ClusterConfigSchema.parse({ ...config, v: config.v * noiseFactor, departures: { ...config.departures, labelNoise } }),
    );
}

/** Builds the claim against `bounds` (default: Theorem 4.2 as the library states it). */
export function makeCertificateClaim(bounds: SandwichBounds = trainingMarginSandwich, id = 'certificate-implies-sandwich') {
  return defineClaim<ClusterConfig>({
    id,
    title: 'if the §5 certificate holds, the sandwich and the data-dependent slopes hold on [0, τ_1], and certified test samples are classified correctly',
    section: 'docs/theory.md §5 (certificate from the proof of Theorem 4.2)',
    edition: 'all',
    expectation: 'holds',
    // A control when explored: an implication that cannot fail without a bug.
    explorable: true,
    generator: `valid configurations with N <= ${MAX_N.small} (small) / ${MAX_N.full} (full), noise ×1/4/16 and 0/5/20% flipped labels`,
    measures: 'r_j(t) on the grid and solver steps against both bands; r̃(τ_1) of certified fresh test samples',
    bound: 'β²λ_j t/τ <= r_j(t) <= β²Λ_j t/τ, r_L <= r_j <= r_U, r̃(τ_1) > 0 (certain, tolerance = integrator error × safety)',
    runs: { small: 40, full: 60 },
    coverage: { 'certificate-holds': 0.3, 'certificate-fails': 0.02 },
    arbitrary: (opts) => certificateArb(opts),
    check: async (config, opts): Promise<Trial> => {
      const stated = bounds(config.K, config.beta, config.tau);
      const tau1 = trainingMarginSandwich(config.K, config.beta, config.tau).tau1;
      const traj = await cachedTrajectory(config, { tEnd: tau1 });
      const train = traj.dataset.train;
      const N = train.n;
      const rows = kernelRowSummaries(train);
      const cert = trainingSetCertificate(rows, N, config.K);
      const labels = [...configLabels(config), cert.holds ? 'certificate-holds' : 'certificate-fails'];
      const shape = { ...configShape(config), minLambda: cert.minLambda, maxLambda: cert.maxLambda };
      if (!cert.holds) return { violated: false, vacuous: true, detail: shape, labels };

      const err = traj.result.errorEstimate;
      const statedBand = checkBand(traj, err, () => stated.lowerSlope, () => stated.upperSlope);
      const slopes = rows.map((row) => {
        const c = rowCertificate(row, N, config.K);
        return certifiedSlopes(c.lambda, c.Lambda, config.beta, config.tau);
      });
      const dataBand = checkBand(traj, err, (i) => slopes[i]!.lowerSlope, (i) => slopes[i]!.upperSlope);

      // Certified fresh test samples must have r̃(τ_1) > 0.
      const test = sampleTestSet(config, TEST_SAMPLES[opts.scale], 'certificate-test');
      const testRows = kernelRowSummaries(train, test);
      const rt = testMargins(traj.result, test);
      let certified = 0;
      let testWorst = Infinity;
      let testFailed = false;
      testRows.forEach((row, j) => {
        if (!testSampleCertificate(row).holds) return;
        certified++;
        testWorst = Math.min(testWorst, rt[j]!);
        if (rt[j]! <= -(ERROR_SAFETY_FACTOR * err)) testFailed = true;
      });

      const worst = statedBand.slack <= dataBand.slack ? statedBand : dataBand;
      const which = statedBand.slack <= dataBand.slack ? 'stated' : 'data-dependent';
      const w = worst.worst;
      const bound =
        which === 'stated'
          ? (w.side === 'upper' ? stated.upperSlope : stated.lowerSlope) * w.t
          : (w.side === 'upper' ? slopes[w.i]!.upperSlope : slopes[w.i]!.lowerSlope) * w.t;
      return {
        violated: statedBand.violated || dataBand.violated || testFailed,
        withinTolerance: (statedBand.withinTolerance || dataBand.withinTolerance) && !statedBand.violated && !dataBand.violated,
        observed: w.r,
        bound,
        slack: worst.slack,
        detail: {
          ...shape,
          band: which,
          side: w.side,
          worstT: w.t,
          worstSample: w.i,
          excess: worst.worstExcess,
          tolerance: worst.tolerance,
          errorEstimate: err,
          certifiedTestSamples: certified,
          certifiedTestMinMargin: certified > 0 ? testWorst : null,
          testFailed,
        },
        labels,
      };
    },
  });
}

export const certificateImpliesSandwich = makeCertificateClaim();

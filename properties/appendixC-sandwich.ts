/**
 * Appendix C, Theorem C.5 (THEORY §4): with δ-approximately orthogonal concepts
 * (|<c_k, e_{c_k}>| >= 1 − δ²/8, δ <= min(εv/8, 1/4)), the lower slope halves:
 * β²t/(16Kτ) <= r_i(t) <= 5β²t/(Kτ) on [0, τ_1], and ln3/80 <= r_i(τ_1) <= ln 3. Vacuous where
 * Theorem 4.2's stated probability is <= 0 (Appendix C inherits it).
 */
import { defineClaim, type Trial } from '../src/check/claim.ts';
import { checkBand, ERROR_SAFETY_FACTOR } from '../src/check/measure.ts';
import type { ClusterConfig } from '../src/data/config.ts';
import { approximateOrthogonalSandwich, trainingMarginSandwich } from '../src/theory/index.ts';
import { appendixCArb, cachedTrajectory, configLabels, configShape, theorem42Vacuous, BERNSTEIN_C } from './_internals/inputs.ts';

export const appendixCSandwich = defineClaim<ClusterConfig>({
  id: 'appendixC-sandwich',
  explorable: true,
  title: 'with δ-approximately orthogonal concepts, β²t/(16Kτ) <= r_i(t) <= 5β²t/(Kτ) on [0, τ_1] and r_i(τ_1) in [ln3/80, ln 3]',
  section: 'docs/theory.md §4, Appendix C (Theorem C.5)',
  edition: 'v5-appendix',
  // Appendix C exists only in the v5 appendix: it runs there whatever edition is asked, and says so.
  pinned: true,
  expectation: 'holds',
  generator: 'approxConfigArb (δ within the Appendix C allowance, appendix noise condition), 4 in 5 (full scale) from the non-vacuous branch with δ = 1/512',
  measures: 'every r_i(t) on the grid and solver steps; min/max r_i(τ_1)',
  bound: `halved lower slope and [ln3/80, ln 3]; vacuous where the stated probability (c = ${BERNSTEIN_C}) is <= 0`,
  runs: { small: 10, full: 44 },
  coverage: { 'non-vacuous': 0.05 },
  arbitrary: (opts) => appendixCArb(opts),
  check: async (config): Promise<Trial> => {
    const s = approximateOrthogonalSandwich(config.K, config.beta, config.tau);
    const tau1 = trainingMarginSandwich(config.K, config.beta, config.tau).tau1;
    const traj = await cachedTrajectory(config, { tEnd: tau1 });
    const band = checkBand(traj, traj.result.errorEstimate, () => s.lowerSlope, () => s.upperSlope);
    const tol = ERROR_SAFETY_FACTOR * traj.result.errorEstimate;
    const r = traj.result.train;
    const windowFailed = r.min < s.window[0] - tol || r.max > s.window[1] + tol;
    const { vacuous, probability } = theorem42Vacuous(config, 'appendixC', 'v5-appendix');
    const failed = band.violated || windowFailed;
    const w = band.worst;
    return {
      violated: failed && !vacuous,
      vacuous,
      withinTolerance: band.withinTolerance && !failed,
      observed: w.r,
      bound: (w.side === 'upper' ? s.upperSlope : s.lowerSlope) * w.t,
      slack: band.slack,
      detail: {
        ...configShape(config),
        delta: config.concepts.kind === 'approx' ? config.concepts.delta : 0,
        conclusionHeld: !failed,
        probability,
        min: r.min,
        max: r.max,
        side: w.side,
        tolerance: band.tolerance,
      },
      labels: configLabels(config, 'v5-appendix'),
    };
  },
});

/**
 * Theorem 4.2 (THEORY.md §4): with probability at least 1 − 8KQ^{9/4}e^{−min(c√Q/5, Q^{3/4}/256)},
 * r_L(t) = β²t/(8Kτ) <= r_i(t) <= r_U(t) = 5β²t/(Kτ) for every training sample i and every
 * t in [0, τ_1]. Checked on a grid of t and at every step of the integrator.
 *
 * A configuration whose stated probability is <= 0 cannot contradict the theorem: its trial is
 * vacuous (whether the conclusion held there is still recorded and reported).
 */
import { defineClaim, type Trial } from '../src/check/claim.ts';
import { checkBand } from '../src/check/measure.ts';
import type { ClusterConfig } from '../src/data/config.ts';
import { trainingMarginSandwich, type MarginSandwich } from '../src/theory/index.ts';
import { cachedTrajectory, configLabels, configShape, theorem42Arb, theorem42Vacuous, BERNSTEIN_C } from './_internals/inputs.ts';

/** The bounds a sandwich claim compares with; injectable so a test can plant a wrong bound. */
export type SandwichBounds = (K: number, beta: number, tau: number) => MarginSandwich;

/** Builds the sandwich claim against `bounds` (default: Theorem 4.2 as the library states it). */
export function makeSandwichClaim(bounds: SandwichBounds = trainingMarginSandwich, id = 'thm42-sandwich') {
  return defineClaim<ClusterConfig>({
    id,
    title: 'r_L(t) <= r_i(t) <= r_U(t) for every training sample on [0, τ_1]',
    section: 'THEORY.md §4, Theorem 4.2',
    edition: 'v5-main',
    expectation: 'holds',
    explorable: true,
    seedGroup: 'thm42',
    generator: 'configurations meeting every v5 condition (validConfigArb), 1 in 5–6 from the non-vacuous branch (Q >= 1.4e5, K <= 2)',
    measures: 'every r_i(t) on 16 grid times and every accepted DOPRI5 step in (0, τ_1]',
    bound: `r_L(t) = β²t/(8Kτ), r_U(t) = 5β²t/(Kτ); vacuous where the stated probability (c = ${BERNSTEIN_C}) is <= 0`,
    runs: { small: 12, full: 80 },
    coverage: { 'non-vacuous': 0.05 },
    arbitrary: (opts) => theorem42Arb(opts),
    check: async (config): Promise<Trial> => {
      const s = bounds(config.K, config.beta, config.tau);
      const traj = await cachedTrajectory(config, { tEnd: trainingMarginSandwich(config.K, config.beta, config.tau).tau1 });
      const band = checkBand(traj, traj.result.errorEstimate, () => s.lowerSlope, () => s.upperSlope);
      const { vacuous, probability } = theorem42Vacuous(config);
      const w = band.worst;
      return {
        violated: band.violated && !vacuous,
        vacuous,
        withinTolerance: band.withinTolerance && !band.violated,
        observed: w.r,
        bound: (w.side === 'upper' ? s.upperSlope : s.lowerSlope) * w.t,
        slack: band.slack,
        detail: {
          ...configShape(config),
          conclusionHeld: !band.violated,
          probability,
          worstT: w.t,
          worstSample: w.i,
          side: w.side,
          excess: band.worstExcess,
          tolerance: band.tolerance,
          errorEstimate: traj.result.errorEstimate,
          times: traj.times.length,
        },
        labels: configLabels(config),
      };
    },
  });
}

export const thm42Sandwich = makeSandwichClaim();

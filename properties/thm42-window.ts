/**
 * Theorem 4.2 at t = τ_1 (THEORY.md §4): ln3/40 <= r_i(τ_1) <= ln 3 for every training sample,
 * so the training 0-1 error is 0. Vacuous where the stated probability is <= 0.
 */
import { defineClaim, type Trial } from '../src/check/claim.ts';
import { ERROR_SAFETY_FACTOR, ROUNDING_RELATIVE } from '../src/check/measure.ts';
import type { ClusterConfig } from '../src/data/config.ts';
import { trainingMarginSandwich } from '../src/theory/index.ts';
import { cachedTrajectory, configLabels, configShape, theorem42Arb, theorem42Vacuous, BERNSTEIN_C } from './_internals/inputs.ts';

export const thm42Window = defineClaim<ClusterConfig>({
  id: 'thm42-window',
  explorable: true,
  title: 'ln3/40 <= r_i(τ_1) <= ln 3 for every training sample; training 0-1 error 0',
  section: 'THEORY.md §4, Theorem 4.2',
  edition: 'v5-main',
  expectation: 'holds',
  seedGroup: 'thm42',
  generator: 'as thm42-sandwich (same draws)',
  measures: 'min and max of r_i(τ_1), training 0-1 error at τ_1',
  bound: `[ln3/40, ln 3]; vacuous where the stated probability (c = ${BERNSTEIN_C}) is <= 0`,
  runs: { small: 12, full: 80 },
  coverage: { 'non-vacuous': 0.05 },
  arbitrary: (opts) => theorem42Arb(opts),
  check: async (config): Promise<Trial> => {
    const s = trainingMarginSandwich(config.K, config.beta, config.tau);
    const traj = await cachedTrajectory(config, { tEnd: s.tau1 });
    const r = traj.result.train;
    const [lo, hi] = s.window;
    const tol = ERROR_SAFETY_FACTOR * traj.result.errorEstimate + ROUNDING_RELATIVE * hi;
    const lowSlack = (r.min - lo) / lo;
    const highSlack = (hi - r.max) / hi;
    const excess = Math.max(lo - r.min, r.max - hi, 0);
    const { vacuous, probability } = theorem42Vacuous(config);
    const failed = excess > tol || r.error > 0;
    return {
      violated: failed && !vacuous,
      vacuous,
      withinTolerance: excess > 0 && !failed,
      observed: lowSlack <= highSlack ? r.min : r.max,
      bound: lowSlack <= highSlack ? lo : hi,
      slack: Math.min(lowSlack, highSlack),
      detail: { ...configShape(config), conclusionHeld: !failed, probability, min: r.min, max: r.max, trainError: r.error, tolerance: tol },
      labels: configLabels(config),
    };
  },
});

/**
 * Theorem 4.2's proof (THEORY.md §4–§5): every training margin increases on [0, τ_1] (its
 * derivative is at least the lower slope while the margins stay in [0, ln 3]). Checked between
 * consecutive recorded times (grid and solver steps). Vacuous where the stated probability is <= 0.
 */
import { defineClaim, type Trial } from '../src/check/claim.ts';
import { ERROR_SAFETY_FACTOR, ROUNDING_RELATIVE } from '../src/check/measure.ts';
import type { ClusterConfig } from '../src/data/config.ts';
import { trainingMarginSandwich } from '../src/theory/index.ts';
import { cachedTrajectory, configLabels, configShape, theorem42Arb, theorem42Vacuous, BERNSTEIN_C } from './_internals/inputs.ts';

export const thm42Monotone = defineClaim<ClusterConfig>({
  id: 'thm42-monotone',
  explorable: true,
  title: 'every training margin r_i(t) increases on [0, τ_1]',
  section: 'THEORY.md §4, Theorem 4.2 (proof)',
  edition: 'v5-main',
  expectation: 'holds',
  seedGroup: 'thm42',
  generator: 'as thm42-sandwich (same draws)',
  measures: 'smallest difference quotient (r_i(t_{k+1}) − r_i(t_k))/(t_{k+1} − t_k) over recorded times, from r_i(0) = 0',
  bound: `> 0 (slack in units of the lower slope β²/(8Kτ)); vacuous where the stated probability (c = ${BERNSTEIN_C}) is <= 0`,
  runs: { small: 12, full: 80 },
  coverage: { 'non-vacuous': 0.05 },
  arbitrary: (opts) => theorem42Arb(opts),
  check: async (config): Promise<Trial> => {
    const s = trainingMarginSandwich(config.K, config.beta, config.tau);
    const traj = await cachedTrajectory(config, { tEnd: s.tau1 });
    const tol = ERROR_SAFETY_FACTOR * traj.result.errorEstimate;
    let minQuotient = Infinity;
    let worstDrop = 0;
    let prevT = 0;
    let prev: Float64Array | null = null;
    for (let k = 0; k < traj.times.length; k++) {
      const t = traj.times[k]!;
      const r = traj.margins[k]!;
      if (t <= prevT) continue;
      for (let i = 0; i < r.length; i++) {
        const before = prev === null ? 0 : prev[i]!;
        const diff = r[i]! - before;
        minQuotient = Math.min(minQuotient, diff / (t - prevT));
        worstDrop = Math.max(worstDrop, before - r[i]! - ROUNDING_RELATIVE * Math.abs(before));
      }
      prev = r;
      prevT = t;
    }
    const { vacuous, probability } = theorem42Vacuous(config);
    const failed = worstDrop > tol;
    return {
      violated: failed && !vacuous,
      vacuous,
      withinTolerance: worstDrop > 0 && !failed,
      observed: minQuotient,
      bound: 0,
      slack: minQuotient / s.lowerSlope,
      detail: { ...configShape(config), conclusionHeld: !failed, probability, worstDrop, tolerance: tol },
      labels: configLabels(config),
    };
  },
});

/**
 * Theorem 4.2 (THEORY §4): with probability at least 1 − 8KQ^{9/4}e^{−min(c√Q/5, Q^{3/4}/256)},
 * r_L(t) = β²t/(8Kτ) <= r_i(t) <= r_U(t) = 5β²t/(Kτ) for every training sample i and every
 * t in [0, τ_1]. Checked on a grid of t and at every step of the integrator.
 *
 * A configuration whose stated probability is <= 0 cannot contradict the theorem: its trial is
 * vacuous (whether the conclusion held there is still recorded and reported).
 */
import { defineClaim, type Trial } from '../src/check/claim.ts';
import type { ClusterConfig } from '../src/data/config.ts';
import { EDITIONS, trainingMarginSandwich, type MarginSandwich } from '../src/theory/index.ts';
import { cachedTrajectory, theorem42Arb, BERNSTEIN_C } from './_internals/inputs.ts';
import { judgeSandwich, theorem42Trials } from './_internals/thm42Trials.ts';

/** The bounds a sandwich claim compares with; injectable so a test can plant a wrong bound. */
export type SandwichBounds = (K: number, beta: number, tau: number) => MarginSandwich;

/** Builds the sandwich claim against `bounds` (default: Theorem 4.2 as the library states it). */
export function makeSandwichClaim(bounds: SandwichBounds = trainingMarginSandwich, id = 'thm42-sandwich') {
  return defineClaim<ClusterConfig>({
    id,
    title: 'r_L(t) <= r_i(t) <= r_U(t) for every training sample on [0, τ_1]',
    section: 'docs/theory.md §4, Theorem 4.2',
    edition: 'v5-main',
    editions: EDITIONS,
    expectation: 'holds',
    explorable: true,
    seedGroup: 'thm42',
    generator:
      "configurations meeting every condition of the requested edition (validConfigArb), 4 in 5 (full scale) from the non-vacuous branch " +
      '(K <= 2, Q uniform from the first non-vacuous Q ≈ 1.4e5 to where the stated failure probability is 1e-3, d = K+1..K+2)',
    measures: 'every r_i(t) on 16 grid times and every accepted DOPRI5 step in (0, τ_1]',
    bound: `r_L(t) = β²t/(8Kτ), r_U(t) = 5β²t/(Kτ); vacuous where the stated probability (c = ${BERNSTEIN_C}) is <= 0`,
    runs: { small: 12, full: 44 },
    coverage: { 'non-vacuous': 0.05 },
    arbitrary: (opts) => theorem42Arb(opts),
    check: async (config, opts): Promise<Trial> => {
      if (bounds === trainingMarginSandwich) return (await theorem42Trials(config, opts.edition)).sandwich;
      const traj = await cachedTrajectory(config, { tEnd: trainingMarginSandwich(config.K, config.beta, config.tau).tau1 });
      return judgeSandwich(config, traj, bounds(config.K, config.beta, config.tau), opts.edition);
    },
  });
}

export const thm42Sandwich = makeSandwichClaim();

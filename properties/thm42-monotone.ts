/**
 * Theorem 4.2's proof (THEORY §4–§5): every training margin increases on [0, τ_1] (its
 * derivative is at least the lower slope while the margins stay in [0, ln 3]). Checked between
 * consecutive recorded times (grid and solver steps). Vacuous where the stated probability is <= 0.
 * The conditions are the requested edition's (THEORY §8).
 */
import { defineClaim, type Trial } from '../src/check/claim.ts';
import type { ClusterConfig } from '../src/data/config.ts';
import { EDITIONS } from '../src/theory/index.ts';
import { theorem42Arb, BERNSTEIN_C } from './_internals/inputs.ts';
import { theorem42Trials } from './_internals/thm42Trials.ts';

export const thm42Monotone = defineClaim<ClusterConfig>({
  id: 'thm42-monotone',
  explorable: true,
  title: 'every training margin r_i(t) increases on [0, τ_1]',
  section: 'docs/theory.md §4, Theorem 4.2 (proof)',
  edition: 'v5-main',
  editions: EDITIONS,
  expectation: 'holds',
  seedGroup: 'thm42',
  generator: 'as thm42-sandwich (same draws)',
  measures: 'smallest difference quotient (r_i(t_{k+1}) − r_i(t_k))/(t_{k+1} − t_k) over recorded times, from r_i(0) = 0',
  bound: `> 0 (slack in units of the lower slope β²/(8Kτ)); vacuous where the stated probability (c = ${BERNSTEIN_C}) is <= 0`,
  runs: { small: 12, full: 44 },
  coverage: { 'non-vacuous': 0.05 },
  arbitrary: (opts) => theorem42Arb(opts),
  check: async (config, opts): Promise<Trial> => (await theorem42Trials(config, opts.edition)).monotone,
});

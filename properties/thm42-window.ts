/**
 * Theorem 4.2 at t = τ_1 (THEORY §4): ln3/40 <= r_i(τ_1) <= ln 3 for every training sample,
 * so the training 0-1 error is 0. Vacuous where the stated probability is <= 0. The conclusion is
 * the same in every edition; the conditions (noise, Z) are the requested edition's (THEORY §8).
 */
import { defineClaim, type Trial } from '../src/check/claim.ts';
import type { ClusterConfig } from '../src/data/config.ts';
import { EDITIONS } from '../src/theory/index.ts';
import { theorem42Arb, BERNSTEIN_C } from './_internals/inputs.ts';
import { theorem42Trials } from './_internals/thm42Trials.ts';

export const thm42Window = defineClaim<ClusterConfig>({
  id: 'thm42-window',
  explorable: true,
  title: 'ln3/40 <= r_i(τ_1) <= ln 3 for every training sample; training 0-1 error 0',
  section: 'docs/theory.md §4, Theorem 4.2',
  edition: 'v5-main',
  editions: EDITIONS,
  expectation: 'holds',
  seedGroup: 'thm42',
  generator: 'as thm42-sandwich (same draws)',
  measures: 'min and max of r_i(τ_1), training 0-1 error at τ_1',
  bound: `[ln3/40, ln 3]; vacuous where the stated probability (c = ${BERNSTEIN_C}) is <= 0`,
  runs: { small: 12, full: 44 },
  coverage: { 'non-vacuous': 0.05 },
  arbitrary: (opts) => theorem42Arb(opts),
  check: async (config, opts): Promise<Trial> => (await theorem42Trials(config, opts.edition)).window,
});

/**
 * Theorem 4.2's probability (THEORY.md §4, §7): the conclusion (sandwich on [0, τ_1] and window
 * at τ_1) holds with probability at least p = 1 − 8KQ^{9/4}e^{−min(c√Q/5, Q^{3/4}/256)}. For a
 * configuration, several datasets are drawn; their failure count is compared with 1 − p by an
 * exact one-sided binomial test. Where p <= 0 (every Q below ~1.4e5) the statement is vacuous,
 * and the report says so rather than pretend.
 */
import { defineClaim, type Trial } from '../src/check/claim.ts';
import type { ClusterConfig } from '../src/data/config.ts';
import { configLabels, configShape, theorem42Arb, theorem42Vacuous, BERNSTEIN_C } from './_internals/inputs.ts';
import { compareWithStated, repeatConfig, PROBABILITY_TEST_LEVEL } from './_internals/repeat.ts';

/** Datasets per configuration. Ours: the first is shared with the other Theorem 4.2 claims (cached). */
const REPS = { small: 2, full: 5 } as const;

export const thm42Probability = defineClaim<ClusterConfig>({
  id: 'thm42-probability',
  title: 'the conclusion of Theorem 4.2 fails no more often than its stated probability allows',
  section: 'THEORY.md §4 and §7, Theorem 4.2 (probability)',
  edition: 'v5-main',
  expectation: 'holds',
  seedGroup: 'thm42',
  generator: `as thm42-sandwich; ${REPS.small} (small) / ${REPS.full} (full) datasets per configuration (seeds seed, seed+1, …)`,
  measures: 'failures of the sandwich or window among the datasets; also of the §5 certificate where N <= 2500',
  bound: `1 − p with p = 1 − 8KQ^{9/4}e^{−min(c√Q/5, Q^{3/4}/256)}, c = ${BERNSTEIN_C}; exact one-sided binomial test at ${PROBABILITY_TEST_LEVEL}; vacuous where p <= 0`,
  runs: { small: 12, full: 40 },
  coverage: { 'non-vacuous': 0.05 },
  arbitrary: (opts) => theorem42Arb(opts),
  check: async (config, opts): Promise<Trial> => {
    const { vacuous, probability } = theorem42Vacuous(config);
    const outcome = await repeatConfig(config, REPS[opts.scale]);
    const cmp = compareWithStated(outcome.sandwichFailures, outcome.reps, 1 - probability);
    return {
      violated: !vacuous && cmp.contradicted,
      vacuous,
      observed: cmp.rate,
      bound: Math.max(0, 1 - probability),
      slack: vacuous ? undefined : cmp.slack,
      detail: {
        ...configShape(config),
        conclusionHeld: outcome.sandwichFailures === 0,
        probability,
        reps: outcome.reps,
        sandwichFailures: outcome.sandwichFailures,
        certificateFailures: outcome.certificateFailures,
        pValue: cmp.pValue,
        rateCi: cmp.ci,
      },
      labels: configLabels(config),
    };
  },
});

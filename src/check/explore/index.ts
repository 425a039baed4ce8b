/**
 * The regime explorer (THEORY §3): breaks each assumption of THEORY §3 on purpose (and the
 * departures beyond the paper, src/data/breaking.ts), and measures where the theorems'
 * conclusions stop holding:
 *
 * - **frontiers**: for each (departure, claim), the smallest magnitude m at which the claim's
 *   conclusion fails with probability >= p, with a confidence interval (src/check/frontier.ts),
 *   plus the coverage statistic of every probe (share of configurations that break exactly what
 *   the generator claims, and the realised magnitude, measured by `describeBreak`);
 * - **phase diagrams**: failure-rate grids over two axes (explore/diagrams.ts);
 * - **targeted search**: the worst configuration found by annealing on the violation score,
 *   shrunk by fast-check (explore/target.ts).
 *
 * The work is a fixed, ordered list of independent items, each with its own seed derived from
 * the run seed and the item's key, so that a deterministic slice (`--shard i/n`) of the list
 * measures exactly what the full run measures for those items, and merging the slices gives the
 * full run's findings. The state (every probe's batches, every cell, every search result) is
 * written atomically to `state.json` after each measurement, so an interrupted run keeps what it
 * measured and `resume` continues from it.
 *
 * @example
 *   const run = await runExploration({ settings: exploreSettings({ seed: 1, departures: ['noise'], claims: ['thm42-sandwich'] }),
 *                                      claims: [thm42Sandwich], dir: 'reports/x/explore' });
 *   findingsOf(run.state).frontiers[0].ci; // e.g. [33.1, 40.8]
 */
export * from './settings.ts';
export * from './plan.ts';
export * from './state.ts';
export * from './run.ts';
export { targetMagnitude } from './targetItem.ts';
export * from './counterexample.ts';
export * from './merge.ts';
export * from './findings.ts';
export { conclusionFailed, violationScore, probeConfigs, expectedBreaks } from './judge.ts';
export type { BatchRecord, ConfigClaim, CoverageTally } from './judge.ts';
export { DIAGRAMS, DIAGRAM_IDS } from './diagrams.ts';
export { searchConclusionFailure, shrinkFailure, mutateConfig, breaksOnly, keyedSeed } from './target.ts';

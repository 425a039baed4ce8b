/**
 * src/check: claims and their runner (verdicts with the statistics behind them), verification of
 * many claims, counterexamples and their replay, statistics, and the explorer.
 */
export * from './claim.ts';
export * from './runner.ts';
export * from './verify.ts';
export * from './counterexampleStore.ts';
export * from './replay.ts';
export * from './coverage.ts';
export * from './statistics.ts';
export * from './duration.ts';
export * from './measure.ts';
export * from './frontier.ts';
export * from './targetSearch.ts';
export * from './explore/index.ts';
export * from './claimsModule.ts';

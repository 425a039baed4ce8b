/**
 * dpocheck's programmatic API (`import { … } from 'dpocheck'`): the bounds and the scaling law
 * (THEORY §3–§5, §8), configurations, sampling and the fast-check arbitraries, the simulator,
 * claims with their runner and verdicts, the built-in claims, and the verification report.
 * The same modules are available one layer at a time as `dpocheck/theory`, `dpocheck/data`,
 * `dpocheck/sim` and `dpocheck/check`.
 *
 * @example
 * import { qMin, generalizationBound } from 'dpocheck';
 * qMin(10, 0.05);                                // 880: samples per value needed for K = 10
 * generalizationBound(10, 880, 'v5-main').bound; // 0.0497… < 0.05
 */
export * from './theory/index.ts';
export * from './data/index.ts';
export * from './sim/index.ts';
export * from './check/index.ts';
export { CLAIMS, claimById } from '../properties/index.ts';
export { resultsJson, writeVerifyReport, summaryMarkdown } from './report/verifyReport.ts';

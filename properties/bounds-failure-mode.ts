/**
 * The failure-mode threshold (THEORY §4 "Failure mode"): threshold = 3^{1/β}, its log is
 * ln3/β, and a reference log-odds just above ln3/β is in the failure mode while one just below
 * is not.
 */
import { logUniform } from './bounds-arbitraries.ts';
import { defineClaim, type Trial } from '../src/check/claim.ts';
import { LN3, failureModeThreshold, inFailureMode } from '../src/theory/index.ts';

/**
 * Tolerance of ln(threshold) against lnThreshold, in units of machine epsilon × (lnThreshold + 1).
 * Ours: pow(3, fl(1/β)) is within ~1 ulp of 3^{fl(1/β)} (absolute error ~ε in its log), and fl(1/β),
 * fl(ln3/β) and Math.log add ~1 ulp each relative to lnThreshold: 8 leaves a factor 2 to spare.
 */
const FM_ULPS = 8;

export const boundsFailureMode = defineClaim<{ readonly beta: number }>({
  id: 'bounds-failure-mode',
  title: 'ln(3^{1/β}) = ln3/β (to 8 ε (ln3/β + 1)) and inFailureMode switches at ln3/β',
  section: 'docs/theory.md §4, failure mode (§7 of the paper)',
  edition: 'all',
  expectation: 'holds',
  generator: 'β log-uniform in [2e-3, 1e3] (threshold finite)',
  measures: '|ln(threshold) - lnThreshold| / (lnThreshold + 1); the switch of inFailureMode',
  bound: `${FM_ULPS} ulps; false at ln3/β, true just above`,
  runs: { small: 100, full: 5000 },
  arbitrary: () => logUniform(2e-3, 1e3).map((beta) => ({ beta })),
  check: ({ beta }): Trial => {
    const t = failureModeThreshold(beta);
    const rel = Math.abs(Math.log(t.threshold) - t.lnThreshold) / (t.lnThreshold + 1);
    const edge = LN3 / beta;
    const switches = !inFailureMode(edge, beta) && inFailureMode(edge * (1 + 4 * Number.EPSILON), beta);
    const tol = FM_ULPS * Number.EPSILON;
    return { violated: rel > tol || !switches, observed: rel, bound: tol, slack: (tol - rel) / tol, detail: { switches } };
  },
});

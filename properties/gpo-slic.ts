/**
 * Theorem 4.2's measurements for SLiC/hinge, f(r) = max(0, 1 − r), weight [r < 1] (THEORY §2,
 * "Other losses"; no bound is proved, so the claim is 'measured'): the flow to the DPO τ_1 against
 * the DPO sandwich and window, training and fresh-sample test 0-1 error. A sliding mode (a margin
 * pushed straight back across r = 1 after its weight switches) stops the simulator with a
 * SimulationError; that input is reported inconclusive, never as a violation.
 * See {@link makeGpoClaim} (gpo-ipo.ts) for the shared measurement.
 */
import { makeGpoClaim } from './gpo-ipo.ts';

export const gpoSlic = makeGpoClaim('slic');

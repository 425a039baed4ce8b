/**
 * Theorem 4.2's slopes and τ_1 are consistent (THEORY §4): r_U(τ_1) = upperSlope·τ_1 = ln 3
 * and r_L(τ_1) = lowerSlope·τ_1 = ln3/40, to rounding.
 */
import * as fc from 'fast-check';
import { logUniform, logUniformInt } from './bounds-arbitraries.ts';
import { defineClaim, type Trial } from '../src/check/claim.ts';
import { LN3, trainingMarginSandwich } from '../src/theory/index.ts';

/**
 * Relative tolerance: 8 ulps. Ours: τ_1 takes 5 correctly rounded operations and each slope 4
 * (≤ 0.5 ulp each, so ≤ 2.5 and 2 ulps), the product one more: ≤ 5 ulps in all.
 */
export const SANDWICH_ULPS = 8;

export interface SandwichInput {
  readonly K: number;
  readonly beta: number;
  readonly tau: number;
}

/** K, β, τ over ranges where τ_1 and the slopes are normal float64 numbers. */
export const sandwichInputArb = (): fc.Arbitrary<SandwichInput> =>
  fc.record({
    K: logUniformInt(1, 1_000_000_000),
    beta: logUniform(1e-4, 1e4),
    tau: logUniform(1e-6, 1e6),
  });

export const boundsSandwichWindow = defineClaim<SandwichInput>({
  id: 'bounds-sandwich-window',
  title: 'upperSlope·τ_1 = ln 3 and lowerSlope·τ_1 = ln3/40 (to 8 ulps)',
  section: 'docs/theory.md §4, Theorem 4.2',
  edition: 'all',
  expectation: 'holds',
  generator: 'K log-uniform integer in [1, 1e9], β log-uniform in [1e-4, 1e4], τ log-uniform in [1e-6, 1e6]',
  measures: 'relative error of upperSlope·τ_1 against ln 3 and of lowerSlope·τ_1 against ln3/40',
  bound: `${SANDWICH_ULPS} × machine epsilon`,
  runs: { small: 100, full: 5000 },
  arbitrary: () => sandwichInputArb(),
  check: ({ K, beta, tau }): Trial => {
    const s = trainingMarginSandwich(K, beta, tau);
    const tol = SANDWICH_ULPS * Number.EPSILON;
    const errU = Math.abs(s.upperSlope * s.tau1 - LN3) / LN3;
    const errL = Math.abs(s.lowerSlope * s.tau1 - LN3 / 40) / (LN3 / 40);
    const worst = Math.max(errU, errL);
    const windowOk = s.window[0] === LN3 / 40 && s.window[1] === LN3;
    return { violated: worst > tol || !windowOk, observed: worst, bound: tol, slack: (tol - worst) / tol, detail: { errU, errL } };
  },
});

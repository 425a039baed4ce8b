/**
 * The version-3 statement of Theorem 4.2 (r_L = Qβ²t/(4Nτ), r_U = 10Qβ²t/(Nτ),
 * τ_1 = Nτ ln3/(10Qβ²)) equals the v5 one once N = 2KQ (THEORY §4, §8).
 */
import * as fc from 'fast-check';
import { logUniformInt } from './bounds-arbitraries.ts';
import { defineClaim, type Trial } from '../src/check/claim.ts';
import { trainingMarginSandwich, trainingMarginSandwichV3 } from '../src/theory/index.ts';
import { sandwichInputArb, type SandwichInput } from './bounds-sandwich-window.ts';

/** Relative tolerance: 8 ulps. Ours: each side is ≤ 6 correctly rounded operations. */
const V3_ULPS = 8;

export const boundsV3Agreement = defineClaim<SandwichInput & { readonly Q: number }>({
  id: 'bounds-v3-agreement',
  title: 'v3 and v5 training forms agree when N = 2KQ (τ_1 and both slopes, to 8 ulps)',
  section: 'docs/theory.md §4, Theorem 4.2; §8',
  edition: 'all',
  expectation: 'holds',
  generator: 'as bounds-sandwich-window, K <= 1e6, plus Q log-uniform integer in [1, 1e6] (N = 2KQ <= 2e12)',
  measures: 'largest relative difference of τ_1, lowerSlope, upperSlope between the two forms',
  bound: `${V3_ULPS} × machine epsilon`,
  runs: { small: 100, full: 5000 },
  arbitrary: () =>
    fc
      .tuple(sandwichInputArb(), logUniformInt(1, 1_000_000))
      .map(([s, Q]) => ({ ...s, K: 1 + (s.K % 1_000_000), Q })),
  check: ({ K, Q, beta, tau }): Trial => {
    const v5 = trainingMarginSandwich(K, beta, tau);
    const v3 = trainingMarginSandwichV3(2 * K * Q, Q, beta, tau);
    const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
    const worst = Math.max(rel(v3.tau1, v5.tau1), rel(v3.lowerSlope, v5.lowerSlope), rel(v3.upperSlope, v5.upperSlope));
    const tol = V3_ULPS * Number.EPSILON;
    return { violated: worst > tol, observed: worst, bound: tol, slack: (tol - worst) / tol };
  },
});

/**
 * Appendix C halves the lower slope and nothing else (THEORY §4 "Appendix C", Theorem C.5):
 * β²/(16Kτ) = (β²/(8Kτ))/2, the same upper slope and τ_1, window [ln3/80, ln3].
 */
import { defineClaim, type Trial } from '../src/check/claim.ts';
import { approximateOrthogonalSandwich, trainingMarginSandwich } from '../src/theory/index.ts';
import { sandwichInputArb, type SandwichInput } from './bounds-sandwich-window.ts';

export const boundsAppendixCHalf = defineClaim<SandwichInput>({
  id: 'bounds-appendixC-half',
  title: 'Theorem C.5 lower slope = half of Theorem 4.2\'s; upper slope and τ_1 unchanged (exactly)',
  section: 'docs/theory.md §4, Appendix C (Theorem C.5)',
  edition: 'all',
  expectation: 'holds',
  generator: 'as bounds-sandwich-window (normal float64 range, so halving is exact)',
  measures: 'relative difference of lowerSlope(C.5) and lowerSlope(4.2)/2; equality of the rest',
  bound: '0 (division by 16 and by 8 differ by an exact power of 2)',
  runs: { small: 100, full: 5000 },
  arbitrary: () => sandwichInputArb(),
  check: ({ K, beta, tau }): Trial => {
    const c = approximateOrthogonalSandwich(K, beta, tau);
    const m = trainingMarginSandwich(K, beta, tau);
    const diff = Math.abs(c.lowerSlope - m.lowerSlope / 2) / (m.lowerSlope / 2);
    const rest = c.upperSlope === m.upperSlope && c.tau1 === m.tau1 && c.window[0] === m.window[0] / 2 && c.window[1] === m.window[1];
    return { violated: diff !== 0 || !rest, observed: diff, bound: 0, slack: -diff, detail: { rest } };
  },
});

/**
 * The scaling law (THEORY §4 Theorem 4.3 "Scaling law", §7): Q_min(K, η), the smallest
 * integer Q with generalisation bound < η, found by exact integer search.
 */
import type { Edition } from './edition.ts';
import { InvalidInputError } from './errors.ts';
import { decideSign, iroot4, lnFloat, lnInteger, lnTwo, sumErrorBound } from './highPrecision.ts';
import { firstTrueAfter } from './integerSearch.ts';
import { defaultEpsilonRule } from './refined.ts';
import {
  THEOREM43_EXPONENT_DIVISOR,
  V3_EXPONENT_DIVISOR,
  appendixExponentRatio,
  generalizationExponent,
  generalizationPeak,
  type GeneralizationOptions,
} from './theorem43.ts';
import { requireCount, requireEdition, requirePositive } from './validate.ts';

/**
 * h = ln 2 + ln K + 2 ln Q - E(Q) - ln(level) = ln(bound/level) in float64, with a bound on its
 * rounding error (highPrecision.ts's sumErrorBound). Exported for tests.
 */
export function logBoundMargin(K: number, Q: number, level: number, edition: Edition, options: GeneralizationOptions = {}): { readonly h: number; readonly errorBound: number } {
  const lnK = Math.log(K);
  const lnQ2 = 2 * Math.log(Q);
  const E = generalizationExponent(Q, edition, options);
  const lnLevel = Math.log(level);
  return { h: Math.LN2 + lnK + lnQ2 - E - lnLevel, errorBound: sumErrorBound([Math.LN2, lnK, lnQ2, E, lnLevel]) };
}

/** {@link logBoundMargin}'s h in fixed point with F fractional bits (highPrecision.ts). Exported for tests. */
export function logBoundMarginExact(K: number, Q: number, level: number, edition: Edition, options: GeneralizationOptions, F: number): bigint {
  const q = BigInt(Q);
  let E: bigint;
  switch (edition) {
    case 'v5-main':
      E = (q << BigInt(F)) / BigInt(THEOREM43_EXPONENT_DIVISOR);
      break;
    case 'v3':
      E = iroot4(q << BigInt(4 * F)) / BigInt(V3_EXPONENT_DIVISOR);
      break;
    case 'v5-appendix': {
      const { num, den } = appendixExponentRatio(options.Z ?? 1, options.epsilonRule ?? defaultEpsilonRule(edition));
      E = ((q * BigInt(num)) << BigInt(F)) / BigInt(den);
      break;
    }
  }
  return lnTwo(F) + lnInteger(BigInt(K), F) + 2n * lnInteger(q, F) - E - lnFloat(level, F);
}

/**
 * Whether 2KQ²e^{-E(Q)} < level, decided exactly: the float64 value of h = ln(bound/level)
 * settles it unless |h| is within its rounding error bound, and then a fixed-point evaluation
 * with hundreds of bits does (highPrecision.ts).
 */
function boundBelow(K: number, Q: number, level: number, edition: Edition, options: GeneralizationOptions): boolean {
  const { h, errorBound } = logBoundMargin(K, Q, level, edition, options);
  return decideSign(h, errorBound, (F) => logBoundMarginExact(K, Q, level, edition, options, F)) < 0;
}

/**
 * The smallest integer Q >= 1 with 2KQ²e^{-E(Q)} < level for an edition's generalisation
 * bound (theorem43.ts's `generalizationBound`). Exact: the bound rises on [1, peak] and falls
 * after (`generalizationPeak`: 90 for v5-main, 48⁴ for v3), so Q_min is 1 if the bound at 1 is
 * already below `level`, and otherwise the first Q past the peak where it is, found by
 * galloping then bisection over integers (v3's Q_min ≈ 10¹⁰ takes ~70 evaluations), with each
 * comparison decided robustly near the threshold. THEORY §7: 609 for K = 1 and 728 for
 * K = 10 at level 1.
 *
 * Throws InvalidInputError('level') when Q_min would exceed 2^53 - 1.
 *
 * @example firstQBelow(10, 1) // 728
 */
export function firstQBelow(K: number, level: number, edition: Edition = 'v5-main', options: GeneralizationOptions = {}): number {
  return search(K, level, edition, options, 'level');
}

/**
 * Q_min(K, η): the smallest integer Q with the edition's generalisation bound < η
 * (THEORY §4 "Scaling law", §7 table), by the exact search of {@link firstQBelow}.
 * For v5-main, η = 0.05: 764 (K = 1), 880 (K = 10: "more than 875"), 1108 (K = 1000).
 *
 * @example qMin(10, 0.05) // 880
 */
export function qMin(K: number, eta: number, edition: Edition = 'v5-main', options: GeneralizationOptions = {}): number {
  return search(K, eta, edition, options, 'eta');
}

function search(K: number, level: number, edition: Edition, options: GeneralizationOptions, field: string): number {
  requireCount('K', K);
  requirePositive(field, level);
  requireEdition(edition);
  generalizationPeak(edition, options); // validates options (Z range) before searching
  const below = (Q: number): boolean => boundBelow(K, Q, level, edition, options);
  if (below(1)) return 1;
  // The bound rises on [1, peak], so it is >= bound(1) >= level up to floor(peak).
  const start = Math.max(1, Math.floor(generalizationPeak(edition, options)));
  const q = firstTrueAfter(start, below, Number.MAX_SAFE_INTEGER);
  if (q === null) throw new InvalidInputError(field, `the bound stays >= ${level} for every Q <= 2^53 - 1`);
  return q;
}

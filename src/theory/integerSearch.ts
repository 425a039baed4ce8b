/**
 * Exact search over integers for the first point where a monotone predicate turns true
 * (galloping, then bisection): the engine behind `qMin`, `firstQBelow` and
 * `firstNonVacuousQ`. No floating-point guesswork: every candidate is an integer and each
 * predicate call is decided robustly by its caller.
 */

/**
 * The smallest integer q in (start, max] with `pred(q)` true, given that `pred(start)` is false
 * and `pred` is monotone (false … false true … true) on [start, max]; `null` if `pred(max)` is
 * false. Costs O(log(answer - start)) predicate calls.
 *
 * @example firstTrueAfter(0, (q) => q * q >= 50, 1e6) // 8
 */
export function firstTrueAfter(start: number, pred: (q: number) => boolean, max: number): number | null {
  let lo = start; // pred(lo) false
  let step = 1;
  let hi: number;
  for (;;) {
    hi = Math.min(lo + step, max);
    if (pred(hi)) break;
    if (hi === max) return null;
    lo = hi;
    step *= 2;
  }
  // pred(lo) false, pred(hi) true
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (pred(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

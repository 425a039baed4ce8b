/**
 * The failure mode of §7 of the paper (THEORY §4 "Failure mode"): DPO may leave a strongly
 * held reference preference unflipped.
 */
import { LN3, clampToFinite } from './numerics.ts';
import { requireFinite, requirePositive } from './validate.ts';

/** The reference-odds threshold 3^{1/β}, with its log. */
export interface FailureModeThreshold {
  /** 3^{1/β}, clamped to Number.MAX_VALUE where it overflows (β < about 1/646). */
  readonly threshold: number;
  /** ln 3 / β (finite for every valid β, clamped likewise only for β below ~1e-308). */
  readonly lnThreshold: number;
}

/**
 * The failure-mode threshold (THEORY §4 "Failure mode", §7 of the paper): if r(τ_1) <= ln 3
 * and π_0(l|x)/π_0(w|x) > 3^{1/β}, then π_W(w|x) < π_W(l|x) at τ_1. Returned with its log
 * ln3/β, so that huge thresholds (small β) stay comparable.
 *
 * @example failureModeThreshold(0.5).threshold // 9
 */
export function failureModeThreshold(beta: number): FailureModeThreshold {
  requirePositive('beta', beta);
  const lnThreshold = clampToFinite(LN3 / beta);
  // Math.pow is within 1 ulp (exp(ln3/β) would add ln3/β ulps of error); clamped if it overflows.
  return { threshold: clampToFinite(Math.pow(3, 1 / beta)), lnThreshold };
}

/**
 * Whether a prompt is in the failure mode: its reference log-odds ln(π_0(l|x)/π_0(w|x))
 * exceeds ln3/β, so that a margin r <= ln 3 (Theorem 4.2 at τ_1) still leaves
 * π_W(w|x) < π_W(l|x): ln(π_W(w)/π_W(l)) = r/β - ln(π_0(l)/π_0(w)) < 0 (THEORY §4).
 *
 * @example inFailureMode(Math.log(10), 1) // true (10 > 3)
 */
export function inFailureMode(lnReferenceOdds: number, beta: number): boolean {
  requireFinite('lnReferenceOdds', lnReferenceOdds);
  return lnReferenceOdds > failureModeThreshold(beta).lnThreshold;
}

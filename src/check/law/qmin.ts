/**
 * Q̂_min(K, η): the measured counterpart of Theorem 4.3's sample complexity (THEORY §4, §9).
 * The smallest grid Q whose upper 95% bound on the mean test error is <= η there and at every
 * larger grid Q; it is known to lie in (previous grid point, Q]. Where the error never gets below
 * η on the grid the answer is censored: "none up to Q_max", with the error measured at Q_max
 * (the floor, for the shared pair with absolute noise).
 */
import { qMin } from '../../theory/scaling.ts';
import { predictedQmin } from '../../theory/sharedResponses.ts';
import { layoutOf, noiseLabel, type LawSettings, type Regime, type TokensSpec } from './grid.ts';
import type { CellSummary } from './measureCell.ts';

/** Outcome of the search: found on the grid, censored above Q_max, or cells still missing. */
export type QminStatus = 'found' | 'none' | 'incomplete';

/** One entry of the JSON `qmin[]`. */
export interface QminEntry {
  readonly K: number;
  readonly tokens: TokensSpec;
  readonly noise: string;
  readonly eta: number;
  /** Q̂_min (a grid point), or null when censored or incomplete. */
  readonly Q: number | null;
  /** Q̂_min lies in (low, high]; low is null when Q̂_min is the first grid point (anything <= it). */
  readonly low: number | null;
  readonly high: number | null;
  readonly status: QminStatus;
  /** For 'none': the mean test error at Q_max (and its 95% interval's lower end). */
  readonly floor: number | null;
  readonly floorLow: number | null;
  /** THEORY §9's prediction (continuous Q), null where it predicts a floor above η. */
  readonly predicted: number | null;
  /** Theorem 4.3's Q_min(K): smallest Q with 2KQ²e^{−Q/45} < η (THEORY §4, §7). */
  readonly theorem43: number;
}

/**
 * Q̂_min for one regime and K from its cells (any order; keyed by Q).
 * @example qminOf(settings, regime, 4, cellsByQ).status // 'found'
 */
export function qminOf(s: LawSettings, regime: Regime, K: number, cells: ReadonlyMap<number, CellSummary>): QminEntry {
  const base = {
    K,
    tokens: regime.tokens,
    noise: noiseLabel(regime.noise),
    eta: s.eta,
    predicted: predictedQmin(layoutOf(regime.tokens), K, s.eta, regime.noise, s.d),
    theorem43: qMin(K, s.eta, 'v5-main'),
  };
  const Qs = s.Qs;
  if (Qs.some((Q) => cells.get(Q)?.complete !== true)) {
    return { ...base, Q: null, low: null, high: null, status: 'incomplete', floor: null, floorLow: null };
  }
  let j = Qs.length;
  while (j > 0 && cells.get(Qs[j - 1]!)!.testErrorHigh <= s.eta) j--;
  if (j === Qs.length) {
    const last = cells.get(Qs[Qs.length - 1]!)!;
    return { ...base, Q: null, low: Qs[Qs.length - 1]!, high: null, status: 'none', floor: last.testError, floorLow: last.testErrorLow };
  }
  return { ...base, Q: Qs[j]!, low: j > 0 ? Qs[j - 1]! : null, high: Qs[j]!, status: 'found', floor: null, floorLow: null };
}

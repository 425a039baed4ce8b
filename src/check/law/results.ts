/**
 * The results of a law run (the JSON of `dpocheck law --json`, `law.json`), computed from the
 * state's records alone: cells, Q̂_min per (regime, K), and the fits of THEORY §9 against the
 * alternatives, side by side with Theorem 4.3's Q_min(K).
 */
import { predictedQmin, sharingFactors } from '../../theory/sharedResponses.ts';
import { cellKey, LAW_SCHEMA_VERSION, layoutOf, noiseLabel, regimesOf, type LawSettings, type TokensSpec } from './grid.ts';
import { fitErrorVsK, fitQmin, type FitResult } from './fits.ts';
import { summarizeCell, type CellSummary } from './measureCell.ts';
import type { PaperTableFit } from './paperTables.ts';
import { qminOf, type QminEntry } from './qmin.ts';
import type { LawState } from './state.ts';

/** A fit as it appears in the JSON: which regime, what was fitted. */
export type LawFit = FitResult & {
  readonly tokens: TokensSpec;
  readonly noise: string;
  /** 'qmin' (Q̂_min against K) or 'error-vs-K' (mean test error against K at fixed Q). */
  readonly target: 'qmin' | 'error-vs-K';
  /** The Q of an error-vs-K fit. */
  readonly Q?: number;
  readonly censoredConsistent?: boolean | null;
  /** K with no Q̂_min up to Q_max that entered the fit as Tobit terms (Q̂_min fits only). */
  readonly censoredInFit?: readonly number[];
};

export interface LawResults {
  readonly schemaVersion: number;
  readonly kind: 'law';
  readonly settings: LawSettings;
  /** Every cell of the grid measured; false after Ctrl-C or a spent budget (resume to finish). */
  readonly complete: boolean;
  readonly pendingCells: number;
  readonly cells: CellSummary[];
  readonly qmin: QminEntry[];
  readonly fits: LawFit[];
  readonly paperTables?: PaperTableFit[];
}

/**
 * Smallest mean error over K for an error-vs-K fit at one Q to be reported. Ours: below it every
 * curve fits a set of numbers that are all ≈ 0 and R² measures rounding.
 */
export const ERROR_FIT_MIN_ERROR = 1e-4;

/** Results from a state (any shard coverage: cells with fewer than 2 training sets are left out). */
export function lawResults(state: LawState): LawResults {
  const s = state.settings;
  const cells: CellSummary[] = [];
  let pendingCells = 0;
  const byRegimeK = new Map<string, Map<number, CellSummary>>();
  for (const regime of regimesOf(s)) {
    for (const K of s.Ks) {
      const m = new Map<number, CellSummary>();
      byRegimeK.set(`${regimeKeyOf(regime.tokens, noiseLabel(regime.noise))}|${K}`, m);
      for (const Q of s.Qs) {
        const cell = { regime, K, Q };
        const recs = state.records[cellKey(cell)] ?? [];
        if (recs.length < s.datasets) pendingCells++;
        if (recs.length < 2) continue;
        const sum = summarizeCell(s, cell, recs);
        cells.push(sum);
        m.set(Q, sum);
      }
    }
  }
  const qmin: QminEntry[] = [];
  const fits: LawFit[] = [];
  const qMax = s.Qs[s.Qs.length - 1]!;
  const gridRatio = s.Qs.length > 1 ? s.Qs[1]! / s.Qs[0]! : 2;
  for (const regime of regimesOf(s)) {
    const rk = regimeKeyOf(regime.tokens, noiseLabel(regime.noise));
    const entries = s.Ks.map((K) => qminOf(s, regime, K, byRegimeK.get(`${rk}|${K}`)!));
    qmin.push(...entries);
    const found = entries.filter((e) => e.status === 'found');
    const censored = entries.filter((e) => e.status === 'none').map((e) => e.K);
    const layout = layoutOf(regime.tokens);
    for (const f of fitQmin(
      found.map((e) => ({ K: e.K, low: e.low, high: e.high! })),
      (K) => predictedQmin(layout, K, s.eta, regime.noise, s.d),
      gridRatio,
      censored,
      qMax,
    )) {
      fits.push({ ...f, tokens: regime.tokens, noise: noiseLabel(regime.noise), target: 'qmin' });
    }
    if (s.Ks.length >= 3) {
      for (const Q of s.Qs) {
        const row = s.Ks.map((K) => byRegimeK.get(`${rk}|${K}`)!.get(Q));
        if (row.some((c) => c === undefined || !c.complete)) continue;
        const errs = row.map((c) => c!.testError);
        if (errs.reduce((a, b) => a + b, 0) / errs.length < ERROR_FIT_MIN_ERROR) continue;
        const h = new Map(s.Ks.map((K) => [K, sharingFactors(layout, K).reduce((a, b) => a + b, 0) / K]));
        for (const f of fitErrorVsK(s.Ks, errs, (K) => h.get(K)!)) {
          fits.push({ ...f, tokens: regime.tokens, noise: noiseLabel(regime.noise), target: 'error-vs-K', Q });
        }
      }
    }
  }
  return { schemaVersion: LAW_SCHEMA_VERSION, kind: 'law', settings: s, complete: pendingCells === 0, pendingCells, cells, qmin, fits };
}

function regimeKeyOf(tokens: string, noise: string): string {
  return `${tokens}|${noise}`;
}

/**
 * One measurement of the scaling law (THEORY §9): sample a training set of a cell, train it
 * (exact flow to τ_1 by default; Adam with the authors' preset), and measure its test error
 * exactly (Gaussian clusters: Φ per cluster, `exactClusterRisk`) or, for noise without a closed
 * form, by Monte Carlo on fresh test points. A cell's summary is the mean over its training sets
 * with a t interval, the worst-concept error, training margins, and THEORY §9's prediction.
 */
import { sampleDataset, sampleTestSet } from '../../data/sampler.ts';
import { exactClusterRisk } from '../../sim/clusterRisk.ts';
import { marginsOf } from '../../sim/metrics.ts';
import { AUTHORS_LAST_LAYER_PRESET, simulateSync, type SimulateOptions } from '../../sim/simulate.ts';
import { logSumExp } from '../../theory/numerics.ts';
import { noiseAt, predictedError } from '../../theory/sharedResponses.ts';
import { layoutOf, noiseLabel, tau1, cellConfig, type Cell, type LawSettings, type TokensSpec } from './grid.ts';
import { meanInterval } from './meanInterval.ts';

/** What one training set of a cell measured. Plain JSON (ln values of −∞ are stored as null). */
export interface DatasetRecord {
  readonly index: number;
  readonly seed: number;
  /** Test error R(P) (exact, or a Monte Carlo estimate when `exact` is false). */
  readonly testError: number;
  readonly lnTestError: number | null;
  /** Largest concept error; null for Monte Carlo (a max over noisy estimates is biased up). */
  readonly worstConceptError: number | null;
  readonly worstConceptLnError: number | null;
  readonly exact: boolean;
  /** Monte Carlo test points (null when exact). */
  readonly testSamples: number | null;
  readonly trainMarginMin: number;
  readonly trainMarginMean: number;
  readonly trainMarginMax: number;
  /** Training 0-1 error (fraction of margins <= 0). */
  readonly trainError: number;
  /** Wall-clock seconds (state only: never part of the results, which must be reproducible). */
  readonly seconds: number;
}

/** Simulation options of a cell's training (THEORY §4: τ_1 = Kτ ln3/(5β²)). */
export function trainingOptions(s: LawSettings, K: number): SimulateOptions {
  if (s.training.optimizer === 'adam') return { ...AUTHORS_LAST_LAYER_PRESET, trlRewards: false };
  const tEnd = s.training.tEndUnit === 'tau1' ? s.training.tEnd * tau1(K, s.beta, s.tau) : s.training.tEnd;
  return { beta: s.beta, tau: s.tau, optimizer: 'flow', tEnd, trlRewards: false };
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Trains training set `index` of `cell` and measures it.
 * @example const rec = measureDataset(settings, { regime, K: 4, Q: 16 }, 0); rec.testError;
 */
export function measureDataset(s: LawSettings, cell: Cell, index: number): DatasetRecord {
  const started = performance.now();
  const config = cellConfig(s, cell, index);
  const res = simulateSync(sampleDataset(config), trainingOptions(s, cell.K));
  const exact = exactClusterRisk(config, res.rows, res.deltaW);
  let testError: number, lnTestError: number, worst: number | null = null, worstLn: number | null = null, testSamples: number | null = null;
  if (exact !== null) {
    testError = exact.testError;
    lnTestError = exact.lnTestError;
    worst = exact.worstConceptError;
    worstLn = finiteOrNull(exact.worstConceptLnError);
  } else {
    const test = sampleTestSet(config, s.testSize, 'law-test');
    const r = marginsOf(test, res.rows, res.deltaW, res.beta);
    let errors = 0;
    for (const x of r) if (x <= 0) errors++;
    testError = errors / r.length;
    lnTestError = Math.log(testError);
    testSamples = r.length;
  }
  return {
    index,
    seed: config.seed,
    testError,
    lnTestError: finiteOrNull(lnTestError),
    worstConceptError: worst,
    worstConceptLnError: worstLn,
    exact: exact !== null,
    testSamples,
    trainMarginMin: res.train.min,
    trainMarginMean: res.train.mean,
    trainMarginMax: res.train.max,
    trainError: res.train.error,
    seconds: (performance.now() - started) / 1000,
  };
}

/** A cell's summary: the JSON `cells[]` entry of a law run. */
export interface CellSummary {
  readonly K: number;
  readonly Q: number;
  readonly tokens: TokensSpec;
  readonly noise: string;
  readonly v: number;
  readonly d: number;
  readonly lb: number;
  /** Training sets measured (the settings ask for `datasetsPlanned`). */
  readonly datasets: number;
  readonly datasetsPlanned: number;
  readonly complete: boolean;
  /** Mean test error over training sets and its 95% t interval. */
  readonly testError: number;
  readonly testErrorLow: number;
  readonly testErrorHigh: number;
  /** ln of the mean test error (finite where the mean underflows). */
  readonly lnTestError: number | null;
  /** Mean over training sets of the worst concept's error; null for Monte Carlo cells. */
  readonly worstConceptError: number | null;
  readonly worstConceptErrorHigh: number | null;
  readonly lnWorstConceptError: number | null;
  /** THEORY §9's first-order mean test error (for the flow to τ_1). */
  readonly predicted: number;
  readonly lnPredicted: number;
  readonly exact: boolean;
  readonly trainMarginMin: number;
  readonly trainMarginMean: number;
  readonly trainMarginMax: number;
  readonly trainError: number;
}

/**
 * Summarises the records of one cell (at least 2; sorted by index so that the result does not
 * depend on the order in which shards or resumed runs measured them).
 */
export function summarizeCell(s: LawSettings, cell: Cell, records: readonly DatasetRecord[]): CellSummary {
  const rs = [...records].sort((a, b) => a.index - b.index);
  const n = rs.length;
  const errors = meanInterval(rs.map((r) => r.testError));
  const exact = rs.every((r) => r.exact);
  const lnMean = logSumExp(rs.map((r) => r.lnTestError ?? -Infinity)) - Math.log(n);
  const worst = exact ? meanInterval(rs.map((r) => r.worstConceptError!)) : null;
  const lnWorst = exact ? logSumExp(rs.map((r) => r.worstConceptLnError ?? -Infinity)) - Math.log(n) : null;
  const pred = predictedError(layoutOf(cell.regime.tokens), cell.K, cell.Q, cell.regime.noise, s.d);
  const mean = (f: (r: DatasetRecord) => number): number => rs.reduce((a, r) => a + f(r), 0) / n;
  return {
    K: cell.K,
    Q: cell.Q,
    tokens: cell.regime.tokens,
    noise: noiseLabel(cell.regime.noise),
    v: noiseAt(cell.regime.noise, cell.Q),
    d: s.d,
    lb: s.lb,
    datasets: n,
    datasetsPlanned: s.datasets,
    complete: n >= s.datasets,
    testError: errors.mean,
    testErrorLow: errors.low,
    testErrorHigh: errors.high,
    lnTestError: finiteOrNull(lnMean),
    worstConceptError: worst?.mean ?? null,
    worstConceptErrorHigh: worst?.high ?? null,
    lnWorstConceptError: lnWorst === null ? null : finiteOrNull(lnWorst),
    predicted: pred.error,
    lnPredicted: pred.lnError,
    exact,
    trainMarginMin: Math.min(...rs.map((r) => r.trainMarginMin)),
    trainMarginMean: mean((r) => r.trainMarginMean),
    trainMarginMax: Math.max(...rs.map((r) => r.trainMarginMax)),
    trainError: mean((r) => r.trainError),
  };
}

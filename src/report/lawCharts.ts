/**
 * Charts of the measured scaling law (THEORY §9), vega-lite rendered to SVG by `renderSvg`:
 * - test error against K per regime (one series per Q, 95% bands, THEORY §9's curve dashed);
 * - Q̂_min(K) per regime with its grid intervals, THEORY §9's prediction and Theorem 4.3's
 *   Q_min(K), on log K and log Q axes (no axis squashed by one far point); censored K drawn at
 *   Q_max as "none up to Q_max";
 * - learning curves: test error against Q per K, with THEORY §9's curve dashed.
 * Errors below {@link ERROR_FLOOR} are not drawn (a log axis over 60 decades hides the bands).
 */
import type { TopLevelSpec } from 'vega-lite';
import { lawResults, type LawResults } from '../check/law/results.ts';
import { readLawState } from '../check/law/state.ts';
import { CHART_HEIGHT, CHART_WIDTH, CONFIG as CHART_CONFIG, SCHEMA, renderSvg } from './charts.ts';

/** Smallest error drawn. Ours: six decades below the η = 0.05 of interest keep the bands readable. */
export const ERROR_FLOOR = 1e-6;

/** The shared chart look, with room for the long regime names in the legends. */
const CONFIG = { ...CHART_CONFIG, legend: { ...CHART_CONFIG.legend, labelLimit: 320 } } as const;

function frame(title: string) {
  return { $schema: SCHEMA, width: CHART_WIDTH, height: CHART_HEIGHT, config: CONFIG, title };
}

interface SeriesPoint {
  readonly x: number;
  readonly series: string;
  readonly y: number;
  readonly low: number;
  readonly high: number;
  readonly predicted: number;
}

/** Measured points with bands per series, and the predicted curve of each series dashed. */
function seriesSpec(points: readonly SeriesPoint[], xTitle: string, seriesTitle: string, title: string, sort: readonly string[]): TopLevelSpec {
  const clip = (v: number): number => Math.max(v, ERROR_FLOOR);
  const data = points.filter((p) => p.y >= ERROR_FLOOR || p.predicted >= ERROR_FLOOR).map((p) => ({ ...p, y: clip(p.y), low: clip(p.low), high: clip(p.high), predicted: clip(p.predicted) }));
  const x = { field: 'x', type: 'quantitative', title: xTitle, scale: { type: 'log' } } as const;
  const yScale = { type: 'log', domain: [ERROR_FLOOR, 1] } as const;
  const color = { field: 'series', type: 'nominal', title: seriesTitle, sort, legend: { symbolOpacity: 1, symbolType: 'stroke' } } as const;
  return {
    ...frame(title),
    data: { values: data },
    layer: [
      { mark: { type: 'area', opacity: 0.15 }, encoding: { x, y: { field: 'low', type: 'quantitative', scale: yScale, title: `mean test error (95% band; below ${ERROR_FLOOR} not drawn)` }, y2: { field: 'high' }, color } },
      { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'y', type: 'quantitative', scale: yScale }, color } },
      { mark: { type: 'line', strokeDash: [4, 3], strokeWidth: 1 }, encoding: { x, y: { field: 'predicted', type: 'quantitative', scale: yScale }, color } },
    ],
  } as unknown as TopLevelSpec;
}

/** Picks at most `max` values spread over a sorted list (first and last kept). */
function spread<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  return Array.from({ length: max }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (max - 1))]!);
}

/** Test error against K for one regime, one series per Q (at most 6 Q, spread over the grid). */
export function errorVsKSpec(results: LawResults, tokens: string, noise: string): TopLevelSpec {
  const cells = results.cells.filter((c) => c.tokens === tokens && c.noise === noise);
  const Qs = spread([...new Set(cells.map((c) => c.Q))].sort((a, b) => a - b), 6);
  const pts = cells.filter((c) => Qs.includes(c.Q)).map((c) => ({ x: c.K, series: `Q = ${c.Q}`, y: c.testError, low: c.testErrorLow, high: c.testErrorHigh, predicted: c.predicted }));
  return seriesSpec(pts, 'K (number of values, log)', 'Q', `Test error vs K: ${tokens}, ${noise} (dashed: THEORY §9)`, Qs.map((Q) => `Q = ${Q}`));
}

/** Learning curves: test error against Q, one series per K. */
export function learningCurvesSpec(results: LawResults, tokens: string, noise: string): TopLevelSpec {
  const cells = results.cells.filter((c) => c.tokens === tokens && c.noise === noise);
  const Ks = spread([...new Set(cells.map((c) => c.K))].sort((a, b) => a - b), 8);
  const pts = cells.filter((c) => Ks.includes(c.K)).map((c) => ({ x: c.Q, series: `K = ${c.K}`, y: c.testError, low: c.testErrorLow, high: c.testErrorHigh, predicted: c.predicted }));
  return seriesSpec(pts, 'Q (samples per cluster, log)', 'K', `Learning curves: ${tokens}, ${noise} (dashed: THEORY §9)`, Ks.map((K) => `K = ${K}`));
}

/** Q̂_min(K) for every regime, with THEORY §9's prediction and Theorem 4.3's Q_min(K). */
export function qminSpec(results: LawResults): TopLevelSpec {
  const qMax = results.settings.Qs[results.settings.Qs.length - 1]!;
  const measured = results.qmin
    .filter((q) => q.status !== 'incomplete')
    .map((q) => ({
      K: q.K,
      series: `${q.tokens}, ${q.noise}`,
      Q: q.status === 'found' ? q.Q! : qMax,
      // A first grid point has the interval (0, Q]: drawn as the point alone (0 has no place on a log axis).
      low: q.status === 'found' ? (q.low ?? q.Q!) : qMax,
      high: q.status === 'found' ? q.Q! : qMax,
      kind: q.status === 'found' ? 'measured Q̂_min (grid interval)' : `none up to Q_max = ${qMax}`,
    }));
  // The prediction is drawn down to half the first grid point: below it nothing was measured.
  const qLow = results.settings.Qs[0]! / 2;
  const predicted = results.qmin.filter((q) => q.predicted !== null && q.predicted >= qLow).map((q) => ({ K: q.K, series: `${q.tokens}, ${q.noise}`, Q: q.predicted! }));
  const theorem = [...new Map(results.qmin.map((q) => [q.K, q.theorem43])).entries()].map(([K, Q]) => ({ K, Q, series: 'Theorem 4.3: 2KQ²e^{−Q/45} < η' }));
  const x = { field: 'K', type: 'quantitative', title: 'K (number of values, log)', scale: { type: 'log' } } as const;
  const yScale = { type: 'log' } as const;
  const color = { field: 'series', type: 'nominal', title: 'regime' } as const;
  return {
    ...frame(`Q̂_min(K) at η = ${results.settings.eta}: measured, THEORY §9 (dashed), Theorem 4.3 (grey)`),
    layer: [
      { data: { values: theorem }, mark: { type: 'line', color: '#969696', strokeWidth: 2 }, encoding: { x, y: { field: 'Q', type: 'quantitative', scale: yScale, title: 'Q (samples per cluster, log)' } } },
      { data: { values: predicted }, mark: { type: 'line', strokeDash: [4, 3] }, encoding: { x, y: { field: 'Q', type: 'quantitative', scale: yScale }, color } },
      { data: { values: measured }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, y: { field: 'low', type: 'quantitative', scale: yScale }, y2: { field: 'high' }, color } },
      {
        data: { values: measured },
        mark: { type: 'point', filled: true, size: 50 },
        encoding: { x, y: { field: 'Q', type: 'quantitative', scale: yScale }, color, shape: { field: 'kind', type: 'nominal', title: '', scale: { range: ['circle', 'triangle-up'] } } },
      },
    ],
  } as unknown as TopLevelSpec;
}

/** Renders every law chart: file name → SVG. */
export async function lawCharts(results: LawResults): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (results.qmin.some((q) => q.status !== 'incomplete')) out['qmin.svg'] = await renderSvg(qminSpec(results));
  const regimes = [...new Set(results.cells.map((c) => `${c.tokens}|${c.noise}`))];
  for (const r of regimes) {
    const [tokens, noise] = r.split('|') as [string, string];
    const slug = `${tokens}-${noise}`.replace(/[^A-Za-z0-9.=-]+/g, '-');
    out[`error-vs-K-${slug}.svg`] = await renderSvg(errorVsKSpec(results, tokens, noise));
    out[`learning-curves-${slug}.svg`] = await renderSvg(learningCurvesSpec(results, tokens, noise));
  }
  return out;
}

/**
 * For `verify --law-run <dir>`: reads the law run now (an unreadable directory is bad input
 * before any work starts) and returns a renderer of its charts, named `law-<chart>.svg`.
 */
export function lawRunCharts(dir: string): () => Promise<Record<string, string>> {
  const results = lawResults(readLawState(dir));
  return async () => Object.fromEntries(Object.entries(await lawCharts(results)).map(([name, svg]) => [`law-${name}`, svg]));
}

/**
 * The report's charts: vega-lite specs built
 * from plain data and rendered to SVG strings in Node.
 *
 * Each chart has a `...Spec` function (the vega-lite spec, useful to embed or inspect) and a
 * `...Chart` function (the rendered SVG). Rendering uses a headless vega View (renderer 'none',
 * `view.toSVG()`): no canvas and no fonts are needed, text is emitted as SVG `<text>` with
 * vega's estimated widths, and the output is a pure function of the input (no timestamps or
 * random ids), so a report regenerated from the same data is byte-identical.
 *
 * The charts know nothing of the simulator: callers pass numbers, not trajectories or configs.
 */
import { parse, resetSVGDefIds, View, Error as VEGA_LOG_ERROR } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { InvalidInputError, requireFinite } from '../theory/errors.ts';
import { formatNumber } from './format.ts';

/** Options of every renderer. */
export interface RenderOptions {
  /** Receives vega-lite/vega warnings (default: discarded, so stdout/stderr stay clean). */
  readonly onWarning?: (message: string) => void;
}

/** Plot area of every chart, in px: wide enough for a report page, small enough for a grid. */
export const CHART_WIDTH = 480;
export const CHART_HEIGHT = 300;

/**
 * A positive axis switches to a log scale when its values span at least this factor: two
 * decades or more are unreadable on a linear axis (the generalization bound spans ten).
 */
export const LOG_SCALE_SPAN = 100;

/** Above this many series, lines share one colour and the legend is dropped (unreadable beyond). */
export const MAX_LEGEND_ENTRIES = 10;

/** Above this many heatmap cells, the per-cell rate labels are dropped (they would overlap). */
export const MAX_LABELLED_CELLS = 144;

/** Smallest −log10 value drawn in 'neglog10' charts (an error of 10^{-0.01} ≈ 0.98). */
export const NEGLOG_FLOOR = 0.01;

/** Factor of margin around the Q range on a log axis (15%: the end points are not on the frame). */
const QUANTITY_AXIS_PADDING = 1.15;

/** Points at which a bound given as a function is sampled (log-spaced): a smooth curve at 480px. */
export const BOUND_SAMPLES = 64;

/** Shared look: explicit font stack so the SVG renders alike in every viewer. */
export const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  background: 'white',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14 },
} as const;

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Renders one chart at a time: vega numbers gradients and clip paths from process-wide counters
 * (`gradient_0`, `clip1`, ...), which are reset before each render so that identical input gives
 * byte-identical SVG; two renders interleaved at an `await` would share the counters.
 */
let renderQueue: Promise<unknown> = Promise.resolve();

/**
 * Renders a vega-lite spec to an SVG string (headless; deterministic for identical specs).
 *
 * @example const svg = await renderSvg(frontierSpec(result));
 */
export function renderSvg(spec: TopLevelSpec, options: RenderOptions = {}): Promise<string> {
  const rendered = renderQueue.then(() => renderNow(spec, options));
  renderQueue = rendered.catch(() => undefined);
  return rendered;
}

async function renderNow(spec: TopLevelSpec, options: RenderOptions): Promise<string> {
  const warn = options.onWarning ?? (() => undefined);
  const logger = {
    level(): number {
      return 0;
    },
    error(...args: readonly unknown[]): never {
      throw new Error(args.map(String).join(' '));
    },
    warn(...args: readonly unknown[]) {
      warn(args.map(String).join(' '));
      return this;
    },
    info() {
      return this;
    },
    debug() {
      return this;
    },
  };
  const { spec: vegaSpec } = compile(spec, { logger: logger as never });
  resetSVGDefIds();
  const view = new View(parse(vegaSpec), { renderer: 'none', logLevel: VEGA_LOG_ERROR });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function requireFiniteArray(field: string, values: readonly number[]): void {
  if (!Array.isArray(values)) throw new InvalidInputError(field, 'must be an array of numbers');
  values.forEach((v, i) => requireFinite(`${field}[${i}]`, v));
}

function span(values: readonly number[]): number {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return 1;
  return Math.max(...positive) / Math.min(...positive);
}

/** A short, stable label for a number (4 significant digits, no trailing zeros). */
function chartNumber(v: number): string {
  return formatNumber(v, { digits: 4, trim: true });
}

function base(title: string | undefined) {
  return {
    $schema: SCHEMA,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    config: CONFIG,
    ...(title === undefined ? {} : { title }),
  };
}

// ---------------------------------------------------------------------------------------------
// Margin trajectories inside the r_L / r_U band (THEORY §4, Theorem 4.2)

/** One trajectory of a margin r_i(t). */
export interface MarginTrajectory {
  readonly id: string;
  readonly t: readonly number[];
  readonly r: readonly number[];
}

export interface MarginBandInput {
  /** τ_1 = K τ ln3/(5β²) (THEORY §4), marked on the time axis. */
  readonly tau1: number;
  /** Slope of r_L(t) = lowerSlope · t (β²/(8Kτ) for Theorem 4.2). */
  readonly lowerSlope: number;
  /** Slope of r_U(t) = upperSlope · t (5β²/(Kτ) for Theorem 4.2). */
  readonly upperSlope: number;
  readonly trajectories: readonly MarginTrajectory[];
  readonly title?: string;
}

/**
 * Spec: margin trajectories r_i(t) as lines inside the band between r_L(t) and r_U(t) (an area),
 * with τ_1 marked (THEORY §4, Theorem 4.2; §5 for data-dependent slopes).
 */
export function marginBandSpec(input: MarginBandInput): TopLevelSpec {
  const tau1 = requireFinite('tau1', input.tau1);
  const lowerSlope = requireFinite('lowerSlope', input.lowerSlope);
  const upperSlope = requireFinite('upperSlope', input.upperSlope);
  let tMax = tau1;
  const lines: Array<{ id: string; t: number; r: number }> = [];
  input.trajectories.forEach((trajectory, k) => {
    requireFiniteArray(`trajectories[${k}].t`, trajectory.t);
    requireFiniteArray(`trajectories[${k}].r`, trajectory.r);
    if (trajectory.t.length !== trajectory.r.length) {
      throw new InvalidInputError(`trajectories[${k}].r`, `must have as many values as t (${trajectory.t.length})`);
    }
    trajectory.t.forEach((t, i) => {
      tMax = Math.max(tMax, t);
      lines.push({ id: trajectory.id, t, r: trajectory.r[i] });
    });
  });
  const band = [0, tMax].map((t) => ({ t, lower: lowerSlope * t, upper: upperSlope * t }));
  const ids = new Set(lines.map((l) => l.id));
  const colour =
    ids.size <= MAX_LEGEND_ENTRIES
      ? { color: { field: 'id', type: 'nominal', title: 'sample', sort: [...ids] } }
      : { detail: { field: 'id', type: 'nominal' } };
  const x = { field: 't', type: 'quantitative', title: 't', scale: { domain: [0, tMax], nice: false } } as const;
  const layers: unknown[] = [
      {
        data: { values: band },
        mark: { type: 'area', color: '#9ecae1', opacity: 0.35 },
        encoding: { x, y: { field: 'upper', type: 'quantitative', title: 'margin r_i(t)' }, y2: { field: 'lower' } },
      },
      {
        data: { values: band.flatMap((b) => [{ t: b.t, r: b.lower, edge: 'r_L' }, { t: b.t, r: b.upper, edge: 'r_U' }]) },
        mark: { type: 'line', color: '#3182bd', strokeDash: [4, 3], strokeWidth: 1 },
        encoding: { x, y: { field: 'r', type: 'quantitative' }, detail: { field: 'edge', type: 'nominal' } },
      },
      {
        data: {
          values: [
            { t: tMax, r: lowerSlope * tMax, edge: 'r_L' },
            { t: tMax, r: upperSlope * tMax, edge: 'r_U' },
          ],
        },
        mark: { type: 'text', align: 'left', dx: 4, color: '#3182bd' },
        encoding: { x, y: { field: 'r', type: 'quantitative' }, text: { field: 'edge' } },
      },
      {
        data: { values: lines },
        mark: { type: 'line', strokeWidth: 1.2, ...(ids.size > MAX_LEGEND_ENTRIES ? { color: '#e6550d', opacity: 0.5 } : {}) },
        encoding: { x, y: { field: 'r', type: 'quantitative' }, ...colour, order: { field: 't', type: 'quantitative' } },
      },
      {
        data: { values: [{ t: tau1, label: 'τ₁' }] },
        layer: [
          { mark: { type: 'rule', color: '#636363', strokeDash: [2, 2] }, encoding: { x } },
          {
            mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, y: 2, color: '#636363' },
            encoding: { x, text: { field: 'label' } },
          },
        ],
      },
  ];
  return { ...base(input.title), layer: layers } as TopLevelSpec;
}

/** SVG: margin trajectories inside the r_L / r_U band (see `marginBandSpec`). */
export async function marginBandChart(input: MarginBandInput, options?: RenderOptions): Promise<string> {
  return renderSvg(marginBandSpec(input), options);
}

// ---------------------------------------------------------------------------------------------
// Test error against the generalization bound (THEORY §4, Theorem 4.3)

/** A Monte Carlo estimate of R(P) at one (Q, K). */
export interface GeneralizationPoint {
  readonly Q: number;
  readonly K: number;
  readonly testError: number;
  /** Upper end of the error bar (e.g. the Clopper–Pearson upper bound). */
  readonly ciHigh: number;
  /** Lower end of the error bar (default: testError). */
  readonly ciLow?: number;
}

/** A bound sampled at given Q (per K when the bound depends on K). */
export interface BoundSample {
  readonly Q: number;
  readonly K?: number;
  readonly bound: number;
}

export interface GeneralizationInput {
  readonly points: readonly GeneralizationPoint[];
  /** The bound as a function of (Q, K), sampled here, or already sampled. */
  readonly bound: ((Q: number, K: number) => number) | readonly BoundSample[];
  /** Force (true) or forbid (false) a log y axis; default: log when values span >= `LOG_SCALE_SPAN`. */
  readonly logY?: boolean;
  /**
   * 'neglog10': errors and bounds are given as −log10 values, "decades below 1" (exact errors reach
   * e^{−10^11}, far below float64, THEORY §9), drawn on a log axis so that 3 and 3·10^11 decades
   * are both readable; no "0 observed" marks; values below {@link NEGLOG_FLOOR} (errors near 1,
   * vacuous bounds) are drawn at it.
   */
  readonly valueScale?: 'linear' | 'neglog10';
  readonly title?: string;
}

/**
 * Spec: measured test error with confidence bars against the bound curve, coloured by K
 * (THEORY §4, Theorem 4.3: R(P) <= 2KQ²e^{-Q/45}). On a log y axis, zeros (no test error
 * observed) cannot be drawn: they are drawn at a floor of half the smallest positive value, with
 * a distinct shape ("0 observed") so that nobody reads them as tiny errors. A dashed rule at 1
 * marks where the bound becomes vacuous.
 */
export function generalizationSpec(input: GeneralizationInput): TopLevelSpec {
  input.points.forEach((p, i) => {
    for (const key of ['Q', 'K', 'testError', 'ciHigh'] as const) requireFinite(`points[${i}].${key}`, p[key]);
    if (p.ciLow !== undefined) requireFinite(`points[${i}].ciLow`, p.ciLow);
  });
  const Ks = [...new Set(input.points.map((p) => p.K))].sort((a, b) => a - b);
  const Qs = input.points.map((p) => p.Q);
  let curve: Array<{ Q: number; K: number | undefined; bound: number }>;
  if (typeof input.bound === 'function') {
    const boundFn = input.bound;
    if (Qs.length === 0) throw new InvalidInputError('points', 'needs at least one point to sample the bound');
    let qLow = Math.min(...Qs);
    let qHigh = Math.max(...Qs);
    if (qLow === qHigh) [qLow, qHigh] = [qLow / 1.5, qHigh * 1.5];
    const positive = qLow > 0;
    curve = Ks.flatMap((K) =>
      Array.from({ length: BOUND_SAMPLES }, (_, i) => {
        const f = i / (BOUND_SAMPLES - 1);
        const Q = positive ? qLow * (qHigh / qLow) ** f : qLow + (qHigh - qLow) * f;
        return { Q, K, bound: boundFn(Q, K) };
      }),
    );
  } else {
    curve = input.bound.map((b) => ({ Q: b.Q, K: b.K, bound: b.bound }));
  }
  curve.forEach((c, i) => {
    requireFinite(`bound[${i}].Q`, c.Q);
    requireFinite(`bound[${i}].bound`, c.bound);
  });
  const log10Values = input.valueScale === 'neglog10';
  const values = [...input.points.flatMap((p) => [p.testError, p.ciHigh, p.ciLow ?? p.testError]), ...curve.map((c) => c.bound)];
  const logY = log10Values ? true : (input.logY ?? (values.every((v) => v >= 0) && span(values) >= LOG_SCALE_SPAN));
  const logX = Qs.length > 0 && Math.min(...Qs) > 0 && span(Qs) >= LOG_SCALE_SPAN / 10;
  const positive = values.filter((v) => v > 0);
  const floor = log10Values ? NEGLOG_FLOOR : positive.length > 0 ? Math.min(...positive) / 2 : 1e-6;
  const shown = (v: number): number => (logY ? Math.max(v, floor) : v);
  const kLabel = (K: number | undefined): string => (K === undefined ? 'bound' : `K = ${chartNumber(K)}`);
  const points = input.points.map((p) => ({
    Q: p.Q,
    series: kLabel(p.K),
    error: shown(p.testError),
    low: shown(p.ciLow ?? p.testError),
    high: shown(p.ciHigh),
    observed: p.testError === 0 && !log10Values ? '0 observed' : 'measured',
  }));
  const bounds = curve.map((c) => ({ Q: c.Q, series: kLabel(c.K), bound: shown(c.bound) }));
  const series = [...new Set([...Ks.map(kLabel), ...bounds.map((b) => b.series)])];
  const x = {
    field: 'Q',
    type: 'quantitative',
    title: 'Q (samples per cluster)',
    // Explicit domain with a margin of QUANTITY_AXIS_PADDING, so that no empty decade is added.
    scale: logX
      ? { type: 'log', domain: [Math.min(...Qs) / QUANTITY_AXIS_PADDING, Math.max(...Qs) * QUANTITY_AXIS_PADDING], nice: false }
      : { zero: false },
  } as const;
  const yScale = logY ? { type: 'log' } : { zero: true };
  const colour = { field: 'series', type: 'nominal', title: 'K', sort: series } as const;
  const yTitle = log10Values
    ? '−log10 R(P): decades below 1 (higher = smaller)'
    : logY && values.some((v) => v === 0)
      ? `test error R(P) (0 drawn at ${chartNumber(floor)})`
      : 'test error R(P)';
  const vacuousAt = 1;
  const layers: unknown[] = [
    {
      data: { values: bounds },
      mark: { type: 'line', strokeWidth: 1.5 },
      encoding: { x, y: { field: 'bound', type: 'quantitative', scale: yScale, title: yTitle }, color: colour },
    },
    {
      data: { values: points },
      layer: [
        { mark: { type: 'rule' }, encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color: colour } },
        {
          mark: { type: 'point', filled: true, size: 40 },
          encoding: {
            x,
            y: { field: 'error', type: 'quantitative' },
            color: colour,
            shape: log10Values
              ? { field: 'observed', type: 'nominal', title: 'test error', scale: { domain: ['measured'], range: ['circle'] }, legend: null }
              : { field: 'observed', type: 'nominal', title: 'test error', scale: { domain: ['measured', '0 observed'], range: ['circle', 'triangle-down'] } },
          },
        },
      ],
    },
  ];
  if (!log10Values && curve.some((c) => c.bound > vacuousAt)) {
    layers.push({
      data: { values: [{ y: vacuousAt, label: 'bound vacuous above 1' }] },
      layer: [
        { mark: { type: 'rule', color: '#969696', strokeDash: [4, 3] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'right', baseline: 'bottom', x: CHART_WIDTH - 2, dy: -2, color: '#969696' },
          encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
        },
      ],
    });
  }
  return { ...base(input.title), layer: layers } as TopLevelSpec;
}

/** SVG: test error against the generalization bound (see `generalizationSpec`). */
export async function generalizationChart(input: GeneralizationInput, options?: RenderOptions): Promise<string> {
  return renderSvg(generalizationSpec(input), options);
}

// ---------------------------------------------------------------------------------------------
// Q_min(K) (THEORY §4 scaling law, §7 table)

export interface QMinInput {
  /** Smallest Q with bound < η, per K (THEORY §7). */
  readonly curve: ReadonlyArray<{ readonly K: number; readonly Qmin: number }>;
  /** Empirical points (e.g. the smallest Q at which the measured error stayed below η). */
  readonly empirical?: ReadonlyArray<{ readonly K: number; readonly Q: number; readonly label?: string }>;
  readonly title?: string;
}

/**
 * Spec: the Q_min(K) curve (log K axis; Q = Θ(log K), THEORY §4) with empirical points,
 * shaped and coloured by their label.
 */
export function qMinSpec(input: QMinInput): TopLevelSpec {
  input.curve.forEach((c, i) => {
    if (!(requireFinite(`curve[${i}].K`, c.K) > 0)) throw new InvalidInputError(`curve[${i}].K`, 'must be > 0 (log axis)');
    requireFinite(`curve[${i}].Qmin`, c.Qmin);
  });
  const empirical = (input.empirical ?? []).map((e, i) => {
    if (!(requireFinite(`empirical[${i}].K`, e.K) > 0)) throw new InvalidInputError(`empirical[${i}].K`, 'must be > 0 (log axis)');
    return { K: e.K, Q: requireFinite(`empirical[${i}].Q`, e.Q), label: e.label ?? 'empirical' };
  });
  const x = { field: 'K', type: 'quantitative', title: 'K (number of values)', scale: { type: 'log' } } as const;
  // A log Q axis once the points span a decade, so that one far point (e.g. Q ≈ 1.4e5) does not
  // squash the curve into a line.
  const allQ = [...input.curve.map((c) => c.Qmin), ...empirical.map((e) => e.Q)].filter((q) => q > 0);
  const logQ = allQ.length > 0 && span(allQ) >= LOG_SCALE_SPAN / 10 && allQ.length === input.curve.length + empirical.length;
  const layers: unknown[] = [
    {
      data: { values: [...input.curve].sort((a, b) => a.K - b.K).map((c) => ({ K: c.K, Q: c.Qmin, series: 'Q_min(K) from the bound' })) },
      mark: { type: 'line', point: true, color: '#3182bd' },
      encoding: { x, y: { field: 'Q', type: 'quantitative', title: `Q (samples per cluster${logQ ? ', log scale' : ''})`, scale: logQ ? { type: 'log' } : { zero: false } } },
    },
  ];
  if (empirical.length > 0) {
    const labels = [...new Set(empirical.map((e) => e.label))];
    layers.push({
      data: { values: empirical },
      mark: { type: 'point', size: 60, strokeWidth: 1.5 },
      encoding: {
        x,
        y: { field: 'Q', type: 'quantitative' },
        color: { field: 'label', type: 'nominal', title: 'empirical', sort: labels, scale: { scheme: 'dark2' } },
        shape: { field: 'label', type: 'nominal', sort: labels },
      },
    });
  }
  return { ...base(input.title), layer: layers } as TopLevelSpec;
}

/** SVG: the Q_min(K) curve with empirical points (see `qMinSpec`). */
export async function qMinChart(input: QMinInput, options?: RenderOptions): Promise<string> {
  return renderSvg(qMinSpec(input), options);
}

// ---------------------------------------------------------------------------------------------
// Phase diagrams

/** One cell of a phase diagram: the failure rate observed at (x, y). */
export interface HeatmapCell {
  readonly x: number | string;
  readonly y: number | string;
  /** Failure rate in [0, 1]. */
  readonly rate: number;
  readonly runs: number;
}

export interface HeatmapInput {
  readonly xLabel: string;
  readonly yLabel: string;
  readonly cells: readonly HeatmapCell[];
  readonly title?: string;
}

function axisLabels(values: ReadonlyArray<number | string>): { labels: string[]; label: (v: number | string) => string } {
  const label = (v: number | string): string => (typeof v === 'number' ? chartNumber(v) : v);
  const unique = [...new Set(values)];
  const numeric = unique.every((v) => typeof v === 'number');
  const sorted = numeric ? [...(unique as number[])].sort((a, b) => a - b) : unique;
  return { labels: [...new Set(sorted.map(label))], label };
}

/**
 * Spec: a failure-rate phase diagram over two axes (e.g. noise × l_b), rate on a fixed [0, 1]
 * colour scale so diagrams compare, with the rate printed in each cell when there are few.
 */
export function heatmapSpec(input: HeatmapInput): TopLevelSpec {
  input.cells.forEach((c, i) => {
    requireFinite(`cells[${i}].rate`, c.rate);
    if (c.rate < 0 || c.rate > 1) throw new InvalidInputError(`cells[${i}].rate`, `must lie in [0, 1], got ${c.rate}`);
    requireFinite(`cells[${i}].runs`, c.runs);
    if (typeof c.x === 'number') requireFinite(`cells[${i}].x`, c.x);
    if (typeof c.y === 'number') requireFinite(`cells[${i}].y`, c.y);
  });
  const xs = axisLabels(input.cells.map((c) => c.x));
  const ys = axisLabels(input.cells.map((c) => c.y));
  const values = input.cells.map((c) => ({
    x: xs.label(c.x),
    y: ys.label(c.y),
    rate: c.rate,
    runs: c.runs,
    text: `${Math.round(c.rate * 100)}%`,
    dark: c.rate > 0.5,
  }));
  const encoding = {
    x: { field: 'x', type: 'ordinal', title: input.xLabel, scale: { domain: xs.labels }, axis: { labelAngle: 0 } },
    y: { field: 'y', type: 'ordinal', title: input.yLabel, scale: { domain: [...ys.labels].reverse() } },
  };
  const layers: unknown[] = [
    {
      mark: { type: 'rect' },
      encoding: {
        ...encoding,
        color: { field: 'rate', type: 'quantitative', title: 'failure rate', scale: { domain: [0, 1], scheme: 'reds' } },
      },
    },
  ];
  if (values.length <= MAX_LABELLED_CELLS) {
    layers.push({
      mark: { type: 'text', fontSize: 10 },
      encoding: {
        ...encoding,
        text: { field: 'text' },
        color: { condition: { test: 'datum.dark', value: 'white' }, value: 'black' },
      },
    });
  }
  return { ...base(input.title), data: { values }, layer: layers } as TopLevelSpec;
}

/** SVG: a failure-rate phase diagram (see `heatmapSpec`). */
export async function heatmapChart(input: HeatmapInput, options?: RenderOptions): Promise<string> {
  return renderSvg(heatmapSpec(input), options);
}

// ---------------------------------------------------------------------------------------------
// Frontier

/** A probed magnitude (the shape of `FrontierProbe` in src/check/frontier.ts). */
export interface FrontierChartProbe {
  readonly m: number;
  readonly rate: number;
  readonly runs: number;
  readonly ci: readonly [number, number];
}

export interface FrontierChartInput {
  readonly probes: readonly FrontierChartProbe[];
  /** The failure probability defining the frontier (drawn as a horizontal rule). */
  readonly p: number;
  readonly frontier?: number | null;
  /** Confidence interval of the frontier (shaded). */
  readonly ci?: readonly [number, number] | null;
  readonly xLabel?: string;
  readonly title?: string;
}

/**
 * Spec: failure rate against magnitude with each probe's confidence interval, the level p as a
 * dashed rule, and the estimated frontier with its interval shaded. A `FrontierResult` can be
 * passed as is.
 */
export function frontierSpec(input: FrontierChartInput): TopLevelSpec {
  const p = requireFinite('p', input.p);
  const probes = input.probes.map((probe, i) => ({
    m: requireFinite(`probes[${i}].m`, probe.m),
    rate: requireFinite(`probes[${i}].rate`, probe.rate),
    runs: requireFinite(`probes[${i}].runs`, probe.runs),
    low: requireFinite(`probes[${i}].ci[0]`, probe.ci[0]),
    high: requireFinite(`probes[${i}].ci[1]`, probe.ci[1]),
  }));
  const x = { field: 'm', type: 'quantitative', title: input.xLabel ?? 'magnitude m', scale: { zero: false } } as const;
  // A square-root axis: rates near p (typically 5%) get a fifth of the height instead of a twentieth.
  const y = { type: 'quantitative', title: 'failure rate', scale: { type: 'sqrt', domain: [0, 1] } } as const;
  const layers: unknown[] = [];
  if (input.ci != null) {
    const [low, high] = input.ci;
    layers.push({
      data: { values: [{ low: requireFinite('ci[0]', low), high: requireFinite('ci[1]', high) }] },
      mark: { type: 'rect', color: '#fdae6b', opacity: 0.3 },
      encoding: { x: { ...x, field: 'low' }, x2: { field: 'high' } },
    });
  }
  layers.push(
    {
      data: { values: probes },
      layer: [
        { mark: { type: 'rule', color: '#636363' }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' } } },
        {
          mark: { type: 'point', filled: true, color: '#08519c' },
          encoding: { x, y: { ...y, field: 'rate' }, size: { field: 'runs', type: 'quantitative', title: 'runs', scale: { zero: false, range: [30, 240] } } },
        },
      ],
    },
    {
      data: { values: [{ p, label: `p = ${chartNumber(p * 100)}%` }] },
      layer: [
        { mark: { type: 'rule', color: '#de2d26', strokeDash: [4, 3] }, encoding: { y: { ...y, field: 'p' } } },
        {
          mark: { type: 'text', align: 'left', baseline: 'bottom', x: 2, dy: -2, color: '#de2d26' },
          encoding: { y: { ...y, field: 'p' }, text: { field: 'label' } },
        },
      ],
    },
  );
  if (input.frontier != null) {
    layers.push({
      data: { values: [{ m: requireFinite('frontier', input.frontier), label: `frontier ≈ ${chartNumber(input.frontier)}` }] },
      layer: [
        { mark: { type: 'rule', color: '#e6550d' }, encoding: { x } },
        {
          mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, y: 2, color: '#e6550d' },
          encoding: { x, text: { field: 'label' } },
        },
      ],
    });
  }
  return { ...base(input.title), layer: layers } as TopLevelSpec;
}

/** SVG: failure rate against magnitude with the frontier (see `frontierSpec`). */
export async function frontierChart(input: FrontierChartInput, options?: RenderOptions): Promise<string> {
  return renderSvg(frontierSpec(input), options);
}

// ---------------------------------------------------------------------------------------------
// Slack of every trial, per claim (the verify report's distribution of slack)

/** One trial's slack (> 0 inside the bound, < 0 violated, in units of the bound). */
export interface SlackPoint {
  readonly claim: string;
  readonly slack: number;
}

export interface SlackInput {
  readonly points: readonly SlackPoint[];
  /** Claim order on the y axis (default: order of first appearance). */
  readonly claims?: readonly string[];
  readonly title?: string;
}

/** Height per claim row of the slack chart, in px (a tick strip per claim stays readable). */
const SLACK_ROW_HEIGHT = 16;

/**
 * Spec: one tick per trial, a row per claim, slack on a symmetric-log axis (slacks span many
 * decades on both sides of 0; 0 is the bound, marked by a rule).
 */
export function slackSpec(input: SlackInput): TopLevelSpec {
  input.points.forEach((p, i) => requireFinite(`points[${i}].slack`, p.slack));
  const claims = input.claims ?? [...new Set(input.points.map((p) => p.claim))];
  return {
    ...base(input.title),
    height: Math.max(CHART_HEIGHT / 3, SLACK_ROW_HEIGHT * claims.length),
    layer: [
      {
        data: { values: input.points },
        mark: { type: 'tick', color: '#3182bd', opacity: 0.6, thickness: 1 },
        encoding: {
          x: { field: 'slack', type: 'quantitative', title: 'slack (relative to the bound)', scale: { type: 'symlog', constant: 1e-3 } },
          y: { field: 'claim', type: 'nominal', title: null, sort: claims },
        },
      },
      {
        data: { values: [{ slack: 0 }] },
        mark: { type: 'rule', color: '#c62828', strokeDash: [3, 2] },
        encoding: { x: { field: 'slack', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

/** SVG: the slack of every trial, per claim (see `slackSpec`). */
export async function slackChart(input: SlackInput, options?: RenderOptions): Promise<string> {
  return renderSvg(slackSpec(input), options);
}

/**
 * Charts of `dpocheck diagnose` (vega-lite -> SVG through charts.ts' renderer): the cosine
 * histogram (raw vs centred embeddings), the conditions' factors against the edge, the top of the
 * noise spectrum against the isotropic edge, and the flow's margins in Theorem 4.2's band.
 * Each takes plain numbers from the diagnosis document.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_HEIGHT, CHART_WIDTH, CONFIG, SCHEMA, marginBandChart, renderSvg, type RenderOptions } from './charts.ts';

function base(title: string) {
  return { $schema: SCHEMA, width: CHART_WIDTH, height: CHART_HEIGHT, config: CONFIG, title };
}

/** Input of {@link cosineHistogramSpec}: counts per bin over [-1, 1] for raw and centred cosines. */
export interface CosineHistogramInput {
  readonly raw: readonly number[];
  readonly centred: readonly number[];
  readonly pairs: number;
}

/** Spec: share of pairs per cosine bin, raw embeddings vs centred on the mean embedding. */
export function cosineHistogramSpec(input: CosineHistogramInput): TopLevelSpec {
  const bins = input.raw.length;
  const values = (['raw', 'centred'] as const).flatMap((kind) =>
    input[kind].map((count, j) => ({ kind, lo: -1 + (2 * j) / bins, hi: -1 + (2 * (j + 1)) / bins, share: count / Math.max(1, input.pairs) })),
  );
  return {
    ...base(`Cosine similarity between embeddings (${input.pairs} pairs)`),
    data: { values },
    mark: { type: 'rect', opacity: 0.6 },
    encoding: {
      x: { field: 'lo', type: 'quantitative', title: 'cosine', scale: { domain: [-1, 1] } },
      x2: { field: 'hi' },
      y: { field: 'share', type: 'quantitative', title: 'share of pairs', stack: null },
      color: { field: 'kind', type: 'nominal', title: 'embeddings', sort: ['raw', 'centred'], scale: { range: ['#e6550d', '#3182bd'] } },
    },
  } as TopLevelSpec;
}

/** One condition or departure for {@link conditionFactorsSpec}. */
export interface FactorBar {
  readonly id: string;
  /** measured/edge (> 1 broken). */
  readonly factor: number;
  /** The explorer's frontier on the same axis, when one was found. */
  readonly frontier: number | null;
}

/** Ends of the factor axis (log scale): a condition met 1000-fold or broken 10⁴-fold reads the same beyond. Ours. */
const FACTOR_AXIS_MIN = 1e-3;
const FACTOR_AXIS_MAX = 1e4;

/** Spec: each condition's factor (log scale) with the edge at 1 and the explorer's frontier where found (a black tick). */
export function conditionFactorsSpec(bars: readonly FactorBar[]): TopLevelSpec {
  // The axis is clipped to [1e-3, 1e4]: beyond, the bar only needs to say "far".
  const clip = (x: number) => Math.min(FACTOR_AXIS_MAX, Math.max(FACTOR_AXIS_MIN, x));
  const values = bars.map((b) => ({ id: b.id, factor: clip(b.factor), state: b.factor > 1 ? 'broken' : 'holds' }));
  const order = bars.map((b) => b.id);
  const y = { field: 'id', type: 'nominal', title: null, sort: order } as const;
  const x = { field: 'factor', type: 'quantitative', title: 'measured / edge (> 1 = broken by that factor)', scale: { type: 'log' } } as const;
  return {
    ...base('Conditions of Theorems 4.2/4.3 on this data'),
    layer: [
      {
        data: { values },
        mark: { type: 'bar' },
        encoding: { y, x, color: { field: 'state', type: 'nominal', title: null, scale: { domain: ['holds', 'broken'], range: ['#31a354', '#de2d26'] } } },
      },
      { data: { values: [{ factor: 1 }] }, mark: { type: 'rule', color: '#636363', strokeDash: [4, 3] }, encoding: { x } },
      {
        data: { values: bars.filter((b) => b.frontier !== null).map((b) => ({ id: b.id, factor: clip(b.frontier!), label: 'frontier' })) },
        mark: { type: 'tick', color: 'black', thickness: 2 },
        encoding: { y, x },
      },
    ],
  } as TopLevelSpec;
}

/** Input of {@link spectrumSpec}: top eigenvalues over the mean eigenvalue, and the isotropic edge. */
export interface SpectrumInput {
  readonly topEigenvalues: readonly number[];
  readonly isotropicEdge: number;
}

/** Spec: the top of the within-cluster noise spectrum (over its mean) against where isotropic noise would put it. */
export function spectrumSpec(input: SpectrumInput): TopLevelSpec {
  const values = input.topEigenvalues.map((v, i) => ({ rank: i + 1, ratio: v }));
  const y = { field: 'ratio', type: 'quantitative', title: 'eigenvalue / mean eigenvalue' } as const;
  return {
    ...base('Within-cluster noise: top of the spectrum (Lanczos)'),
    layer: [
      { data: { values }, mark: { type: 'line', point: true, color: '#3182bd' }, encoding: { x: { field: 'rank', type: 'ordinal', title: 'rank' }, y } },
      {
        data: { values: [{ ratio: input.isotropicEdge, label: 'isotropic edge (1+√(d/n))²' }] },
        layer: [
          { mark: { type: 'rule', color: '#636363', strokeDash: [4, 3] }, encoding: { y } },
          { mark: { type: 'text', align: 'right', dy: -6, x: CHART_WIDTH, color: '#636363' }, encoding: { y, text: { field: 'label' } } },
        ],
      },
    ],
  } as TopLevelSpec;
}

/** The charts of one diagnosis, as file name -> SVG. */
export interface DiagnoseChartsInput {
  readonly cosine: CosineHistogramInput;
  readonly factors: readonly FactorBar[];
  readonly spectrum: SpectrumInput;
  readonly margins?: {
    readonly tau1: number;
    readonly lowerSlope: number;
    readonly upperSlope: number;
    readonly trajectories: ReadonlyArray<{ readonly id: string; readonly t: readonly number[]; readonly r: readonly number[] }>;
  };
}

/**
 * Renders every chart of a diagnosis (deterministic SVG).
 * @example const files = await diagnoseCharts(input); files.get('cosines.svg')
 */
export async function diagnoseCharts(input: DiagnoseChartsInput, options?: RenderOptions): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  out.set('cosines.svg', await renderSvg(cosineHistogramSpec(input.cosine), options));
  out.set('conditions.svg', await renderSvg(conditionFactorsSpec(input.factors), options));
  out.set('spectrum.svg', await renderSvg(spectrumSpec(input.spectrum), options));
  if (input.margins !== undefined) {
    out.set(
      'margins.svg',
      await marginBandChart({ ...input.margins, title: 'Flow to τ₁ in model units: margins in Theorem 4.2’s band' }, options),
    );
  }
  return out;
}

import { describe, expect, it } from 'vitest';
import {
  frontierChart,
  generalizationChart,
  generalizationSpec,
  heatmapChart,
  marginBandChart,
  qMinChart,
  type RenderOptions,
} from '../../src/report/charts.ts';
import { InvalidInputError } from '../../src/theory/errors.ts';

/**
 * Loose well-formedness check: one root <svg>, every opening tag closed in order (self-closing
 * tags excepted), nothing after the root. Enough to catch truncated or mis-nested output.
 */
function expectWellFormedSvg(svg: string): void {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  const stack: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (selfClosing === '/') continue;
    if (closing === '/') expect(stack.pop()).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
}

const count = (svg: string, pattern: RegExp): number => [...svg.matchAll(pattern)].length;
/** Text content of all <text> elements (empty ones included, tspans flattened, entities decoded). */
const texts = (svg: string): string[] =>
  [...svg.matchAll(/<text\b[^>]*?(?:\/>|>([\s\S]*?)<\/text>)/g)].map((m) =>
    (m[1] ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&'),
  );

function collectWarnings(): RenderOptions & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, onWarning: (m) => warnings.push(m) };
}

const K = 2;
const tau1 = (K * Math.log(3)) / 5; // THEORY §4 with τ = β = 1
const bandInput = {
  tau1,
  lowerSlope: 1 / (8 * K),
  upperSlope: 5 / K,
  trajectories: [0, 1, 2].map((k) => {
    const t = Array.from({ length: 20 }, (_, i) => (i / 19) * tau1);
    return { id: `i=${k}`, t, r: t.map((s) => (0.5 + 0.5 * k) * s) };
  }),
  title: 'sandwich',
};

describe('charts', () => {
  it('margin band: band area, one line per trajectory, τ₁ and the band edges labelled', async () => {
    const opts = collectWarnings();
    const svg = await marginBandChart(bandInput, opts);
    expectWellFormedSvg(svg);
    expect(opts.warnings).toEqual([]);
    expect(count(svg, /class="mark-area role-mark/g)).toBe(1);
    // One line mark per band edge (r_L, r_U) and one per trajectory.
    expect(count(svg, /class="mark-line role-mark/g)).toBe(2 + 3);
    const labels = texts(svg);
    for (const label of ['τ₁', 'r_L', 'r_U', 'i=0', 'i=1', 'i=2', 't', 'margin r_i(t)', 'sandwich', 'sample']) {
      expect(labels).toContain(label);
    }
  });

  it('margin band: many trajectories share a colour and drop the legend', async () => {
    const many = Array.from({ length: 12 }, (_, k) => ({ id: `s${k}`, t: [0, tau1], r: [0, 0.1 * k] }));
    const svg = await marginBandChart({ ...bandInput, trajectories: many });
    expectWellFormedSvg(svg);
    expect(count(svg, /class="mark-line role-mark/g)).toBe(2 + 12);
    expect(svg).not.toContain('role-legend');
  });

  it('renders identical SVG twice for the same input (no ids or timestamps drift)', async () => {
    const heat = {
      xLabel: 'noise m',
      yLabel: 'l_b',
      cells: [0.25, 0.5].flatMap((y) => [1, 2, 4].map((x) => ({ x, y, rate: (x * y) / 2, runs: 50 }))),
    };
    expect(await marginBandChart(bandInput)).toBe(await marginBandChart(bandInput));
    // The heatmap's legend gradient carries an id: it must not count up between renders.
    const first = await heatmapChart(heat);
    expect(first).toContain('id="gradient_0"');
    expect(await heatmapChart(heat)).toBe(first);
    // Renders started together are serialised and give the same bytes.
    const [a, b] = await Promise.all([heatmapChart(heat), heatmapChart(heat)]);
    expect(a).toBe(first);
    expect(b).toBe(first);
  });

  it('escapes text from the data', async () => {
    const svg = await marginBandChart({ ...bandInput, trajectories: [{ id: 'a<b & "c"', t: [0, 1], r: [0, 1] }] });
    expectWellFormedSvg(svg);
    expect(svg).toContain('a&lt;b &amp;');
  });

  it('generalization: bound lines, error bars, zeros drawn at a floor on a log axis', async () => {
    const points = [40, 100, 400, 800].flatMap((Q) =>
      [1, 4].map((k) => ({ Q, K: k, testError: Q >= 400 ? 0 : 0.01 * k, ciHigh: 30 / Q })),
    );
    const bound = (Q: number, k: number): number => 2 * k * Q * Q * Math.exp(-Q / 45); // THEORY §4, Thm 4.3
    const opts = collectWarnings();
    const svg = await generalizationChart({ points, bound }, opts);
    expectWellFormedSvg(svg);
    expect(opts.warnings).toEqual([]);
    const labels = texts(svg);
    expect(labels).toContain('Q (samples per cluster)');
    expect(labels.some((l) => l.startsWith('test error R(P) (0 drawn at'))).toBe(true);
    expect(labels).toEqual(expect.arrayContaining(['K = 1', 'K = 4', '0 observed', 'bound vacuous above 1']));
    expect(count(svg, /class="mark-line role-mark/g)).toBe(2); // one bound curve per K
    const rules = svg.split('class="mark-rule role-mark').slice(1).map((s) => count(s.split('</g>')[0], /<line /g));
    expect(rules[0]).toBe(points.length); // one error bar per point
    // The spec itself: log y, and every drawn value is positive.
    const spec = generalizationSpec({ points, bound }) as unknown as { layer: Array<{ data: { values: Array<Record<string, unknown>> } }> };
    const drawn = spec.layer[1].data.values;
    expect(drawn.every((v) => (v.error as number) > 0 && (v.low as number) > 0)).toBe(true);
    expect(drawn.filter((v) => v.observed === '0 observed')).toHaveLength(4);
  });

  it('generalization: a narrow range stays linear and accepts a sampled bound', async () => {
    const svg = await generalizationChart({
      points: [{ Q: 50, K: 1, testError: 0, ciHigh: 0.06 }],
      bound: [
        { Q: 40, bound: 0.1 },
        { Q: 60, bound: 0.08 },
      ],
    });
    expectWellFormedSvg(svg);
    const labels = texts(svg);
    expect(labels).toContain('test error R(P)');
    expect(labels).not.toContain('bound vacuous above 1');
  });

  it('Q_min(K): curve with points on a log K axis, empirical points by label', async () => {
    // THEORY §7 table (K -> smallest Q with 2KQ²e^{-Q/45} < 0.05).
    const curve = [
      [1, 764],
      [2, 799],
      [4, 834],
      [8, 869],
      [10, 880],
      [100, 995],
      [1000, 1108],
    ].map(([k, Qmin]) => ({ K: k, Qmin }));
    const opts = collectWarnings();
    const svg = await qMinChart(
      { curve, empirical: [{ K: 1, Q: 100, label: 'error < η' }, { K: 8, Q: 50, label: 'error ≥ η' }, { K: 8, Q: 60 }] },
      opts,
    );
    expectWellFormedSvg(svg);
    expect(opts.warnings).toEqual([]);
    expect(texts(svg)).toEqual(expect.arrayContaining(['K (number of values)', 'error < η', 'error ≥ η', 'empirical', '1,000']));
    expect(count(svg, /class="mark-line role-mark/g)).toBe(1);
    // Two symbol marks: the curve's points (7) and the empirical points (3).
    const symbolGroups = svg.split('class="mark-symbol role-mark').slice(1).map((g) => count(g.split('</g>')[0], /<path /g));
    expect(symbolGroups).toEqual([7, 3]);
    await expect(qMinChart({ curve: [{ K: 0, Qmin: 1 }] })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('generalization in decades below 1: exact errors far below float64, no "0 observed" marks', async () => {
    const points = [40, 400, 4000].map((Q) => ({ Q, K: 2, testError: Q ** 3, ciHigh: Q ** 3 }));
    const bound = points.map((p) => ({ Q: p.Q, K: 2, bound: -(Math.log(4 * p.Q * p.Q) - p.Q / 45) / Math.LN10 }));
    const spec = generalizationSpec({ points, bound, valueScale: 'neglog10' }) as unknown as { layer: Array<{ data: { values: Array<Record<string, unknown>> } }> };
    expect(spec.layer[0].data.values.every((v) => (v.bound as number) >= 0.01)).toBe(true); // vacuous bound drawn at the floor
    const svg = await generalizationChart({ points, bound, valueScale: 'neglog10' });
    expectWellFormedSvg(svg);
    const labels = texts(svg);
    expect(labels).toContain('−log10 R(P): decades below 1 (higher = smaller)');
    expect(labels).not.toContain('0 observed');
  });

  it('Q_min(K): a far empirical point switches Q to a log axis instead of squashing the curve', async () => {
    const curve = [1, 10, 100].map((K) => ({ K, Qmin: 764 + 35 * Math.log2(K) }));
    const far = await qMinChart({ curve, empirical: [{ K: 1, Q: 140000 }] });
    expect(texts(far)).toContain('Q (samples per cluster, log scale)');
    const near = await qMinChart({ curve, empirical: [{ K: 1, Q: 700 }] });
    expect(texts(near)).toContain('Q (samples per cluster)');
  });

  it('heatmap: one rect per cell, labels in cells, axes in numeric order', async () => {
    const cells = [0.5, 0.25].flatMap((y) => [4, 1, 2].map((x) => ({ x, y, rate: (x * y) / 2, runs: 50 })));
    const opts = collectWarnings();
    const svg = await heatmapChart({ xLabel: 'noise m', yLabel: 'l_b', cells, title: 'phase' }, opts);
    expectWellFormedSvg(svg);
    expect(opts.warnings).toEqual([]);
    const rectGroup = svg.split('class="mark-rect role-mark').at(-1)!.split('</g>')[0];
    expect(count(rectGroup, /<path /g)).toBe(6);
    const labels = texts(svg);
    expect(labels).toEqual(expect.arrayContaining(['noise m', 'l_b', 'failure rate', 'phase', '100%', '13%', '25%']));
    const xTicks = labels.filter((l) => ['1', '2', '4'].includes(l));
    expect(xTicks).toEqual(['1', '2', '4']);
    await expect(heatmapChart({ xLabel: 'x', yLabel: 'y', cells: [{ x: 1, y: 1, rate: 1.5, runs: 1 }] })).rejects.toMatchObject({
      field: 'cells[0].rate',
    });
  });

  it('frontier: probe points with CI bars, the p rule and the frontier', async () => {
    const probes = [
      { m: 0, failures: 0, runs: 75, rate: 0, ci: [0, 0.048] as const },
      { m: 2.5, failures: 10, runs: 100, rate: 0.1, ci: [0.04, 0.2] as const },
      { m: 5, failures: 18, runs: 25, rate: 0.72, ci: [0.5, 0.88] as const },
    ];
    const opts = collectWarnings();
    const svg = await frontierChart({ probes, p: 0.05, frontier: 2.2, ci: [1.875, 2.5], xLabel: 'noise m' }, opts);
    expectWellFormedSvg(svg);
    expect(opts.warnings).toEqual([]);
    expect(texts(svg)).toEqual(expect.arrayContaining(['noise m', 'failure rate', 'p = 5%', 'frontier ≈ 2.2', 'runs']));
    const symbols = svg.split('class="mark-symbol role-mark').at(-1)!.split('</g>')[0];
    expect(count(symbols, /<path /g)).toBe(3);
    // Without a frontier (never-fails) there is no frontier label.
    const none = await frontierChart({ probes, p: 0.05, frontier: null, ci: null });
    expect(texts(none).some((t) => t.startsWith('frontier'))).toBe(false);
  });
});

/**
 * diagnose's charts: deterministic SVG from the same numbers, the frontier drawn where one was
 * found, the factor axis clipped, the margin chart only with a training section.
 */
import { describe, expect, it } from 'vitest';
import { conditionFactorsSpec, diagnoseCharts, type DiagnoseChartsInput } from '../../src/report/diagnoseCharts.ts';

const input: DiagnoseChartsInput = {
  cosine: { raw: [0, 1, 5, 4], centred: [3, 3, 2, 2], pairs: 10 },
  factors: [
    { id: 'noise', factor: 30, frontier: 56.6 },
    { id: 'dim', factor: 0.3, frontier: null },
    { id: 'anisotropic', factor: 4e8, frontier: null },
  ],
  spectrum: { topEigenvalues: [18, 6, 3, 2], isotropicEdge: 2.06 },
};

describe('diagnoseCharts', () => {
  it('renders the same SVG twice; margins only when there is training', async () => {
    const a = await diagnoseCharts(input);
    const b = await diagnoseCharts(input);
    expect([...a.keys()].sort()).toEqual(['conditions.svg', 'cosines.svg', 'spectrum.svg']);
    for (const [k, v] of a) {
      expect(v.startsWith('<svg')).toBe(true);
      expect(b.get(k)).toBe(v);
    }
    const withTraining = await diagnoseCharts({ ...input, margins: { tau1: 1, lowerSlope: 0.1, upperSlope: 2, trajectories: [{ id: 's', t: [0, 1], r: [0, 0.5] }] } });
    expect(withTraining.has('margins.svg')).toBe(true);
  });

  it('the factor chart marks found frontiers and clips the axis', () => {
    const spec = conditionFactorsSpec(input.factors) as unknown as { layer: Array<{ data: { values: Array<Record<string, unknown>> } }> };
    expect(spec.layer[0].data.values.map((v) => v['factor'])).toEqual([30, 0.3, 1e4]);
    expect(spec.layer[0].data.values.map((v) => v['state'])).toEqual(['broken', 'holds', 'broken']);
    expect(spec.layer[2].data.values).toEqual([{ id: 'noise', factor: 56.6, label: 'frontier' }]);
  });
});

/**
 * Human output of `dpocheck diagnose`: the statistics (estimates with standard errors and noise
 * floors, the conditions with their factors and the explorer's frontiers, cosines) and, apart from
 * them, the training section. Also the inputs of the charts (diagnoseCharts.ts) and the writer of
 * the `--out` directory (diagnose.json, report.txt, the SVG charts and index.html, atomically).
 */
import type { DiagnoseReport } from '../check/diagnose/diagnose.ts';
import type { DiagnoseChartsInput } from './diagnoseCharts.ts';
import { writeDirAtomic, writeText } from './atomicDir.ts';
import { diagnoseCharts } from './diagnoseCharts.ts';
import { diagnoseHtml } from './diagnoseHtml.ts';
import { ESTIMATE_HEADER, estimateRows, trainingLines } from './diagnoseSections.ts';
import { fmt, table } from './format.ts';

/** The text report (module comment). */
export function diagnoseText(r: DiagnoseReport): string {
  const e = r.estimates;
  const lines: string[] = [];
  lines.push(
    `${r.data}: N = ${r.N}, d = ${r.d}, K = ${r.K} concepts (from ${r.conceptSource === 'tokens' ? 'token sets' : `the '${r.conceptSource}' array`}), ` +
      `Q per cluster ${r.Q.min}/${fmt(r.Q.median)}/${r.Q.max} (min/median/max), Z = ${e.Z}`,
  );
  lines.push(`scale s = ${fmt(r.scale)} (mean ‖(μ₊ − μ₋)/2‖ over concepts, debiased); every estimate below is in units of s`);
  lines.push('');
  lines.push('Statistics (THEORY §3 model; debiased, ± bootstrap standard error)');
  lines.push(table(ESTIMATE_HEADER, estimateRows(r)));
  lines.push(`standard errors: ${r.standardErrorMethod}`);
  lines.push('');
  lines.push('Conditions (v5 main text): factor = measured/edge, > 1 = broken by that factor (bounds reports slack = 1/factor)');
  lines.push(
    table(
      ['id', 'condition', 'measured', 'edge', 'factor', 'holds'],
      r.conditions.map((c) => [c.id, c.statement.split(' (')[0], fmt(c.measured), fmt(c.edge), fmt(c.factor), c.holds ? 'yes' : 'NO']),
    ),
  );
  for (const c of r.conditions) {
    if (c.frontier !== null) lines.push(`  ${c.id}: ${c.frontier.text}`);
    if (c.note !== null) lines.push(`  ${c.id}: note: ${c.note}`);
  }
  for (const dep of r.departures) if (dep.frontier !== null) lines.push(`  ${dep.id} (beyond the paper): ${dep.frontier.text}`);
  lines.push('');
  const q = (s: DiagnoseReport['cosine']['raw']) => `mean ${fmt(s.mean)}, median ${fmt(s.quantiles['q50'])}, 5%–95% ${fmt(s.quantiles['q05'])}…${fmt(s.quantiles['q95'])}`;
  lines.push(`Cosines between embeddings (${r.cosine.pairs} ${r.cosine.pairing} pairs)`);
  lines.push(`  raw:     ${q(r.cosine.raw)}`);
  lines.push(`  centred: ${q(r.cosine.centred)}`);
  lines.push(`statistics took ${r.seconds.statistics.toFixed(2)} s`);
  lines.push('');
  lines.push(...trainingLines(r));
  return lines.join('\n') + '\n';
}

/** The chart inputs of a diagnosis. */
export function diagnoseChartsInput(r: DiagnoseReport): DiagnoseChartsInput {
  const t = r.training;
  return {
    cosine: { raw: r.cosine.raw.histogram, centred: r.cosine.centred.histogram, pairs: r.cosine.pairs },
    factors: [
      ...r.conditions.map((c) => ({ id: c.id, factor: c.factor, frontier: c.frontier?.frontier ?? null })),
      ...r.departures.map((dep) => ({ id: dep.id, factor: dep.magnitude, frontier: dep.frontier?.frontier ?? null })),
    ],
    spectrum: { topEigenvalues: r.details.topEigenvalues, isotropicEdge: r.details.isotropicEdge },
    ...('skipped' in t
      ? {}
      : { margins: { tau1: t.flow.tau1, lowerSlope: t.flow.rLSlope, upperSlope: t.flow.rUSlope, trajectories: t.flow.trajectories } }),
  };
}

/**
 * Writes diagnose.json, report.txt, the SVG charts and index.html (charts inlined) into `dir`
 * atomically (a reader never sees a partial directory).
 * @param json the JSON text printed by --json (written as diagnose.json)
 */
export async function writeDiagnoseReport(dir: string, report: DiagnoseReport, json: string): Promise<void> {
  const charts = await diagnoseCharts(diagnoseChartsInput(report));
  writeDirAtomic(dir, (tmp) => {
    writeText(tmp, 'diagnose.json', json);
    writeText(tmp, 'report.txt', diagnoseText(report));
    for (const [name, svg] of charts) writeText(tmp, name, svg);
    writeText(tmp, 'index.html', diagnoseHtml(report, charts));
  });
}

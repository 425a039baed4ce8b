/**
 * Human output of `dpocheck diagnose`: the statistics (estimates with standard errors and noise
 * floors, the conditions with their factors and the explorer's frontiers, cosines) and, apart from
 * them, the training section. Also the inputs of the charts (diagnoseCharts.ts).
 */
import type { DiagnoseReport } from '../check/diagnose/diagnose.ts';
import type { DiagnoseChartsInput } from './diagnoseCharts.ts';
import { fmt, table } from './format.ts';

function pm(x: number, se: number | null | undefined): string {
  return se === null || se === undefined ? fmt(x) : `${fmt(x)} ± ${fmt(se)}`;
}

/** The text report (module comment). */
export function diagnoseText(r: DiagnoseReport): string {
  const e = r.estimates, se = r.standardErrors, f = r.noiseFloor, dt = r.details;
  const lines: string[] = [];
  lines.push(
    `${r.data}: N = ${r.N}, d = ${r.d}, K = ${r.K} concepts (from ${r.conceptSource === 'tokens' ? 'token sets' : `the '${r.conceptSource}' array`}), ` +
      `Q per cluster ${r.Q.min}/${fmt(r.Q.median)}/${r.Q.max} (min/median/max), Z = ${e.Z}`,
  );
  lines.push(`scale s = ${fmt(r.scale)} (mean ‖(μ₊ − μ₋)/2‖ over concepts, debiased); every estimate below is in units of s`);
  lines.push('');
  lines.push('Statistics (THEORY §3 model; debiased, ± bootstrap standard error)');
  lines.push(
    table(
      ['estimate', 'value', 'noise floor', 'reads as'],
      [
        ['l_b = ‖b‖/s', pm(e.lb, se.lb), fmt(f.lb), 'shared component (paper: 1/4..1/2)'],
        ['v = √(trace/d)/s', pm(e.v, se.v), '', 'isotropic noise level'],
        ['maxConceptCos', pm(e.maxConceptCos, se.maxConceptCos), fmt(f.conceptCos), 'largest |cos| between concept directions (paper: 0)'],
        ['maxBiasCos', pm(e.maxBiasCos, se.maxBiasCos), fmt(f.biasCos), 'largest |cos(b, c_k)| (paper: 0)'],
        ['symmetry', pm(e.symmetry, se.symmetry), fmt(f.symmetry), '‖(μ₊+μ₋)/2 − b‖/s, worst concept (paper: 0)'],
        ['anisotropy', pm(e.anisotropy, se.anisotropy), '', `top/mean noise eigenvalue, corrected (raw ${fmt(dt.anisotropyRaw)}, isotropic edge ${fmt(dt.isotropicEdge)})`],
        ['kurtosis ‖ε‖', pm(e.kurtosis, se.kurtosis), '', `Gaussian noise: ${fmt(dt.kurtosisGaussian)} (over ${fmt(dt.effectiveDimension)} effective directions)`],
        ['imbalance', fmt(e.imbalance), '', 'largest |C₊|/|C₋| over concepts (1 = balanced)'],
        ['d/(5Q)', fmt(e.dOver5Q), '', 'dimension against 5Q'],
      ],
    ),
  );
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
  const t = r.training;
  if ('skipped' in t) {
    lines.push(`Training: ${t.skipped}`);
  } else {
    lines.push(`Training (reported apart from the statistics; ${t.units})`);
    const fl = t.flow;
    lines.push(
      `  flow to τ₁ = ${fmt(fl.tau1)}: margins ${fmt(fl.marginsAtTau1.min)}…${fmt(fl.marginsAtTau1.max)} (mean ${fmt(fl.marginsAtTau1.mean)}); ` +
        `${fmt(100 * fl.inBand)}% stayed in Theorem 4.2's band r_L..r_U, ${fmt(100 * fl.inWindow)}% end in [ln3/40, ln3]`,
    );
    if (t.certificate.computed) {
      const c = t.certificate;
      lines.push(
        `  certificate (THEORY §5): ${c.holds ? 'holds' : 'does not hold'}; min λ·8K = ${fmt(c.lowerOverTheorem)}, max Λ·K/5 = ${fmt(c.upperOverTheorem)}; ` +
          `${fmt(100 * c.inCertificateBand)}% of margins inside their own band at τ₁${c.premise ? '' : ' (premise r ∈ [0, ln3] broken: band not guaranteed)'}`,
      );
    } else {
      lines.push(`  certificate (THEORY §5): ${t.certificate.reason}`);
    }
    const p = t.preset;
    if (p === null) lines.push("  authors' preset: not run (interrupted)");
    else {
      lines.push(
        `  authors' preset (Adam, lr ${fmt(p.lr)}, β = ${fmt(p.beta)}, ${p.steps} steps, raw features): accuracy ${fmt(p.accuracy)}, ` +
          `margins ${fmt(p.margins.min)}…${fmt(p.margins.max)} (mean ${fmt(p.margins.mean)}), ‖ΔW‖ = ${fmt(p.deltaWNorm)}`,
      );
    }
    const rows = [['flow at τ₁', fmt(fl.test.measured), fmt(fl.test.train), fmt(fl.test.predictedAlongDirection), fmt(fl.test.predictedIsotropic)]];
    if (p !== null) rows.push(['authors preset', fmt(p.test.measured), fmt(p.test.train), fmt(p.test.predictedAlongDirection), fmt(p.test.predictedIsotropic)]);
    lines.push(table(['test error', 'measured', 'train', 'Gaussian, Σ along ΔW', 'Gaussian, isotropic'], rows).replace(/^/gm, '  '));
    lines.push(
      `  Theorem 4.3: R <= ${fmt(t.theory.theorem43.bound)}${t.theory.theorem43.vacuous ? ' (vacuous)' : ''}; ` +
        `THEORY §9 first-order law: ${fmt(t.theory.section9)} (concepts per response pair: ${t.theory.sharingGroups.join(', ')})` +
        `${r.testN === 0 ? '; no test set: give test_* arrays or --split 0.1' : `; test set: ${r.testN} samples`}`,
    );
    lines.push(`training took ${t.seconds.toFixed(2)} s`);
  }
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

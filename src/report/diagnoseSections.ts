/**
 * Pieces of the diagnose report shown alike in the text (report.txt, the terminal) and the HTML
 * page: the estimates table's rows and the training section's lines.
 */
import type { DiagnoseReport } from '../check/diagnose/diagnose.ts';
import { fmt, table } from './format.ts';

/** A value with its bootstrap standard error. */
export function pm(x: number, se: number | null | undefined): string {
  return se === null || se === undefined ? fmt(x) : `${fmt(x)} ± ${fmt(se)}`;
}

/** Header of the estimates table (text and HTML). */
export const ESTIMATE_HEADER = ['estimate', 'value', 'noise floor', 'reads as'];

/** The estimates table's rows: value ± bootstrap SE, noise floor, meaning (text and HTML). */
export function estimateRows(r: DiagnoseReport): string[][] {
  const e = r.estimates, se = r.standardErrors, f = r.noiseFloor, dt = r.details;
  return [
    ['l_b = ‖b‖/s', pm(e.lb, se.lb), fmt(f.lb), 'shared component (paper: 1/4..1/2)'],
    ['v = √(trace/d)/s', pm(e.v, se.v), '', 'isotropic noise level'],
    ['maxConceptCos', pm(e.maxConceptCos, se.maxConceptCos), fmt(f.conceptCos), 'largest |cos| between concept directions (paper: 0)'],
    ['maxBiasCos', pm(e.maxBiasCos, se.maxBiasCos), fmt(f.biasCos), 'largest |cos(b, c_k)| (paper: 0)'],
    ['symmetry', pm(e.symmetry, se.symmetry), fmt(f.symmetry), '‖(μ₊+μ₋)/2 − b‖/s, worst concept (paper: 0)'],
    ['anisotropy', pm(e.anisotropy, se.anisotropy), '', `top/mean noise eigenvalue, corrected (raw ${fmt(dt.anisotropyRaw)}, isotropic edge ${fmt(dt.isotropicEdge)})`],
    ['kurtosis ‖ε‖', pm(e.kurtosis, se.kurtosis), '', `Gaussian noise: ${fmt(dt.kurtosisGaussian)} (over ${fmt(dt.effectiveDimension)} effective directions)`],
    ['imbalance', fmt(e.imbalance), '', 'largest |C₊|/|C₋| over concepts (1 = balanced)'],
    ['d/(5Q)', fmt(e.dOver5Q), '', 'dimension against 5Q'],
  ];
}

/** The training section, reported apart from the statistics (text; the HTML page shows the same lines). */
export function trainingLines(r: DiagnoseReport): string[] {
  const lines: string[] = [];
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
  return lines;
}

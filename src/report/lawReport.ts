/**
 * The report of a law run: `law.json` (the results, with schemaVersion), `law.md` (tables a
 * person reads: Q̂_min per regime beside THEORY §9 and Theorem 4.3, the fits, the cells) and
 * `charts/*.svg`, and `index.html` (the same, one self-contained page with the charts inlined).
 * Files are written atomically.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { LawResults } from '../check/law/results.ts';
import type { PaperTableFit } from '../check/law/paperTables.ts';
import { lawCharts } from './lawCharts.ts';
import { lawHtml } from './lawHtml.ts';
import { fmt, lnFmt, param } from './lawFormat.ts';

export { fmt };

/** The paper-tables comparison as a Markdown table. */
export function paperTablesMarkdown(fits: readonly PaperTableFit[]): string {
  const lines = [
    '| model | K | test error | THEORY §9 law Φ(−1/(v√K)): v | R² | adj. R² | AIC | line a + bK: slope | R² | adj. R² | AIC | lower AIC |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const f of fits) {
    lines.push(
      `| ${f.model} | ${f.K.join(', ')} | ${f.testError.join(', ')} | ${fmt(f.law.v)} [${fmt(f.law.vLow)}, ${fmt(f.law.vHigh)}] | ${fmt(f.law.r2)} | ${fmt(f.law.adjustedR2)} | ${fmt(f.law.aic)} | ${fmt(f.linear.slope)} | ${fmt(f.linear.r2)} | ${fmt(f.linear.adjustedR2)} | ${fmt(f.linear.aic)} | ${f.preferredByAic ?? '—'} |`,
    );
  }
  if (fits.length > 0) lines.push('', `Caveat: ${fits[0]!.caveat}.`);
  return lines.join('\n');
}

/** law.md: what was measured, in tables. */
export function lawMarkdown(r: LawResults): string {
  const s = r.settings;
  const training = s.training.optimizer === 'flow' ? `exact gradient flow to ${s.training.tEndUnit === 'tau1' ? `${s.training.tEnd}·τ_1` : `t = ${s.training.tEnd}`}` : 'Adam, authors\' last-layer preset (lr 1e-3, β = 0.01, 100 steps)';
  const out: string[] = [
    '# Measured scaling law (THEORY §9)',
    '',
    `Grid K ∈ {${s.Ks.join(', ')}} × Q ∈ {${s.Qs.join(', ')}}, tokens ${s.tokens.join(', ')}, noise ${s.noises.map((n) => (n.kind === 'relative' ? `v = m/(32√Q) with m = ${n.m}` : `v = ${n.v}`)).join(', ')}, d = ${s.d}, l_b = ${s.lb}, β = ${s.beta}, τ = ${s.tau}; ${s.datasets} training sets per cell; ${training}; seed ${s.seed}` +
      (s.departures.length > 0 ? `; departures ${s.departures.map((d) => `${d.id}=${d.magnitude}`).join(', ')}` : '') +
      '.',
    '',
    r.complete ? 'All cells measured.' : `**Incomplete**: ${r.pendingCells} cells not fully measured (resume the run to finish).`,
    '',
    `## Q̂_min(K) at η = ${s.eta}`,
    '',
    'Smallest grid Q whose 95% upper bound on the mean test error is ≤ η there and at every larger grid Q; it lies in (low, Q]. "none" = censored: the error at Q_max (the floor) is still above η.',
    '',
    '| tokens | noise | K | Q̂_min | interval | THEORY §9 | Theorem 4.3 Q_min | floor at Q_max |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const q of r.qmin) {
    const interval = q.status === 'found' ? (q.low === null ? `≤ ${q.high}` : `(${q.low}, ${q.high}]`) : q.status === 'none' ? `> ${q.low}` : 'incomplete';
    out.push(`| ${q.tokens} | ${q.noise} | ${q.K} | ${q.status === 'found' ? q.Q : q.status} | ${interval} | ${q.predicted === null ? 'none (floor)' : fmt(q.predicted)} | ${q.theorem43} | ${q.status === 'none' ? fmt(q.floor) : ''} |`);
  }
  const qfits = r.fits.filter((f) => f.target === 'qmin');
  if (qfits.length > 0) {
    out.push(
      '',
      '## Fits of Q̂_min(K)',
      '',
      'Weighted least squares on ln Q̂ (each point at its interval\'s geometric midpoint, σ = ln(high/low)/√12); a censored K (none up to Q_max) adds −2 ln Φ((ln f(K) − ln Q_max)/σ), the log-probability that the curve\'s Q̂_min lies above Q_max (Tobit); AIC = χ² + 2k (lower is better; a difference above ~2 matters); parameter intervals ±1.96 SE; R² over the found points.',
      '',
      '| tokens | noise | form | parameters | R² (ln Q) | AIC | AICc | censored K in the fit | censored K consistent |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const f of qfits) {
      out.push(`| ${f.tokens} | ${f.noise} | ${f.formula} | ${Object.entries(f.params).map(([k, p]) => `${k} = ${param(p)}`).join('; ')} | ${fmt(f.r2)} | ${fmt(f.aic)} | ${fmt(f.aicc)} | ${f.censoredInFit?.length ? f.censoredInFit.join(', ') : '—'} | ${f.censoredConsistent === null || f.censoredConsistent === undefined ? '—' : f.censoredConsistent ? 'yes' : 'no'} |`);
    }
  }
  const efits = r.fits.filter((f) => f.target === 'error-vs-K');
  if (efits.length > 0) {
    out.push('', '## Test error against K at fixed Q', '', '| tokens | noise | Q | form | parameters | R² | adj. R² | AIC | residuals |', '|---|---|---|---|---|---|---|---|---|');
    for (const f of efits) {
      out.push(`| ${f.tokens} | ${f.noise} | ${f.Q} | ${f.formula} | ${Object.entries(f.params).map(([k, p]) => `${k} = ${param(p)}`).join('; ')} | ${fmt(f.r2)} | ${fmt(f.adjustedR2)} | ${fmt(f.aic)} | ${f.residuals.map(fmt).join(', ')} |`);
    }
  }
  out.push(
    '',
    '## Cells',
    '',
    'Mean test error over training sets (exact per training set unless marked MC) with its 95% t interval, worst-concept error (mean over training sets), THEORY §9\'s first-order prediction, training margins (min over sets / mean).',
    '',
    '| tokens | noise | K | Q | v | sets | test error | 95% interval | worst concept | THEORY §9 | train margin min / mean | train error |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const c of r.cells) {
    out.push(
      `| ${c.tokens} | ${c.noise} | ${c.K} | ${c.Q} | ${fmt(c.v)} | ${c.datasets}${c.complete ? '' : `/${c.datasetsPlanned}`} | ${lnFmt(c.testError, c.lnTestError)}${c.exact ? '' : ' (MC)'} | [${fmt(c.testErrorLow)}, ${fmt(c.testErrorHigh)}] | ${c.worstConceptError === null ? '— (MC)' : lnFmt(c.worstConceptError, c.lnWorstConceptError)} | ${lnFmt(c.predicted, c.lnPredicted)} | ${fmt(c.trainMarginMin)} / ${fmt(c.trainMarginMean)} | ${fmt(c.trainError)} |`,
    );
  }
  if (r.paperTables !== undefined) out.push('', '## The paper\'s tables (THEORY §7)', '', paperTablesMarkdown(r.paperTables));
  return out.join('\n') + '\n';
}

/** Writes law.json, law.md, charts/ and index.html into `dir`; returns the chart file names. */
export async function writeLawReport(dir: string, results: LawResults, opts: { charts: boolean }): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic.sync(join(dir, 'law.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileAtomic.sync(join(dir, 'law.md'), lawMarkdown(results));
  const charts = opts.charts ? await lawCharts(results) : {};
  if (opts.charts) {
    mkdirSync(join(dir, 'charts'), { recursive: true });
    for (const [name, svg] of Object.entries(charts)) writeFileAtomic.sync(join(dir, 'charts', name), svg);
  }
  writeFileAtomic.sync(join(dir, 'index.html'), lawHtml(results, charts));
  return Object.keys(charts);
}

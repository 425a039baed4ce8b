/**
 * index.html of a law run directory (the same self-contained page shell as the verify and
 * explore reports, html/page.ts): the regimes, the cells with their mean test error, interval,
 * worst concept and THEORY §9's prediction, Q̂_min per regime and K with its status, the fits
 * with their AIC, the paper's tables when they were fitted, and the law charts inlined.
 */
import type { LawResults } from '../check/law/results.ts';
import { badge, el, facts, svgFigure, table, type Content } from './html/elements.ts';
import { htmlPage, type HtmlSection } from './html/page.ts';
import { fmt, lnFmt, param } from './lawFormat.ts';

/** Badge word per Q̂_min status (the page's colours: found = held green, censored = violated red). */
const QMIN_BADGE: Readonly<Record<string, string>> = { found: 'held', none: 'violated', incomplete: 'inconclusive' };

/** Row id of a cell (`data-row` of the cells table; tests and readers find a cell by it). */
export function lawCellRowId(c: { tokens: string; noise: string; K: number; Q: number }): string {
  return `${c.tokens}/${c.noise}/${c.K}/${c.Q}`;
}

/**
 * The page of one law run. `charts` maps chart file names under `charts/` to SVG text.
 * @example writeFileAtomic.sync(join(dir, 'index.html'), lawHtml(results, charts))
 */
export function lawHtml(r: LawResults, charts: Readonly<Record<string, string>>): string {
  const s = r.settings;
  const training = s.training.optimizer === 'flow' ? `exact gradient flow to ${s.training.tEndUnit === 'tau1' ? `${s.training.tEnd}·τ_1` : `t = ${s.training.tEnd}`}` : "Adam, authors' last-layer preset";
  const regimes = [...new Map(r.qmin.map((q) => [`${q.tokens}|${q.noise}`, [q.tokens, q.noise] as const])).values()];
  const sections: HtmlSection[] = [
    {
      id: 'regimes',
      title: 'Regimes',
      body: [
        facts([
          ['grid', `K ∈ {${s.Ks.join(', ')}} × Q ∈ {${s.Qs.join(', ')}}`],
          ['training sets per cell', s.datasets],
          ['d, l_b, β, τ', `${s.d}, ${s.lb}, ${s.beta}, ${s.tau}`],
          ['training', training],
          ['η (target error)', s.eta],
          ['departures', s.departures.length === 0 ? 'none (the paper\'s model)' : s.departures.map((d) => `${d.id}=${d.magnitude}`).join(', ')],
          ['state', r.complete ? el('span', [badge('held'), ' all cells measured']) : el('span', [badge('inconclusive'), ` incomplete: ${r.pendingCells} cells not fully measured (resume the run to finish)`])],
        ]),
        table(['tokens', 'noise'], regimes.map(([t, n]) => [t, n]), { id: 'regimes-table' }),
      ],
    },
    {
      id: 'qmin',
      title: `Q̂_min(K) at η = ${s.eta}`,
      body: [
        el('p', 'Smallest grid Q whose 95% upper bound on the mean test error is ≤ η there and at every larger grid Q; it lies in (low, Q]. "none" = censored: the error at Q_max (the floor) is still above η.'),
        table(
          ['tokens', 'noise', 'K', 'Q̂_min', 'status', 'interval', 'THEORY §9', 'Theorem 4.3 Q_min', 'floor at Q_max'],
          r.qmin.map((q) => [
            q.tokens,
            q.noise,
            q.K,
            q.Q,
            el('span', [badge(QMIN_BADGE[q.status] ?? q.status), ` ${q.status}`]),
            q.status === 'found' ? (q.low === null ? `≤ ${q.high}` : `(${q.low}, ${q.high}]`) : q.status === 'none' ? `> ${q.low}` : 'incomplete',
            q.predicted === null ? 'none (floor)' : fmt(q.predicted),
            q.theorem43,
            q.status === 'none' ? fmt(q.floor) : '',
          ]),
          { id: 'qmin-table', rowIds: r.qmin.map((q) => `${q.tokens}/${q.noise}/${q.K}`) },
        ),
      ],
    },
    {
      id: 'fits',
      title: 'Fits',
      body:
        r.fits.length === 0
          ? el('p', 'No fits (too few Q̂_min found, or too few complete K rows).')
          : [
              el('p', 'Q̂_min fits: weighted least squares on ln Q̂; a K with none found up to Q_max adds its Tobit term, the log-probability that the curve\'s Q̂_min lies above Q_max. Error fits: the test error against K at a fixed Q. AIC = χ² + 2k (lower is better; a difference above ~2 matters); parameter intervals ±1.96 SE.'),
              table(
                ['tokens', 'noise', 'target', 'Q', 'form', 'parameters', 'R²', 'adj. R²', 'AIC', 'AICc'],
                r.fits.map((f) => [
                  f.tokens,
                  f.noise,
                  f.target,
                  f.Q ?? null,
                  f.formula,
                  Object.entries(f.params).map(([k, p]) => `${k} = ${param(p)}`).join('; '),
                  fmt(f.r2),
                  fmt(f.adjustedR2),
                  fmt(f.aic),
                  fmt(f.aicc),
                ]),
                { id: 'fits-table' },
              ),
            ],
    },
    {
      id: 'cells',
      title: 'Cells',
      body: [
        el('p', "Mean test error over training sets (exact per training set unless marked MC) with its 95% t interval, worst-concept error (mean over training sets), THEORY §9's first-order prediction, training margins."),
        table(
          ['tokens', 'noise', 'K', 'Q', 'v', 'sets', 'test error', '95% interval', 'worst concept', 'THEORY §9', 'train margin min / mean', 'train error'],
          r.cells.map((c): Content[] => [
            c.tokens,
            c.noise,
            c.K,
            c.Q,
            fmt(c.v),
            `${c.datasets}${c.complete ? '' : `/${c.datasetsPlanned}`}`,
            `${lnFmt(c.testError, c.lnTestError)}${c.exact ? '' : ' (MC)'}`,
            `[${fmt(c.testErrorLow)}, ${fmt(c.testErrorHigh)}]`,
            c.worstConceptError === null ? '— (MC)' : lnFmt(c.worstConceptError, c.lnWorstConceptError),
            lnFmt(c.predicted, c.lnPredicted),
            `${fmt(c.trainMarginMin)} / ${fmt(c.trainMarginMean)}`,
            fmt(c.trainError),
          ]),
          { id: 'cells-table', rowIds: r.cells.map(lawCellRowId) },
        ),
      ],
    },
  ];
  if (r.paperTables !== undefined) {
    const pt = r.paperTables;
    sections.push({
      id: 'paper-tables',
      title: "The paper's tables (THEORY §7)",
      body: [
        table(
          ['model', 'K', 'test error', 'law Φ(−1/(v√K)): v', 'R²', 'AIC', 'line a + bK: slope', 'R²', 'AIC', 'lower AIC'],
          pt.map((f) => [
            f.model,
            f.K.join(', '),
            f.testError.join(', '),
            `${fmt(f.law.v)} [${fmt(f.law.vLow)}, ${fmt(f.law.vHigh)}]`,
            fmt(f.law.r2),
            fmt(f.law.aic),
            fmt(f.linear.slope),
            fmt(f.linear.r2),
            fmt(f.linear.aic),
            f.preferredByAic ?? null,
          ]),
          { id: 'paper-tables-table' },
        ),
        pt.length > 0 ? el('p', `Caveat: ${pt[0]!.caveat}.`) : null,
      ].filter((x) => x !== null),
    });
  }
  sections.push({
    id: 'charts',
    title: 'Charts',
    body: Object.keys(charts).length === 0 ? el('p', 'No charts (--no-charts, or too few cells measured).') : Object.keys(charts).map((n) => svgFigure(charts[n]!, n.replace(/\.svg$/, ''), `charts/${n}`)),
  });
  return htmlPage({
    title: 'dpocheck law: measured scaling law (THEORY §9)',
    subtitle: `seed ${s.seed} · ${regimes.length} regimes · ${r.cells.length} cells measured${r.complete ? '' : ' (incomplete)'}`,
    sections,
  });
}

/**
 * index.html of `dpocheck diagnose --out DIR` (the same self-contained page shell as the other
 * reports, html/page.ts): the estimates with their standard errors and noise floors, the
 * conditions with their factors and the explorer's frontier sentence, the cosines, the training
 * section (reported apart from the statistics, as in the text) and the charts inlined.
 */
import type { DiagnoseReport } from '../check/diagnose/diagnose.ts';
import { ESTIMATE_HEADER, estimateRows, trainingLines } from './diagnoseSections.ts';
import { fmt } from './format.ts';
import { badge, el, facts, svgFigure, table } from './html/elements.ts';
import { htmlPage, type HtmlSection } from './html/page.ts';

/**
 * The page of one diagnosis. `charts` maps chart file names (beside index.html) to SVG text.
 * @example writeText(dir, 'index.html', diagnoseHtml(report, charts))
 */
export function diagnoseHtml(r: DiagnoseReport, charts: ReadonlyMap<string, string>): string {
  const q = (s: DiagnoseReport['cosine']['raw']) => [fmt(s.mean), fmt(s.quantiles['q50']), fmt(s.quantiles['q05']), fmt(s.quantiles['q95'])];
  const sections: HtmlSection[] = [
    {
      id: 'data',
      title: 'Data',
      body: facts([
        ['file', r.data],
        ['samples', `N = ${r.N}${r.testN > 0 ? ` (+ ${r.testN} test)` : ''}, d = ${r.d}`],
        ['concepts', `K = ${r.K} (from ${r.conceptSource === 'tokens' ? 'token sets' : `the '${r.conceptSource}' array`})`],
        ['Q per cluster (min / median / max)', `${r.Q.min} / ${fmt(r.Q.median)} / ${r.Q.max}`],
        ['scale s', `${fmt(r.scale)} (mean ‖(μ₊ − μ₋)/2‖ over concepts, debiased); estimates are in units of s`],
        ['seed', r.seed],
        ['state', r.interrupted ? el('span', [badge('interrupted'), ' Ctrl-C: the statistics and the training stages that finished are kept']) : 'complete'],
      ]),
    },
    {
      id: 'estimates',
      title: 'Statistics (THEORY §3 model)',
      body: [
        el('p', `Debiased estimates ± bootstrap standard error; standard errors: ${r.standardErrorMethod}.`),
        table(ESTIMATE_HEADER, estimateRows(r), { id: 'estimates-table', rowIds: estimateRows(r).map((row) => row[0]!) }),
      ],
    },
    {
      id: 'conditions',
      title: 'Conditions',
      body: [
        el('p', 'factor = measured/edge, > 1 = broken by that factor (bounds reports slack = 1/factor); the frontier is where the explorer found the claims\' conclusions to fail.'),
        table(
          ['id', 'condition', 'measured', 'edge', 'factor', 'holds', 'explorer frontier', 'note'],
          r.conditions.map((c) => [c.id, c.statement, fmt(c.measured), fmt(c.edge), fmt(c.factor), badge(c.holds ? 'yes' : 'no'), c.frontier?.text ?? null, c.note]),
          { id: 'conditions-table', rowIds: r.conditions.map((c) => c.id) },
        ),
        r.departures.length === 0
          ? null
          : table(
              ['departure (beyond the paper)', 'magnitude', 'meaning', 'explorer frontier'],
              r.departures.map((d) => [d.id, fmt(d.magnitude), d.meaning, d.frontier?.text ?? null]),
              { id: 'departures-table', rowIds: r.departures.map((d) => d.id) },
            ),
      ].filter((x) => x !== null),
    },
    {
      id: 'cosines',
      title: 'Cosines between embeddings',
      body: table(['', 'mean', 'median', '5%', '95%'], [['raw', ...q(r.cosine.raw)], ['centred', ...q(r.cosine.centred)]], { id: 'cosines-table' }),
    },
    {
      id: 'training',
      title: 'Training (apart from the statistics)',
      body: el('pre', trainingLines(r).join('\n')),
    },
    {
      id: 'charts',
      title: 'Charts',
      body: charts.size === 0 ? el('p', 'No charts.') : [...charts.keys()].map((n) => svgFigure(charts.get(n)!, n.replace(/\.svg$/, ''), n)),
    },
  ];
  return htmlPage({ title: 'dpocheck diagnose: features against THEORY §3', subtitle: `${r.data} · seed ${r.seed}`, sections });
}

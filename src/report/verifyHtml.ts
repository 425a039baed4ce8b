/**
 * index.html of a verify report: the verdict table with badges, the charts drawn from the run's
 * own trials, every claim's detail (reason, counted and vacuous runs, upper confidence bound,
 * slack distribution, generator coverage, sizes drawn) and the counterexamples with their replay
 * commands. Self-contained (see html/page.ts): it can be mailed or archived as one file.
 */
import type { VerifyRun } from '../check/verify.ts';
import type { ClaimResult } from '../check/runner.ts';
import { badge, code, el, facts, join, raw, svgFigure, table, type Content, type Html } from './html/elements.ts';
import { htmlPage, type HtmlSection } from './html/page.ts';

/** Captions of the charts verifyCharts draws (file name → what it shows). */
export const CHART_CAPTIONS: Readonly<Record<string, string>> = {
  'margin-band.svg': 'Theorem 4.2: training margins of the run’s worst trial inside the band [r_L, r_U]',
  'generalization.svg': 'Theorem 4.3: measured test error of the run’s trials (95% CI) against 2KQ²e^{−Q/45}',
  'qmin.svg': 'Q_min(K) for η = 0.05 and the smallest Q whose measured error was below η',
  'slack.svg': 'Slack of every non-vacuous trial, per claim (> 0 inside the bound, < 0 violated; symmetric log scale)',
};

function num(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? Number(x.toPrecision(digits)).toString() : x.toExponential(digits - 1);
}

/** Quantiles (min, 5%, median, 95%, max) of the finite slacks of a claim's non-vacuous trials. */
export function slackQuantiles(r: ClaimResult): { n: number; min: number; p05: number; median: number; p95: number; max: number } | null {
  const xs = r.trials
    .filter((t) => t.vacuous !== true)
    .map((t) => t.slack)
    .filter((x): x is number => x !== undefined && Number.isFinite(x))
    .sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const q = (p: number) => xs[Math.min(xs.length - 1, Math.max(0, Math.round(p * (xs.length - 1))))]!;
  return { n: xs.length, min: xs[0]!, p05: q(0.05), median: q(0.5), p95: q(0.95), max: xs[xs.length - 1]! };
}

const anchor = (id: string) => `claim-${id}`;

function verdictSection(run: VerifyRun): HtmlSection {
  const counts = new Map<string, number>();
  for (const r of run.results) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  const tally = join([...counts].map(([v, n]) => join([badge(v), ` ${n}`])), ' · ');
  const rows = run.results.map((r): Content[] => [
    el('a', r.id, { href: `#${anchor(r.id)}` }),
    badge(r.verdict),
    `${r.effectiveRuns}/${r.runs}`,
    r.vacuousRuns,
    num(r.worstSlack, 3),
    r.upperConfidence === null ? null : num(r.upperConfidence, 3),
    r.reason,
  ]);
  return {
    id: 'verdicts',
    title: 'Verdicts',
    body: [
      el('p', tally),
      table(['claim', 'verdict', 'counted/runs', 'vacuous', 'worst slack', '95% upper P(violation)', 'reason'], rows, {
        id: 'verdict-table',
        rowIds: run.results.map((r) => r.id),
      }),
      el('p', 'held: no violation in the counted (non-vacuous) runs, with the 95% upper confidence bound on the violation probability; violated: a counterexample beyond numerical tolerance (shrunk, replayable); vacuous: the statement says nothing for the configurations drawn; inconclusive: budget, statistics or coverage insufficient; measured: no bound exists, numbers reported.'),
    ],
  };
}

function chartSection(charts: Readonly<Record<string, string>>): HtmlSection {
  const names = Object.keys(charts);
  return {
    id: 'charts',
    title: 'Charts',
    body: names.length === 0 ? el('p', 'No charts (--no-charts).') : names.map((n) => svgFigure(charts[n]!, CHART_CAPTIONS[n] ?? n, `charts/${n}`)),
  };
}

function claimDetail(r: ClaimResult, cxFile: string | undefined): Html {
  const s = slackQuantiles(r);
  const spread = Object.entries(r.spread).map(([k, v]) => `${k} ${num(v.min)} / ${num(v.median)} / ${num(v.max)}`);
  const pairs: Array<readonly [string, Content]> = [
    ['statement', r.title],
    ['source', r.section],
    ['edition', r.edition],
    ['expectation', r.expectation],
    ['verdict', badge(r.verdict)],
    ['reason', r.reason],
    ['runs', `${r.runs} judged: ${r.effectiveRuns} counted, ${r.vacuousRuns} vacuous, ${r.inconclusiveRuns} inconclusive, ${r.withinToleranceRuns} within numerical tolerance`],
    ['95% upper P(violation)', r.upperConfidence === null ? null : num(r.upperConfidence, 3)],
    ['worst slack', num(r.worstSlack, 3)],
    ['slack distribution', s === null ? 'no non-vacuous trial with a slack' : `min ${num(s.min, 3)} · 5% ${num(s.p05, 3)} · median ${num(s.median, 3)} · 95% ${num(s.p95, 3)} · max ${num(s.max, 3)} (${s.n} trials)`],
    ['observed', r.observed === null ? null : `min ${num(r.observed.min)} · mean ${num(r.observed.mean)} · max ${num(r.observed.max)}`],
    ['sizes drawn (min / median / max)', spread.length === 0 ? null : spread.join('; ')],
    ['seed', r.seed],
    ['interrupted', r.interrupted ? badge('interrupted') : 'no'],
    ['duration', `${(r.durationMs / 1000).toFixed(2)} s`],
  ];
  if (cxFile !== undefined) pairs.push(['counterexample', el('a', 'below', { href: `#cx-${r.id}` })]);
  const coverage =
    r.coverage.length === 0
      ? raw('')
      : table(
          ['coverage label', 'count', 'fraction', 'required', 'ok'],
          r.coverage.map((c) => [c.label, c.count, num(c.fraction, 3), c.required === null ? null : num(c.required, 3), badge(c.ok ? 'yes' : 'no')]),
        );
  return el('article', [el('h3', [r.id, ' ', badge(r.verdict)]), facts(pairs), coverage], { id: anchor(r.id), class: 'claim' });
}

function counterexampleSection(run: VerifyRun, files: Readonly<Record<string, string>>): HtmlSection {
  const cxs = run.results.filter((r) => r.counterexample !== null);
  if (cxs.length === 0) return { id: 'counterexamples', title: 'Counterexamples', body: el('p', 'None: no claim was violated.') };
  return {
    id: 'counterexamples',
    title: 'Counterexamples',
    body: cxs.map((r) => {
      const cx = r.counterexample!;
      const t = cx.trial;
      const file = files[r.id];
      return el('article', [
        el('h3', [r.id, ' ', badge(r.verdict)]),
        facts([
          ['observed vs bound', `${num(t.observed ?? null)} vs ${num(t.bound ?? null)} (slack ${num(t.slack ?? null, 3)})`],
          ['shrinks', cx.shrinks],
          ['input', code(JSON.stringify(cx.input))],
          ['replay', file === undefined ? null : code(`npx dpocheck replay ${file}`)],
        ]),
      ], { id: `cx-${r.id}` });
    }),
  };
}

/**
 * The page of one verify run. `charts` maps chart file names (under `charts/`) to SVG text;
 * `counterexampleFiles` maps a claim id to the file its replay command names.
 */
export function verifyHtml(run: VerifyRun, packageVersion: string, charts: Readonly<Record<string, string>>, counterexampleFiles: Readonly<Record<string, string>> = {}): string {
  const repeat = `npx dpocheck verify --seed ${run.seed}${run.runsPerClaim !== null ? ` --runs ${run.runsPerClaim}` : ''} --edition ${run.edition}${run.scale === 'small' ? ' --scale small' : ''}`;
  return htmlPage({
    title: 'dpocheck verification report',
    subtitle: join([
      `dpocheck ${packageVersion} · seed ${run.seed} · edition ${run.edition} · scale ${run.scale} · ${run.results.length} claims · started ${run.startedAt} · ${(run.durationMs / 1000).toFixed(1)} s`,
      run.failed ? join([' · ', badge('violated')]) : '',
      raw('<br>repeat exactly: '),
      code(repeat),
    ]),
    sections: [
      verdictSection(run),
      chartSection(charts),
      { id: 'claims', title: 'Claims', body: run.results.map((r) => claimDetail(r, counterexampleFiles[r.id])) },
      counterexampleSection(run, counterexampleFiles),
      {
        id: 'files',
        title: 'Files',
        body: el('ul', [
          el('li', [el('a', 'summary.md', { href: 'summary.md' }), ': the same verdicts as Markdown']),
          el('li', [el('a', 'results.json', { href: 'results.json' }), ': every number of this page (schema: dpocheck/schemas/results.schema.json)']),
          el('li', [el('a', 'trials.jsonl', { href: 'trials.jsonl' }), ": one line per trial (pandas.read_json('trials.jsonl', lines=True))"]),
        ]),
      },
    ],
  });
}

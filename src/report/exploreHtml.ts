/**
 * index.html of an explore run directory (the same self-contained page shell as the verify
 * report, html/page.ts): the findings table with status badges, the frontier charts and phase
 * diagrams inlined, the phase diagrams' cells and the targeted search's shrunk failures with
 * their replay commands.
 */
import type { Findings } from '../check/explore/index.ts';
import { departureAxis } from '../data/breaking.ts';
import { badge, code, el, svgFigure, table, type Content } from './html/elements.ts';
import { htmlPage, type HtmlSection } from './html/page.ts';
import { frontierText } from './exploreReport.ts';

/** Badge word per frontier status (the page's colours: found = violated red, never fails = held green). */
const STATUS_BADGE: Readonly<Record<string, string>> = {
  found: 'violated',
  'always-fails': 'violated',
  'never-fails': 'held',
  undecided: 'inconclusive',
  'not-run': 'vacuous',
};

function statusBadge(status: string): Content {
  return el('span', [badge(STATUS_BADGE[status] ?? status), ` ${status}`]);
}

/**
 * The page of one explore run. `charts` maps chart file names under `charts/` to SVG text.
 * @example writeText(dir, 'index.html', exploreHtml(findings, charts))
 */
export function exploreHtml(findings: Findings, charts: Readonly<Record<string, string>>): string {
  const s = findings.settings;
  const sections: HtmlSection[] = [
    {
      id: 'frontiers',
      title: 'Frontiers',
      body: [
        el('p', `Frontier = smallest magnitude m at which a claim's conclusion fails with probability >= ${s.p}, with a ${Math.round(100 * s.level)}% interval; m = 1 is the paper's edge.`),
        findings.complete ? null : el('p', [badge('inconclusive'), ` incomplete: ${findings.pending.length} work items not finished (resume the run to complete them)`]),
        table(
          ['condition', 'departure', 'claim', `frontier m (p = ${s.p})`, 'status', 'runs', 'as intended'],
          findings.frontiers.map((r) => [
            r.condition ?? `(${departureAxis(r.departure).kind})`,
            r.departure,
            r.claim,
            frontierText(r),
            statusBadge(r.status),
            r.runs,
            r.coverage.exactShare === null ? null : `${(100 * r.coverage.exactShare).toFixed(0)}%`,
          ]),
          { id: 'findings-table', rowIds: findings.frontiers.map((r) => `${r.departure}/${r.claim}`) },
        ),
      ].filter((x) => x !== null),
    },
    {
      id: 'charts',
      title: 'Charts',
      body: Object.keys(charts).length === 0 ? el('p', 'No charts (--no-charts, or nothing measured yet).') : Object.keys(charts).map((n) => svgFigure(charts[n]!, n.replace(/\.svg$/, ''), `charts/${n}`)),
    },
  ];
  for (const d of findings.diagrams) {
    const xs = [...new Set(d.cells.map((c) => c.x))];
    const ys = [...new Set(d.cells.map((c) => c.y))];
    const cell = (x: number, y: number): Content => {
      const c = d.cells.find((k) => k.x === x && k.y === y);
      return c === undefined || c.runs === 0 ? null : `${c.failures}/${c.runs}`;
    };
    sections.push({
      id: `diagram-${d.id}`,
      title: `Phase diagram ${d.id} (${d.claim})`,
      body: [el('p', `${d.title}.`), table([`${d.yLabel} \\ ${d.xLabel}`, ...xs.map(String)], ys.map((y) => [String(y), ...xs.map((x) => cell(x, y))]))],
    });
  }
  const found = findings.targets.filter((t) => t.result?.failure);
  sections.push({
    id: 'targets',
    title: 'Targeted search',
    body:
      found.length === 0
        ? el('p', `No conclusion failure found in ${findings.targets.length} searches.`)
        : table(
            ['departure', 'claim', 'shrunk to (K, Q, d)', 'slack', 'breaks', 'replay'],
            found.map((t) => {
              const f = t.result!.failure!;
              const input = f.input as { K: number; Q: number; d: number };
              return [t.departure, t.claim, `${input.K}, ${input.Q}, ${input.d}`, f.slack, f.broken.join(', '), code(`npx dpocheck replay ${f.file}`)];
            }),
          ),
  });
  return htmlPage({
    title: 'dpocheck explore: findings',
    subtitle: `seed ${s.seed} · scale ${s.scale} · edition ${s.edition} · p = ${s.p}`,
    sections,
  });
}

/**
 * The regime explorer's report: the findings table (condition,
 * claim, frontier m with its confidence interval, status, runs, coverage), findings.json, and
 * the charts (one frontier chart per (departure, claim), one heatmap per phase diagram), written
 * into an explore run directory next to its state.json. Every file is written atomically.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Findings, FrontierFinding } from '../check/explore/index.ts';
import { departureAxis } from '../data/breaking.ts';
import { indifferenceZone } from '../check/frontier.ts';
import { frontierChart, heatmapChart } from './charts.ts';
import { fmt, formatNumber, markdownTable, table } from './format.ts';
import { SCHEMA_VERSION } from './schemaVersion.ts';
import { exploreHtml } from './exploreHtml.ts';

/** The indifference zone of a run's settings. */
function zoneOf(s: Findings['settings']): readonly [number, number] {
  return indifferenceZone(s.p, s.indifference);
}

/** Three significant digits: enough to read a frontier off a table whose CI is wider than that. */
function num(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  return formatNumber(x, { digits: 3, integersBelow: Number.POSITIVE_INFINITY });
}

/** The frontier cell of a row: "m [lo, hi]", "> hi", "<= lo" or a status. */
export function frontierText(row: FrontierFinding): string {
  switch (row.status) {
    case 'found':
      return `${num(row.frontier)} [${num(row.ci?.[0])}, ${num(row.ci?.[1])}]`;
    case 'always-fails':
      return `<= ${num(row.range[0])}`;
    case 'never-fails':
      return `> ${num(row.range[1])}`;
    case 'undecided':
      return row.ci === null ? '?' : `? in [${num(row.ci[0])}, ${num(row.ci[1])}]`;
    case 'non-monotone':
      return `not monotone: ${monotonicityText(row)}`;
    case 'not-run':
      return 'not run';
  }
}

/**
 * The strongest contradiction of a non-monotone row, e.g. "m = 48 fails 0.02 [0, 0.06] < m = 24 fails 0.4 [0.2, 0.6]":
 * a higher magnitude failing less often than a lower one beyond sampling error.
 */
export function monotonicityText(row: FrontierFinding): string {
  const c = row.contradictions[0];
  if (c === undefined) return '?';
  const side = (x: { m: number; rate: number; ci: readonly [number, number] }): string => `m = ${num(x.m)} fails ${num(x.rate)} [${num(x.ci[0])}, ${num(x.ci[1])}]`;
  return `${side(c.higher)} < ${side(c.lower)}${row.contradictions.length > 1 ? ` (+${row.contradictions.length - 1} more)` : ''}`;
}

function rows(findings: Findings): string[][] {
  return findings.frontiers.map((r) => [
    r.condition ?? `(${departureAxis(r.departure).kind})`,
    r.departure,
    r.claim,
    frontierText(r),
    r.status,
    String(r.runs),
    r.coverage.exactShare === null ? '—' : `${(100 * r.coverage.exactShare).toFixed(0)}%`,
  ]);
}

const HEADER = ['condition', 'departure', 'claim', `frontier m (p = ${'{p}'})`, 'status', 'runs', 'as intended'];

function header(findings: Findings): string[] {
  return HEADER.map((h) => h.replace('{p}', String(findings.settings.p)));
}

/** The findings table as aligned text (the CLI's output). */
export function findingsTable(findings: Findings): string {
  return table(header(findings), rows(findings));
}

/** findings.md: the table, the diagrams' cells, the targeted-search results. */
export function findingsMarkdown(findings: Findings): string {
  const s = findings.settings;
  const out: string[] = [
    '# dpocheck explore: findings',
    '',
    `Seed ${s.seed}, scale ${s.scale}, edition ${s.edition}; frontier = smallest magnitude m at which a claim's conclusion fails ` +
      `with probability >= ${s.p}, with a ${Math.round(100 * s.level)}% interval that meets the magnitudes where the failure rate crosses ` +
      `the indifference zone (${num(zoneOf(s)[0])}, ${num(zoneOf(s)[1])}) around p (THEORY §3; method in src/check/frontier.ts). m = 1 is the paper's edge (paper conditions) ` +
      `or the departure's neutral value is the range's start (beyond the paper). "as intended" = share of generated ` +
      'configurations that break exactly what the generator claims (measured by describeBreak).',
    findings.complete ? '' : `\n**Incomplete**: ${findings.pending.length} work items not finished (resume the run to complete them).`,
    '',
    markdownTable(header(findings), rows(findings)),
    '',
  ];
  const nonMonotone = findings.frontiers.filter((r) => r.contradictions.length > 0);
  if (nonMonotone.length > 0) {
    out.push(
      '## Not monotone',
      '',
      'A frontier assumes that the failure rate rises with the magnitude. Here a higher magnitude fails less often than a ' +
        'lower one beyond sampling error (their confidence sequences do not overlap), so no single frontier is reported:',
      '',
      markdownTable(['departure', 'claim', 'contradiction', 'first crossing'], nonMonotone.map((r) => [r.departure, r.claim, monotonicityText(r), r.firstCrossing === null ? '—' : `[${num(r.firstCrossing[0])}, ${num(r.firstCrossing[1])}]`])),
      '',
    );
  }
  const errors = findings.frontiers.reduce((a, r) => a + r.errors, 0) + findings.diagrams.reduce((a, d) => a + d.cells.reduce((b, c) => b + c.errors, 0), 0);
  if (errors > 0) {
    out.push(`**Errors**: the claim threw on ${errors} configurations; each is counted as a failure and saved under \`errors/\` (replay with \`dpocheck replay <file>\`).`, '');
  }
  const searchErrors = findings.targets.filter((t) => (t.result?.errors ?? 0) > 0);
  if (searchErrors.length > 0) {
    out.push(
      `**Errors in targeted search**: ${searchErrors.map((t) => `${t.departure}/${t.claim}: ${t.result!.errors} evaluations threw (first: ${t.result!.firstError ?? '?'})`).join('; ')}.`,
      '',
    );
  }
  for (const d of findings.diagrams) {
    out.push(`## Phase diagram ${d.id} (${d.claim})`, '', d.title + '.', '');
    const xs = [...new Set(d.cells.map((c) => c.x))];
    const ys = [...new Set(d.cells.map((c) => c.y))];
    const cell = (x: number, y: number): string => {
      const c = d.cells.find((k) => k.x === x && k.y === y);
      return c === undefined || c.runs === 0 ? '—' : `${c.failures}/${c.runs}`;
    };
    out.push(markdownTable([`${d.yLabel} \\ ${d.xLabel}`, ...xs.map(String)], ys.map((y) => [String(y), ...xs.map((x) => cell(x, y))])), '');
  }
  const found = findings.targets.filter((t) => t.result?.failure);
  if (findings.targets.length > 0) {
    out.push('## Targeted search', '');
    out.push(
      found.length === 0
        ? `No conclusion failure found in ${findings.targets.length} searches.`
        : markdownTable(
            ['departure', 'claim', 'shrunk to (K, Q, d)', 'from', 'slack', 'breaks', 'replay'],
            found.map((t) => {
              const f = t.result!.failure!;
              const input = f.input as { K: number; Q: number; d: number };
              return [t.departure, t.claim, `${input.K}, ${input.Q}, ${input.d}`, `${f.original.K}, ${f.original.Q}, ${f.original.d}`, fmt(f.slack), f.broken.join(', '), `\`dpocheck replay ${f.file}\``];
            }),
          ),
      '',
    );
  }
  return out.join('\n');
}

function writeFile(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileAtomic.sync(file, text);
  return file;
}

/**
 * Writes findings.json, findings.md, index.html and (unless `charts: false`) the SVG charts into `dir`.
 * Returns the files written.
 */
export async function writeExploreReport(dir: string, findings: Findings, options: { charts?: boolean } = {}): Promise<string[]> {
  const files = [writeFile(dir, 'findings.json', JSON.stringify(findings, null, 2) + '\n'), writeFile(dir, 'findings.md', findingsMarkdown(findings))];
  const charts: Record<string, string> = {};
  if (options.charts !== false) await exploreCharts(findings, charts);
  for (const [name, svg] of Object.entries(charts)) files.push(writeFile(dir, `charts/${name}`, svg));
  files.push(writeFile(dir, 'index.html', exploreHtml(findings, charts)));
  return files;
}

/** Renders the frontier charts and phase diagrams into `charts` (file name → SVG). */
async function exploreCharts(findings: Findings, charts: Record<string, string>): Promise<void> {
  for (const r of findings.frontiers) {
    if (r.probes.length === 0) continue;
    const svg = await frontierChart({
      probes: r.probes.map((p) => ({ m: p.m, rate: p.rate, runs: p.runs, ci: p.ci })),
      p: findings.settings.p,
      frontier: r.frontier,
      ci: r.ci,
      xLabel: `${r.departure} magnitude m`,
      title: `${r.claim} under ${r.departure}`,
    });
    charts[`frontier-${r.departure}-${r.claim}.svg`] = svg;
  }
  for (const d of findings.diagrams) {
    const cells = d.cells.filter((c) => c.runs > 0).map((c) => ({ x: c.x, y: c.y, rate: c.rate ?? 0, runs: c.runs }));
    if (cells.length === 0) continue;
    const svg = await heatmapChart({ xLabel: d.xLabel, yLabel: d.yLabel, cells, title: `${d.claim}: ${d.title}` });
    charts[`diagram-${d.id}.svg`] = svg;
  }
}

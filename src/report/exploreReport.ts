/**
 * The regime explorer's report (issue 5, "CLI and report"): the findings table (condition,
 * claim, frontier m with its confidence interval, status, runs, coverage), findings.json, and
 * the charts (one frontier chart per (departure, claim), one heatmap per phase diagram), written
 * into an explore run directory next to its state.json. Every file is written atomically.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Findings, FrontierFinding } from '../check/explore.ts';
import { departureAxis } from '../data/breaking.ts';
import { frontierChart, heatmapChart } from './charts.ts';
import { fmt, formatNumber, markdownTable, table } from './format.ts';

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
    case 'not-run':
      return 'not run';
  }
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
      `with probability >= ${s.p}, with a ${Math.round(100 * s.level)}% interval. m = 1 is the paper's edge (paper conditions) ` +
      `or the departure's neutral value is the range's start (beyond the paper). "as intended" = share of generated ` +
      'configurations that break exactly what the generator claims (measured by describeBreak).',
    findings.complete ? '' : `\n**Incomplete**: ${findings.pending.length} work items not finished (resume the run to complete them).`,
    '',
    markdownTable(header(findings), rows(findings)),
    '',
  ];
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
 * Writes findings.json, findings.md and (unless `charts: false`) the SVG charts into `dir`.
 * Returns the files written.
 */
export async function writeExploreReport(dir: string, findings: Findings, options: { charts?: boolean } = {}): Promise<string[]> {
  const files = [writeFile(dir, 'findings.json', JSON.stringify(findings, null, 2) + '\n'), writeFile(dir, 'findings.md', findingsMarkdown(findings))];
  if (options.charts === false) return files;
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
    files.push(writeFile(dir, `charts/frontier-${r.departure}-${r.claim}.svg`, svg));
  }
  for (const d of findings.diagrams) {
    const cells = d.cells.filter((c) => c.runs > 0).map((c) => ({ x: c.x, y: c.y, rate: c.rate ?? 0, runs: c.runs }));
    if (cells.length === 0) continue;
    const svg = await heatmapChart({ xLabel: d.xLabel, yLabel: d.yLabel, cells, title: `${d.claim}: ${d.title}` });
    files.push(writeFile(dir, `charts/diagram-${d.id}.svg`, svg));
  }
  return files;
}

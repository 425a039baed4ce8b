/**
 * Regenerates docs/findings.md: runs the regime explorer on
 * the default budget below (10 minutes; an unfinished run of the same settings is continued) and measures how loose Theorem 4.2's
 * constants are against the certificate slopes. `npx tsx scripts/findings.ts [--seed S]`.
 * The explore run directory is kept under reports/findings/explore (resumable).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { dirname, join, relative } from 'node:path';
import { CLAIMS } from '../properties/index.ts';
import { STATE_FILE, exploreSettings, findingsOf, readState, runExploration, type ConfigClaim, type Findings } from '../src/check/explore/index.ts';
import { certificateLooseness, type CertificateLooseness } from '../src/check/explore/looseness.ts';
import { findingsMarkdown, frontierText, writeExploreReport } from '../src/report/exploreReport.ts';
import { formatNumber, markdownTable } from '../src/report/format.ts';
import { indifferenceZone } from '../src/check/frontier.ts';
import { PACKAGE_VERSION } from '../src/cli/version.ts';

/** The default budget: a wall-clock cap and per-item run caps sized to finish in 5-10 minutes on 2 cores. */
const BUDGET_MS = 10 * 60_000;
/**
 * p = 0.1 rather than 0.05: with 100 runs per probe a clean probe is decided below 10% (upper
 * bound 0.045 at the decision level), and rates within ~0.05 of p can still be told apart; 1500 runs per
 * item cover the five-point grid, one range widening and a few bisection steps.
 */
const SETTINGS = { p: 0.1, runsPerProbe: 100, batchRuns: 25, maxRunsPerItem: 1500, cellRuns: 8, targetEvaluations: 12, targetPopulation: 3 } as const;
/**
 * Theorem 4.2's band and window (they share simulations). Theorem 4.3's bound exceeds 1 at the
 * small scale (Q < 609, THEORY §7), so its conclusion cannot fail there: not worth the budget.
 */
const FINDINGS_CLAIMS = ['thm42-sandwich', 'thm42-window'];
/** Valid configurations for the looseness table. */
const LOOSENESS_CONFIGS = 200;
/** Where kept counterexamples go (replayed by `npm test`). */
const COUNTEREXAMPLE_STORE = join('fixtures', 'counterexamples');

const seedArg = process.argv.indexOf('--seed');
const seed = seedArg >= 0 ? Number(process.argv[seedArg + 1]) : 20240806;

const settings = exploreSettings({ seed, claims: FINDINGS_CLAIMS, ...SETTINGS });
const claims = CLAIMS.filter((c) => settings.claims.includes(c.id) || c.id === settings.diagramClaim) as ConfigClaim[];
const dir = join('reports', 'findings', 'explore');
// A run of the same settings left unfinished (budget) is continued: a finished run's findings do
// not depend on where it was interrupted, so resuming only adds what the budget cut off.
const previous = existsSync(join(dir, STATE_FILE)) ? readState(dir) : null;
const resume = previous !== null && JSON.stringify(previous.settings) === JSON.stringify(settings) ? previous : undefined;
if (resume !== undefined) process.stderr.write(`resuming the unfinished run in ${dir}\n`);
const started = Date.now();
const run = await runExploration({
  settings,
  claims,
  dir,
  ...(resume !== undefined ? { resume } : {}),
  deadline: started + BUDGET_MS,
  packageVersion: PACKAGE_VERSION,
  progress: { itemEnd: (_i, s) => process.stderr.write(`${s}\n`) },
});
const explored = findingsOf(run.state);
await writeExploreReport(dir, explored);
const findings = keepCounterexamples(explored);
const looseness = certificateLooseness({ configs: LOOSENESS_CONFIGS, seed, scale: 'small' });
const minutes = `${((Date.now() - started) / 60_000).toFixed(1)} min${resume !== undefined ? ', continuing an earlier run,' : ''}`;

mkdirSync('docs', { recursive: true });
writeFileAtomic.sync('docs/findings.md', render(findings, looseness, minutes));
process.stderr.write(`docs/findings.md written (${minutes}; run in ${dir})\n`);

/**
 * Copies the counterexamples of the targeted search into fixtures/counterexamples/ (so that
 * `npm test` replays them and the paths in docs/findings.md work from a fresh clone) and points
 * the findings at those copies.
 */
function keepCounterexamples(f: Findings): Findings {
  const targets = f.targets.map((t) => {
    const failure = t.result?.failure;
    if (failure === undefined || failure === null) return t;
    const kept = join(COUNTEREXAMPLE_STORE, relative('counterexamples', failure.file));
    mkdirSync(dirname(kept), { recursive: true });
    const saved = JSON.parse(readFileSync(join(dir, failure.file), 'utf8')) as Record<string, unknown>;
    writeFileAtomic.sync(kept, JSON.stringify({ ...saved, replay: `npx dpocheck replay ${kept}` }, null, 2) + '\n');
    return { ...t, result: { ...t.result!, failure: { ...failure, file: kept } } };
  });
  return { ...f, targets };
}

function r3(x: number): string {
  return formatNumber(x, { digits: 3 });
}

/** The summary: per condition, the frontier of each claim; then the looseness table. */
function render(f: Findings, l: CertificateLooseness, mins: string): string {
  const claimsList = f.settings.claims;
  const byDeparture = [...new Set(f.frontiers.map((r) => r.departure))];
  const table = markdownTable(
    ['condition', 'departure', ...claimsList],
    byDeparture.map((dep) => {
      const rows = f.frontiers.filter((r) => r.departure === dep);
      return [rows[0]!.condition ?? '(beyond the paper)', dep, ...claimsList.map((c) => {
        const r = rows.find((x) => x.claim === c);
        return r === undefined ? '—' : frontierText(r);
      })];
    }),
  );
  return [
    '# Findings of the regime explorer',
    '',
    `Generated by \`npx tsx scripts/findings.ts\` (seed ${f.settings.seed}, scale ${f.settings.scale}, ${mins} on this machine; dpocheck ${PACKAGE_VERSION}). ` +
      `Each cell is the smallest magnitude m of the departure at which the claim's conclusion fails on at least ${100 * f.settings.p}% ` +
      `of random configurations, with its ${Math.round(100 * f.settings.level)}% interval, which meets (with that probability, if the failure rate rises with m) ` +
      `the magnitudes where the failure rate crosses the indifference zone (${indifferenceZone(f.settings.p, f.settings.indifference).map((x) => `${(100 * x).toFixed(1)}%`).join(', ')}) around p ` +
      '(src/check/frontier.ts; measured coverage: `npm run frontier-coverage`). m = 1 is the paper\'s edge (v = 1/(32√Q), d = 5Q, ' +
      'l_b = 1/2 or 1/4, Q = 40, δ at Appendix C\'s allowance, Z = 1/(4 l_b²)); for departures beyond the paper the range starts at the neutral value. ' +
      '"> m" = no failure rate >= p up to m (the largest magnitude measured); "<= m" = already failing at the start of the range; "?" = not resolved within the budget; ' +
      '"not monotone" = a higher magnitude failed less often than a lower one beyond sampling error, so no single frontier is given.',
    f.complete ? '' : `\nThe budget ended before ${f.pending.length} work items finished; rerun with a larger budget or resume reports/findings/explore.`,
    '',
    table,
    '',
    '## How loose are 1/(8K) and 5/K?',
    '',
    `Over ${l.configs} random configurations meeting every v5 condition (small scale), the data-dependent certificate of docs/theory.md §5 ` +
      `(λ_j = (P_j/4 − M_j/2)/N, Λ_j = (P_j/2 − M_j/4)/N) against Theorem 4.2's constants:`,
    '',
    markdownTable(
      ['ratio', 'min', 'median', 'max'],
      [
        ['min_j λ_j · 8K (lower slope over 1/(8K))', r3(l.lowerRatio.min), r3(l.lowerRatio.median), r3(l.lowerRatio.max)],
        ['max_j Λ_j · K/5 (upper slope over 5/K)', r3(l.upperRatio.min), r3(l.upperRatio.median), r3(l.upperRatio.max)],
      ],
    ),
    '',
    `The certificate held on ${(100 * l.holdsShare).toFixed(1)}% of them.`,
    '',
    '## Full explorer output',
    '',
    findingsMarkdown(f).replace(/^# .*\n/, ''),
    '',
  ].join('\n');
}

/**
 * The verification report: `index.html` (self-contained, verifyHtml.ts), `summary.md`,
 * `results.json`, `trials.jsonl` (one line per trial), the counterexamples and the SVG charts,
 * written to `reports/<timestamp>/` and `reports/latest/`.
 */
import { join } from 'node:path';
import { counterexampleFile, toSaved } from '../check/counterexampleStore.ts';
import type { VerifyRun } from '../check/verify.ts';
import type { ClaimResult } from '../check/runner.ts';
import { formatNumber, markdownTable } from './format.ts';
import { copyDirAtomic, writeDirAtomic, writeText } from './atomicDir.ts';
import { SCHEMA_VERSION } from './schemaVersion.ts';
import { trialsJsonl } from './trialsJsonl.ts';
import { CHART_CAPTIONS, verifyHtml } from './verifyHtml.ts';

function num(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return formatNumber(x, { digits, plain: [1e-3, 1e5] });
}

/** The verify command line that repeats a run bit for bit (every flag that matters). */
export function repeatCommand(o: {
  seed: number; runs: number | null; budget?: 'none'; edition: string; scale: string; claimIds: readonly string[] | null;
}): string {
  return (
    `npx dpocheck verify --seed ${o.seed}` +
    (o.runs !== null ? ` --runs ${o.runs}` : '') +
    (o.budget !== undefined ? ` --budget ${o.budget}` : '') +
    (o.claimIds !== null ? ` --claims ${o.claimIds.join(',')}` : '') +
    ` --edition ${o.edition} --scale ${o.scale}`
  );
}

/** How a verdict is printed: 'skipped (edition)' for a claim with no form in the requested edition. */
export function verdictLabel(r: Pick<ClaimResult, 'verdict'>): string {
  return r.verdict === 'skipped' ? 'skipped (edition)' : r.verdict;
}

/** The JSON-able form of one claim's result (trials are summarised, not dumped). */
export function claimJson(r: ClaimResult, file: string | undefined) {
  const cx = r.counterexample;
  return {
    id: r.id,
    title: r.title,
    section: r.section,
    edition: r.edition,
    checkedEdition: r.checkedEdition,
    editionNote: r.editionNote,
    expectation: r.expectation,
    verdict: r.verdict,
    heldBy: r.heldBy,
    reason: r.reason,
    ...(r.summary ?? {}),
    seed: r.seed,
    runs: r.runs,
    effectiveRuns: r.effectiveRuns,
    vacuousRuns: r.vacuousRuns,
    inconclusiveRuns: r.inconclusiveRuns,
    withinToleranceRuns: r.withinToleranceRuns,
    worstSlack: r.worstSlack,
    upperConfidence: r.upperConfidence,
    observed: r.observed,
    worst: r.worstTrial === null ? null : { observed: r.worstTrial.observed ?? null, bound: r.worstTrial.bound ?? null, detail: r.worstTrial.detail ?? null },
    coverage: r.coverage,
    coverageOk: r.coverageOk,
    spread: r.spread,
    evidence: r.evidence,
    interrupted: r.interrupted,
    complete: r.complete,
    counterexample:
      cx === null
        ? null
        : {
            file: file ?? null,
            input: cx.input,
            observed: cx.trial.observed ?? null,
            bound: cx.trial.bound ?? null,
            slack: cx.trial.slack ?? null,
            shrinks: cx.shrinks,
            path: cx.path,
          },
    durationMs: Math.round(r.durationMs),
  };
}

/** results.json: everything but timestamps and durations is a function of (seed, runs, code). */
export function resultsJson(run: VerifyRun, packageVersion: string, counterexampleFiles: Readonly<Record<string, string>> = {}) {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: 'dpocheck',
    version: packageVersion,
    seed: run.seed,
    edition: run.edition,
    scale: run.scale,
    runsPerClaim: run.runsPerClaim,
    budgetMs: run.budgetMs,
    claimIds: run.claimIds,
    interrupted: run.interrupted,
    budgetSpent: run.budgetSpent,
    bitRepeatable: run.budgetMs === null,
    startedAt: run.startedAt,
    durationMs: Math.round(run.durationMs),
    failed: run.failed,
    claims: run.results.map((r) => claimJson(r, counterexampleFiles[r.id])),
  };
}

/** summary.md: one row per claim, then the replay commands of any counterexample. */
export function summaryMarkdown(
  run: VerifyRun,
  packageVersion: string,
  counterexampleFiles: Readonly<Record<string, string>> = {},
  chartNames: readonly string[] = [],
): string {
  const rows = run.results.map((r) => [
    r.id,
    r.checkedEdition === null ? `— (${r.edition})` : r.editionNote !== null ? `${r.checkedEdition} (pinned)` : r.checkedEdition,
    verdictLabel(r).toUpperCase(),
    `${r.effectiveRuns}/${r.runs}`,
    num(r.worstSlack, 3),
    r.upperConfidence === null ? '—' : num(r.upperConfidence, 3),
    r.reason,
  ]);
  const lines = [
    `# dpocheck verification report`,
    '',
    `dpocheck ${packageVersion} · seed **${run.seed}** · edition ${run.edition} · scale ${run.scale} · ` +
      (run.runsPerClaim !== null ? `${run.runsPerClaim} runs per claim` : 'each claim\'s default runs') +
      (run.budgetMs !== null ? ` · budget ${Math.round(run.budgetMs / 1000)} s` : ''),
    '',
    ...(run.interrupted ? ['**Interrupted (Ctrl-C): partial results.**', ''] : []),
    ...repeatLines(run),
    '',
    markdownTable(['claim', 'edition', 'verdict', 'effective/runs', 'worst slack', '95% upper P(violation)', 'reason'], rows),
    '',
    'Verdicts: **held** = no violation in at least 29 counted (non-vacuous, judged) inputs, so the one-sided 95%',
    'Clopper–Pearson upper bound on the violation probability is <= 0.1; or held by exhaustion (an exact check of a',
    'finite list); or, for a probability claim, the pooled exact test does not reject and its detectable rate is <= 3;',
    '**violated** = a counterexample beyond numerical tolerance (shrunk, saved, replayable) or a rejected pooled test;',
    '**vacuous** = the bound or stated probability says nothing for the configurations drawn; **inconclusive** = budget,',
    'too few counted inputs, or generator coverage insufficient or undecided; **measured** = no bound exists, numbers',
    'reported; **skipped (edition)** = the claim has no form in the requested edition.',
    '',
  ];
  const ev = run.results.filter((r) => Object.keys(r.evidence).length > 0 && r.expectation === 'holds');
  if (ev.length > 0) {
    lines.push('## Where the counted evidence comes from (range over counted inputs only)', '');
    const cell = (r: ClaimResult, k: string) => {
      const s = r.evidence[k];
      return s === undefined ? '—' : `${num(s.min)} … ${num(s.max)}`;
    };
    lines.push(
      markdownTable(['claim', 'counted', 'K', 'Q', 'd', 'v'], ev.map((r) => [r.id, String(r.effectiveRuns), cell(r, 'K'), cell(r, 'Q'), cell(r, 'd'), cell(r, 'v')])),
      '',
    );
  }
  const pooledRows = run.results.filter((r) => r.summary !== null && 'detectableRate' in r.summary);
  if (pooledRows.length > 0) {
    lines.push('## Probability claims (one exact Poisson-binomial test pooled over every dataset of the run)', '');
    lines.push(
      markdownTable(
        ['claim', 'datasets', 'failures', 'expected under the statement', 'p-value', 'level', 'detectable rate'],
        pooledRows.map((r) => {
          const s = r.summary as Record<string, unknown>;
          const n = (k: string) => (typeof s[k] === 'number' ? num(s[k] as number, 3) : '—');
          return [r.id, n('datasets'), n('failures'), n('expectedFailures'), n('pValue'), n('testLevel'), s['detectableRate'] === null ? 'none (no power)' : n('detectableRate')];
        }),
      ),
      '',
      'Detectable rate: the smallest m such that, if every dataset failed with probability min(1, m·q_i) (q_i the',
      'stated failure probability of its configuration), the test would reject with probability >= 0.8. "held" needs',
      'no rejection and a detectable rate <= 3.',
      '',
    );
  }
  lines.push('The same report as a web page: [index.html](index.html); one line per trial: [trials.jsonl](trials.jsonl).', '');
  if (chartNames.length > 0) {
    lines.push('## Charts', '');
    for (const name of chartNames) lines.push(`![${CHART_CAPTIONS[name] ?? name}](charts/${name})`, '');
  }
  const cxs = run.results.filter((r) => r.counterexample !== null);
  if (cxs.length > 0) {
    lines.push('## Counterexamples', '');
    for (const r of cxs) {
      const file = counterexampleFiles[r.id];
      const t = r.counterexample!.trial;
      lines.push(
        `- **${r.id}**: observed ${num(t.observed ?? null)} vs bound ${num(t.bound ?? null)} (slack ${num(t.slack ?? null, 3)}); input \`${JSON.stringify(r.counterexample!.input)}\``,
      );
      if (file !== undefined) lines.push(`  - replay: \`npx dpocheck replay ${file}\``);
    }
    lines.push('');
  }
  const spreadRows = run.results.filter((r) => Object.keys(r.spread).length > 0);
  if (spreadRows.length > 0) {
    lines.push('## Configuration sizes drawn (min / median / max)', '');
    const cell = (r: ClaimResult, k: string) => {
      const s = r.spread[k];
      return s === undefined ? '—' : `${num(s.min)} / ${num(s.median)} / ${num(s.max)}`;
    };
    lines.push(markdownTable(['claim', 'K', 'Q', 'd', 'N'], spreadRows.map((r) => [r.id, cell(r, 'K'), cell(r, 'Q'), cell(r, 'd'), cell(r, 'N')])), '');
  }
  const cov = run.results.filter((r) => r.coverage.length > 0);
  if (cov.length > 0) {
    lines.push('## Generator coverage', '');
    lines.push(
      markdownTable(
        ['claim', 'label', 'count', 'fraction', 'required', 'ok'],
        cov.flatMap((r) => r.coverage.map((c) => [r.id, c.label, String(c.count), num(c.fraction, 3), c.required === null ? '—' : num(c.required, 3), c.ok ? 'yes' : 'NO'])),
      ),
      '',
    );
  }
  return lines.join('\n');
}

/** The "Repeat exactly" lines of summary.md: every flag that matters; budget runs are not bit-repeatable. */
function repeatLines(run: VerifyRun): string[] {
  const base = { seed: run.seed, edition: run.edition, scale: run.scale, claimIds: run.claimIds };
  if (run.budgetMs === null) return [`Repeat exactly: \`${repeatCommand({ ...base, runs: run.runsPerClaim, ...(run.runsPerClaim === null ? { budget: 'none' as const } : {}) })}\``];
  // A fixed count that gives every claim the budget stopped at least the inputs it judged here.
  const stopped = run.results.filter((r) => r.verdict !== 'skipped' && !r.complete).map((r) => r.runs);
  const most = stopped.length === 0 ? null : Math.max(1, ...stopped);
  return [
    `This run was limited by a wall-clock budget (${Math.round(run.budgetMs / 1000)} s): how far each claim got depends on the machine, so it is **not bit-repeatable**.`,
    `Repeatable runs with the same seed: \`${repeatCommand({ ...base, runs: run.runsPerClaim, budget: 'none' })}\` (each claim's full default runs, no time limit)` +
      (run.runsPerClaim === null && most !== null ? ` or \`${repeatCommand({ ...base, runs: most })}\` (a fixed ${most} inputs per claim, at least what each claim the budget stopped judged here)` : ''),
  ];
}

/** A filesystem-safe timestamp, e.g. 2026-11-28T09-41-03Z. */
export function timestampName(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/**
 * Writes `<root>/<timestamp>/` and refreshes `<root>/latest/`, each atomically. `charts` maps a
 * file name (e.g. 'margin-band.svg') to its SVG text; `stored` maps a claim id to the file its
 * counterexample was already saved to (e.g. under fixtures/), which the replay command then names.
 * Every counterexample is also copied into the report. Returns the directory and, per claim, the
 * counterexample file a user should replay.
 */
export function writeVerifyReport(
  root: string,
  run: VerifyRun,
  packageVersion: string,
  charts: Readonly<Record<string, string>>,
  stored: Readonly<Record<string, string>> = {},
): { dir: string; counterexampleFiles: Record<string, string> } {
  const dir = join(root, timestampName(new Date(run.startedAt)));
  const files: Record<string, string> = {};
  for (const r of run.results) {
    if (r.counterexample === null) continue;
    files[r.id] = stored[r.id] ?? join(dir, 'counterexamples', r.id, counterexampleFile('', r.id, r.counterexample.input).split('/').pop()!);
  }
  writeDirAtomic(dir, (tmp) => {
    writeText(tmp, 'summary.md', summaryMarkdown(run, packageVersion, files, Object.keys(charts)));
    writeText(tmp, 'results.json', JSON.stringify(resultsJson(run, packageVersion, files), null, 2) + '\n');
    writeText(tmp, 'trials.jsonl', trialsJsonl(run));
    writeText(tmp, 'index.html', verifyHtml(run, packageVersion, charts, files));
    for (const r of run.results) {
      if (r.counterexample === null) continue;
      const name = counterexampleFile('', r.id, r.counterexample.input);
      const saved = toSaved(r.counterexample, { edition: run.edition, scale: run.scale, packageVersion, file: files[r.id]! });
      writeText(tmp, join('counterexamples', name), JSON.stringify(saved, null, 2) + '\n');
    }
    for (const [name, svg] of Object.entries(charts)) writeText(tmp, join('charts', name), svg);
  });
  copyDirAtomic(dir, join(root, 'latest'));
  return { dir, counterexampleFiles: files };
}

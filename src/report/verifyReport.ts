/**
 * The verification report (issue 4, "The report"): `summary.md`, `results.json`, the
 * counterexamples and the SVG charts, written to `reports/<timestamp>/` and `reports/latest/`.
 */
import { join } from 'node:path';
import { counterexampleFile, toSaved } from '../check/counterexampleStore.ts';
import type { VerifyRun } from '../check/verify.ts';
import type { ClaimResult } from '../check/runner.ts';
import { formatNumber, markdownTable } from './format.ts';
import { copyDirAtomic, writeDirAtomic, writeText } from './atomicDir.ts';

function num(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return formatNumber(x, { digits, plain: [1e-3, 1e5] });
}

/** The JSON-able form of one claim's result (trials are summarised, not dumped). */
export function claimJson(r: ClaimResult, file: string | undefined) {
  const cx = r.counterexample;
  return {
    id: r.id,
    title: r.title,
    section: r.section,
    edition: r.edition,
    expectation: r.expectation,
    verdict: r.verdict,
    reason: r.reason,
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
    interrupted: r.interrupted,
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
    tool: 'dpocheck',
    version: packageVersion,
    seed: run.seed,
    edition: run.edition,
    scale: run.scale,
    runsPerClaim: run.runsPerClaim,
    budgetMs: run.budgetMs,
    startedAt: run.startedAt,
    durationMs: Math.round(run.durationMs),
    failed: run.failed,
    claims: run.results.map((r) => claimJson(r, counterexampleFiles[r.id])),
  };
}

/** summary.md: one row per claim, then the replay commands of any counterexample. */
export function summaryMarkdown(run: VerifyRun, packageVersion: string, counterexampleFiles: Readonly<Record<string, string>> = {}): string {
  const rows = run.results.map((r) => [
    r.id,
    r.edition,
    r.verdict.toUpperCase(),
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
    `Repeat exactly: \`npx dpocheck verify --seed ${run.seed}${run.runsPerClaim !== null ? ` --runs ${run.runsPerClaim}` : ''} --edition ${run.edition}${run.scale === 'small' ? ' --scale small' : ''}\``,
    '',
    markdownTable(['claim', 'edition', 'verdict', 'effective/runs', 'worst slack', '95% upper P(violation)', 'reason'], rows),
    '',
    'Verdicts: **held** = no violation in the effective (non-vacuous) runs, with the 95% upper confidence bound on the',
    'violation probability; **violated** = a counterexample beyond numerical tolerance (shrunk, saved, replayable);',
    '**vacuous** = the bound or stated probability says nothing for the configurations drawn; **inconclusive** = budget,',
    'statistics or generator coverage insufficient; **measured** = no bound exists, numbers reported.',
    '',
  ];
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
    writeText(tmp, 'summary.md', summaryMarkdown(run, packageVersion, files));
    writeText(tmp, 'results.json', JSON.stringify(resultsJson(run, packageVersion, files), null, 2) + '\n');
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

/**
 * `dpocheck verify` (the main job, `npm run verify`): runs every claim under properties/, prints
 * a verdict table, writes `reports/<timestamp>/` and `reports/latest/`, and exits 1 when a claim
 * that should hold is violated.
 */
import type { Command } from 'commander';
import { randomInt } from 'node:crypto';
import { CLAIMS } from '../../../properties/index.ts';
import { EDITIONS, type Edition } from '../../theory/edition.ts';
import { verifyClaims } from '../../check/verify.ts';
import { loadClaimsModule } from '../../check/claimsModule.ts';
import type { Claim } from '../../check/claim.ts';
import { parseDuration } from '../../check/duration.ts';
import { resultsJson, writeVerifyReport } from '../../report/verifyReport.ts';
import { saveCounterexample } from '../../check/counterexampleStore.ts';
import { verifyCharts } from '../../report/verifyCharts.ts';
import { lawRunCharts } from '../../report/lawCharts.ts';
import { createProgress } from '../../report/progress.ts';
import { fmt, table } from '../../report/format.ts';
import type { CommandContext } from '../main.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { parseChoice, parseInteger, parseSeed } from '../parse.ts';
import { UsageError, EXIT_FAILURE } from '../errors.ts';
import { claimEdition } from '../../check/claim.ts';
import { existsSync, statSync } from 'node:fs';
import { catchInterrupt, EXIT_INTERRUPTED } from '../../check/interrupt.ts';
import { dirname, resolve } from 'node:path';

export { EXIT_INTERRUPTED };

/**
 * Refuses an output location that cannot hold the report, before any claim runs: `--out` must
 * be a directory or not exist yet, below a directory.
 */
export function checkOutputDir(flag: string, dir: string): void {
  let p = resolve(dir);
  if (existsSync(p) && !statSync(p).isDirectory()) throw new UsageError(`${flag}: '${dir}' exists and is not a directory`);
  while (!existsSync(p)) {
    const parent = dirname(p);
    if (parent === p) return;
    p = parent;
  }
  if (!statSync(p).isDirectory()) throw new UsageError(`${flag}: '${p}' is not a directory, so '${dir}' cannot be created`);
}

/** Default wall-clock budget of `npm run verify`: at most 10 minutes on 2 cores. */
export const DEFAULT_VERIFY_BUDGET = '10m';

interface VerifyFlags {
  budget?: string; runs?: string; seed?: string; claims?: string; edition: string; scale: string;
  json?: boolean; out: string; store?: string | boolean; charts: boolean; lawRun?: string; claimsModule?: string;
}

/**
 * Selects claims by comma-separated ids from `pool` (default: the built-in claims), or returns
 * `fallback` (default: the whole pool) when no ids are given; unknown ids are a usage error.
 */
export function selectClaims(spec: string | undefined, pool: ReadonlyArray<Claim<any>> = CLAIMS, fallback: ReadonlyArray<Claim<any>> = pool) {
  if (spec === undefined) return fallback;
  const ids = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (ids.length === 0) throw new UsageError('--claims: expected a comma-separated list of claim ids');
  return ids.map((id) => {
    const claim = pool.find((c) => c.id === id);
    if (claim === undefined) throw new UsageError(`--claims: unknown claim '${id}' (see 'dpocheck verify --list')`);
    return claim;
  });
}

export function registerVerify(program: Command, ctx: CommandContext): void {
  program
    .command('verify')
    .description('check every claim of the paper on random configurations and write the report')
    .option('--budget <duration>', `wall-clock budget for all claims, e.g. 90s, 10m, or 'none' (default ${DEFAULT_VERIFY_BUDGET} unless --runs is given; budget runs are not bit-repeatable: use --runs or --budget none)`)
    .option('--runs <n>', 'inputs per claim (up to 4x more while a coverage requirement is undecided), exactly repeatable with --seed; --runs alone has no time limit')
    .option('--seed <int>', 'seed of the whole run (default: random, printed)')
    .option('--claims <ids>', 'comma-separated claim ids (default: all)')
    .option('--edition <name>', `edition of the paper (${EDITIONS.join('|')})`, 'v5-main')
    .option('--scale <s>', 'configuration sizes: small (fast) or full', 'full')
    .option('--out <dir>', 'report root directory', 'reports')
    .option('--claims-module <file>', 'also load the claims a module of yours exports (array `claims` or default export, made with defineClaim); without --claims, only those run')
    .option('--store <dir>', 'also save counterexamples under this directory (e.g. fixtures/counterexamples, which npm test replays); by default they are saved only in the report directory')
    .option('--no-store', 'save counterexamples only in the report directory (the default)')
    .option('--no-charts', 'skip the SVG charts')
    .option('--list', 'list the claims and exit')
    .option('--law-run <dir>', 'add the charts of a dpocheck law run directory to the report (charts/law-*.svg)')
    .option('--json', 'print results.json to stdout instead of the table')
    .action(async (flags: VerifyFlags & { list?: boolean }) => {
      if (flags.list === true) {
        if (flags.json === true) {
          const claims = CLAIMS.map((c) => ({
            id: c.id, title: c.title, section: c.section, edition: c.edition, editions: c.editions ?? null,
            pinned: c.pinned === true, expectation: c.expectation, exhaustive: c.exhaustive === true, runs: c.runs,
          }));
          ctx.io.out(JSON.stringify({ schemaVersion: 1, claims }, null, 2) + '\n');
        } else {
          ctx.io.out(table(['claim', 'section', 'edition', 'expectation', 'title'], CLAIMS.map((c) => [c.id, c.section, c.editions?.join('|') ?? c.edition, c.expectation, c.title])) + '\n');
        }
        return;
      }
      const edition: Edition = parseChoice('--edition', flags.edition, EDITIONS);
      const scale = parseChoice('--scale', flags.scale, ['small', 'full'] as const);
      const seed = flags.seed === undefined ? randomInt(0, 2 ** 31) : parseSeed('--seed', flags.seed);
      const runsPerClaim = flags.runs === undefined ? undefined : parseInteger('--runs', flags.runs);
      // With --runs (and no --budget) the run is exactly repeatable: no wall-clock limit at all.
      // `--budget none`: each claim's default runs, no time limit (bit-repeatable).
      const budget = flags.budget === 'none' ? undefined : flags.budget ?? (flags.runs === undefined ? DEFAULT_VERIFY_BUDGET : undefined);
      const budgetMs = budget === undefined ? undefined : parseDuration(budget, '--budget');
      const own = flags.claimsModule === undefined ? [] : await loadClaimsModule(flags.claimsModule, CLAIMS.map((c) => c.id));
      const claims = own.length === 0 ? selectClaims(flags.claims) : selectClaims(flags.claims, [...CLAIMS, ...own], own);
      if (flags.claims !== undefined && !claims.some((c) => claimEdition(c, edition) !== null)) {
        throw new UsageError(`--claims: none of ${claims.map((c) => c.id).join(', ')} has a form in edition ${edition} (see 'dpocheck verify --list')`);
      }
      checkOutputDir('--out', flags.out);
      if (typeof flags.store === 'string') checkOutputDir('--store', flags.store);
      const lawCharts = flags.lawRun === undefined ? undefined : lawRunCharts(flags.lawRun); // reads (and checks) the run before any work
      const json = flags.json === true;
      if (!json) ctx.io.err(`dpocheck verify: seed ${seed}, edition ${edition}, scale ${scale}, ${claims.length} claims\n`);
      const progress = createProgress({ enabled: !json, interactive: ctx.io.interactive, write: (s) => ctx.io.err(s) });
      // Ctrl-C: finish the input in flight and write the partial report; a second one quits now.
      const stop = catchInterrupt({
        onFirst: () => {
          if (!json) ctx.io.err('\ndpocheck verify: interrupted; finishing the input in flight, then writing the partial report (Ctrl-C again to quit now)\n');
        },
      });
      const claimIds = flags.claims === undefined ? null : claims.map((c) => c.id);
      let run;
      try {
      run = await verifyClaims(claims, {
        seed,
        edition,
        scale,
        claimIds,
        signal: stop.signal,
        ...(runsPerClaim !== undefined ? { runsPerClaim } : {}),
        ...(budgetMs !== undefined ? { budgetMs } : {}),
        onClaimStart: (claim, i, n, runs) => progress.start(`${claim.id} (${i + 1}/${n})`, runs),
        onTrial: (done) => progress.update(done),
        onClaimEnd: (r) => progress.stop(`${r.id}: ${r.verdict}`),
      });
      } finally {
        stop.dispose();
      }
      const stored: Record<string, string> = {};
      if (typeof flags.store === 'string') {
        for (const r of run.results) {
          if (r.counterexample !== null) {
            stored[r.id] = saveCounterexample(flags.store, r.counterexample, { edition, scale, packageVersion: PACKAGE_VERSION });
          }
        }
      }
      const charts = flags.charts === false ? {} : { ...(await verifyCharts(run)), ...(lawCharts !== undefined ? await lawCharts() : {}) };
      const { dir, counterexampleFiles } = writeVerifyReport(flags.out, run, PACKAGE_VERSION, charts, stored);
      if (json) {
        ctx.io.out(JSON.stringify(resultsJson(run, PACKAGE_VERSION, counterexampleFiles), null, 2) + '\n');
      } else {
        ctx.io.out(
          table(
            ['claim', 'verdict', 'runs', 'worst slack', '95% upper', 'reason'],
            run.results.map((r) => [r.id, r.verdict === 'skipped' ? 'skipped (edition)' : r.verdict, `${r.effectiveRuns}/${r.runs}`, fmt(r.worstSlack), fmt(r.upperConfidence), r.reason]),
          ) + '\n',
        );
        for (const [id, file] of Object.entries(counterexampleFiles)) {
          const module = own.some((c) => c.id === id) ? ` --claims-module ${flags.claimsModule}` : '';
          ctx.io.out(`counterexample ${id}: npx dpocheck replay ${file}${module}\n`);
        }
        ctx.io.out(`report: ${dir}/summary.md, ${dir}/index.html (seed ${seed})\n`);
      }
      if (run.interrupted) {
        ctx.io.err(`dpocheck verify: interrupted; partial report written to ${dir}\n`);
        ctx.exitCode = EXIT_INTERRUPTED;
      } else if (run.failed) ctx.exitCode = EXIT_FAILURE;
      if (!run.interrupted && run.budgetSpent && !json) {
        ctx.io.err('dpocheck verify: budget spent before every claim had its full runs (see summary.md for a bit-repeatable command)\n');
      }
    });
}

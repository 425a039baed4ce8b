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
import { createProgress } from '../../report/progress.ts';
import { fmt, table } from '../../report/format.ts';
import type { CommandContext } from '../main.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { parseChoice, parseInteger, parseSeed } from '../parse.ts';
import { UsageError, EXIT_FAILURE } from '../errors.ts';

/** Default wall-clock budget of `npm run verify` (issue 4: at most 10 minutes on 2 cores). */
export const DEFAULT_VERIFY_BUDGET = '10m';

interface VerifyFlags {
  budget?: string; runs?: string; seed?: string; claims?: string; edition: string; scale: string;
  json?: boolean; out: string; store?: string | boolean; charts: boolean; claimsModule?: string;
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
    .option('--budget <duration>', 'wall-clock budget for all claims, e.g. 90s, 10m (time-limited runs are not bit-repeatable; use --runs)')
    .option('--runs <n>', 'inputs per claim (exactly repeatable with --seed)')
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
    .option('--json', 'print results.json to stdout instead of the table')
    .action(async (flags: VerifyFlags & { list?: boolean }) => {
      if (flags.list === true) {
        ctx.io.out(table(['claim', 'section', 'expectation', 'title'], CLAIMS.map((c) => [c.id, c.section, c.expectation, c.title])) + '\n');
        return;
      }
      const edition: Edition = parseChoice('--edition', flags.edition, EDITIONS);
      const scale = parseChoice('--scale', flags.scale, ['small', 'full'] as const);
      const seed = flags.seed === undefined ? randomInt(0, 2 ** 31) : parseSeed('--seed', flags.seed);
      const runsPerClaim = flags.runs === undefined ? undefined : parseInteger('--runs', flags.runs);
      // With --runs (and no --budget) the run is exactly repeatable: no wall-clock limit at all.
      const budget = flags.budget ?? (flags.runs === undefined ? DEFAULT_VERIFY_BUDGET : undefined);
      const budgetMs = budget === undefined ? undefined : parseDuration(budget);
      const own = flags.claimsModule === undefined ? [] : await loadClaimsModule(flags.claimsModule, CLAIMS.map((c) => c.id));
      const claims = own.length === 0 ? selectClaims(flags.claims) : selectClaims(flags.claims, [...CLAIMS, ...own], own);
      const json = flags.json === true;
      if (!json) ctx.io.err(`dpocheck verify: seed ${seed}, edition ${edition}, scale ${scale}, ${claims.length} claims\n`);
      const progress = createProgress({ enabled: !json, interactive: ctx.io.interactive, write: (s) => ctx.io.err(s) });
      const run = await verifyClaims(claims, {
        seed,
        edition,
        scale,
        ...(runsPerClaim !== undefined ? { runsPerClaim } : {}),
        ...(budgetMs !== undefined ? { budgetMs } : {}),
        onClaimStart: (claim, i, n, runs) => progress.start(`${claim.id} (${i + 1}/${n})`, runs),
        onTrial: (done) => progress.update(done),
        onClaimEnd: (r) => progress.stop(`${r.id}: ${r.verdict}`),
      });
      const stored: Record<string, string> = {};
      if (typeof flags.store === 'string') {
        for (const r of run.results) {
          if (r.counterexample !== null) {
            stored[r.id] = saveCounterexample(flags.store, r.counterexample, { edition, scale, packageVersion: PACKAGE_VERSION });
          }
        }
      }
      const charts = flags.charts === false ? {} : await verifyCharts(run);
      const { dir, counterexampleFiles } = writeVerifyReport(flags.out, run, PACKAGE_VERSION, charts, stored);
      if (json) {
        ctx.io.out(JSON.stringify(resultsJson(run, PACKAGE_VERSION, counterexampleFiles), null, 2) + '\n');
      } else {
        ctx.io.out(
          table(
            ['claim', 'verdict', 'runs', 'worst slack', '95% upper', 'reason'],
            run.results.map((r) => [r.id, r.verdict, `${r.effectiveRuns}/${r.runs}`, fmt(r.worstSlack), fmt(r.upperConfidence), r.reason]),
          ) + '\n',
        );
        for (const [id, file] of Object.entries(counterexampleFiles)) {
          const module = own.some((c) => c.id === id) ? ` --claims-module ${flags.claimsModule}` : '';
          ctx.io.out(`counterexample ${id}: npx dpocheck replay ${file}${module}\n`);
        }
        ctx.io.out(`report: ${dir}/summary.md, ${dir}/index.html (seed ${seed})\n`);
      }
      if (run.failed) ctx.exitCode = EXIT_FAILURE;
    });
}

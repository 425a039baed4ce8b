/**
 * `dpocheck explore`: breaks each assumption of THEORY §3 on purpose and maps where the theorems'
 * conclusions stop holding: a frontier (with a confidence interval) per (condition, claim),
 * phase diagrams, targeted search with shrunk counterexamples. Writes
 * `<out>/<timestamp>/explore/` (state.json, findings.json, findings.md, charts/,
 * counterexamples/). Resumable: Ctrl-C keeps what was measured (exit 130) and `--resume <dir>`
 * continues; `--shard i/n` runs a deterministic slice for an external scheduler, and
 * `dpocheck merge` combines the slices.
 */
import type { Command } from 'commander';
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { catchInterrupt, EXIT_INTERRUPTED } from '../../check/interrupt.ts';
import { CLAIMS } from '../../../properties/index.ts';
import { EDITIONS, type Edition } from '../../theory/edition.ts';
import { DEPARTURE_IDS, PAPER_CONDITIONS, departuresBreaking, isDepartureId, type DepartureId, type PaperCondition } from '../../data/breaking.ts';
import {
  DIAGRAM_IDS,
  DEFAULT_EXPLORE_CLAIMS,
  exploreSettings,
  findingsOf,
  parseShard,
  readState,
  runExploration,
  WHOLE_RUN,
  type ConfigClaim,
  type ExploreSettings,
  type Shard,
} from '../../check/explore/index.ts';
import { parseDuration } from '../../check/duration.ts';
import { findingsTable, writeExploreReport } from '../../report/exploreReport.ts';
import { timestampName } from '../../report/verifyReport.ts';
import { createProgress } from '../../report/progress.ts';
import type { CommandContext } from '../main.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { parseChoice, parseInteger, parseNumber, parseSeed } from '../parse.ts';
import { UsageError } from '../errors.ts';
import { SCHEMA_VERSION } from '../../report/schemaVersion.ts';

/** Default wall-clock budget (the issue's example). */
export const DEFAULT_EXPLORE_BUDGET = '10m';

export { EXIT_INTERRUPTED };

interface ExploreFlags {
  condition?: string; claims?: string; budget: string; runsPerProbe?: string; batch?: string; maxRuns?: string;
  cellRuns?: string; targetEvaluations?: string; diagrams?: string; p?: string; seed?: string; scale: string;
  edition: string; shard?: string; resume?: string; out: string; dir?: string; force?: boolean; json?: boolean; charts: boolean;
}

/**
 * Departures named by `--condition`: a THEORY §3 condition (`shared` -> shared-high and
 * shared-low, `ortho` -> ortho and ortho-correlated) or a departure id, comma-separated.
 */
export function selectDepartures(spec: string | undefined): DepartureId[] {
  if (spec === undefined) return [...DEPARTURE_IDS];
  const names = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('--condition: expected a comma-separated list of conditions');
  const out: DepartureId[] = [];
  for (const name of names) {
    const ids = (PAPER_CONDITIONS as readonly string[]).includes(name) ? departuresBreaking(name as PaperCondition) : isDepartureId(name) ? [name] : null;
    if (ids === null) throw new UsageError(`--condition: unknown condition '${name}' (one of ${[...new Set([...PAPER_CONDITIONS, ...DEPARTURE_IDS])].join(', ')})`);
    for (const id of ids) if (!out.includes(id)) out.push(id);
  }
  return DEPARTURE_IDS.filter((id) => out.includes(id));
}

/** Ids of the claims `explore` can judge (those marked `explorable`), in registry order. */
export const EXPLORABLE_CLAIM_IDS: readonly string[] = CLAIMS.filter((c) => c.explorable === true).map((c) => c.id);

/** Claims named by `--claims` (ids of the explorable claims that the registry holds). */
export function selectExploreClaims(spec: string | undefined): string[] {
  const available = EXPLORABLE_CLAIM_IDS;
  if (spec === undefined) return DEFAULT_EXPLORE_CLAIMS.filter((id) => available.includes(id));
  const ids = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (ids.length === 0) throw new UsageError('--claims: expected a comma-separated list of claim ids');
  for (const id of ids) {
    if (!(available as readonly string[]).includes(id)) throw new UsageError(`--claims: '${id}' cannot be explored (one of ${available.join(', ')})`);
  }
  return [...new Set(ids)];
}

/** The claim objects an exploration needs, from the registry. */
export function exploreClaimObjects(settings: ExploreSettings): ConfigClaim[] {
  const ids = new Set([...settings.claims, ...(settings.diagrams.length > 0 ? [settings.diagramClaim] : [])]);
  return [...ids].map((id) => {
    const claim = CLAIMS.find((c) => c.id === id);
    if (claim === undefined) throw new UsageError(`claim '${id}' is not in this version's registry`);
    return claim as ConfigClaim;
  });
}

function optionalInt(flag: string, raw: string | undefined, min: number): number | undefined {
  return raw === undefined ? undefined : parseInteger(flag, raw, min);
}

/** Settings from the flags (everything a run's findings depend on). */
export function settingsFromFlags(flags: ExploreFlags): ExploreSettings {
  const p = flags.p === undefined ? undefined : parseNumber('--p', flags.p);
  if (p !== undefined && !(p > 0 && p < 1)) throw new UsageError(`--p: must lie strictly between 0 and 1, got ${p}`);
  const diagrams =
    flags.diagrams === undefined ? undefined : flags.diagrams.trim() === 'none' ? [] : flags.diagrams.split(',').map((s) => s.trim());
  for (const id of diagrams ?? []) if (!DIAGRAM_IDS.includes(id)) throw new UsageError(`--diagrams: unknown diagram '${id}' (one of ${DIAGRAM_IDS.join(', ')}, or none)`);
  const picked: Partial<ExploreSettings> = {
    scale: parseChoice('--scale', flags.scale, ['small', 'full'] as const),
    edition: parseChoice('--edition', flags.edition, EDITIONS) as Edition,
    departures: selectDepartures(flags.condition),
    claims: selectExploreClaims(flags.claims),
    ...(diagrams !== undefined ? { diagrams } : {}),
    ...(p !== undefined ? { p } : {}),
  };
  const ints: Array<[keyof ExploreSettings, string, string | undefined, number]> = [
    ['runsPerProbe', '--runs-per-probe', flags.runsPerProbe, 1],
    ['batchRuns', '--batch', flags.batch, 1],
    ['maxRunsPerItem', '--max-runs', flags.maxRuns, 1],
    ['cellRuns', '--cell-runs', flags.cellRuns, 1],
    ['targetEvaluations', '--target-evaluations', flags.targetEvaluations, 0],
  ];
  const extra: Record<string, number> = {};
  for (const [key, flag, raw, min] of ints) {
    const v = optionalInt(flag, raw, min);
    if (v !== undefined) extra[key] = v;
  }
  const seed = flags.seed === undefined ? randomInt(0, 2 ** 31) : parseSeed('--seed', flags.seed);
  return exploreSettings({ seed, ...picked, ...extra });
}

/** The run directory of a new exploration. */
function runDir(flags: ExploreFlags, shard: Shard): string {
  if (flags.dir !== undefined) return flags.dir;
  const name = shard.count === 1 ? 'explore' : `explore-shard-${shard.index}-of-${shard.count}`;
  return join(flags.out, timestampName(), name);
}

export function registerExplore(program: Command, ctx: CommandContext): void {
  program
    .command('explore')
    .description('break each assumption on purpose and map where the theorems\' conclusions stop holding (frontiers, phase diagrams, targeted search)')
    .option('--condition <list>', `conditions or departures to break, comma-separated (${PAPER_CONDITIONS.join('|')} or a departure id; default: all)`)
    .option('--claims <ids>', `claims to judge (${EXPLORABLE_CLAIM_IDS.join(', ')}; default: ${DEFAULT_EXPLORE_CLAIMS.join(', ')})`)
    .option(
      '--budget <duration>',
      'wall-clock budget (e.g. 90s, 10m): items share it in proportion to their run caps, time left by finished items returns to unfinished ones (frontiers first), ' +
        'and the run ends when every item is decided or the budget is spent. Budget-limited runs are not bit-repeatable; ' +
        'the per-item run caps (--runs-per-probe, --max-runs, --cell-runs) with a budget large enough to reach them are, shards included',
      DEFAULT_EXPLORE_BUDGET,
    )
    .option('--runs-per-probe <n>', 'most runs at one magnitude')
    .option('--batch <n>', 'runs per oracle call')
    .option('--max-runs <n>', 'most runs per (condition, claim) frontier')
    .option('--cell-runs <n>', 'runs per phase-diagram cell')
    .option('--target-evaluations <n>', 'targeted-search evaluations per (condition, claim); 0 = no targeted search')
    .option('--diagrams <ids>', `phase diagrams (${DIAGRAM_IDS.join(', ')}, or none)`)
    .option('--p <x>', 'failure probability that defines the frontier (default 0.05); intervals have 95% coverage of where the rate crosses the indifference zone around p (odds ratio 2 either side)')
    .option('--seed <int>', 'seed of the whole exploration (default: random, printed)')
    .option('--scale <s>', 'configuration sizes: small or full', 'small')
    .option('--edition <name>', `edition of the paper (${EDITIONS.join('|')})`, 'v5-main')
    .option('--shard <i/n>', 'run only the i-th of n deterministic slices (merge them with dpocheck merge)')
    .option('--resume <dir>', 'continue an interrupted or budget-limited run in <dir> (its settings are kept)')
    .option('--out <dir>', 'report root directory', 'reports')
    .option('--dir <dir>', 'exact run directory (default <out>/<timestamp>/explore); refused if it holds a run, unless --resume or --force')
    .option('--force', 'replace the explore run already in --dir')
    .option('--no-charts', 'skip the SVG charts')
    .option('--json', 'print findings.json to stdout instead of the table')
    .action(async (flags: ExploreFlags, cmd: Command) => {
      const json = flags.json === true;
      const budgetMs = parseDuration(flags.budget);
      let dir: string;
      let resume = undefined;
      let settings: ExploreSettings;
      let shard: Shard;
      if (flags.resume !== undefined) {
        resume = readState(flags.resume);
        refuseConflictingFlags(flags, cmd, resume.settings, resume.shard, flags.resume);
        dir = flags.resume;
        settings = resume.settings;
        shard = resume.shard;
      } else {
        settings = settingsFromFlags(flags);
        shard = flags.shard === undefined ? WHOLE_RUN : parseShardFlag(flags.shard);
        dir = runDir(flags, shard);
        prepareRunDir(dir, flags.force === true);
      }
      const claims = exploreClaimObjects(settings);
      const progress = createProgress({ enabled: !json, interactive: ctx.io.interactive, write: (s) => ctx.io.err(s) });
      const stop = catchInterrupt({
        onFirst: () => ctx.io.err('\ndpocheck explore: interrupted; stopping after the measurement in flight (Ctrl-C again to quit at once)\n'),
      });
      let run;
      try {
        if (!json) {
          ctx.io.err(
            `dpocheck explore: seed ${settings.seed}, scale ${settings.scale}, ${settings.departures.length} departures x ${settings.claims.length} claims` +
              `${shard.count > 1 ? `, shard ${shard.index}/${shard.count}` : ''}${resume ? ' (resumed)' : ''}, budget ${flags.budget} -> ${dir}\n`,
          );
        }
        run = await runExploration({
          settings,
          claims,
          dir,
          shard,
          ...(resume !== undefined ? { resume } : {}),
          deadline: Date.now() + budgetMs,
          signal: stop.signal,
          packageVersion: PACKAGE_VERSION,
          progress: {
            itemStart: (item, i, n, cap) => progress.start(`${item.key} (${i + 1}/${n})`, cap),
            itemRuns: (r) => progress.update(r),
            itemEnd: (_item, summary) => progress.stop(summary),
          },
        });
      } finally {
        stop.dispose();
      }
      const findings = findingsOf(run.state);
      await writeExploreReport(dir, findings, { charts: flags.charts !== false });
      if (json) ctx.io.out(JSON.stringify(findings, null, 2) + '\n');
      else ctx.io.out(findingsTable(findings) + `\nreport: ${join(dir, 'findings.md')}\n`);
      if (run.interrupted) {
        ctx.io.err(`dpocheck explore: interrupted; kept what was measured, ${run.pending.length} work items left. Continue with: dpocheck explore --resume ${dir}\n`);
        ctx.exitCode = EXIT_INTERRUPTED;
      } else if (run.budgetSpent) {
        ctx.io.err(`dpocheck explore: budget spent; kept what was measured, ${run.pending.length} work items left. Continue with: dpocheck explore --resume ${dir} --budget <more>\n`);
      } else if (run.pending.length > 0) {
        ctx.io.err(`dpocheck explore: ${run.pending.length} work items could not progress (${run.pending.slice(0, 3).join(', ')}${run.pending.length > 3 ? ', ...' : ''})\n`);
      }
    });
}

/** Files and folders an explore run writes into its directory (removed by --force). */
const RUN_OUTPUTS = ['state.json', 'findings.json', 'findings.md', 'index.html', 'charts', 'counterexamples', 'errors'];

/**
 * Checks a new run's directory before any work: it must not be a file, and must not hold a run
 * already (or anything else) unless --force, which removes the previous run's outputs.
 */
export function prepareRunDir(dir: string, force: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UsageError(`--dir ${dir}: is a file, not a directory`);
  const entries = readdirSync(dir);
  if (entries.length === 0) return;
  if (!force) {
    const what = entries.includes('state.json') ? 'holds an explore run' : 'is not empty';
    throw new UsageError(`--dir ${dir}: ${what}; continue it with --resume ${dir}, or replace it with --force`);
  }
  const foreign = entries.filter((e) => !RUN_OUTPUTS.includes(e));
  if (foreign.length > 0) throw new UsageError(`--dir ${dir}: --force replaces an explore run, but ${dir} also holds ${foreign.slice(0, 3).join(', ')}`);
  for (const e of entries) rmSync(join(dir, e), { recursive: true, force: true });
}

/** Flags that set what a run measures, with the settings field each one sets. */
const SETTINGS_FLAGS: ReadonlyArray<[keyof ExploreFlags, string, keyof ExploreSettings]> = [
  ['condition', '--condition', 'departures'],
  ['claims', '--claims', 'claims'],
  ['runsPerProbe', '--runs-per-probe', 'runsPerProbe'],
  ['batch', '--batch', 'batchRuns'],
  ['maxRuns', '--max-runs', 'maxRunsPerItem'],
  ['cellRuns', '--cell-runs', 'cellRuns'],
  ['targetEvaluations', '--target-evaluations', 'targetEvaluations'],
  ['diagrams', '--diagrams', 'diagrams'],
  ['p', '--p', 'p'],
  ['seed', '--seed', 'seed'],
  ['scale', '--scale', 'scale'],
  ['edition', '--edition', 'edition'],
];

/**
 * `--resume` keeps the run's settings: a settings flag given on the command line with a value
 * other than the run's is refused (exit 2) instead of being silently ignored.
 */
export function refuseConflictingFlags(flags: ExploreFlags, cmd: Command, saved: ExploreSettings, savedShard: Shard, resumeDir: string): void {
  const given = (name: string): boolean => cmd.getOptionValueSource(name) === 'cli';
  const wanted = settingsFromFlags({ ...flags, seed: flags.seed ?? String(saved.seed) });
  const conflicts: string[] = [];
  for (const [name, flag, key] of SETTINGS_FLAGS) {
    if (given(name) && JSON.stringify(wanted[key]) !== JSON.stringify(saved[key])) conflicts.push(`${flag} (the run has ${JSON.stringify(saved[key])})`);
  }
  if (given('shard') && flags.shard !== undefined) {
    const s = parseShardFlag(flags.shard);
    if (s.index !== savedShard.index || s.count !== savedShard.count) conflicts.push(`--shard (the run is shard ${savedShard.index}/${savedShard.count})`);
  }
  if (given('dir') && flags.dir !== undefined && resolve(flags.dir) !== resolve(resumeDir)) conflicts.push(`--dir (the run is in ${resumeDir})`);
  if (given('force')) conflicts.push('--force (a resumed run is continued, not replaced)');
  if (conflicts.length > 0) {
    throw new UsageError(`--resume ${resumeDir} keeps the run's settings; conflicting flags: ${conflicts.join('; ')}`);
  }
}

function parseShardFlag(text: string): Shard {
  try {
    return parseShard(text);
  } catch (e) {
    throw new UsageError(`--shard: ${(e as Error).message.replace(/^shard:?\s*/, '')}`);
  }
}

/**
 * `dpocheck explore` (issue 5): breaks each assumption on purpose and maps where the theorems'
 * conclusions stop holding: a frontier (with a confidence interval) per (condition, claim),
 * phase diagrams, targeted search with shrunk counterexamples. Writes
 * `<out>/<timestamp>/explore/` (state.json, findings.json, findings.md, charts/,
 * counterexamples/). Resumable: Ctrl-C keeps what was measured (exit 130) and `--resume <dir>`
 * continues; `--shard i/n` runs a deterministic slice for an external scheduler, and
 * `dpocheck merge` combines the slices.
 */
import type { Command } from 'commander';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
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
} from '../../check/explore.ts';
import { parseDuration } from '../../check/duration.ts';
import { findingsTable, writeExploreReport } from '../../report/exploreReport.ts';
import { timestampName } from '../../report/verifyReport.ts';
import { createProgress } from '../../report/progress.ts';
import type { CommandContext } from '../main.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { parseChoice, parseInteger, parseNumber, parseSeed } from '../parse.ts';
import { UsageError } from '../errors.ts';

/** Default wall-clock budget (the issue's example). */
export const DEFAULT_EXPLORE_BUDGET = '10m';

/** Exit code after Ctrl-C: 128 + SIGINT (2), the shell convention. */
export const EXIT_INTERRUPTED = 130;

interface ExploreFlags {
  condition?: string; claims?: string; budget: string; runsPerProbe?: string; batch?: string; maxRuns?: string;
  cellRuns?: string; targetEvaluations?: string; diagrams?: string; p?: string; seed?: string; scale: string;
  edition: string; shard?: string; resume?: string; out: string; dir?: string; json?: boolean; charts: boolean;
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
    .option('--budget <duration>', 'wall-clock budget; an item may use up to three fair shares of what is left (e.g. 90s, 10m)', DEFAULT_EXPLORE_BUDGET)
    .option('--runs-per-probe <n>', 'most runs at one magnitude')
    .option('--batch <n>', 'runs per oracle call')
    .option('--max-runs <n>', 'most runs per (condition, claim) frontier')
    .option('--cell-runs <n>', 'runs per phase-diagram cell')
    .option('--target-evaluations <n>', 'targeted-search evaluations per (condition, claim); 0 = no targeted search')
    .option('--diagrams <ids>', `phase diagrams (${DIAGRAM_IDS.join(', ')}, or none)`)
    .option('--p <x>', 'failure probability that defines the frontier (default 0.05)')
    .option('--seed <int>', 'seed of the whole exploration (default: random, printed)')
    .option('--scale <s>', 'configuration sizes: small or full', 'small')
    .option('--edition <name>', `edition of the paper (${EDITIONS.join('|')})`, 'v5-main')
    .option('--shard <i/n>', 'run only the i-th of n deterministic slices (merge them with dpocheck merge)')
    .option('--resume <dir>', 'continue an interrupted or budget-limited run in <dir> (its settings are kept)')
    .option('--out <dir>', 'report root directory', 'reports')
    .option('--dir <dir>', 'exact run directory (default <out>/<timestamp>/explore)')
    .option('--no-charts', 'skip the SVG charts')
    .option('--json', 'print findings.json to stdout instead of the table')
    .action(async (flags: ExploreFlags) => {
      const json = flags.json === true;
      const budgetMs = parseDuration(flags.budget);
      let dir: string;
      let resume = undefined;
      let settings: ExploreSettings;
      let shard: Shard;
      if (flags.resume !== undefined) {
        resume = readState(flags.resume);
        dir = flags.resume;
        settings = resume.settings;
        shard = resume.shard;
      } else {
        settings = settingsFromFlags(flags);
        shard = flags.shard === undefined ? WHOLE_RUN : parseShardFlag(flags.shard);
        dir = runDir(flags, shard);
      }
      const claims = exploreClaimObjects(settings);
      const progress = createProgress({ enabled: !json, interactive: ctx.io.interactive, write: (s) => ctx.io.err(s) });
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      let run;
      try {
        if (!json) {
          ctx.io.err(
            `dpocheck explore: seed ${settings.seed}, scale ${settings.scale}, ${settings.departures.length} departures x ${settings.claims.length} claims` +
              `${shard.count > 1 ? `, shard ${shard.index}/${shard.count}` : ''}${resume ? ' (resumed)' : ''} -> ${dir}\n`,
          );
        }
        run = await runExploration({
          settings,
          claims,
          dir,
          shard,
          ...(resume !== undefined ? { resume } : {}),
          deadline: Date.now() + budgetMs,
          signal: abort.signal,
          packageVersion: PACKAGE_VERSION,
          progress: {
            itemStart: (item, i, n, cap) => progress.start(`${item.key} (${i + 1}/${n})`, cap),
            itemRuns: (r) => progress.update(r),
            itemEnd: (_item, summary) => progress.stop(summary),
          },
        });
      } finally {
        process.off('SIGINT', onSigint);
      }
      const findings = findingsOf(run.state);
      await writeExploreReport(dir, findings, { charts: flags.charts !== false });
      if (json) ctx.io.out(JSON.stringify(findings, null, 2) + '\n');
      else ctx.io.out(findingsTable(findings) + `\nreport: ${join(dir, 'findings.md')}\n`);
      if (run.pending.length > 0) {
        const why = run.interrupted ? 'interrupted' : 'budget spent';
        ctx.io.err(`dpocheck explore: ${why}; kept what was measured, ${run.pending.length} work items left. Continue with: dpocheck explore --resume ${dir}\n`);
      }
      if (run.interrupted) ctx.exitCode = EXIT_INTERRUPTED;
    });
}

function parseShardFlag(text: string): Shard {
  try {
    return parseShard(text);
  } catch (e) {
    throw new UsageError(`--shard: ${(e as Error).message.replace(/^shard:?\s*/, '')}`);
  }
}

/**
 * `dpocheck law`: the measured scaling law (THEORY §9). Trains DPO on a grid of K (values) × Q
 * (samples per value) in each token/noise regime, measures the exact test error of every trained
 * policy, finds the smallest Q that brings the error below η (Q̂_min) per K, and fits Q̂_min(K)
 * against THEORY §9's prediction, ln K (Theorem 4.3's shape), K and a power law. Writes
 * `<out>/<timestamp>/law/` (law.json, law.md, index.html, charts/, law-state.json). Resumable (Ctrl-C keeps
 * what was measured, exit 130; `--resume <dir>`), shardable (`--shard i/n`, `dpocheck merge`),
 * with an optional wall-clock `--budget`. `--paper-tables` fits the paper's own tables (THEORY §7).
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { parseDuration } from '../../check/duration.ts';
import { DEFAULT_DATASETS, DEFAULT_ETA, DEFAULT_KS, DEFAULT_LB, DEFAULT_NOISE_MULTIPLIER, DEFAULT_QS, DEFAULT_TEST_SIZE, LAW_SCHEMA_VERSION, parseTokens, validateSettings, type LawDeparture, type LawSettings, type Training } from '../../check/law/grid.ts';
import { catchInterrupt, EXIT_INTERRUPTED } from '../../check/interrupt.ts';
import { paperTableFits } from '../../check/law/paperTables.ts';
import { lawResults, type LawResults } from '../../check/law/results.ts';
import { runLaw } from '../../check/law/run.ts';
import { parseLawShard, readLawState, WHOLE_GRID, type LawShard } from '../../check/law/state.ts';
import { DEPARTURE_IDS, isDepartureId } from '../../data/breaking.ts';
import { fmt, paperTablesMarkdown, writeLawReport } from '../../report/lawReport.ts';
import { createProgress } from '../../report/progress.ts';
import { timestampName } from '../../report/verifyReport.ts';
import { InvalidInputError } from '../../theory/errors.ts';
import { UsageError } from '../errors.ts';
import type { CommandContext } from '../main.ts';
import { parseChoice, parseInteger, parseIntegerList, parseNumber, parseNumberList, parseSeed } from '../parse.ts';

/** Default seed: fixed so that the default run is reproducible (and docs/law.md regenerates identically). */
export const DEFAULT_LAW_SEED = 1;

interface LawFlags {
  K?: string; Q?: string; tokens: string; v?: string; noiseMultiplier?: string; d?: string; lb?: string; beta?: string; tau?: string;
  datasets?: string; eta?: string; tEnd?: string; optimizer?: string; preset?: string; condition?: string; testSize?: string;
  seed?: string; shard?: string; resume?: string; budget?: string; out: string; dir?: string; json?: boolean; charts: boolean; paperTables?: boolean;
}

/** `name=magnitude,...` for explorer departures (ids as `explore --condition`). */
export function parseLawConditions(raw: string | undefined): LawDeparture[] {
  if (raw === undefined) return [];
  const out: LawDeparture[] = [];
  for (const part of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([A-Za-z-]+)=(.+)$/.exec(part);
    if (m === null) throw new UsageError(`--condition: expected <departure>=<magnitude>, got '${part}' (departures: ${DEPARTURE_IDS.join(', ')})`);
    if (!isDepartureId(m[1]!)) throw new UsageError(`--condition: unknown departure '${m[1]}' (one of ${DEPARTURE_IDS.join(', ')})`);
    out.push({ id: m[1], magnitude: parseNumber('--condition', m[2]!) });
  }
  return out;
}

/** `--t-end`: a flow time, or a multiple of τ_1 written `<x>tau1`. */
function parseTEnd(raw: string | undefined): Training {
  if (raw === undefined) return { optimizer: 'flow', tEnd: 1, tEndUnit: 'tau1' };
  const m = /^(.*?)(tau1)?$/.exec(raw.trim())!;
  const x = parseNumber('--t-end', m[1]!);
  if (!(x > 0)) throw new UsageError(`--t-end: must be > 0, got ${x}`);
  return { optimizer: 'flow', tEnd: x, tEndUnit: m[2] === 'tau1' ? 'tau1' : 'time' };
}

/** Settings from the flags (everything the results depend on). */
export function lawSettingsFromFlags(flags: LawFlags): LawSettings {
  const Ks = flags.K === undefined ? [...DEFAULT_KS] : parseIntegerList('--K', flags.K, 1);
  const Qs = flags.Q === undefined ? [...DEFAULT_QS] : parseIntegerList('--Q', flags.Q, 1);
  const tokens = flags.tokens.split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (tokens.length === 0) throw new UsageError('--tokens: expected distinct, shared-pair or z=<Z>, comma-separated');
  for (const t of tokens) {
    try {
      parseTokens(t);
    } catch (e) {
      throw new UsageError(`--tokens: ${(e as Error).message.replace(/^tokens: /, '')}`);
    }
  }
  if (flags.v !== undefined && flags.noiseMultiplier !== undefined) throw new UsageError('--v and --noise-multiplier: give one noise level kind, not both');
  const positive = (flag: string, xs: number[]): number[] => {
    for (const x of xs) if (!(x > 0)) throw new UsageError(`${flag}: must be > 0, got ${x}`);
    return xs;
  };
  const noises =
    flags.v !== undefined
      ? positive('--v', parseNumberList('--v', flags.v)).map((v) => ({ kind: 'absolute' as const, v }))
      : positive('--noise-multiplier', flags.noiseMultiplier === undefined ? [DEFAULT_NOISE_MULTIPLIER] : parseNumberList('--noise-multiplier', flags.noiseMultiplier)).map((m) => ({ kind: 'relative' as const, m }));
  const optimizer = flags.optimizer === undefined ? (flags.preset !== undefined ? 'adam' : 'flow') : parseChoice('--optimizer', flags.optimizer, ['flow', 'adam'] as const);
  let training: Training;
  if (optimizer === 'adam') {
    if (flags.preset === undefined) throw new UsageError('--optimizer adam: needs --preset authors-last-layer (the only Adam setting law runs)');
    parseChoice('--preset', flags.preset, ['authors-last-layer'] as const);
    if (flags.tEnd !== undefined) throw new UsageError('--t-end: the authors-last-layer preset fixes 100 Adam steps');
    training = { optimizer: 'adam', preset: 'authors-last-layer' };
  } else {
    if (flags.preset !== undefined) throw new UsageError('--preset: only with --optimizer adam');
    training = parseTEnd(flags.tEnd);
  }
  const num = (flag: string, raw: string | undefined, dflt: number): number => (raw === undefined ? dflt : parseNumber(flag, raw));
  const lb = num('--lb', flags.lb, DEFAULT_LB);
  if (!(lb > 0)) throw new UsageError(`--lb: must be > 0, got ${lb}`);
  const beta = training.optimizer === 'adam' ? 0.01 : num('--beta', flags.beta, 1);
  const tau = num('--tau', flags.tau, 1);
  if (!(beta > 0)) throw new UsageError(`--beta: must be > 0, got ${beta}`);
  if (!(tau > 0)) throw new UsageError(`--tau: must be > 0, got ${tau}`);
  const eta = num('--eta', flags.eta, DEFAULT_ETA);
  if (!(eta > 0 && eta < 0.5)) throw new UsageError(`--eta: must lie in (0, 1/2), got ${eta}`);
  const settings: LawSettings = {
    schemaVersion: LAW_SCHEMA_VERSION,
    seed: flags.seed === undefined ? DEFAULT_LAW_SEED : parseSeed('--seed', flags.seed),
    Ks,
    Qs,
    tokens: tokens.map(parseTokens),
    noises,
    d: flags.d === undefined ? Math.max(...Ks) + 1 + (flags.condition?.includes('ortho-correlated') ? 1 : 0) : parseInteger('--d', flags.d, 1),
    lb,
    beta,
    tau,
    datasets: flags.datasets === undefined ? DEFAULT_DATASETS : parseInteger('--datasets', flags.datasets, 2),
    eta,
    training,
    departures: parseLawConditions(flags.condition),
    testSize: flags.testSize === undefined ? DEFAULT_TEST_SIZE : parseInteger('--test-size', flags.testSize, 1),
  };
  try {
    return validateSettings(settings);
  } catch (e) {
    if (e instanceof InvalidInputError) throw new UsageError(`--${e.field === 'Ks' ? 'K' : e.field === 'Qs' ? 'Q' : e.field}: ${e.message.replace(/^[^:]*: /, '')}`);
    throw e;
  }
}

/** The short table printed after a run: Q̂_min per regime and K. */
export function qminTable(r: LawResults): string {
  const lines = ['tokens        noise   K     Q̂_min  interval      §9 pred.  Thm 4.3'];
  for (const q of r.qmin) {
    const val = q.status === 'found' ? String(q.Q) : q.status === 'none' ? 'none' : '…';
    const iv = q.status === 'found' ? (q.low === null ? `≤ ${q.high}` : `(${q.low}, ${q.high}]`) : q.status === 'none' ? `> ${q.low} (floor ${fmt(q.floor)})` : 'incomplete';
    lines.push(`${q.tokens.padEnd(13)} ${q.noise.padEnd(7)} ${String(q.K).padEnd(5)} ${val.padEnd(6)} ${iv.padEnd(13)} ${(q.predicted === null ? 'none' : fmt(q.predicted)).padEnd(9)} ${q.theorem43}`);
  }
  return lines.join('\n') + '\n';
}

export function registerLaw(program: Command, ctx: CommandContext): void {
  program
    .command('law')
    .description('measure the scaling law: test error and the samples per value Q̂_min(K) needed as the number of values K grows (THEORY §9)')
    .option('--K <list>', `numbers of values K (default ${DEFAULT_KS.join(',')})`)
    .option('--Q <list>', `samples per cluster Q (default ${DEFAULT_QS.join(',')})`)
    .option('--tokens <list>', 'token regimes: distinct, shared-pair (one pair for every value, like the authors\' " Yes"/" No"), z=<Z> (groups of Z values share a token)', 'shared-pair,distinct')
    .option('--v <list>', 'absolute noise level(s) v')
    .option('--noise-multiplier <list>', `noise relative to the theorems' edge: v = m/(32√Q) (default m = ${DEFAULT_NOISE_MULTIPLIER})`)
    .option('--d <n>', 'feature dimension (default max K + 1)')
    .option('--lb <x>', `length of the shared component b (default ${DEFAULT_LB})`)
    .option('--beta <x>', 'DPO temperature β (default 1)')
    .option('--tau <x>', 'inverse learning rate τ (default 1)')
    .option('--datasets <n>', `training sets per cell (default ${DEFAULT_DATASETS})`)
    .option('--eta <x>', `target test error of Q̂_min (default ${DEFAULT_ETA})`)
    .option('--t-end <t>', 'train to flow time t, or to a multiple of τ_1 written like 10tau1 (default 1tau1)')
    .option('--optimizer <name>', 'flow (exact gradient flow, default) or adam (with --preset)')
    .option('--preset <name>', 'authors-last-layer: Adam, lr 1e-3, β = 0.01, 100 full-batch steps (THEORY §7)')
    .option('--condition <list>', 'explorer departures applied to every cell, as <departure>=<magnitude> (e.g. anisotropic=10,label-noise=0.1,heavy-tail=0.3)')
    .option('--test-size <n>', `Monte Carlo test points per training set, only for noise without a closed form (heavy tails; default ${DEFAULT_TEST_SIZE})`)
    .option('--seed <int>', `seed of the whole grid (default ${DEFAULT_LAW_SEED})`)
    .option('--shard <i/n>', 'measure only the i-th of n deterministic slices of the grid (combine with dpocheck merge)')
    .option('--resume <dir>', 'continue an interrupted or budget-limited run in <dir> (its settings are kept)')
    .option('--budget <duration>', 'wall-clock budget (e.g. 90s, 10m): cells that no longer fit are left for --resume')
    .option('--out <dir>', 'report root directory', 'reports')
    .option('--dir <dir>', 'exact run directory (default <out>/<timestamp>/law)')
    .option('--no-charts', 'skip the SVG charts')
    .option('--paper-tables', 'fit THEORY §9\'s law and the straight line to the paper\'s tables (THEORY §7) and stop')
    .option('--json', 'print the results JSON to stdout instead of the table')
    .action(async (flags: LawFlags) => {
      const json = flags.json === true;
      if (flags.paperTables === true) {
        const fits = paperTableFits();
        if (json) ctx.io.out(JSON.stringify({ schemaVersion: LAW_SCHEMA_VERSION, paperTables: fits }, null, 2) + '\n');
        else ctx.io.out(paperTablesMarkdown(fits) + '\n');
        return;
      }
      const budgetMs = flags.budget === undefined ? Infinity : parseDuration(flags.budget);
      let settings: LawSettings;
      let shard: LawShard;
      let dir: string;
      const resume = flags.resume !== undefined ? readLawState(flags.resume) : undefined;
      if (resume !== undefined) {
        settings = resume.settings;
        shard = resume.shard;
        dir = flags.resume!;
      } else {
        settings = lawSettingsFromFlags(flags);
        if (flags.shard !== undefined) {
          try {
            shard = parseLawShard(flags.shard);
          } catch (e) {
            throw new UsageError(`--shard: ${(e as Error).message.replace(/^shard: /, '')}`);
          }
        } else shard = WHOLE_GRID;
        dir = flags.dir ?? join(flags.out, timestampName(), shard.count === 1 ? 'law' : `law-shard-${shard.index}-of-${shard.count}`);
      }
      const progress = createProgress({ enabled: !json, interactive: ctx.io.interactive, write: (s) => ctx.io.err(s) });
      if (!json) {
        ctx.io.err(
          `dpocheck law: seed ${settings.seed}, K ∈ {${settings.Ks.join(',')}} × Q ∈ {${settings.Qs.join(',')}}, ${settings.tokens.length * settings.noises.length} regimes, ${settings.datasets} training sets per cell` +
            `${shard.count > 1 ? `, shard ${shard.index}/${shard.count}` : ''}${resume ? ' (resumed)' : ''} -> ${dir}\n`,
        );
      }
      let done = 0;
      const stop = catchInterrupt({
        onFirst: () => {
          if (!json) ctx.io.err('\ndpocheck law: interrupted; finishing the measurement in flight, then saving (Ctrl-C again to quit now)\n');
        },
      });
      let outcome;
      try {
        outcome = await runLaw({
          settings,
          shard,
          dir,
          ...(resume !== undefined ? { resume } : {}),
          deadline: Date.now() + budgetMs,
          signal: stop.signal,
          progress: {
            cellStart: (cell, i, n) => {
              done = 0;
              progress.start(`${cell.regime.tokens} ${cell.K}x${cell.Q} (${i + 1}/${n})`, settings.datasets);
            },
            dataset: () => progress.update(++done),
            cellEnd: () => progress.stop(),
          },
        });
      } finally {
        stop.dispose();
      }
      const results = lawResults(outcome.state);
      await writeLawReport(dir, results, { charts: flags.charts !== false });
      if (json) ctx.io.out(JSON.stringify(results, null, 2) + '\n');
      else ctx.io.out(qminTable(results) + `report: ${join(dir, 'law.md')}, ${join(dir, 'index.html')}\n`);
      if (outcome.pending > 0) {
        const why = outcome.interrupted ? 'interrupted' : 'budget spent';
        ctx.io.err(`dpocheck law: ${why}; kept what was measured, ${outcome.pending} training sets left. Continue with: dpocheck law --resume ${dir}\n`);
      }
      if (outcome.interrupted) ctx.exitCode = EXIT_INTERRUPTED;
    });
}

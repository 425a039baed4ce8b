/**
 * The regime explorer (issue 5): breaks each assumption of THEORY §3 on purpose (and the
 * departures beyond the paper, src/data/breaking.ts), and measures where the theorems'
 * conclusions stop holding:
 *
 * - **frontiers**: for each (departure, claim), the smallest magnitude m at which the claim's
 *   conclusion fails with probability >= p, with a confidence interval (src/check/frontier.ts),
 *   plus the coverage statistic of every probe (share of configurations that break exactly what
 *   the generator claims, and the realised magnitude, measured by `describeBreak`);
 * - **phase diagrams**: failure-rate grids over two axes (explore/diagrams.ts);
 * - **targeted search**: the worst configuration found by annealing on the violation score,
 *   shrunk by fast-check (explore/target.ts).
 *
 * The work is a fixed, ordered list of independent items, each with its own seed derived from
 * the run seed and the item's key, so that a deterministic slice (`--shard i/n`) of the list
 * measures exactly what the full run measures for those items, and merging the slices gives the
 * full run's findings. The state (every probe's batches, every cell, every search result) is
 * written atomically to `state.json` after each measurement, so an interrupted run keeps what it
 * measured and `resume` continues from it.
 *
 * @example
 *   const run = await runExploration({ settings: exploreSettings({ seed: 1, departures: ['noise'], claims: ['thm42-sandwich'] }),
 *                                      claims: [thm42Sandwich], dir: 'reports/x/explore' });
 *   findingsOf(run.state).frontiers[0].ci; // e.g. [33.1, 40.8]
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Edition } from '../theory/edition.ts';
import { DEFAULT_EDITION } from '../theory/edition.ts';
import { InvalidInputError } from '../theory/errors.ts';
import { DEPARTURE_IDS, departureAxis, type DepartureId } from '../data/breaking.ts';
import type { GenOptions, Trial } from './claim.ts';
import {
  DEFAULT_FRONTIER_LEVEL,
  DEFAULT_FRONTIER_P,
  decisionLevelFor,
  estimateFrontier,
  probeSeed,
  type FrontierProbe,
  type FrontierStatus,
  type FrontierStopReason,
} from './frontier.ts';
import { clopperPearson, type Interval } from './statistics.ts';
import { counterexampleFile, type SavedCounterexample } from './counterexampleStore.ts';
import {
  EMPTY_COVERAGE,
  addCoverage,
  judgeConfigs,
  magnitudeFeasible,
  probeConfigs,
  tallyCoverage,
  type BatchRecord,
  type ConfigClaim,
  type CoverageTally,
} from './explore/judge.ts';
import { DIAGRAMS, DIAGRAM_IDS, cellConfigs } from './explore/diagrams.ts';
import { keyedSeed, searchConclusionFailure } from './explore/target.ts';

export { conclusionFailed, violationScore, probeConfigs, expectedBreaks } from './explore/judge.ts';
export type { BatchRecord, ConfigClaim, CoverageTally } from './explore/judge.ts';
export { DIAGRAMS, DIAGRAM_IDS } from './explore/diagrams.ts';
export { searchConclusionFailure, shrinkFailure, mutateConfig, breaksOnly, keyedSeed } from './explore/target.ts';

/**
 * How many fair shares of the remaining time one work item may use. Ours: most items resolve in
 * a fraction of their share (a frontier far from the edge), so a cap of 3 lets the slow ones
 * (failure rate near p) finish while every later item still gets at least a third of its share.
 */
export const ITEM_SHARE_CAP = 3;

/** Claims explored when none are named: Theorem 4.2's band and window and Theorem 4.3's bound. */
export const DEFAULT_EXPLORE_CLAIMS = ['thm42-sandwich', 'thm42-window', 'thm43-generalization'] as const;

/** Everything that determines what an exploration measures (saved in its state). */
export interface ExploreSettings {
  readonly seed: number;
  readonly scale: GenOptions['scale'];
  readonly edition: Edition;
  readonly departures: readonly DepartureId[];
  readonly claims: readonly string[];
  /** Diagram ids (explore/diagrams.ts) and the claim they are measured with. */
  readonly diagrams: readonly string[];
  readonly diagramClaim: string;
  /** Failure probability defining a frontier, and the intended coverage of its interval. */
  readonly p: number;
  readonly level: number;
  /** Runs per oracle call, per probe at most, and per frontier item at most. */
  readonly batchRuns: number;
  readonly runsPerProbe: number;
  readonly maxRunsPerItem: number;
  /** Runs per diagram cell. */
  readonly cellRuns: number;
  /** Targeted search: score evaluations (0 = no targeted search) and seed population size. */
  readonly targetEvaluations: number;
  readonly targetPopulation: number;
  /** Times a frontier range is widened (×4) when even its upper end never fails. */
  readonly rangeExtensions: number;
}

/**
 * Runs per oracle call. Ours: 20 decides a rate of 1 or 0.5 in one call and keeps the number of
 * calls (and state writes) small.
 */
export const DEFAULT_EXPLORE_BATCH = 20;
/**
 * Runs per probe at most. Ours: 100 clean runs show a rate below p = 5% at the decision level
 * (0 failures in 100: upper bound 0.045 at 99%), so a probe that never fails is decided.
 */
export const DEFAULT_EXPLORE_RUNS_PER_PROBE = 100;
/**
 * Runs per frontier item at most. Ours: about ten probes of 100, which at ~15 ms a small-scale
 * simulation is ~15 s per (departure, claim).
 */
export const DEFAULT_EXPLORE_RUNS_PER_ITEM = 1000;
/** Runs per diagram cell. Ours: 20 resolves rates 0, about 1/2 and 1 apart (CI half-width ~0.2). */
export const DEFAULT_CELL_RUNS = 20;
/** Targeted-search evaluations. Ours: ~30 annealing steps after the population, ~0.5 s. */
export const DEFAULT_TARGET_EVALUATIONS = 36;
/** Targeted-search seed population. */
export const DEFAULT_TARGET_POPULATION = 6;
/**
 * Range widenings. Ours: two (×16 in all) reach e.g. the noise magnitudes where the band first
 * fails at the small scale (tens of times the v5 edge) from the default range [1, 32].
 */
export const DEFAULT_RANGE_EXTENSIONS = 2;
/** Factor by which a range's upper end grows per widening. */
const RANGE_GROWTH = 4;

/** Settings with every default filled in. */
export function exploreSettings(partial: Partial<ExploreSettings> & { seed: number }): ExploreSettings {
  const s: ExploreSettings = {
    scale: 'small',
    edition: DEFAULT_EDITION,
    departures: DEPARTURE_IDS,
    claims: DEFAULT_EXPLORE_CLAIMS,
    diagrams: DIAGRAM_IDS,
    diagramClaim: 'thm42-sandwich',
    p: DEFAULT_FRONTIER_P,
    level: DEFAULT_FRONTIER_LEVEL,
    batchRuns: DEFAULT_EXPLORE_BATCH,
    runsPerProbe: DEFAULT_EXPLORE_RUNS_PER_PROBE,
    maxRunsPerItem: DEFAULT_EXPLORE_RUNS_PER_ITEM,
    cellRuns: DEFAULT_CELL_RUNS,
    targetEvaluations: DEFAULT_TARGET_EVALUATIONS,
    targetPopulation: DEFAULT_TARGET_POPULATION,
    rangeExtensions: DEFAULT_RANGE_EXTENSIONS,
    ...partial,
  };
  for (const d of s.departures) departureAxis(d);
  for (const id of s.diagrams) if (DIAGRAMS[id] === undefined) throw new InvalidInputError('diagrams', `unknown diagram '${id}' (one of ${DIAGRAM_IDS.join(', ')})`);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Work items and shards

/** One independent unit of work. */
export type WorkItem =
  | { readonly key: string; readonly kind: 'frontier'; readonly departure: DepartureId; readonly claim: string }
  | { readonly key: string; readonly kind: 'cell'; readonly diagram: string; readonly claim: string; readonly x: number; readonly y: number }
  | { readonly key: string; readonly kind: 'target'; readonly departure: DepartureId; readonly claim: string };

/**
 * Every work item of an exploration, in a fixed order: frontiers (departure-major, so claims on
 * the same configurations reuse cached simulations), diagram cells, then targeted searches.
 */
export function planWorkItems(settings: ExploreSettings): WorkItem[] {
  const items: WorkItem[] = [];
  for (const departure of settings.departures) {
    for (const claim of settings.claims) items.push({ key: `frontier/${departure}/${claim}`, kind: 'frontier', departure, claim });
  }
  for (const diagram of settings.diagrams) {
    const spec = DIAGRAMS[diagram]!;
    for (const y of spec.yValues) {
      for (const x of spec.xValues) items.push({ key: `cell/${diagram}/${x}/${y}`, kind: 'cell', diagram, claim: settings.diagramClaim, x, y });
    }
  }
  if (settings.targetEvaluations > 0) {
    for (const departure of settings.departures) {
      for (const claim of settings.claims) items.push({ key: `target/${departure}/${claim}`, kind: 'target', departure, claim });
    }
  }
  return items;
}

/** A deterministic slice of the work: shard `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The whole run as one shard. */
export const WHOLE_RUN: Shard = { index: 1, count: 1 };

/**
 * Parses `i/n` (1 <= i <= n).
 * @example parseShard('2/4') // { index: 2, count: 4 }
 */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) throw new InvalidInputError('shard', `expected i/n (e.g. 1/4), got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1 && index >= 1 && index <= count)) throw new InvalidInputError('shard', `needs 1 <= i <= n, got '${text}'`);
  return { index, count };
}

/** The items of one shard: every n-th item starting at the i-th (round robin balances the kinds). */
export function shardItems(items: readonly WorkItem[], shard: Shard): WorkItem[] {
  return items.filter((_, k) => k % shard.count === shard.index - 1);
}

// ---------------------------------------------------------------------------------------------
// State

/** One probed magnitude with its oracle calls. */
export interface ProbeRecord {
  readonly m: number;
  readonly failures: number;
  readonly runs: number;
  readonly batches: readonly BatchRecord[];
}

/** The frontier estimate as last computed for an item. */
export interface FrontierSummary {
  readonly status: FrontierStatus;
  readonly frontier: number | null;
  readonly ci: Interval | null;
  readonly stopReason: FrontierStopReason;
  readonly nonMonotone: boolean;
}

/** What a conclusion failure found by targeted search looks like in the state. */
export interface TargetRecord {
  readonly bestScore: number;
  readonly evaluations: number;
  readonly stopReason: string;
  readonly failure: {
    readonly input: unknown;
    readonly original: { readonly K: number; readonly Q: number; readonly d: number };
    readonly shrinks: number;
    readonly broken: readonly string[];
    readonly observed: number | null;
    readonly bound: number | null;
    readonly slack: number | null;
    readonly violated: boolean;
    readonly detail: Readonly<Record<string, unknown>> | null;
    /** The saved counterexample file, relative to the run directory. */
    readonly file: string;
  } | null;
}

export type ItemState =
  | { readonly kind: 'frontier'; done: boolean; lo: number; hi: number; extensions: number; probes: ProbeRecord[]; result: FrontierSummary | null }
  | { readonly kind: 'cell'; done: boolean; batches: BatchRecord[] }
  | { readonly kind: 'target'; done: boolean; result: TargetRecord | null };

/** Format tag of state.json. */
export const STATE_FORMAT = 'dpocheck-explore-state/1';

/** The persisted state of an exploration (one shard of it). */
export interface ExploreState {
  readonly format: typeof STATE_FORMAT;
  readonly settings: ExploreSettings;
  readonly shard: Shard;
  readonly packageVersion: string;
  readonly items: Record<string, ItemState>;
}

/** File name of the state inside a run directory. */
export const STATE_FILE = 'state.json';

/** Writes the state atomically (write-file-atomic: a reader never sees a partial file). */
export function writeState(dir: string, state: ExploreState): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic.sync(join(dir, STATE_FILE), JSON.stringify(state) + '\n');
}

/** Reads a run directory's state; any problem is an InvalidInputError naming the directory. */
export function readState(dir: string): ExploreState {
  const file = join(dir, STATE_FILE);
  if (!existsSync(file)) throw new InvalidInputError(dir, `is not an explore run directory (no ${STATE_FILE})`);
  let state: ExploreState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as ExploreState;
  } catch {
    throw new InvalidInputError(file, 'is not valid JSON');
  }
  if (state?.format !== STATE_FORMAT || typeof state.items !== 'object' || state.settings === undefined) {
    throw new InvalidInputError(file, `not a ${STATE_FORMAT} file`);
  }
  return state;
}

// ---------------------------------------------------------------------------------------------
// Running

/** Progress events of a run (for the CLI's bar; stderr only). */
export interface ExploreProgress {
  itemStart?(item: WorkItem, index: number, total: number, runsCap: number): void;
  itemRuns?(runs: number): void;
  itemEnd?(item: WorkItem, summary: string): void;
}

export interface RunExplorationOptions {
  readonly settings: ExploreSettings;
  /** The claim objects for every id in settings.claims and settings.diagramClaim. */
  readonly claims: readonly ConfigClaim[];
  /** Run directory: state.json is written here after every measurement (omit: memory only). */
  readonly dir?: string;
  readonly shard?: Shard;
  /** State to continue (resume). Its settings and shard win over the ones given. */
  readonly resume?: ExploreState;
  /** Wall-clock deadline (ms since epoch): each item gets up to ITEM_SHARE_CAP fair shares of what is left. */
  readonly deadline?: number;
  /** Abort (Ctrl-C): stops cleanly after the current oracle call, keeping what was measured. */
  readonly signal?: AbortSignal;
  readonly progress?: ExploreProgress;
  readonly packageVersion?: string;
}

export interface ExplorationRun {
  readonly state: ExploreState;
  /** Stopped by the signal. */
  readonly interrupted: boolean;
  /** Items of this shard not finished (budget or interruption). */
  readonly pending: readonly string[];
}

function freshItem(item: WorkItem): ItemState {
  switch (item.kind) {
    case 'frontier': {
      const [lo, hi] = departureAxis(item.departure).defaultRange;
      return { kind: 'frontier', done: false, lo, hi, extensions: 0, probes: [], result: null };
    }
    case 'cell':
      return { kind: 'cell', done: false, batches: [] };
    case 'target':
      return { kind: 'target', done: false, result: null };
  }
}

/** A FrontierProbe (what estimateFrontier reuses) from a recorded probe. */
function asFrontierProbe(probe: ProbeRecord, level: number): FrontierProbe {
  return { m: probe.m, failures: probe.failures, runs: probe.runs, rate: probe.runs === 0 ? 0 : probe.failures / probe.runs, ci: clopperPearson(probe.failures, probe.runs, level) };
}

/** The next upper end of a range that never failed: ×4, or ×2, capped by the domain and by what the scale can generate. */
function widerHi(departure: DepartureId, hi: number, scale: GenOptions['scale']): number | null {
  const domainHi = departureAxis(departure).domain[1];
  for (const factor of [RANGE_GROWTH, 2]) {
    const next = Math.min(domainHi, hi * factor);
    if (next > hi && next < Number.POSITIVE_INFINITY && magnitudeFeasible(departure, next, scale)) return next;
  }
  return null;
}

/**
 * Runs (or continues) an exploration: every not-yet-finished item of the shard, in order,
 * persisting the state after each measurement. Deterministic for a given settings and shard
 * unless a deadline or the signal cuts it short (then resuming completes it identically).
 */
export async function runExploration(options: RunExplorationOptions): Promise<ExplorationRun> {
  const state: ExploreState = options.resume ?? {
    format: STATE_FORMAT,
    settings: options.settings,
    shard: options.shard ?? WHOLE_RUN,
    packageVersion: options.packageVersion ?? '0.0.0',
    items: {},
  };
  const { settings } = state;
  const claimOf = (id: string): ConfigClaim => {
    const claim = options.claims.find((c) => c.id === id);
    if (claim === undefined) throw new InvalidInputError('claims', `no claim object given for '${id}'`);
    return claim;
  };
  const genOptions: GenOptions = { scale: settings.scale, edition: settings.edition };
  const items = shardItems(planWorkItems(settings), state.shard);
  for (const item of items) state.items[item.key] ??= freshItem(item);
  const persist = (): void => {
    if (options.dir !== undefined) writeState(options.dir, state);
  };
  persist();

  const aborted = (): boolean => options.signal?.aborted === true;
  const todo = items.filter((item) => !state.items[item.key]!.done);
  for (const [k, item] of todo.entries()) {
    if (aborted()) break;
    const now = Date.now();
    if (options.deadline !== undefined && now >= options.deadline) break;
    // An item may use up to ITEM_SHARE_CAP fair shares of the time left: quick items leave time
    // unused, and slow ones (frontiers near p) need it; later items still get their share.
    const itemDeadline =
      options.deadline === undefined
        ? Number.POSITIVE_INFINITY
        : now + (options.deadline - now) * Math.min(1, ITEM_SHARE_CAP / (todo.length - k));
    const shouldStop = (): boolean => aborted() || Date.now() >= itemDeadline;
    const s = state.items[item.key]!;
    const index = items.indexOf(item);
    if (item.kind === 'frontier' && s.kind === 'frontier') {
      options.progress?.itemStart?.(item, index, items.length, settings.maxRunsPerItem);
      await runFrontierItem(item, s, claimOf(item.claim), settings, genOptions, shouldStop, persist, options.progress);
      options.progress?.itemEnd?.(item, `${item.key}: ${s.result?.status ?? 'not run'}${s.result?.ci ? ` [${s.result.ci.map((x) => x.toPrecision(3)).join(', ')}]` : ''}`);
    } else if (item.kind === 'cell' && s.kind === 'cell') {
      options.progress?.itemStart?.(item, index, items.length, settings.cellRuns);
      await runCellItem(item, s, claimOf(item.claim), settings, genOptions, shouldStop, persist, options.progress);
      const f = s.batches.reduce((a, b) => a + b.failures, 0);
      const r = s.batches.reduce((a, b) => a + b.runs, 0);
      options.progress?.itemEnd?.(item, `${item.key}: ${f}/${r} failed`);
    } else if (item.kind === 'target' && s.kind === 'target') {
      options.progress?.itemStart?.(item, index, items.length, settings.targetEvaluations);
      await runTargetItem(item, s, claimOf(item.claim), settings, genOptions, shouldStop, options.dir, state.packageVersion);
      persist();
      options.progress?.itemEnd?.(item, `${item.key}: ${s.result?.failure ? `failure found (${s.result.failure.file})` : s.done ? 'no failure found' : 'not finished'}`);
    }
  }
  const pending = items.filter((item) => !state.items[item.key]!.done).map((item) => item.key);
  return { state, interrupted: aborted(), pending };
}

async function runFrontierItem(
  item: Extract<WorkItem, { kind: 'frontier' }>,
  s: Extract<ItemState, { kind: 'frontier' }>,
  claim: ConfigClaim,
  settings: ExploreSettings,
  genOptions: GenOptions,
  shouldStop: () => boolean,
  persist: () => void,
  progress: ExploreProgress | undefined,
): Promise<void> {
  const seed = keyedSeed(settings.seed, `frontier/${item.departure}`);
  const decisionLevel = decisionLevelFor(settings.level);
  const probes = new Map<number, ProbeRecord>(s.probes.map((p) => [p.m, p]));
  let spent = s.probes.reduce((a, p) => a + p.runs, 0);
  const oracle = async (m: number, n: number, batchSeed: number) => {
    const configs = probeConfigs(item.departure, m, n, batchSeed, genOptions.scale);
    const batch = await judgeConfigs(claim, configs, genOptions, (c, t) => tallyCoverage(t, item.departure, m, c));
    const before = probes.get(m) ?? { m, failures: 0, runs: 0, batches: [] };
    probes.set(m, { m, failures: before.failures + batch.failures, runs: before.runs + batch.runs, batches: [...before.batches, { seed: batchSeed, ...batch }] });
    s.probes = [...probes.values()].sort((a, b) => a.m - b.m);
    spent += batch.runs;
    progress?.itemRuns?.(spent);
    return { failures: batch.failures, runs: batch.runs };
  };
  for (;;) {
    const result = await estimateFrontier({
      oracle,
      lo: s.lo,
      hi: s.hi,
      seed,
      p: settings.p,
      level: settings.level,
      batchRuns: settings.batchRuns,
      maxRunsPerProbe: settings.runsPerProbe,
      maxTotalRuns: Math.max(0, settings.maxRunsPerItem - spent),
      shouldStop,
      previous: s.probes.map((p) => asFrontierProbe(p, decisionLevel)),
      onProbe: () => persist(),
    });
    s.result = { status: result.status, frontier: result.frontier, ci: result.ci, stopReason: result.stopReason, nonMonotone: result.nonMonotone };
    if (result.stopReason === 'stopped') break;
    const wider = result.status === 'never-fails' && result.stopReason === 'resolved' && s.extensions < settings.rangeExtensions
      ? widerHi(item.departure, s.hi, genOptions.scale)
      : null;
    if (wider === null) {
      s.done = true;
      break;
    }
    s.hi = wider;
    s.extensions++;
  }
  persist();
}

async function runCellItem(
  item: Extract<WorkItem, { kind: 'cell' }>,
  s: Extract<ItemState, { kind: 'cell' }>,
  claim: ConfigClaim,
  settings: ExploreSettings,
  genOptions: GenOptions,
  shouldStop: () => boolean,
  persist: () => void,
  progress: ExploreProgress | undefined,
): Promise<void> {
  const spec = DIAGRAMS[item.diagram]!;
  const seed = keyedSeed(settings.seed, `cell/${item.diagram}/${item.x}/${item.y}`);
  let offset = s.batches.reduce((a, b) => a + b.n, 0);
  while (offset < settings.cellRuns) {
    if (shouldStop()) return;
    const n = Math.min(settings.batchRuns, settings.cellRuns - offset);
    const batchSeed = probeSeed(seed, 0, offset);
    const configs = cellConfigs(spec, item.x, item.y, n, batchSeed, genOptions.scale);
    const batch = await judgeConfigs(claim, configs, genOptions, (_c, t) => ({ ...t, configs: t.configs + 1 }));
    s.batches.push({ seed: batchSeed, ...batch });
    offset += n;
    progress?.itemRuns?.(offset);
    persist();
  }
  s.done = true;
  persist();
}

/** The magnitude a targeted search starts from: the middle of the departure's default range. */
export function targetMagnitude(departure: DepartureId): number {
  const [lo, hi] = departureAxis(departure).defaultRange;
  return lo + (hi - lo) / 2;
}

async function runTargetItem(
  item: Extract<WorkItem, { kind: 'target' }>,
  s: Extract<ItemState, { kind: 'target' }>,
  claim: ConfigClaim,
  settings: ExploreSettings,
  genOptions: GenOptions,
  shouldStop: () => boolean,
  dir: string | undefined,
  packageVersion: string,
): Promise<void> {
  const seed = keyedSeed(settings.seed, `target/${item.departure}/${item.claim}`);
  const search = await searchConclusionFailure({
    claim,
    departure: item.departure,
    magnitude: targetMagnitude(item.departure),
    seed,
    genOptions,
    population: settings.targetPopulation,
    maxEvaluations: settings.targetEvaluations,
    shouldStop,
  });
  if (search.stopReason === 'stopped') return; // Not finished: a resumed run redoes it from scratch.
  let failure: TargetRecord['failure'] = null;
  if (search.failure !== null) {
    const f = search.failure;
    const saved = conclusionCounterexample({
      claim: claim.id,
      departure: item.departure,
      input: f.input,
      trial: f.trial,
      seed,
      shrinks: f.shrinks,
      broken: f.broken,
      original: f.original,
      edition: settings.edition,
      scale: settings.scale,
      packageVersion,
    });
    const file = counterexampleFile('counterexamples', claim.id, f.input);
    if (dir !== undefined) {
      mkdirSync(join(dir, 'counterexamples', claim.id), { recursive: true });
      writeFileAtomic.sync(join(dir, file), JSON.stringify({ ...saved, replay: `npx dpocheck replay ${join(dir, file)}` }, null, 2) + '\n');
    }
    failure = {
      input: f.input,
      original: { K: f.original.K, Q: f.original.Q, d: f.original.d },
      shrinks: f.shrinks,
      broken: f.broken,
      observed: f.trial.observed ?? null,
      bound: f.trial.bound ?? null,
      slack: f.trial.slack ?? null,
      violated: f.trial.violated,
      detail: f.trial.detail ?? null,
      file,
    };
  }
  s.result = { bestScore: search.bestScore, evaluations: search.evaluations, stopReason: search.stopReason, failure };
  s.done = true;
}

/** A saved counterexample of a claim's CONCLUSION on a configuration that breaks an assumption. */
export type ConclusionCounterexample = SavedCounterexample & {
  readonly finding: 'conclusion-failed';
  readonly departure: DepartureId;
  readonly broken: readonly string[];
  readonly original: unknown;
  readonly note: string;
};

/**
 * The counterexample file of a conclusion failure, in the format `dpocheck replay` reads. On a
 * configuration that breaks an assumption the theorem does not apply, so the registry claim is
 * normally not violated there (its trial is vacuous): the file then says
 * `expect: 'conclusion-fails'` (the theorem, as checked, is not contradicted, but its conclusion
 * fails: `detail.conclusionHeld === false`, with `finding`, `broken` and `note`). A replay
 * re-judges the input with the registry claim and must print the same observed/bound/slack
 * (`identical`) with the conclusion still failing.
 */
export function conclusionCounterexample(args: {
  claim: string;
  departure: DepartureId;
  input: unknown;
  trial: Trial;
  seed: number;
  shrinks: number;
  broken: readonly string[];
  original: unknown;
  edition: Edition;
  scale: GenOptions['scale'];
  packageVersion: string;
}): ConclusionCounterexample {
  const t = args.trial;
  const finite = (x: number | undefined): number | null => (x === undefined || !Number.isFinite(x) ? null : x);
  return {
    format: 'dpocheck-counterexample/1',
    claim: args.claim,
    edition: args.edition,
    scale: args.scale,
    seed: args.seed,
    path: '',
    input: args.input,
    observed: finite(t.observed),
    bound: finite(t.bound),
    slack: finite(t.slack),
    ...(t.detail !== undefined ? { detail: { ...t.detail } } : {}),
    shrinks: args.shrinks,
    packageVersion: args.packageVersion,
    replay: '',
    expect: t.violated ? 'violated' : 'conclusion-fails',
    finding: 'conclusion-failed',
    departure: args.departure,
    broken: args.broken,
    original: args.original,
    note:
      `the conclusion of ${args.claim} fails on this configuration, which breaks ${args.broken.join(', ') || 'no condition'}; ` +
      (t.violated
        ? 'the claim reports it violated'
        : 'the theorem does not apply here, so the claim is not violated (expect: conclusion-fails); replay must reproduce the numbers and detail.conclusionHeld = false'),
  };
}

// ---------------------------------------------------------------------------------------------
// Merging shards

/**
 * Merges the states of shards of one exploration into one state (as if run unsharded): the
 * settings must agree, every item is taken from the shard that ran it (an item found in several
 * states keeps the most advanced copy: done over not done, then more runs).
 */
export function mergeStates(states: readonly ExploreState[]): ExploreState {
  if (states.length === 0) throw new InvalidInputError('dirs', 'needs at least one run directory');
  const settings = states[0]!.settings;
  const key = JSON.stringify(settings);
  const items: Record<string, ItemState> = {};
  const progressOf = (s: ItemState): number =>
    (s.done ? 1e15 : 0) + (s.kind === 'frontier' ? s.probes.reduce((a, p) => a + p.runs, 0) : s.kind === 'cell' ? s.batches.length : 0);
  for (const [i, state] of states.entries()) {
    if (JSON.stringify(state.settings) !== key) {
      throw new InvalidInputError(`dirs[${i}]`, 'was run with different settings (seed, scale, claims, budgets...) than the first; only shards of one exploration can be merged');
    }
    for (const [k, s] of Object.entries(state.items)) {
      const have = items[k];
      if (have === undefined || progressOf(s) > progressOf(have)) items[k] = s;
    }
  }
  return { format: STATE_FORMAT, settings, shard: WHOLE_RUN, packageVersion: states[0]!.packageVersion, items };
}

// ---------------------------------------------------------------------------------------------
// Findings

/** Coverage of a probe or a row: share breaking exactly what was intended, realised magnitude. */
export interface CoverageSummary {
  readonly configs: number;
  /** Share of configurations that broke exactly `expectedBreaks(departure, m)` (null: none drawn). */
  readonly exactShare: number | null;
  readonly meanMagnitude: number | null;
  readonly minMagnitude: number | null;
  readonly maxMagnitude: number | null;
}

function coverageSummary(t: CoverageTally): CoverageSummary {
  return {
    configs: t.configs,
    exactShare: t.configs === 0 ? null : t.exact / t.configs,
    meanMagnitude: t.configs === 0 ? null : t.magnitudeSum / t.configs,
    minMagnitude: t.magnitudeMin,
    maxMagnitude: t.magnitudeMax,
  };
}

/** One probed magnitude in the findings. */
export interface ProbeFinding {
  readonly m: number;
  readonly failures: number;
  readonly runs: number;
  readonly rate: number;
  /** Clopper–Pearson interval at the level the frontier decided it. */
  readonly ci: Interval;
  readonly inconclusive: number;
  readonly coverage: CoverageSummary;
  /** The oracle calls: batch seed and size (re-derive the configurations with `probeConfigs`). */
  readonly batches: ReadonlyArray<{ readonly seed: number; readonly n: number; readonly failures: number; readonly runs: number }>;
}

/** One (departure, claim) row of the findings table. */
export interface FrontierFinding {
  readonly departure: DepartureId;
  readonly kind: 'paper' | 'beyond';
  readonly condition: string | null;
  readonly claim: string;
  /** Range searched (after any widening). */
  readonly range: Interval;
  /** 'not-run' when this item has not been measured at all. */
  readonly status: FrontierStatus | 'not-run';
  readonly frontier: number | null;
  readonly ci: Interval | null;
  readonly runs: number;
  readonly done: boolean;
  readonly stopReason: FrontierStopReason | null;
  readonly nonMonotone: boolean;
  readonly coverage: CoverageSummary;
  readonly probes: readonly ProbeFinding[];
}

export interface DiagramFinding {
  readonly id: string;
  readonly title: string;
  readonly claim: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly cells: ReadonlyArray<{ readonly x: number; readonly y: number; readonly failures: number; readonly runs: number; readonly rate: number | null; readonly ci: Interval | null; readonly done: boolean }>;
}

export interface TargetFinding {
  readonly departure: DepartureId;
  readonly claim: string;
  readonly done: boolean;
  readonly result: TargetRecord | null;
}

/** Format tag of findings.json. */
export const FINDINGS_FORMAT = 'dpocheck-explore-findings/1';

/** The findings of an exploration (deterministic in its state: no times, no shard). */
export interface Findings {
  readonly format: typeof FINDINGS_FORMAT;
  readonly settings: ExploreSettings;
  /** Every item of the plan measured to the end. */
  readonly complete: boolean;
  /** Items not finished (or, for one shard, not in it). */
  readonly pending: readonly string[];
  readonly frontiers: readonly FrontierFinding[];
  readonly diagrams: readonly DiagramFinding[];
  readonly targets: readonly TargetFinding[];
}

/** The findings of a state (the full plan; items the state lacks are reported as not run). */
export function findingsOf(state: ExploreState): Findings {
  const { settings } = state;
  const decisionLevel = decisionLevelFor(settings.level);
  const plan = planWorkItems(settings);
  const pending = plan.filter((item) => state.items[item.key]?.done !== true).map((item) => item.key);
  const frontiers: FrontierFinding[] = [];
  const cells = new Map<string, DiagramFinding['cells'][number][]>();
  const targets: TargetFinding[] = [];
  for (const item of plan) {
    const s = state.items[item.key];
    if (item.kind === 'frontier') {
      const axis = departureAxis(item.departure);
      const f = s?.kind === 'frontier' ? s : null;
      const probes: ProbeFinding[] = (f?.probes ?? []).map((p) => {
        const coverage = p.batches.reduce((a, b) => addCoverage(a, b.coverage), EMPTY_COVERAGE);
        return {
          m: p.m,
          failures: p.failures,
          runs: p.runs,
          rate: p.runs === 0 ? 0 : p.failures / p.runs,
          ci: clopperPearson(p.failures, p.runs, decisionLevel),
          inconclusive: p.batches.reduce((a, b) => a + b.inconclusive, 0),
          coverage: coverageSummary(coverage),
          batches: p.batches.map((b) => ({ seed: b.seed, n: b.n, failures: b.failures, runs: b.runs })),
        };
      });
      const total = (f?.probes ?? []).flatMap((p) => p.batches).reduce((a, b) => addCoverage(a, b.coverage), EMPTY_COVERAGE);
      const [lo, hi] = f === null ? axis.defaultRange : [f.lo, f.hi];
      frontiers.push({
        departure: item.departure,
        kind: axis.kind,
        condition: axis.condition,
        claim: item.claim,
        range: [lo, hi],
        status: f?.result?.status ?? 'not-run',
        frontier: f?.result?.frontier ?? null,
        ci: f?.result?.ci ?? null,
        runs: probes.reduce((a, p) => a + p.runs, 0),
        done: f?.done ?? false,
        stopReason: f?.result?.stopReason ?? null,
        nonMonotone: f?.result?.nonMonotone ?? false,
        coverage: coverageSummary(total),
        probes,
      });
    } else if (item.kind === 'cell') {
      const c = s?.kind === 'cell' ? s : null;
      const failures = c?.batches.reduce((a, b) => a + b.failures, 0) ?? 0;
      const runs = c?.batches.reduce((a, b) => a + b.runs, 0) ?? 0;
      const list = cells.get(item.diagram) ?? [];
      list.push({ x: item.x, y: item.y, failures, runs, rate: runs === 0 ? null : failures / runs, ci: runs === 0 ? null : clopperPearson(failures, runs), done: c?.done ?? false });
      cells.set(item.diagram, list);
    } else {
      const t = s?.kind === 'target' ? s : null;
      targets.push({ departure: item.departure, claim: item.claim, done: t?.done ?? false, result: t?.result ?? null });
    }
  }
  const diagrams: DiagramFinding[] = settings.diagrams.map((id) => {
    const spec = DIAGRAMS[id]!;
    return { id, title: spec.title, claim: settings.diagramClaim, xLabel: spec.xLabel, yLabel: spec.yLabel, cells: cells.get(id) ?? [] };
  });
  return { format: FINDINGS_FORMAT, settings, complete: pending.length === 0, pending, frontiers, diagrams, targets };
}

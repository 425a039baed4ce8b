/**
 * Runs (or continues) an exploration: every unfinished item of a shard, in order, under a
 * wall-clock deadline and an abort signal, persisting the state after each measurement.
 */
import { InvalidInputError } from '../../theory/errors.ts';
import type { GenOptions } from '../claim.ts';
import type { ConfigClaim } from './judge.ts';
import type { ExploreSettings } from './settings.ts';
import { WHOLE_RUN, planWorkItems, shardItems, type Shard, type WorkItem } from './plan.ts';
import { STATE_FORMAT, freshItem, writeState, type ExploreState } from './state.ts';
import { runFrontierItem } from './frontierItem.ts';
import { runCellItem } from './cellItem.ts';
import { runTargetItem } from './targetItem.ts';

/**
 * How many fair shares of the remaining time one work item may use. Ours: most items resolve in
 * a fraction of their share (a frontier far from the edge), so a cap of 3 lets the slow ones
 * (failure rate near p) finish while every later item still gets at least a third of its share.
 */
export const ITEM_SHARE_CAP = 3;


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

/**
 * Runs (or continues) an exploration: every unfinished item of a shard, in order, under a
 * wall-clock deadline and an abort signal, persisting the state after each measurement.
 */
import { InvalidInputError } from '../../theory/errors.ts';
import type { GenOptions } from '../claim.ts';
import type { ConfigClaim, ThrownCase } from './judge.ts';
import { saveThrownCases } from './errors.ts';
import type { ExploreSettings } from './settings.ts';
import { WHOLE_RUN, planWorkItems, shardItems, type Shard, type WorkItem } from './plan.ts';
import { STATE_FORMAT, freshItem, writeState, type ExploreState } from './state.ts';
import { runFrontierItem } from './frontierItem.ts';
import { runCellItem } from './cellItem.ts';
import { runTargetItem } from './targetItem.ts';
import { runWithinBudget } from '../budget.ts';

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
  /**
   * Wall-clock deadline (ms since epoch), shared by the items under the budget rule of
   * src/check/budget.ts (time left by finished items returns to unfinished ones, frontiers first).
   */
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
  /** Stopped because the deadline was reached with items pending (the budget is really spent). */
  readonly budgetSpent: boolean;
  /** Items of this shard not finished (budget or interruption). */
  readonly pending: readonly string[];
}

/**
 * Runs (or continues) an exploration: every not-yet-finished item of the shard, persisting the
 * state after each measurement. Deterministic for a given settings and shard when no deadline
 * cuts it short; under a deadline how far each item gets depends on the machine (not
 * bit-repeatable), and resuming continues from what was measured.
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

  const onThrown = (claim: string) => (thrown: readonly ThrownCase[], seed: number): void => {
    saveThrownCases(options.dir, thrown, { claim, seed, edition: settings.edition, scale: settings.scale, packageVersion: state.packageVersion });
  };
  // Frontiers are the headline: first to get returned time. Shares follow each item's run cap
  // (a targeted search also shrinks what it finds: counted as twice its evaluations).
  const weightOf = (item: WorkItem): number =>
    item.kind === 'frontier' ? settings.maxRunsPerItem : item.kind === 'cell' ? settings.cellRuns : 2 * settings.targetEvaluations;
  const todo = items
    .filter((item) => !state.items[item.key]!.done)
    .map((item) => ({ ...item, priority: item.kind === 'frontier' ? 0 : 1, weight: weightOf(item) }));
  const outcome = await runWithinBudget({
    items: todo,
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    run: async (item, shouldStop) => {
      const s = state.items[item.key]!;
      const index = items.findIndex((i) => i.key === item.key);
      if (item.kind === 'frontier' && s.kind === 'frontier') {
        options.progress?.itemStart?.(item, index, items.length, settings.maxRunsPerItem);
        await runFrontierItem(item, s, claimOf(item.claim), settings, genOptions, shouldStop, persist, options.progress, onThrown(item.claim));
        options.progress?.itemEnd?.(item, `${item.key}: ${s.result?.status ?? 'not run'}${s.result?.ci ? ` [${s.result.ci.map((x) => x.toPrecision(3)).join(', ')}]` : ''}${s.done ? '' : options.signal?.aborted === true ? ' (stopped)' : ' (continues if time is left)'}`);
      } else if (item.kind === 'cell' && s.kind === 'cell') {
        options.progress?.itemStart?.(item, index, items.length, settings.cellRuns);
        await runCellItem(item, s, claimOf(item.claim), settings, genOptions, shouldStop, persist, options.progress, onThrown(item.claim));
        const f = s.batches.reduce((a, b) => a + b.failures, 0);
        const r = s.batches.reduce((a, b) => a + b.runs, 0);
        options.progress?.itemEnd?.(item, `${item.key}: ${f}/${r} failed`);
      } else if (item.kind === 'target' && s.kind === 'target') {
        options.progress?.itemStart?.(item, index, items.length, settings.targetEvaluations);
        await runTargetItem(item, s, claimOf(item.claim), settings, genOptions, shouldStop, options.dir, state.packageVersion);
        persist();
        options.progress?.itemEnd?.(item, `${item.key}: ${s.result?.failure ? `failure found (${s.result.failure.file})` : s.done ? 'no failure found' : 'not finished'}`);
      }
      return s.done;
    },
  });
  const pending = items.filter((item) => !state.items[item.key]!.done).map((item) => item.key);
  return { state, interrupted: outcome.interrupted, budgetSpent: outcome.budgetSpent, pending };
}

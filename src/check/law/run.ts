/**
 * Runs (or continues) the measurements of a law grid: every training set of every cell of the
 * shard, cheapest cells first, saving the state as it goes. Stops cleanly on Ctrl-C (the signal)
 * or when the budget cannot fit the next measurement; what is left is reported as pending.
 *
 * Scheduling is the shared budget rule (src/check/budget.ts): each cell is one item, decided once
 * it has its full number of training sets; time left by finished cells returns to unfinished
 * ones. Within that rule a cell may use all the time left ({@link LAW_SHARE_CAP}), and a
 * measurement whose estimated time does not fit in what is left is not started (the cell is left
 * for `--resume`, cheaper cells still run).
 */
import { cellCost, cellKey, type Cell } from './grid.ts';
import { Budget } from './budget.ts';
import { runWithinBudget } from '../budget.ts';
import { yieldToEventLoop } from '../interrupt.ts';
import { measureDataset, type DatasetRecord } from './measureCell.ts';
import { emptyState, shardCells, writeLawState, type LawShard, type LawState } from './state.ts';
import type { LawSettings } from './grid.ts';

/**
 * Share of the time left that one cell may use (see runWithinBudget's shareCap). Ours: all of it.
 * The fits need complete cells (an item is decided only with every training set), so a tight
 * budget should finish the cheap cells in cost order rather than spread itself over every cell
 * and leave them all half measured.
 */
export const LAW_SHARE_CAP = Number.POSITIVE_INFINITY;

/**
 * Least time between two state writes during a run. Ours: a write costs milliseconds; once a
 * second bounds both the overhead and what Ctrl-C can lose (nothing: the state is also written on
 * the way out).
 */
export const SAVE_INTERVAL_MS = 1000;

export interface LawProgress {
  cellStart?(cell: Cell, index: number, total: number): void;
  dataset?(cell: Cell, record: DatasetRecord): void;
  cellEnd?(cell: Cell): void;
}

export interface RunLawOptions {
  readonly settings: LawSettings;
  readonly shard: LawShard;
  /** Directory for law-state.json (omit: memory only). */
  readonly dir?: string;
  readonly resume?: LawState;
  /** Deadline in ms since the epoch (default: none). */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
  readonly progress?: LawProgress;
  readonly now?: () => number;
}

export interface LawRunOutcome {
  readonly state: LawState;
  readonly interrupted: boolean;
  /** Training sets of this shard not yet measured. */
  readonly pending: number;
}

/**
 * Measures what the state still lacks.
 * @example const { state } = await runLaw({ settings, shard: WHOLE_GRID });
 */
export async function runLaw(opts: RunLawOptions): Promise<LawRunOutcome> {
  const settings = opts.resume?.settings ?? opts.settings;
  const shard = opts.resume?.shard ?? opts.shard;
  const state: LawState = opts.resume ?? emptyState(settings, shard);
  const records = state.records as Record<string, DatasetRecord[]>;
  const budget = new Budget(opts.deadline ?? Infinity, opts.now);
  const cells = shardCells(settings, shard);
  let lastSave = 0;
  const save = (force: boolean): void => {
    if (opts.dir === undefined) return;
    const t = Date.now();
    if (force || t - lastSave >= SAVE_INTERVAL_MS) {
      writeLawState(opts.dir, state);
      lastSave = t;
    }
  };
  save(true);
  const items = cells.map((cell, index) => ({ key: cellKey(cell), cell, index }));
  const deadline = opts.deadline;
  let outcome;
  try {
    outcome = await runWithinBudget({
      items,
      ...(deadline !== undefined && Number.isFinite(deadline) ? { deadline } : {}),
      ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
      shareCap: LAW_SHARE_CAP,
      ...(opts.now !== undefined ? { now: opts.now } : {}),
      run: async ({ cell, key, index }, shouldStop) => {
        const list = (records[key] ??= []);
        const have = new Set(list.map((r) => r.index));
        if (have.size >= settings.datasets) return true;
        opts.progress?.cellStart?.(cell, index, cells.length);
        const cost = cellCost(settings, cell);
        for (let s = 0; s < settings.datasets; s++) {
          if (have.has(s)) continue;
          // The measurement is synchronous: let a pending SIGINT in before starting the next one.
          await yieldToEventLoop();
          if (shouldStop()) return false;
          if (!budget.fits(cost)) return false; // too expensive for what is left: leave it for --resume
          const rec = measureDataset(settings, cell, s);
          budget.record(cost, rec.seconds);
          list.push(rec);
          list.sort((a, b) => a.index - b.index);
          opts.progress?.dataset?.(cell, rec);
          save(false);
        }
        opts.progress?.cellEnd?.(cell);
        return true;
      },
    });
  } finally {
    save(true);
  }
  // Ctrl-C after the last measurement changes nothing: the run is complete, not interrupted.
  const interrupted = outcome.interrupted && outcome.pending.length > 0;
  let pending = 0;
  for (const cell of cells) pending += Math.max(0, settings.datasets - (records[cellKey(cell)]?.length ?? 0));
  return { state, interrupted, pending };
}

/**
 * Runs (or continues) the measurements of a law grid: every training set of every cell of the
 * shard, cheapest cells first, saving the state as it goes. Stops cleanly on Ctrl-C (the signal)
 * or when the budget cannot fit the next measurement; what is left is reported as pending.
 */
import { cellCost, cellKey, type Cell } from './grid.ts';
import { Budget } from './budget.ts';
import { yieldToEvents } from './interrupt.ts';
import { measureDataset, type DatasetRecord } from './measureCell.ts';
import { emptyState, shardCells, writeLawState, type LawShard, type LawState } from './state.ts';
import type { LawSettings } from './grid.ts';

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
  let interrupted = false;
  try {
    cells: for (let c = 0; c < cells.length; c++) {
      const cell = cells[c]!;
      const key = cellKey(cell);
      const list = (records[key] ??= []);
      const have = new Set(list.map((r) => r.index));
      if (have.size >= settings.datasets) continue;
      opts.progress?.cellStart?.(cell, c, cells.length);
      for (let s = 0; s < settings.datasets; s++) {
        if (have.has(s)) continue;
        await yieldToEvents();
        if (opts.signal?.aborted === true) {
          interrupted = true;
          break cells;
        }
        const cost = cellCost(settings, cell);
        if (!budget.fits(cost)) {
          if (budget.spent()) break cells;
          continue cells; // too expensive for what is left: leave it for --resume, try cheaper cells
        }
        const rec = measureDataset(settings, cell, s);
        budget.record(cost, rec.seconds);
        list.push(rec);
        list.sort((a, b) => a.index - b.index);
        opts.progress?.dataset?.(cell, rec);
        save(false);
      }
      opts.progress?.cellEnd?.(cell);
    }
  } finally {
    save(true);
  }
  let pending = 0;
  for (const cell of cells) pending += Math.max(0, settings.datasets - (records[cellKey(cell)]?.length ?? 0));
  return { state, interrupted, pending };
}

/**
 * The run state of `dpocheck law`: the settings and every training set measured so far, keyed
 * by cell. Written atomically after measurements, so Ctrl-C keeps what was measured and
 * `--resume` continues; shards (`--shard i/n`) write the same file for their slice and
 * `dpocheck merge` unions them. Results are computed from the records alone (sorted by cell and
 * training-set index), so a merged or resumed run gives bit-identical results to a single run.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { InvalidInputError } from '../../theory/errors.ts';
import { cellCost, cellKey, cellsOf, LAW_SCHEMA_VERSION, validateSettings, type Cell, type LawSettings } from './grid.ts';
import type { DatasetRecord } from './measureCell.ts';

/** File name of the state inside a law run directory (distinct from explore's state.json). */
export const LAW_STATE_FILE = 'law-state.json';
export const LAW_STATE_FORMAT = 'dpocheck-law-state/1';

/** A deterministic slice of the grid: cells whose position in cost order is ≡ index−1 (mod count). */
export interface LawShard {
  readonly index: number;
  readonly count: number;
}
export const WHOLE_GRID: LawShard = { index: 1, count: 1 };

export interface LawState {
  readonly format: typeof LAW_STATE_FORMAT;
  readonly schemaVersion: number;
  readonly kind: 'law';
  readonly settings: LawSettings;
  readonly shard: LawShard;
  /** cellKey → records (any order; at most one per training-set index). */
  readonly records: Record<string, DatasetRecord[]>;
}

/** Parses `i/n` (1 <= i <= n). */
export function parseLawShard(text: string): LawShard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) throw new InvalidInputError('shard', `expected i/n, got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1 && index >= 1 && index <= count)) throw new InvalidInputError('shard', `needs 1 <= i <= n, got ${index}/${count}`);
  return { index, count };
}

/** Cells in the order they are measured: cheapest first (N·d), ties by key; so a budget finishes as many as it can. */
export function orderedCells(s: LawSettings): Cell[] {
  return cellsOf(s)
    .map((c) => ({ c, cost: cellCost(s, c), key: cellKey(c) }))
    .sort((a, b) => a.cost - b.cost || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((e) => e.c);
}

/** The cells of one shard (round-robin over the cost order, so shards take similar time). */
export function shardCells(s: LawSettings, shard: LawShard): Cell[] {
  return orderedCells(s).filter((_, i) => i % shard.count === shard.index - 1);
}

export function emptyState(settings: LawSettings, shard: LawShard): LawState {
  return { format: LAW_STATE_FORMAT, schemaVersion: LAW_SCHEMA_VERSION, kind: 'law', settings, shard, records: {} };
}

/** Writes the state atomically (a reader never sees a partial file). */
export function writeLawState(dir: string, state: LawState): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic.sync(join(dir, LAW_STATE_FILE), JSON.stringify(state) + '\n');
}

/** Whether `dir` holds a law run. */
export function isLawRun(dir: string): boolean {
  return existsSync(join(dir, LAW_STATE_FILE));
}

/** Reads a law run directory's state (InvalidInputError naming the directory on any problem). */
export function readLawState(dir: string): LawState {
  const file = join(dir, LAW_STATE_FILE);
  if (!existsSync(file)) throw new InvalidInputError(dir, `is not a law run directory (no ${LAW_STATE_FILE})`);
  let state: LawState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as LawState;
  } catch {
    throw new InvalidInputError(file, 'is not valid JSON');
  }
  if (state?.format !== LAW_STATE_FORMAT || state.kind !== 'law' || typeof state.records !== 'object' || state.settings === undefined) {
    throw new InvalidInputError(file, `not a ${LAW_STATE_FORMAT} file`);
  }
  validateSettings(state.settings);
  return state;
}

/** Records without their timing, for comparing two measurements of the same training set. */
function comparable(r: DatasetRecord): string {
  const { seconds: _s, ...rest } = r;
  return JSON.stringify(rest);
}

/**
 * Unions the records of several law states with identical settings (shards of one run, or a run
 * and its resumed copy). The merged state covers the whole grid (shard 1/1).
 */
export function mergeLawStates(states: readonly LawState[]): LawState {
  if (states.length === 0) throw new InvalidInputError('merge', 'needs at least one law run directory');
  const settings = JSON.stringify(states[0]!.settings);
  const records: Record<string, Map<number, DatasetRecord>> = {};
  for (const st of states) {
    if (JSON.stringify(st.settings) !== settings) throw new InvalidInputError('merge', 'the law runs have different settings (seed, grid or flags): only shards of one run can be merged');
    for (const [key, list] of Object.entries(st.records)) {
      const m = (records[key] ??= new Map());
      for (const r of list) {
        const prev = m.get(r.index);
        if (prev !== undefined && comparable(prev) !== comparable(r)) throw new InvalidInputError('merge', `cell ${key}, training set ${r.index}: two runs measured different values`);
        if (prev === undefined) m.set(r.index, r);
      }
    }
  }
  const out: Record<string, DatasetRecord[]> = {};
  for (const key of Object.keys(records).sort()) out[key] = [...records[key]!.values()].sort((a, b) => a.index - b.index);
  return { ...emptyState(states[0]!.settings, WHOLE_GRID), records: out };
}

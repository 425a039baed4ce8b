/**
 * The persisted state of an exploration (state.json): every probe's batches, every cell, every
 * search result, written atomically after each measurement so that an interrupted run keeps
 * what it measured and `--resume` continues from it.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { InvalidInputError } from '../../theory/errors.ts';
import { departureAxis } from '../../data/breaking.ts';
import type { FrontierStatus, FrontierStopReason, MonotonicityContradiction } from '../frontier.ts';
import type { Interval } from '../statistics.ts';
import type { BatchRecord } from './judge.ts';
import { exploreSettings, type ExploreSettings } from './settings.ts';
import type { Shard, WorkItem } from './plan.ts';


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
  /** Probe pairs whose rates fall with the magnitude beyond sampling error (absent in older states). */
  readonly contradictions?: readonly MonotonicityContradiction[];
  /** The bracket of the first crossing (absent in older states). */
  readonly firstCrossing?: Interval | null;
}

/** What a conclusion failure found by targeted search looks like in the state. */
export interface TargetRecord {
  readonly bestScore: number;
  readonly evaluations: number;
  readonly stopReason: string;
  /** Evaluations on which the claim threw (absent when none), and the first message. */
  readonly errors?: number;
  readonly firstError?: string | null;
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
  // Settings added since the state was written take their defaults.
  return { ...state, settings: exploreSettings(state.settings) };
}

/** The state of an item not measured yet. */
export function freshItem(item: WorkItem): ItemState {
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

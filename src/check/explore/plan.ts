/**
 * The work plan of an exploration and its deterministic shards: a fixed, ordered list of
 * independent items (frontiers, diagram cells, targeted searches).
 */
import { InvalidInputError } from '../../theory/errors.ts';
import type { DepartureId } from '../../data/breaking.ts';
import { DIAGRAMS } from './diagrams.ts';
import type { ExploreSettings } from './settings.ts';


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

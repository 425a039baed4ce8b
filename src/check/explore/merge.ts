/**
 * Merging the states of the shards of one exploration into the state of the whole run.
 */
import { InvalidInputError } from '../../theory/errors.ts';
import { WHOLE_RUN } from './plan.ts';
import { STATE_FORMAT, type ExploreState, type ItemState } from './state.ts';

/**
 * Merges the states of shards of one exploration into one state (as if run unsharded): the
 * settings must agree, each shard may appear once and all must split the work the same way
 * (same n in i/n); every item is taken from the shard that ran it (an item found in several
 * states keeps the most advanced copy: done over not done, then more runs). Errors name the
 * run directory (`names[i]`, default `dirs[i]`).
 * @example mergeStates([readState('a'), readState('b')], ['a', 'b'])
 */
export function mergeStates(states: readonly ExploreState[], names: readonly string[] = states.map((_, i) => `dirs[${i}]`)): ExploreState {
  if (states.length === 0) throw new InvalidInputError('dirs', 'needs at least one run directory');
  const first = states[0]!;
  const settings = first.settings;
  const key = JSON.stringify(settings);
  const items: Record<string, ItemState> = {};
  const progressOf = (s: ItemState): number =>
    (s.done ? 1e15 : 0) + (s.kind === 'frontier' ? s.probes.reduce((a, p) => a + p.runs, 0) : s.kind === 'cell' ? s.batches.length : 0);
  const seen = new Map<number, string>();
  for (const [i, state] of states.entries()) {
    const name = names[i] ?? `dirs[${i}]`;
    if (JSON.stringify(state.settings) !== key) {
      throw new InvalidInputError(name, `was run with different settings (seed, scale, claims, budgets...) than ${names[0] ?? 'dirs[0]'}; only shards of one exploration can be merged`);
    }
    if (state.shard.count !== first.shard.count) {
      throw new InvalidInputError(name, `is shard ${state.shard.index}/${state.shard.count}, but ${names[0] ?? 'dirs[0]'} is shard ${first.shard.index}/${first.shard.count}: shards of one split must share n`);
    }
    const twin = seen.get(state.shard.index);
    if (twin !== undefined) throw new InvalidInputError(name, `is shard ${state.shard.index}/${state.shard.count} again (already given as ${twin})`);
    seen.set(state.shard.index, name);
    for (const [k, s] of Object.entries(state.items)) {
      const have = items[k];
      if (have === undefined || progressOf(s) > progressOf(have)) items[k] = s;
    }
  }
  return { format: STATE_FORMAT, settings, shard: WHOLE_RUN, packageVersion: first.packageVersion, items };
}

/**
 * The shards (1-based i of i/n) of a split that none of the states is: their items are pending
 * in the merged state.
 */
export function missingShards(states: readonly ExploreState[]): number[] {
  if (states.length === 0) return [];
  const count = states[0]!.shard.count;
  const have = new Set(states.map((s) => s.shard.index));
  return Array.from({ length: count }, (_, k) => k + 1).filter((i) => !have.has(i));
}

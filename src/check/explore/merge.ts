/**
 * Merging the states of the shards of one exploration into the state of the whole run.
 */
import { InvalidInputError } from '../../theory/errors.ts';
import { WHOLE_RUN } from './plan.ts';
import { STATE_FORMAT, type ExploreState, type ItemState } from './state.ts';

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

/**
 * The wall-clock budget rule shared by long commands (explore; law and verify can use the same):
 * a list of independent work items, each run until it is decided or its slice of the remaining
 * time is used; time left over by items that finish early returns to those that did not.
 *
 * Rounds: in each round every undecided item, in order (lowest `priority` first after the
 * first round, so the headline items get the returned time first), may use its share of the
 * time left: its `weight` (expected work, e.g. its run cap) over the weight of itself and every
 * later item of the round, times `shareCap`; the last item may use all of it. Time an item
 * does not use passes on to the later items of the round. An item that stops at its slice
 * without being decided runs again in the next round with the time others left. The run ends when every item is decided, when the deadline is reached (the budget is
 * really spent: "budget spent" may be printed only then), or when the stop signal is raised.
 *
 * Budget-limited runs are not bit-repeatable: how far an item gets depends on the machine's
 * speed. Runs without a deadline (fixed run counts) are, and so are their shards.
 *
 * @example
 *   const r = await runWithinBudget({
 *     items: [{ key: 'frontier/noise', priority: 0 }, { key: 'cell/1/1', priority: 1 }],
 *     deadline: Date.now() + 60_000,
 *     signal: stop.signal,
 *     run: async (item, shouldStop) => measureUntilDecided(item, shouldStop), // true when decided
 *   });
 *   r.pending; // keys not decided; r.budgetSpent says whether the deadline ended the run
 */
import { yieldToEventLoop } from './interrupt.ts';

/** One unit of work as the scheduler sees it. */
export interface BudgetItem {
  readonly key: string;
  /** Lower runs first when returned time is handed out (default 0). */
  readonly priority?: number;
  /** Relative expected work (e.g. its run cap); its share of the time is proportional to it (default 1). */
  readonly weight?: number;
}

export interface BudgetOptions<I extends BudgetItem> {
  /** The items, in the order of the first round. */
  readonly items: readonly I[];
  /** Wall-clock deadline (ms since epoch); undefined: no time limit (every item runs to its end). */
  readonly deadline?: number;
  /** Stop flag (Ctrl-C): checked between items and by `shouldStop`. */
  readonly signal?: AbortSignal;
  /** Multiple of its share of the time left that one item may use per round. Default {@link DEFAULT_SHARE_CAP}. */
  readonly shareCap?: number;
  /** Clock (ms); default Date.now. */
  readonly now?: () => number;
  /**
   * Runs (or continues) one item until it is decided or `shouldStop()` turns true, and returns
   * whether it is decided (nothing left to do). Must check `shouldStop()` between measurements.
   * `round` counts from 0.
   */
  run(item: I, shouldStop: () => boolean, round: number): Promise<boolean>;
}

export interface BudgetOutcome {
  /** Keys of items not decided, in item order. */
  readonly pending: readonly string[];
  /** The stop signal ended the run. */
  readonly interrupted: boolean;
  /** The deadline ended the run with items pending. */
  readonly budgetSpent: boolean;
  /** Rounds started. */
  readonly rounds: number;
}

/**
 * Multiple of its share one item may use per round. Ours: 1, each item exactly its weighted
 * share: what quick items leave passes on within the round and returns to slow items in the next
 * rounds, so no cap above the share is needed, and a heavy item cannot starve the later ones.
 */
export const DEFAULT_SHARE_CAP = 1;

/**
 * Runs the items under the budget rule described in the module comment.
 * @param options items, deadline, stop signal and the per-item runner
 * @returns which items are still pending and why the run ended
 */
export async function runWithinBudget<I extends BudgetItem>(options: BudgetOptions<I>): Promise<BudgetOutcome> {
  const now = options.now ?? Date.now;
  const cap = options.shareCap ?? DEFAULT_SHARE_CAP;
  const { deadline, signal } = options;
  const aborted = (): boolean => signal?.aborted === true;
  const expired = (): boolean => deadline !== undefined && now() >= deadline;
  let pending = [...options.items];
  // Items that returned undecided without being told to stop cannot use more time (they would
  // come back empty-handed every round): they stay pending but get no further rounds.
  const stalled = new Set<I>();
  let rounds = 0;
  for (;;) {
    const runnable = pending.filter((item) => !stalled.has(item));
    if (runnable.length === 0 || aborted() || expired()) break;
    const order = rounds === 0 ? runnable : stableByPriority(runnable);
    const decidedNow = new Set<I>();
    for (const [k, item] of order.entries()) {
      if (aborted() || expired()) break;
      const t = now();
      const weightLeft = order.slice(k).reduce((a, it) => a + weightOf(it), 0);
      const fraction = k === order.length - 1 ? 1 : Math.min(1, (cap * weightOf(item)) / weightLeft);
      const sliceEnd = deadline === undefined ? Number.POSITIVE_INFINITY : t + (deadline - t) * fraction;
      let stoppedBySlice = false;
      const shouldStop = (): boolean => {
        if (aborted()) return true;
        if (now() >= sliceEnd) stoppedBySlice = true;
        return stoppedBySlice;
      };
      const decided = await options.run(item, shouldStop, rounds);
      await yieldToEventLoop();
      if (decided) decidedNow.add(item);
      else if (!stoppedBySlice && !aborted()) stalled.add(item);
    }
    rounds++;
    pending = pending.filter((item) => !decidedNow.has(item));
  }
  const keys = pending.map((item) => item.key);
  return { pending: keys, interrupted: aborted(), budgetSpent: keys.length > 0 && !aborted() && expired(), rounds };
}

function weightOf(item: BudgetItem): number {
  const w = item.weight ?? 1;
  return Number.isFinite(w) && w > 0 ? w : 1;
}

function stableByPriority<I extends BudgetItem>(items: readonly I[]): I[] {
  return items.map((item, i) => ({ item, i })).sort((a, b) => (a.item.priority ?? 0) - (b.item.priority ?? 0) || a.i - b.i).map((x) => x.item);
}

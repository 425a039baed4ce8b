/**
 * The budget rule (src/check/budget.ts) on a fake clock: time left by items that finish early
 * returns to unfinished ones (lowest priority value first), the run ends only when every item is
 * decided or the deadline is reached, and the stop signal ends it between items.
 */
import { describe, expect, it } from 'vitest';
import { runWithinBudget, type BudgetItem } from '../../src/check/budget.ts';
import { catchInterrupt, EXIT_INTERRUPTED, yieldToEventLoop } from '../../src/check/interrupt.ts';
import { EventEmitter } from 'node:events';

/** An item that needs `work` ms of (fake) time to be decided, spent in steps of 1 ms. */
interface FakeItem extends BudgetItem {
  readonly work: number;
}

function fakeRun(items: FakeItem[], deadline: number | undefined, signal?: AbortSignal) {
  let clock = 0;
  const done = new Map<string, number>();
  const log: Array<[string, number]> = [];
  const outcome = runWithinBudget({
    items,
    ...(deadline !== undefined ? { deadline } : {}),
    ...(signal !== undefined ? { signal } : {}),
    now: () => clock,
    run: async (item, shouldStop, round) => {
      log.push([item.key, round]);
      let spent = done.get(item.key) ?? 0;
      while (spent < item.work && !shouldStop()) {
        clock += 1;
        spent += 1;
      }
      done.set(item.key, spent);
      return spent >= item.work;
    },
  });
  return { outcome, log, done, clock: () => clock };
}

describe('runWithinBudget', () => {
  it('returns the time left by quick items to a slow one, which then finishes', async () => {
    // 100 ms: the slow item needs 80, more than its first-round slice (1/5 of 100: equal weights);
    // the four cheap ones need 5 each and leave the rest for round 1.
    const items: FakeItem[] = [
      { key: 'frontier/a', priority: 0, work: 80 },
      { key: 'cell/1', priority: 1, work: 5 },
      { key: 'cell/2', priority: 1, work: 5 },
      { key: 'cell/3', priority: 1, work: 5 },
      { key: 'cell/4', priority: 1, work: 5 },
    ];
    const r = fakeRun(items, 100);
    const outcome = await r.outcome;
    expect(outcome.pending).toEqual([]);
    expect(outcome.budgetSpent).toBe(false);
    // The frontier did not finish in round 0, and got the time the cells left in round 1.
    expect(r.log.filter(([k]) => k === 'frontier/a').map(([, round]) => round)).toEqual([0, 1]);
    expect(r.done.get('frontier/a')).toBe(80);
    expect(r.clock()).toBe(100);
  });

  it('hands returned time to frontiers before other items', async () => {
    const items: FakeItem[] = [
      { key: 'cell/slow', priority: 1, work: 1000 },
      { key: 'frontier/slow', priority: 0, work: 1000 },
      ...[1, 2, 3, 4, 5].map((i) => ({ key: `cell/quick${i}`, priority: 1, work: 1 })),
    ];
    const r = fakeRun(items, 100);
    const outcome = await r.outcome;
    const round1 = r.log.filter(([, round]) => round === 1).map(([k]) => k);
    expect(round1).toEqual(['frontier/slow', 'cell/slow']);
    expect(outcome.budgetSpent).toBe(true);
    expect(outcome.pending).toEqual(['cell/slow', 'frontier/slow']);
    expect(r.clock()).toBe(100);
  });

  it('gives a heavier item a proportionally larger first slice', async () => {
    const r = fakeRun([{ key: 'heavy', weight: 3, work: 1000 }, { key: 'light', weight: 1, work: 1000 }], 100);
    await r.outcome;
    // Round 0: heavy gets 3/4 of 100, light the remaining 25 (the last item of a round takes what is left).
    expect(r.done.get('heavy')).toBe(75);
    expect(r.done.get('light')).toBe(25);
  });

  it('says budget spent only when the deadline ended the run', async () => {
    const quick = await fakeRun([{ key: 'a', work: 3 }], 100).outcome;
    expect(quick).toMatchObject({ pending: [], budgetSpent: false, interrupted: false });
    const slow = await fakeRun([{ key: 'a', work: 300 }], 100).outcome;
    expect(slow).toMatchObject({ pending: ['a'], budgetSpent: true, interrupted: false });
  });

  it('runs everything to its end without a deadline', async () => {
    const r = fakeRun([{ key: 'a', work: 500 }, { key: 'b', work: 700 }], undefined);
    expect((await r.outcome).pending).toEqual([]);
    expect(r.clock()).toBe(1200);
  });

  it('stops between items on the signal, reporting an interruption, not a spent budget', async () => {
    const controller = new AbortController();
    let clock = 0;
    const outcome = await runWithinBudget({
      items: [{ key: 'a' }, { key: 'b' }, { key: 'c' }],
      deadline: 1000,
      signal: controller.signal,
      now: () => clock,
      run: async (item) => {
        clock += 10;
        if (item.key === 'a') controller.abort();
        return true;
      },
    });
    expect(outcome).toMatchObject({ pending: ['b', 'c'], interrupted: true, budgetSpent: false });
  });

  it('does not loop on an item that returns undecided without being told to stop', async () => {
    let calls = 0;
    const outcome = await runWithinBudget({
      items: [{ key: 'stuck' }],
      deadline: Date.now() + 60_000,
      run: async () => {
        calls++;
        return false;
      },
    });
    expect(calls).toBe(1);
    expect(outcome).toMatchObject({ pending: ['stuck'], budgetSpent: false, interrupted: false });
  });
});

describe('catchInterrupt', () => {
  it('raises the stop flag on the first SIGINT and calls onSecond on the next', async () => {
    const emitter = new EventEmitter();
    const seen: string[] = [];
    const stop = catchInterrupt({ emitter, onFirst: () => seen.push('first'), onSecond: () => seen.push('second') });
    expect(stop.interrupted).toBe(false);
    emitter.emit('SIGINT');
    expect(stop.interrupted).toBe(true);
    expect(stop.signal.aborted).toBe(true);
    emitter.emit('SIGINT');
    expect(seen).toEqual(['first', 'second']);
    stop.dispose();
    expect(emitter.listenerCount('SIGINT')).toBe(0);
    expect(EXIT_INTERRUPTED).toBe(130);
  });

  it('yieldToEventLoop lets a pending timer run (a microtask-only loop would not)', async () => {
    let fired = false;
    setImmediate(() => {
      fired = true;
    });
    await Promise.resolve();
    expect(fired).toBe(false);
    await yieldToEventLoop();
    await yieldToEventLoop();
    expect(fired).toBe(true);
  });
});

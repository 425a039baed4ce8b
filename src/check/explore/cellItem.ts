/**
 * The phase-diagram cell runner: judges a fixed number of configurations of one cell
 * (explore/diagrams.ts), batch by batch.
 */
import type { GenOptions } from '../claim.ts';
import { probeSeed } from '../frontier.ts';
import { judgeConfigs, type ConfigClaim, type ThrownCase } from './judge.ts';
import { DIAGRAMS, cellConfigs } from './diagrams.ts';
import { keyedSeed } from './target.ts';
import type { ExploreSettings } from './settings.ts';
import type { WorkItem } from './plan.ts';
import type { ItemState } from './state.ts';
import type { ExploreProgress } from './run.ts';

export async function runCellItem(
  item: Extract<WorkItem, { kind: 'cell' }>,
  s: Extract<ItemState, { kind: 'cell' }>,
  claim: ConfigClaim,
  settings: ExploreSettings,
  genOptions: GenOptions,
  shouldStop: () => boolean,
  persist: () => void,
  progress: ExploreProgress | undefined,
  onThrown: (thrown: readonly ThrownCase[], batchSeed: number) => void = () => undefined,
): Promise<void> {
  const spec = DIAGRAMS[item.diagram]!;
  const seed = keyedSeed(settings.seed, `cell/${item.diagram}/${item.x}/${item.y}`);
  let offset = s.batches.reduce((a, b) => a + b.n, 0);
  while (offset < settings.cellRuns) {
    if (shouldStop()) return;
    const n = Math.min(settings.batchRuns, settings.cellRuns - offset);
    const batchSeed = probeSeed(seed, 0, offset);
    const configs = cellConfigs(spec, item.x, item.y, n, batchSeed, genOptions.scale);
    const { thrown, ...batch } = await judgeConfigs(claim, configs, genOptions, (_c, t) => ({ ...t, configs: t.configs + 1 }));
    if (thrown.length > 0) onThrown(thrown, batchSeed);
    s.batches.push({ seed: batchSeed, ...batch });
    offset += n;
    progress?.itemRuns?.(offset);
    persist();
  }
  s.done = true;
  persist();
}


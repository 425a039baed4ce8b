/**
 * The targeted-search runner: annealing on the violation score for one (departure, claim)
 * (explore/target.ts), saving a shrunk conclusion failure as a replayable counterexample.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { departureAxis, type DepartureId } from '../../data/breaking.ts';
import type { GenOptions } from '../claim.ts';
import { counterexampleFile } from '../counterexampleStore.ts';
import type { ConfigClaim } from './judge.ts';
import { keyedSeed, searchConclusionFailure } from './target.ts';
import type { ExploreSettings } from './settings.ts';
import type { WorkItem } from './plan.ts';
import type { ItemState, TargetRecord } from './state.ts';
import { conclusionCounterexample } from './counterexample.ts';

/** The magnitude a targeted search starts from: the middle of the departure's default range. */
export function targetMagnitude(departure: DepartureId): number {
  const [lo, hi] = departureAxis(departure).defaultRange;
  return lo + (hi - lo) / 2;
}

export async function runTargetItem(
  item: Extract<WorkItem, { kind: 'target' }>,
  s: Extract<ItemState, { kind: 'target' }>,
  claim: ConfigClaim,
  settings: ExploreSettings,
  genOptions: GenOptions,
  shouldStop: () => boolean,
  dir: string | undefined,
  packageVersion: string,
): Promise<void> {
  const seed = keyedSeed(settings.seed, `target/${item.departure}/${item.claim}`);
  const search = await searchConclusionFailure({
    claim,
    departure: item.departure,
    magnitude: targetMagnitude(item.departure),
    seed,
    genOptions,
    population: settings.targetPopulation,
    maxEvaluations: settings.targetEvaluations,
    shouldStop,
  });
  if (search.stopReason === 'stopped') return; // Not finished: a resumed run redoes it from scratch.
  let failure: TargetRecord['failure'] = null;
  if (search.failure !== null) {
    const f = search.failure;
    const saved = conclusionCounterexample({
      claim: claim.id,
      departure: item.departure,
      input: f.input,
      trial: f.trial,
      seed,
      shrinks: f.shrinks,
      broken: f.broken,
      original: f.original,
      edition: settings.edition,
      scale: settings.scale,
      packageVersion,
    });
    const file = counterexampleFile('counterexamples', claim.id, f.input);
    if (dir !== undefined) {
      mkdirSync(join(dir, 'counterexamples', claim.id), { recursive: true });
      writeFileAtomic.sync(join(dir, file), JSON.stringify({ ...saved, replay: `npx dpocheck replay ${join(dir, file)}` }, null, 2) + '\n');
    }
    failure = {
      input: f.input,
      original: { K: f.original.K, Q: f.original.Q, d: f.original.d },
      shrinks: f.shrinks,
      broken: f.broken,
      observed: f.trial.observed ?? null,
      bound: f.trial.bound ?? null,
      slack: f.trial.slack ?? null,
      violated: f.trial.violated,
      detail: f.trial.detail ?? null,
      file,
    };
  }
  s.result = {
    bestScore: search.bestScore,
    evaluations: search.evaluations,
    stopReason: search.stopReason,
    failure,
    ...(search.errors > 0 ? { errors: search.errors, firstError: search.firstError } : {}),
  };
  s.done = true;
}

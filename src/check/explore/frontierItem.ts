/**
 * The frontier runner: estimates one (departure, claim) frontier (src/check/frontier.ts) with
 * the configurations of the departure's breaking generator, widening the range when even its
 * upper end never fails.
 */
import { departureAxis, type DepartureId } from '../../data/breaking.ts';
import type { GenOptions } from '../claim.ts';
import { estimateFrontier } from '../frontier.ts';
import { judgeConfigs, magnitudeFeasible, probeConfigs, tallyCoverage, type ConfigClaim, type ThrownCase } from './judge.ts';
import { keyedSeed } from './target.ts';
import type { ExploreSettings } from './settings.ts';
import type { WorkItem } from './plan.ts';
import type { ItemState, ProbeRecord } from './state.ts';
import type { ExploreProgress } from './run.ts';

/** Factor by which a range's upper end grows per widening. */
const RANGE_GROWTH = 4;

/** The next upper end of a range that never failed: ×4, or ×2, capped by the domain and by what the scale can generate. */
function widerHi(departure: DepartureId, hi: number, scale: GenOptions['scale']): number | null {
  const domainHi = departureAxis(departure).domain[1];
  for (const factor of [RANGE_GROWTH, 2]) {
    const next = Math.min(domainHi, hi * factor);
    if (next > hi && next < Number.POSITIVE_INFINITY && magnitudeFeasible(departure, next, scale)) return next;
  }
  return null;
}

export async function runFrontierItem(
  item: Extract<WorkItem, { kind: 'frontier' }>,
  s: Extract<ItemState, { kind: 'frontier' }>,
  claim: ConfigClaim,
  settings: ExploreSettings,
  genOptions: GenOptions,
  shouldStop: () => boolean,
  persist: () => void,
  progress: ExploreProgress | undefined,
  onThrown: (thrown: readonly ThrownCase[], batchSeed: number) => void = () => undefined,
): Promise<void> {
  const seed = keyedSeed(settings.seed, `frontier/${item.departure}`);
  const probes = new Map<number, ProbeRecord>(s.probes.map((p) => [p.m, p]));
  let spent = s.probes.reduce((a, p) => a + p.runs, 0);
  const oracle = async (m: number, n: number, batchSeed: number) => {
    const configs = probeConfigs(item.departure, m, n, batchSeed, genOptions.scale);
    const { thrown, ...batch } = await judgeConfigs(claim, configs, genOptions, (c, t) => tallyCoverage(t, item.departure, m, c));
    if (thrown.length > 0) onThrown(thrown, batchSeed);
    const before = probes.get(m) ?? { m, failures: 0, runs: 0, batches: [] };
    probes.set(m, { m, failures: before.failures + batch.failures, runs: before.runs + batch.runs, batches: [...before.batches, { seed: batchSeed, ...batch }] });
    s.probes = [...probes.values()].sort((a, b) => a.m - b.m);
    spent += batch.runs;
    progress?.itemRuns?.(spent);
    return { failures: batch.failures, runs: batch.runs };
  };
  for (;;) {
    const result = await estimateFrontier({
      oracle,
      lo: s.lo,
      hi: s.hi,
      seed,
      p: settings.p,
      level: settings.level,
      indifference: settings.indifference,
      maxProbes: settings.maxProbes,
      batchRuns: settings.batchRuns,
      maxRunsPerProbe: settings.runsPerProbe,
      maxTotalRuns: Math.max(0, settings.maxRunsPerItem - spent),
      shouldStop,
      previous: s.probes,
      onProbe: () => persist(),
    });
    s.result = {
      status: result.status,
      frontier: result.frontier,
      ci: result.ci,
      stopReason: result.stopReason,
      nonMonotone: result.nonMonotone,
      contradictions: result.contradictions,
      firstCrossing: result.firstCrossing,
    };
    if (result.stopReason === 'stopped') break;
    const wider = result.status === 'never-fails' && result.stopReason === 'resolved' && s.extensions < settings.rangeExtensions
      ? widerHi(item.departure, s.hi, genOptions.scale)
      : null;
    if (wider === null) {
      s.done = true;
      break;
    }
    s.hi = wider;
    s.extensions++;
  }
  persist();
}

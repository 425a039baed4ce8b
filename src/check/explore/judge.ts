/**
 * How the regime explorer draws configurations and judges a claim on them.
 *
 * On a configuration that breaks an assumption the theorem does not apply, so a claim's verdict
 * (`trial.violated`) says nothing there; what the explorer measures is whether the theorem's
 * CONCLUSION still holds: a claim *fails* on a configuration when `trial.violated` or
 * `trial.detail.conclusionHeld === false` (the convention of every theorem claim under
 * properties/, which records the conclusion whether or not the trial was vacuous).
 */
import fc from 'fast-check';
import type { Claim, GenOptions, Trial } from '../claim.ts';
import type { ClusterConfig } from '../../data/config.ts';
import { breakingConfigArb, departureAxis, describeBreak, type DepartureId } from '../../data/breaking.ts';
import { InvalidInputError } from '../../theory/errors.ts';
import type { BinomialCount } from '../statistics.ts';
import { yieldToEventLoop } from '../interrupt.ts';

/** A claim whose input is a ClusterConfig (the theorem claims the explorer can judge). */
export type ConfigClaim = Claim<ClusterConfig>;

/** Whether the claim's conclusion failed on this trial (see the module comment). */
export function conclusionFailed(trial: Trial): boolean {
  return trial.violated || trial.detail?.['conclusionHeld'] === false;
}

/**
 * Violation score of a trial for targeted search (>= 0 means the conclusion failed, higher is
 * worse): the relative shortfall −slack where the claim reports a slack (THEORY §4 bands: the
 * relative distance outside r_L/r_U; Theorem 4.3: 1 − CI_low/bound), clamped to the failed/held
 * side so that a within-tolerance miss never counts as a failure.
 */
export function violationScore(trial: Trial): number {
  const s = trial.slack !== undefined && Number.isFinite(trial.slack) ? -trial.slack : null;
  if (conclusionFailed(trial)) return Math.max(0, s ?? 0);
  return Math.min(s ?? -1, -Number.EPSILON);
}

/**
 * The departures a configuration breaking `departure` by m is expected to carry (what the
 * generator claims to produce): none inside the condition (m <= edge) or at the neutral value,
 * else the departure itself plus what it necessarily breaks as well (`alsoBreaks`).
 */
export function expectedBreaks(departure: DepartureId, m: number): DepartureId[] {
  const axis = departureAxis(departure);
  const present = axis.kind === 'paper' ? m > (axis.edge ?? 1) : m !== axis.neutral;
  return present ? [departure, ...axis.alsoBreaks] : [];
}

/**
 * Coverage statistic of the configurations measured at one magnitude: how many broke exactly
 * what the generator claims (`describeBreak` measured from the configuration alone) and the
 * realised magnitude on the departure's axis.
 */
export interface CoverageTally {
  /** Configurations described. */
  readonly configs: number;
  /** Of those, breaking exactly `expectedBreaks(departure, m)`. */
  readonly exact: number;
  /** Sum, minimum and maximum of the realised magnitude (describeBreak's `magnitudes`). */
  readonly magnitudeSum: number;
  readonly magnitudeMin: number | null;
  readonly magnitudeMax: number | null;
}

/** The empty tally. */
export const EMPTY_COVERAGE: CoverageTally = { configs: 0, exact: 0, magnitudeSum: 0, magnitudeMin: null, magnitudeMax: null };

/** Adds a configuration to a tally. */
export function tallyCoverage(tally: CoverageTally, departure: DepartureId, m: number, config: ClusterConfig): CoverageTally {
  const d = describeBreak(config);
  const expected = expectedBreaks(departure, m);
  const exact = d.broken.length === expected.length && expected.every((id) => d.broken.includes(id));
  const x = d.magnitudes[departure];
  return {
    configs: tally.configs + 1,
    exact: tally.exact + (exact ? 1 : 0),
    magnitudeSum: tally.magnitudeSum + x,
    magnitudeMin: tally.magnitudeMin === null ? x : Math.min(tally.magnitudeMin, x),
    magnitudeMax: tally.magnitudeMax === null ? x : Math.max(tally.magnitudeMax, x),
  };
}

/** Sums two tallies (batches of one probe, or probes of one item). */
export function addCoverage(a: CoverageTally, b: CoverageTally): CoverageTally {
  const pick = (x: number | null, y: number | null, f: (p: number, q: number) => number): number | null =>
    x === null ? y : y === null ? x : f(x, y);
  return {
    configs: a.configs + b.configs,
    exact: a.exact + b.exact,
    magnitudeSum: a.magnitudeSum + b.magnitudeSum,
    magnitudeMin: pick(a.magnitudeMin, b.magnitudeMin, Math.min),
    magnitudeMax: pick(a.magnitudeMax, b.magnitudeMax, Math.max),
  };
}

/**
 * The n configurations of one oracle batch: `fc.sample` of the breaking generator seeded by the
 * batch seed, so that anyone can re-derive exactly the configurations a probe measured from its
 * recorded batch seeds (the acceptance test does, to judge them independently).
 * @example probeConfigs('noise', 2, 25, probeSeed(42, 2, 0), 'small')
 */
export function probeConfigs(departure: DepartureId, m: number, n: number, seed: number, scale: GenOptions['scale']): ClusterConfig[] {
  return fc.sample(breakingConfigArb(departure, m, { scale }), { seed, numRuns: n });
}

/** Whether m can be generated at this scale (breakingConfigArb throws when no configuration fits). */
export function magnitudeFeasible(departure: DepartureId, m: number, scale: GenOptions['scale']): boolean {
  try {
    breakingConfigArb(departure, m, { scale });
    return true;
  } catch (e) {
    if (e instanceof InvalidInputError) return false;
    throw e;
  }
}

/** One oracle call as recorded in the run state (enough to re-derive and re-judge it). */
export interface BatchRecord extends BinomialCount {
  /** The batch seed (`probeSeed(itemSeed, m, offset)`). */
  readonly seed: number;
  /** Configurations drawn. */
  readonly n: number;
  /** Of those, not counted: the claim could not judge them (`trial.inconclusive`). */
  readonly inconclusive: number;
  /**
   * Of those, the claim threw on: counted as runs AND failures (a check that cannot establish its
   * conclusion has not shown it, fast-check's convention), and listed in `errorCases`. Absent in
   * states written before errors were counted (read as 0).
   */
  readonly errors?: number;
  /** Each thrown configuration: its index in the batch (re-derive it from the seed) and the message. */
  readonly errorCases?: ReadonlyArray<{ readonly index: number; readonly message: string }>;
  readonly coverage: CoverageTally;
}

/** A configuration on which the claim threw, with the message (saved for replay by the runners). */
export interface ThrownCase {
  readonly index: number;
  readonly config: ClusterConfig;
  readonly message: string;
}

/**
 * Judges `configs` with the claim: failures of the conclusion among the judged ones, plus the
 * coverage tally. An inconclusive trial (integrator failure) is not counted as a run but recorded
 * (`inconclusive`). An exception is never dropped: it counts as a run and a failure, and is
 * returned in `thrown` (with the configuration) so that the caller can save it for replay.
 * Yields to the event loop after every configuration, so that Ctrl-C is noticed.
 */
export async function judgeConfigs(
  claim: ConfigClaim,
  configs: readonly ClusterConfig[],
  opts: GenOptions,
  coverageOf: (config: ClusterConfig, tally: CoverageTally) => CoverageTally,
): Promise<Omit<BatchRecord, 'seed'> & { readonly thrown: readonly ThrownCase[] }> {
  let failures = 0;
  let runs = 0;
  let inconclusive = 0;
  let coverage = EMPTY_COVERAGE;
  const thrown: ThrownCase[] = [];
  for (const [index, config] of configs.entries()) {
    coverage = coverageOf(config, coverage);
    let trial: Trial;
    try {
      trial = await claim.check(config, opts);
    } catch (e) {
      thrown.push({ index, config, message: e instanceof Error ? e.message : String(e) });
      runs++;
      failures++;
      continue;
    } finally {
      await yieldToEventLoop();
    }
    if (trial.inconclusive === true && !conclusionFailed(trial)) {
      inconclusive++;
      continue;
    }
    runs++;
    if (conclusionFailed(trial)) failures++;
  }
  return {
    n: configs.length,
    failures,
    runs,
    inconclusive,
    errors: thrown.length,
    errorCases: thrown.map((t) => ({ index: t.index, message: t.message })),
    coverage,
    thrown,
  };
}

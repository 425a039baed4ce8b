/**
 * Frontier estimation (issue 5, "Search"): along one condition's magnitude axis, the smallest
 * magnitude m in [lo, hi] at which a claim fails with probability at least p, with a confidence
 * interval.
 *
 * Generic: it sees the simulator only through a Bernoulli oracle that counts failures among n
 * random configurations broken by magnitude m. Each probed magnitude is measured in batches
 * until its exact (Clopper–Pearson) interval lies wholly above or below p, or its run cap is
 * reached. A coarse grid finds where the rate crosses p; bisection then narrows the bracket
 * between the largest magnitude shown to fail less often than p and the smallest shown to fail
 * at least as often. The failure probability is assumed non-decreasing in m (breaking an
 * assumption harder does not help); probes that contradict this are flagged, not hidden.
 *
 * @example
 *   const result = await estimateFrontier({ oracle, lo: 1, hi: 8, seed: 42 });
 *   result.status;   // 'found'
 *   result.ci;       // e.g. [2.09, 2.31]: the frontier lies here at about 95% confidence
 */
import { deriveSeed } from '../data/rng.ts';
import { InvalidInputError, requireFinite, requireInt, requirePositive } from '../theory/errors.ts';
import { clopperPearson, type BinomialCount, type Interval } from './statistics.ts';

/**
 * Failure count of a claim among `n` random configurations broken by magnitude `m`, drawn from
 * `seed`. Must be deterministic in (m, n, seed). It may return fewer runs than asked (e.g. when
 * some configurations are vacuous and not counted), never more.
 */
export type FailureOracle = (m: number, n: number, seed: number) => Promise<BinomialCount>;

/** Everything measured at one magnitude (persisted by the explorer so runs can resume). */
export interface FrontierProbe {
  readonly m: number;
  readonly failures: number;
  readonly runs: number;
  /** failures / runs (0 when runs = 0). */
  readonly rate: number;
  /** Two-sided Clopper–Pearson interval at the search's decision level (`decisionLevelFor`). */
  readonly ci: Interval;
}

/** Where a probe's failure probability stands against p. */
export type ProbeDecision = 'above' | 'below' | 'undecided';

/**
 * - found: some magnitude in range fails with probability >= p; `ci` brackets the frontier.
 * - never-fails: even hi fails with probability < p (at the stated confidence); no frontier in range.
 * - always-fails: already lo fails with probability >= p; the frontier is lo (or below the range).
 * - undecided: no magnitude was shown to fail at rate >= p, yet not all could be shown below p
 *   (rates near p, run caps or the budget); `ci` is the part of the range not excluded, and the
 *   frontier may also lie beyond hi.
 */
export type FrontierStatus = 'found' | 'never-fails' | 'always-fails' | 'undecided';

/** Why the search ended. */
export type FrontierStopReason = 'resolved' | 'budget' | 'stopped';

export interface FrontierOptions {
  readonly oracle: FailureOracle;
  /** Smallest magnitude of the search range. */
  readonly lo: number;
  /** Largest magnitude of the search range (> lo). */
  readonly hi: number;
  /** Base seed; each batch's seed is `probeSeed(seed, m, runsAlreadyMeasuredAtM)`. */
  readonly seed: number;
  /** Failure probability that defines the frontier, in (0, 1). Default `DEFAULT_FRONTIER_P`. */
  readonly p?: number;
  /**
   * Intended coverage of the frontier interval. Default `DEFAULT_FRONTIER_LEVEL`. Probes are
   * decided at the stricter `decisionLevelFor(level)` to pay for repeated looks.
   */
  readonly level?: number;
  /** Number of evenly spaced magnitudes of the coarse grid, lo and hi included (>= 2). */
  readonly gridPoints?: number;
  /** Runs asked of the oracle per call. */
  readonly batchRuns?: number;
  /** A probe still undecided after this many runs stays undecided. */
  readonly maxRunsPerProbe?: number;
  /** Budget: the most oracle runs this call may spend (default unlimited). */
  readonly maxTotalRuns?: number;
  /** Bisection stops when no gap between probes inside the bracket is wider than this. */
  readonly resolution?: number;
  /** Deadline: checked before every oracle call; returning true ends the search cleanly. */
  readonly shouldStop?: () => boolean;
  /** Probes measured earlier (same seed and options): reused, and extended if undecided. */
  readonly previous?: readonly FrontierProbe[];
  /** Called after every oracle call with the updated probe (for persistence and progress). */
  readonly onProbe?: (probe: FrontierProbe) => void | Promise<void>;
}

export interface FrontierResult {
  /** Point estimate of the frontier (interpolated inside `ci`), or null when none was found. */
  readonly frontier: number | null;
  /** Interval that contains the frontier at about the stated level, or null for never-fails. */
  readonly ci: Interval | null;
  readonly status: FrontierStatus;
  /** Every probe, sorted by magnitude. */
  readonly probes: readonly FrontierProbe[];
  /** Oracle runs spent by this call (reused probes excluded). */
  readonly runsUsed: number;
  readonly stopReason: FrontierStopReason;
  /**
   * True when some probe above the bracket was shown to fail less often than p: the rate is not
   * monotone in m (or a decision erred), so the frontier is the first crossing only.
   */
  readonly nonMonotone: boolean;
  readonly p: number;
  /** Intended coverage of `ci`. */
  readonly level: number;
  /** Level of each probe's interval (`decisionLevelFor(level)`). */
  readonly decisionLevel: number;
}

/** The default: the smallest magnitude at which a claim fails at least 5% of the time. */
export const DEFAULT_FRONTIER_P = 0.05;

/** Confidence level of probe intervals: the report's 95%. */
export const DEFAULT_FRONTIER_LEVEL = 0.95;

/**
 * Each probe is looked at after every batch and many probes are decided, so deciding each at
 * the nominal level lets the frontier interval cover less often than stated. Measured with the
 * seeded Bernoulli oracles of test/check/frontier.test.ts on [0, 10] (rates (m-2)/4 and (m-2)/40,
 * a logistic 1/(1+e^{-2(m-5)}), p = 0.05 and 0.2; 400 seeds each, default options): per-probe
 * 95% gave 90–97% coverage; dividing the error rate by 2.5 (per-probe 98%) gave 96–99%, at
 * 15–25% more runs. The test keeps a smaller version of this check.
 */
export const SEQUENTIAL_LOOK_CORRECTION = 2.5;

/** The per-probe confidence level used to reach coverage `level` for the frontier interval. */
export function decisionLevelFor(level: number): number {
  return 1 - (1 - level) / SEQUENTIAL_LOOK_CORRECTION;
}

/** Five grid points (quarters of the range) locate the crossing before bisection refines it. */
export const DEFAULT_GRID_POINTS = 5;

/**
 * Runs per oracle call. 25 is small enough not to overspend on magnitudes far from p (a rate of
 * 1 is decided after one batch) and large enough that per-call overhead stays negligible.
 */
export const DEFAULT_BATCH_RUNS = 25;

/**
 * Runs after which a probe gives up. Deciding "below 5%" needs at least 72 clean runs at 95%
 * (0 failures: (0.025)^{1/72} < 0.95); 400 runs resolve rates down to about half or up to about
 * twice p, beyond which more runs buy little for a frontier estimate.
 */
export const DEFAULT_MAX_RUNS_PER_PROBE = 400;

/** Bisection stops at 1/32 of the range: five halvings of a grid cell of a quarter of the range. */
export const DEFAULT_RESOLUTION_FRACTION = 1 / 32;

/**
 * The seed of the oracle call that measures runs `offset, offset+1, ...` at magnitude m: a
 * hash of (base seed, m, offset), so that probes are independent of the order in which they are
 * measured and a resumed probe continues exactly where it stopped.
 */
export function probeSeed(seed: number, m: number, offset: number): number {
  return deriveSeed(`frontier/${seed}/${m}/${offset}`);
}

/** Decides a probe against p: 'above' when its interval is at or above p, 'below' when under. */
export function decideProbe(probe: Pick<FrontierProbe, 'ci'>, p: number): ProbeDecision {
  if (probe.ci[0] >= p) return 'above';
  if (probe.ci[1] < p) return 'below';
  return 'undecided';
}

function makeProbe(m: number, failures: number, runs: number, level: number): FrontierProbe {
  return { m, failures, runs, rate: runs === 0 ? 0 : failures / runs, ci: clopperPearson(failures, runs, level) };
}

interface Bracket {
  readonly status: FrontierStatus;
  readonly low: number;
  readonly high: number;
  readonly nonMonotone: boolean;
}

/** The bracket implied by the decided probes (see `FrontierStatus`). */
function bracketOf(probes: readonly FrontierProbe[], lo: number, hi: number, p: number): Bracket {
  let upper = Number.POSITIVE_INFINITY;
  for (const probe of probes) if (decideProbe(probe, p) === 'above' && probe.m < upper) upper = probe.m;
  let lower = Number.NEGATIVE_INFINITY;
  let nonMonotone = false;
  for (const probe of probes) {
    if (decideProbe(probe, p) !== 'below') continue;
    if (probe.m < upper) lower = Math.max(lower, probe.m);
    else nonMonotone = true;
  }
  const low = Math.max(lo, lower);
  if (upper !== Number.POSITIVE_INFINITY) {
    return { status: upper <= lo ? 'always-fails' : 'found', low: Math.min(low, upper), high: upper, nonMonotone };
  }
  return { status: lower >= hi ? 'never-fails' : 'undecided', low, high: hi, nonMonotone };
}

/** Point estimate: linear interpolation of the rate across p between neighbouring probes. */
function interpolateCrossing(probes: readonly FrontierProbe[], bracket: Bracket, p: number): number {
  const inside = probes.filter((probe) => probe.m >= bracket.low && probe.m <= bracket.high && probe.runs > 0);
  for (let i = 0; i + 1 < inside.length; i++) {
    const a = inside[i];
    const b = inside[i + 1];
    if (a.rate < p && b.rate >= p) {
      const estimate = a.m + ((p - a.rate) / (b.rate - a.rate)) * (b.m - a.m);
      return Math.min(bracket.high, Math.max(bracket.low, estimate));
    }
  }
  return (bracket.low + bracket.high) / 2;
}

/**
 * Estimates the smallest magnitude in [lo, hi] at which the oracle's failure probability reaches
 * p, with a confidence interval (see the module comment for the method). Deterministic in the
 * options: the same seed, options and previous probes give the same result.
 *
 * Coverage: the interval is the gap between two probes, each decided at two-sided level
 * `decisionLevelFor(level)`, so that after repeated looks its coverage is about `level`
 * (see `SEQUENTIAL_LOOK_CORRECTION` for the measurement). It assumes a failure rate
 * non-decreasing in m.
 */
export async function estimateFrontier(options: FrontierOptions): Promise<FrontierResult> {
  const { oracle, seed, shouldStop, onProbe } = options;
  const lo = requireFinite('lo', options.lo);
  const hi = requireFinite('hi', options.hi);
  if (!(hi > lo)) throw new InvalidInputError('hi', `must be > lo (${lo}), got ${hi}`);
  requireFinite('seed', seed);
  const p = options.p ?? DEFAULT_FRONTIER_P;
  requireFinite('p', p);
  if (!(p > 0 && p < 1)) throw new InvalidInputError('p', `must lie strictly between 0 and 1, got ${p}`);
  const level = options.level ?? DEFAULT_FRONTIER_LEVEL;
  requireFinite('level', level);
  if (!(level > 0 && level < 1)) throw new InvalidInputError('level', `must lie strictly between 0 and 1, got ${level}`);
  const decisionLevel = decisionLevelFor(level);
  const gridPoints = requireInt('gridPoints', options.gridPoints ?? DEFAULT_GRID_POINTS, 2);
  const batchRuns = requireInt('batchRuns', options.batchRuns ?? DEFAULT_BATCH_RUNS);
  const maxRunsPerProbe = requireInt('maxRunsPerProbe', options.maxRunsPerProbe ?? DEFAULT_MAX_RUNS_PER_PROBE);
  const maxTotalRuns = options.maxTotalRuns ?? Number.POSITIVE_INFINITY;
  if (maxTotalRuns !== Number.POSITIVE_INFINITY) requireInt('maxTotalRuns', maxTotalRuns, 0);
  const resolution = requirePositive('resolution', options.resolution ?? (hi - lo) * DEFAULT_RESOLUTION_FRACTION);

  const probes = new Map<number, FrontierProbe>();
  for (const [i, previous] of (options.previous ?? []).entries()) {
    requireFinite(`previous[${i}].m`, previous.m);
    requireInt(`previous[${i}].runs`, previous.runs, 0);
    requireInt(`previous[${i}].failures`, previous.failures, 0);
    const merged = probes.get(previous.m);
    // Duplicates (e.g. from merged shards) keep the longer measurement of the same seed stream.
    if (merged === undefined || merged.runs < previous.runs) {
      probes.set(previous.m, makeProbe(previous.m, previous.failures, previous.runs, decisionLevel));
    }
  }
  const sorted = (): FrontierProbe[] => [...probes.values()].sort((a, b) => a.m - b.m);

  let runsUsed = 0;
  let stopReason: FrontierStopReason = 'resolved';

  /** Measures magnitude m until decided, capped, stalled or out of budget. */
  const measure = async (m: number): Promise<ProbeDecision> => {
    let probe = probes.get(m) ?? makeProbe(m, 0, 0, decisionLevel);
    while (decideProbe(probe, p) === 'undecided' && probe.runs < maxRunsPerProbe) {
      if (shouldStop?.()) {
        stopReason = 'stopped';
        break;
      }
      const n = Math.min(batchRuns, maxRunsPerProbe - probe.runs, maxTotalRuns - runsUsed);
      if (n <= 0) {
        stopReason = 'budget';
        break;
      }
      const count = await oracle(m, n, probeSeed(seed, m, probe.runs));
      if (!Number.isInteger(count.runs) || count.runs < 0 || count.runs > n) {
        throw new InvalidInputError('oracle', `returned runs = ${count.runs} for a batch of ${n}`);
      }
      if (!Number.isInteger(count.failures) || count.failures < 0 || count.failures > count.runs) {
        throw new InvalidInputError('oracle', `returned failures = ${count.failures} of ${count.runs} runs`);
      }
      runsUsed += count.runs;
      probe = makeProbe(m, probe.failures + count.failures, probe.runs + count.runs, decisionLevel);
      probes.set(m, probe);
      await onProbe?.(probe);
      if (count.runs === 0) break; // The oracle cannot produce runs here: leave it undecided.
    }
    probes.set(m, probe);
    return decideProbe(probe, p);
  };

  // Coarse grid, from lo upwards; under monotonicity nothing above the first failing point is needed.
  for (let i = 0; i < gridPoints && stopReason === 'resolved'; i++) {
    const m = i === gridPoints - 1 ? hi : lo + ((hi - lo) * i) / (gridPoints - 1);
    if ((await measure(m)) === 'above') break;
  }

  // Refinement: halve the widest gap between probes inside the bracket until all are narrow.
  while (stopReason === 'resolved') {
    const bracket = bracketOf(sorted(), lo, hi, p);
    if (bracket.status === 'always-fails' || bracket.status === 'never-fails') break;
    const points = [bracket.low, ...sorted().map((probe) => probe.m).filter((m) => m > bracket.low && m < bracket.high), bracket.high];
    let widest = 0;
    for (let i = 1; i < points.length; i++) if (points[i] - points[i - 1] > points[widest + 1] - points[widest]) widest = i - 1;
    const [left, right] = [points[widest], points[widest + 1]];
    const middle = (left + right) / 2;
    // The second test guards against a resolution below the float spacing at this magnitude.
    if (right - left <= resolution || !(middle > left && middle < right)) break;
    await measure(middle);
  }

  const all = sorted();
  const bracket = bracketOf(all, lo, hi, p);
  const common = { probes: all, runsUsed, stopReason, nonMonotone: bracket.nonMonotone, p, level, decisionLevel };
  switch (bracket.status) {
    case 'always-fails':
      return { ...common, status: 'always-fails', frontier: lo, ci: [lo, lo] };
    case 'never-fails':
      return { ...common, status: 'never-fails', frontier: null, ci: null };
    case 'undecided':
      return { ...common, status: 'undecided', frontier: null, ci: [bracket.low, bracket.high] };
    case 'found':
      return { ...common, status: 'found', frontier: interpolateCrossing(all, bracket, p), ci: [bracket.low, bracket.high] };
  }
}

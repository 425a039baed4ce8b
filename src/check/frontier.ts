/**
 * Frontier estimation (THEORY §3 conditions broken by a magnitude m): along one condition's
 * magnitude axis, the smallest magnitude m in [lo, hi] at which a claim fails with probability
 * at least p, with an interval that has a stated coverage.
 *
 * Generic: it sees the simulator only through a Bernoulli oracle that counts failures among n
 * random configurations broken by magnitude m. The failure probability θ(m) is assumed
 * non-decreasing in m (breaking an assumption harder does not help); measurements that
 * contradict this beyond sampling error are reported (`contradictions`, status 'non-monotone').
 *
 * Method. Each probed magnitude carries an always-valid confidence sequence for θ(m) (Robbins'
 * beta-binomial mixture martingale, src/check/confidenceSequence.ts) at level 1 − α/maxProbes:
 * Bonferroni over the at most `maxProbes` probes of a frontier, so that with probability
 * ≥ 1 − α every sequence contains its θ at every look. An indifference zone (p_L, p_U) around
 * p (odds ratio `indifference` either side) makes every probe decidable in finitely many runs:
 * a probe is 'above' once its sequence excludes θ ≤ p_L, 'below' once it excludes θ ≥ p_U
 * (when both hold, the side of its rate against p decides). A coarse grid finds where the rate
 * crosses the zone; bisection narrows the bracket between the largest magnitude shown 'below'
 * and the smallest shown 'above'.
 *
 * Guarantee (the "true frontier"). Let m_L = inf{m in [lo, hi] : θ(m) ≥ p_L} and
 * m_U = inf{m in [lo, hi] : θ(m) ≥ p_U} (+∞ if none): the frontier zone [m_L, m_U] is where the
 * failure rate crosses the indifference zone; for a steep rate it is one point, the
 * p-frontier. If θ is non-decreasing, then with probability ≥ `level` the reported interval
 * [a, b] meets [m_L, m_U] (a < m_U and b ≥ m_L), 'never-fails' means m_U = +∞, and
 * 'always-fails' means m_L = lo. `npm run frontier-coverage` measures it.
 *
 * @example
 *   const result = await estimateFrontier({ oracle, lo: 1, hi: 8, seed: 42 });
 *   result.status;   // 'found'
 *   result.ci;       // e.g. [2.09, 2.31]: meets the frontier zone at >= 95% confidence
 */
import { deriveSeed } from '../data/rng.ts';
import { InvalidInputError, requireFinite, requireInt, requirePositive } from '../theory/errors.ts';
import type { BinomialCount, Interval } from './statistics.ts';
import { betaPrior, confidenceSequence, excludes, type BetaPrior } from './confidenceSequence.ts';

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
  /** The probe's confidence sequence at level 1 − `rule.probeAlpha` (valid at every look). */
  readonly ci: Interval;
}

/** Where a probe's failure probability stands against the indifference zone around p. */
export type ProbeDecision = 'above' | 'below' | 'undecided';

/**
 * - found: some magnitude was shown to fail above the zone's lower edge; `ci` brackets the frontier zone.
 * - never-fails: even hi was shown to fail below the zone's upper edge: no frontier in range.
 * - always-fails: already lo was shown above the zone's lower edge: the frontier is lo (or below the range).
 * - undecided: no magnitude was shown above p_L, yet not all could be shown below p_U (run caps,
 *   the budget); `ci` is the part of the range not excluded, and the frontier may lie beyond hi.
 * - non-monotone: a higher magnitude was shown to fail less often than a lower one (their
 *   confidence sequences do not overlap): there is no single frontier; see `contradictions`.
 */
export type FrontierStatus = 'found' | 'never-fails' | 'always-fails' | 'undecided' | 'non-monotone';

/** Why the search ended ('probe-cap': `maxProbes` magnitudes measured, the Bonferroni split is used up). */
export type FrontierStopReason = 'resolved' | 'budget' | 'stopped' | 'probe-cap';

/** A pair of probes contradicting monotonicity beyond sampling error: `higher` fails less than `lower`. */
export interface MonotonicityContradiction {
  readonly lower: { readonly m: number; readonly rate: number; readonly ci: Interval };
  readonly higher: { readonly m: number; readonly rate: number; readonly ci: Interval };
}

/** How probes are decided: p, its indifference zone, the per-probe error and the mixing prior. */
export interface FrontierRule {
  readonly p: number;
  /** Indifference zone (p_L, p_U): probes with a rate inside may be decided either way. */
  readonly zone: Interval;
  /** Error of each probe's confidence sequence: (1 − level) / maxProbes. */
  readonly probeAlpha: number;
  readonly prior: BetaPrior;
}

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
  /** Coverage of the frontier interval (see the module comment). Default `DEFAULT_FRONTIER_LEVEL`. */
  readonly level?: number;
  /** Odds ratio either side of p bounding the indifference zone (> 1). Default `DEFAULT_INDIFFERENCE`. */
  readonly indifference?: number;
  /** Most magnitudes measured (previous ones included): the Bonferroni split. Default `DEFAULT_MAX_PROBES`. */
  readonly maxProbes?: number;
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
  readonly previous?: ReadonlyArray<Pick<FrontierProbe, 'm' | 'failures' | 'runs'>>;
  /** Called after every oracle call with the updated probe (for persistence and progress). */
  readonly onProbe?: (probe: FrontierProbe) => void | Promise<void>;
}

export interface FrontierResult {
  /** Point estimate of the frontier (interpolated inside `ci`), or null when none was found. */
  readonly frontier: number | null;
  /** Interval that meets the frontier zone at the stated level; null for never-fails and non-monotone. */
  readonly ci: Interval | null;
  readonly status: FrontierStatus;
  /** Every probe, sorted by magnitude. */
  readonly probes: readonly FrontierProbe[];
  /** Oracle runs spent by this call (reused probes excluded). */
  readonly runsUsed: number;
  readonly stopReason: FrontierStopReason;
  /** True when `contradictions` is not empty. */
  readonly nonMonotone: boolean;
  /** Probe pairs whose failure rates fall with the magnitude beyond sampling error. */
  readonly contradictions: readonly MonotonicityContradiction[];
  /** The bracket of the first crossing (what `ci` would be under monotonicity); null if none. */
  readonly firstCrossing: Interval | null;
  readonly p: number;
  /** Intended coverage of `ci`. */
  readonly level: number;
  readonly rule: FrontierRule;
}

/** The default: the smallest magnitude at which a claim fails at least 5% of the time. */
export const DEFAULT_FRONTIER_P = 0.05;

/** Coverage of the frontier interval: the report's 95%. */
export const DEFAULT_FRONTIER_LEVEL = 0.95;

/**
 * Odds ratio bounding the indifference zone. Ours: 2, i.e. (2.6%, 9.5%) around p = 5% and
 * (5.3%, 18.2%) around 10%: a rate within a factor of about 2 of p cannot be told from p in a
 * few hundred runs at a per-probe error of 0.3%, and a frontier "where the rate crosses 3–10%"
 * is as precise as a phase-transition statement about a theorem needs.
 */
export const DEFAULT_INDIFFERENCE = 2;

/**
 * Most magnitudes one frontier measures. Ours: 16 covers the five-point grid, three halvings
 * to 1/32 of the range and two range widenings (five new grid points each) while keeping the
 * per-probe error at 1/16 of α (ln(1/α) grows only from 3.0 to 5.8 at α = 0.05).
 */
export const DEFAULT_MAX_PROBES = 16;

/** The indifference zone (p_L, p_U): odds of p divided and multiplied by `indifference`. */
export function indifferenceZone(p: number, indifference = DEFAULT_INDIFFERENCE): Interval {
  const odds = p / (1 - p);
  const at = (o: number): number => o / (1 + o);
  return [at(odds / indifference), at(odds * indifference)];
}

/** The decision rule of a frontier search with these settings. */
export function frontierRule(options: { p?: number; level?: number; indifference?: number; maxProbes?: number } = {}): FrontierRule {
  const p = options.p ?? DEFAULT_FRONTIER_P;
  const level = options.level ?? DEFAULT_FRONTIER_LEVEL;
  const maxProbes = options.maxProbes ?? DEFAULT_MAX_PROBES;
  return { p, zone: indifferenceZone(p, options.indifference ?? DEFAULT_INDIFFERENCE), probeAlpha: (1 - level) / maxProbes, prior: betaPrior(p) };
}

/** Five grid points (quarters of the range) locate the crossing before bisection refines it. */
export const DEFAULT_GRID_POINTS = 5;

/**
 * Runs per oracle call. 25 is small enough not to overspend on magnitudes far from p (a rate of
 * 1 is decided after one batch) and large enough that per-call overhead stays negligible.
 */
export const DEFAULT_BATCH_RUNS = 25;

/**
 * Runs after which a probe gives up. Ours: 400 decide a clean probe (about 60 runs at p = 5%)
 * and rates down to about half or up to about twice p; a rate at p itself needs ~1000 and is
 * left undecided, outside the bracket.
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

/**
 * Decides a probe: 'above' when its confidence sequence excludes every rate <= p_L, 'below'
 * when it excludes every rate >= p_U (both: the side of its rate against p).
 */
export function decideProbe(probe: Pick<FrontierProbe, 'failures' | 'runs'>, rule: FrontierRule): ProbeDecision {
  if (probe.runs === 0) return 'undecided';
  const rate = probe.failures / probe.runs;
  const [pL, pU] = rule.zone;
  const above = rate > pL && excludes(probe.failures, probe.runs, pL, rule.probeAlpha, rule.prior);
  const below = rate < pU && excludes(probe.failures, probe.runs, pU, rule.probeAlpha, rule.prior);
  if (above && below) return rate >= rule.p ? 'above' : 'below';
  return above ? 'above' : below ? 'below' : 'undecided';
}

/** A probe record with its confidence sequence under the rule. */
export function makeProbe(m: number, failures: number, runs: number, rule: FrontierRule): FrontierProbe {
  return { m, failures, runs, rate: runs === 0 ? 0 : failures / runs, ci: confidenceSequence(failures, runs, rule.probeAlpha, rule.prior) };
}

/**
 * Probe pairs contradicting a non-decreasing rate beyond sampling error: a higher magnitude
 * whose confidence sequence lies wholly below that of a lower one. With probability >= level
 * every sequence holds its rate, so each pair is then a real decrease.
 */
export function monotonicityContradictions(probes: readonly FrontierProbe[]): MonotonicityContradiction[] {
  const sorted = [...probes].filter((p) => p.runs > 0).sort((a, b) => a.m - b.m);
  const out: MonotonicityContradiction[] = [];
  for (let j = 0; j < sorted.length; j++) {
    // The lower probe with the highest lower bound: the strongest witness against probe j.
    let witness: FrontierProbe | null = null;
    for (let i = 0; i < j; i++) if (sorted[i]!.ci[0] > sorted[j]!.ci[1] && (witness === null || sorted[i]!.ci[0] > witness.ci[0])) witness = sorted[i]!;
    if (witness !== null) {
      const h = sorted[j]!;
      out.push({ lower: { m: witness.m, rate: witness.rate, ci: witness.ci }, higher: { m: h.m, rate: h.rate, ci: h.ci } });
    }
  }
  return out;
}

interface Bracket {
  readonly status: Exclude<FrontierStatus, 'non-monotone'>;
  readonly low: number;
  readonly high: number;
}

/** The bracket implied by the decided probes (see `FrontierStatus`). */
function bracketOf(probes: readonly FrontierProbe[], lo: number, hi: number, rule: FrontierRule): Bracket {
  let upper = Number.POSITIVE_INFINITY;
  for (const probe of probes) if (decideProbe(probe, rule) === 'above' && probe.m < upper) upper = probe.m;
  let lower = Number.NEGATIVE_INFINITY;
  for (const probe of probes) {
    if (decideProbe(probe, rule) === 'below' && probe.m < upper) lower = Math.max(lower, probe.m);
  }
  const low = Math.max(lo, lower);
  if (upper !== Number.POSITIVE_INFINITY) {
    return { status: upper <= lo ? 'always-fails' : 'found', low: Math.min(low, upper), high: upper };
  }
  return { status: lower >= hi ? 'never-fails' : 'undecided', low, high: hi };
}

/** Point estimate: linear interpolation of the rate across p between neighbouring probes. */
function interpolateCrossing(probes: readonly FrontierProbe[], bracket: Bracket, p: number): number {
  const inside = probes.filter((probe) => probe.m >= bracket.low && probe.m <= bracket.high && probe.runs > 0);
  for (let i = 0; i + 1 < inside.length; i++) {
    const a = inside[i]!;
    const b = inside[i + 1]!;
    if (a.rate < p && b.rate >= p) {
      const estimate = a.m + ((p - a.rate) / (b.rate - a.rate)) * (b.m - a.m);
      return Math.min(bracket.high, Math.max(bracket.low, estimate));
    }
  }
  return (bracket.low + bracket.high) / 2;
}

/**
 * Estimates the smallest magnitude in [lo, hi] at which the oracle's failure probability reaches
 * p, with an interval of stated coverage (see the module comment for the method and the
 * guarantee). Deterministic in the options: the same seed, options and previous probes give the
 * same result.
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
  const indifference = requireFinite('indifference', options.indifference ?? DEFAULT_INDIFFERENCE);
  if (!(indifference > 1)) throw new InvalidInputError('indifference', `must be > 1, got ${indifference}`);
  const maxProbes = requireInt('maxProbes', options.maxProbes ?? DEFAULT_MAX_PROBES, 1);
  const rule = frontierRule({ p, level, indifference, maxProbes });
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
      probes.set(previous.m, makeProbe(previous.m, previous.failures, previous.runs, rule));
    }
  }
  const sorted = (): FrontierProbe[] => [...probes.values()].sort((a, b) => a.m - b.m);

  let runsUsed = 0;
  let stopReason: FrontierStopReason = 'resolved';

  /** Measures magnitude m until decided, capped, stalled or out of budget. */
  const measure = async (m: number): Promise<ProbeDecision> => {
    if (!probes.has(m) && probes.size >= maxProbes) {
      stopReason = 'probe-cap';
      return 'undecided';
    }
    let probe = probes.get(m) ?? makeProbe(m, 0, 0, rule);
    while (decideProbe(probe, rule) === 'undecided' && probe.runs < maxRunsPerProbe) {
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
      probe = makeProbe(m, probe.failures + count.failures, probe.runs + count.runs, rule);
      probes.set(m, probe);
      await onProbe?.(probe);
      if (count.runs === 0) break; // The oracle cannot produce runs here: leave it undecided.
    }
    probes.set(m, probe);
    return decideProbe(probe, rule);
  };

  // Coarse grid, from lo upwards; under monotonicity nothing above the first failing point is needed.
  for (let i = 0; i < gridPoints && stopReason === 'resolved'; i++) {
    const m = i === gridPoints - 1 ? hi : lo + ((hi - lo) * i) / (gridPoints - 1);
    if ((await measure(m)) === 'above') break;
  }

  // Refinement: halve the widest gap between probes inside the bracket until all are narrow.
  while (stopReason === 'resolved') {
    const bracket = bracketOf(sorted(), lo, hi, rule);
    if (bracket.status === 'always-fails' || bracket.status === 'never-fails') break;
    const points = [bracket.low, ...sorted().map((probe) => probe.m).filter((m) => m > bracket.low && m < bracket.high), bracket.high];
    let widest = 0;
    for (let i = 1; i < points.length; i++) if (points[i]! - points[i - 1]! > points[widest + 1]! - points[widest]!) widest = i - 1;
    const [left, right] = [points[widest]!, points[widest + 1]!];
    const middle = (left + right) / 2;
    // The second test guards against a resolution below the float spacing at this magnitude.
    if (right - left <= resolution || !(middle > left && middle < right)) break;
    await measure(middle);
  }

  const all = sorted();
  const bracket = bracketOf(all, lo, hi, rule);
  const contradictions = monotonicityContradictions(all);
  const firstCrossing: Interval | null = bracket.status === 'never-fails' ? null : [bracket.low, bracket.high];
  const common = { probes: all, runsUsed, stopReason, nonMonotone: contradictions.length > 0, contradictions, firstCrossing, p, level, rule };
  if (contradictions.length > 0) return { ...common, status: 'non-monotone', frontier: null, ci: null };
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

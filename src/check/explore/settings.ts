/**
 * What an exploration measures: its settings with their defaults (everything saved in its state,
 * THEORY §3 conditions broken through src/data/breaking.ts) and the claims it can judge.
 */
import type { Edition } from '../../theory/edition.ts';
import { DEFAULT_EDITION } from '../../theory/edition.ts';
import { InvalidInputError } from '../../theory/errors.ts';
import { DEPARTURE_IDS, departureAxis, type DepartureId } from '../../data/breaking.ts';
import type { GenOptions } from '../claim.ts';
import { DEFAULT_FRONTIER_LEVEL, DEFAULT_FRONTIER_P, DEFAULT_INDIFFERENCE, DEFAULT_MAX_PROBES } from '../frontier.ts';
import { DIAGRAMS, DIAGRAM_IDS } from './diagrams.ts';

/** Claims explored when none are named: Theorem 4.2's band and window and Theorem 4.3's bound. */
export const DEFAULT_EXPLORE_CLAIMS = ['thm42-sandwich', 'thm42-window', 'thm43-generalization'] as const;

/** Everything that determines what an exploration measures (saved in its state). */
export interface ExploreSettings {
  readonly seed: number;
  readonly scale: GenOptions['scale'];
  readonly edition: Edition;
  readonly departures: readonly DepartureId[];
  readonly claims: readonly string[];
  /** Diagram ids (explore/diagrams.ts) and the claim they are measured with. */
  readonly diagrams: readonly string[];
  readonly diagramClaim: string;
  /** Failure probability defining a frontier, and the intended coverage of its interval. */
  readonly p: number;
  readonly level: number;
  /** Odds ratio either side of p bounding the indifference zone (src/check/frontier.ts). */
  readonly indifference: number;
  /** Most magnitudes one frontier measures: its Bonferroni split of 1 − level. */
  readonly maxProbes: number;
  /** Runs per oracle call, per probe at most, and per frontier item at most. */
  readonly batchRuns: number;
  readonly runsPerProbe: number;
  readonly maxRunsPerItem: number;
  /** Runs per diagram cell. */
  readonly cellRuns: number;
  /** Targeted search: score evaluations (0 = no targeted search) and seed population size. */
  readonly targetEvaluations: number;
  readonly targetPopulation: number;
  /** Times a frontier range is widened (×4) when even its upper end never fails. */
  readonly rangeExtensions: number;
}

/**
 * Runs per oracle call. Ours: 20 decides a rate of 1 or 0.5 in one call and keeps the number of
 * calls (and state writes) small.
 */
export const DEFAULT_EXPLORE_BATCH = 20;
/**
 * Runs per probe at most. Ours: at p = 5% the confidence sequence (src/check/frontier.ts) shows a
 * probe below the indifference zone after 62 runs without a failure, 138 with 2 failures and
 * 205 with 5; 200 decides every probe whose rate is under about half of p.
 */
export const DEFAULT_EXPLORE_RUNS_PER_PROBE = 200;
/**
 * Runs per frontier item at most. Ours: a grid and bisection of about ten probes, most decided
 * in under 100 runs and one or two near p using up to 200: at ~15 ms a small-scale simulation,
 * ~20 s per (departure, claim).
 */
export const DEFAULT_EXPLORE_RUNS_PER_ITEM = 1500;
/** Runs per diagram cell. Ours: 20 resolves rates 0, about 1/2 and 1 apart (CI half-width ~0.2). */
export const DEFAULT_CELL_RUNS = 20;
/** Targeted-search evaluations. Ours: ~30 annealing steps after the population, ~0.5 s. */
export const DEFAULT_TARGET_EVALUATIONS = 36;
/** Targeted-search seed population. */
export const DEFAULT_TARGET_POPULATION = 6;
/**
 * Range widenings. Ours: two (×16 in all) reach e.g. the noise magnitudes where the band first
 * fails at the small scale (tens of times the v5 edge) from the default range [1, 32].
 */
export const DEFAULT_RANGE_EXTENSIONS = 2;
/** Factor by which a range's upper end grows per widening. */
/**
 * The claim the phase diagrams are measured with: Theorem 4.2's band when it is among the
 * explored claims (the diagrams were designed around it), else the first explored claim, so
 * that a run never judges a claim it was not asked about.
 */
export function diagramClaimFor(claims: readonly string[]): string {
  return claims.includes('thm42-sandwich') || claims.length === 0 ? 'thm42-sandwich' : claims[0]!;
}

/** Settings with every default filled in. */
export function exploreSettings(partial: Partial<ExploreSettings> & { seed: number }): ExploreSettings {
  const s: ExploreSettings = {
    scale: 'small',
    edition: DEFAULT_EDITION,
    departures: DEPARTURE_IDS,
    claims: DEFAULT_EXPLORE_CLAIMS,
    diagrams: DIAGRAM_IDS,
    diagramClaim: diagramClaimFor(partial.claims ?? DEFAULT_EXPLORE_CLAIMS),
    p: DEFAULT_FRONTIER_P,
    level: DEFAULT_FRONTIER_LEVEL,
    indifference: DEFAULT_INDIFFERENCE,
    maxProbes: DEFAULT_MAX_PROBES,
    batchRuns: DEFAULT_EXPLORE_BATCH,
    runsPerProbe: DEFAULT_EXPLORE_RUNS_PER_PROBE,
    maxRunsPerItem: DEFAULT_EXPLORE_RUNS_PER_ITEM,
    cellRuns: DEFAULT_CELL_RUNS,
    targetEvaluations: DEFAULT_TARGET_EVALUATIONS,
    targetPopulation: DEFAULT_TARGET_POPULATION,
    rangeExtensions: DEFAULT_RANGE_EXTENSIONS,
    ...partial,
  };
  for (const d of s.departures) departureAxis(d);
  for (const id of s.diagrams) if (DIAGRAMS[id] === undefined) throw new InvalidInputError('diagrams', `unknown diagram '${id}' (one of ${DIAGRAM_IDS.join(', ')})`);
  return s;
}

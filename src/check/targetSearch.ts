/**
 * Targeted search, in the spirit of Hypothesis's `target()`: instead of
 * drawing configurations blindly, climb a violation score (e.g. the largest relative shortfall
 * below r_L, or test error over the bound) by mutating the best candidates found so far.
 *
 * Generic over the candidate type: the caller supplies a seed population, a mutation and a
 * score. The search is simulated annealing (hill climbing when the temperature is 0) with
 * restarts from the seed population when it stagnates. The best candidate is then handed to
 * fast-check's shrinker by the caller, like any other counterexample.
 *
 * Deterministic: every random choice (mutations and acceptance) comes from one seedrandom
 * stream, so the same seed, population, mutation and score give the same search.
 *
 * @example
 *   const result = await targetSearch({
 *     seedPopulation: [config0, config1],
 *     mutate: (c, rng) => ({ ...c, v: c.v * (1 + 0.2 * (rng() - 0.5)) }),
 *     score: (c) => violationScore(c),
 *     seed: 42,
 *     maxEvaluations: 200,
 *   });
 *   if (result.violated) save(result.best);
 */
import seedrandom from 'seedrandom';
import { InvalidInputError, requireFinite, requireInt, requireNonNegative } from '../theory/errors.ts';

/** A uniform random number in [0, 1), from the search's seeded stream. */
export type Rng = () => number;

/** Scores at or above this value mean "violated" (the convention of every violation score). */
export const VIOLATION_SCORE = 0;

/**
 * Steps without a new best before the search restarts from the next seed candidate: enough for
 * a mutation random walk to cross a moderate plateau; longer stagnation more likely means a
 * local optimum, where a fresh start is the better use of evaluations.
 */
export const DEFAULT_RESTART_AFTER = 50;

/**
 * Final temperature as a fraction of the initial one: at 1/100 the last steps accept a loss of
 * one initial-temperature unit with probability e^{-100}, i.e. the search ends as pure hill
 * climbing around the best region it found.
 */
export const DEFAULT_FINAL_TEMPERATURE_FRACTION = 0.01;

export interface TargetSearchOptions<T> {
  /** Starting candidates (at least one); each is scored first. */
  readonly seedPopulation: readonly T[];
  /** A random neighbour of x. Must not modify x; all randomness must come from `rng`. */
  readonly mutate: (x: T, rng: Rng) => T;
  /**
   * Violation score: higher is closer to a violation, >= `VIOLATION_SCORE` (0) means violated.
   * NaN is treated as -Infinity (a candidate that cannot be judged is never preferred).
   */
  readonly score: (x: T) => Promise<number> | number;
  readonly seed: number;
  /** Budget: the most calls of `score`, seed candidates included. */
  readonly maxEvaluations: number;
  /** Deadline: checked before every evaluation; returning true ends the search cleanly. */
  readonly shouldStop?: () => boolean;
  /**
   * Initial annealing temperature in score units: a move that loses Δ in score is accepted with
   * probability e^{-Δ/T}. 0 (default) is hill climbing: only moves that do not lose are taken.
   */
  readonly initialTemperature?: number;
  /** Temperature of the last step (geometric cooling); default initial × 1/100. */
  readonly finalTemperature?: number;
  /** Restart after this many steps without a new best (`DEFAULT_RESTART_AFTER`). */
  readonly restartAfter?: number;
  /** Stop as soon as a score reaches this value (default: never, keep climbing). */
  readonly stopAtScore?: number;
  /** Called after every evaluation (progress, persistence). */
  readonly onEvaluation?: (evaluation: TargetEvaluation) => void | Promise<void>;
}

/** One call of `score`. */
export interface TargetEvaluation {
  /** 0-based evaluation number. */
  readonly index: number;
  /** 'seed': a member of the seed population; 'mutation': a neighbour of the current candidate. */
  readonly origin: 'seed' | 'mutation';
  readonly score: number;
  /** Whether the candidate became the current one. */
  readonly accepted: boolean;
  /** Temperature at this step (0 for seed evaluations and hill climbing). */
  readonly temperature: number;
  /** Best score so far, this evaluation included. */
  readonly bestScore: number;
}

export type TargetStopReason = 'budget' | 'stopped' | 'target-reached';

export interface TargetSearchResult<T> {
  /** The best candidate found (the first one to reach the best score). */
  readonly best: T;
  readonly bestScore: number;
  /** Evaluation index at which `best` was found. */
  readonly bestIndex: number;
  /** bestScore >= VIOLATION_SCORE. */
  readonly violated: boolean;
  readonly evaluations: number;
  readonly restarts: number;
  readonly history: readonly TargetEvaluation[];
  readonly stopReason: TargetStopReason;
}

function finiteOrWorst(score: number): number {
  if (typeof score !== 'number') throw new InvalidInputError('score', `must return a number, got ${typeof score}`);
  return Number.isNaN(score) ? Number.NEGATIVE_INFINITY : score;
}

/**
 * Searches for the candidate with the highest violation score by simulated annealing from a
 * seed population (see the module comment).
 */
export async function targetSearch<T>(options: TargetSearchOptions<T>): Promise<TargetSearchResult<T>> {
  const { seedPopulation, mutate, score, shouldStop, onEvaluation } = options;
  if (seedPopulation.length === 0) throw new InvalidInputError('seedPopulation', 'needs at least one candidate');
  requireFinite('seed', options.seed);
  const maxEvaluations = requireInt('maxEvaluations', options.maxEvaluations, 1);
  const initialTemperature = requireNonNegative('initialTemperature', options.initialTemperature ?? 0);
  const finalTemperature = requireNonNegative(
    'finalTemperature',
    options.finalTemperature ?? initialTemperature * DEFAULT_FINAL_TEMPERATURE_FRACTION,
  );
  if (finalTemperature > initialTemperature) {
    throw new InvalidInputError('finalTemperature', `must be <= initialTemperature (${initialTemperature})`);
  }
  if (initialTemperature > 0 && finalTemperature === 0) {
    throw new InvalidInputError('finalTemperature', 'must be > 0 when annealing (geometric cooling)');
  }
  const restartAfter = options.restartAfter ?? DEFAULT_RESTART_AFTER;
  if (restartAfter !== Number.POSITIVE_INFINITY) requireInt('restartAfter', restartAfter, 1);
  const stopAtScore = options.stopAtScore ?? Number.POSITIVE_INFINITY;
  if (Number.isNaN(stopAtScore)) throw new InvalidInputError('stopAtScore', 'must be a number');

  const rng: Rng = seedrandom(`targetSearch/${options.seed}`);
  const history: TargetEvaluation[] = [];
  let best: T = seedPopulation[0];
  let bestScore = Number.NEGATIVE_INFINITY;
  let bestIndex = -1;
  // Kept in an object: `evaluate` sets it, which the compiler's narrowing cannot see.
  const state: { stopReason: TargetStopReason } = { stopReason: 'budget' };

  /** Scores x and records it; returns undefined when the search must stop first. */
  const evaluate = async (
    x: T,
    origin: TargetEvaluation['origin'],
    decide: (s: number) => boolean,
    temperature: number,
  ): Promise<number | undefined> => {
    if (history.length >= maxEvaluations) return undefined;
    if (shouldStop?.()) {
      state.stopReason = 'stopped';
      return undefined;
    }
    const s = finiteOrWorst(await score(x));
    const accepted = decide(s);
    if (s > bestScore || bestIndex < 0) {
      best = x;
      bestScore = s;
      bestIndex = history.length;
    }
    const evaluation: TargetEvaluation = { index: history.length, origin, score: s, accepted, temperature, bestScore };
    history.push(evaluation);
    await onEvaluation?.(evaluation);
    if (s >= stopAtScore) state.stopReason = 'target-reached';
    return s;
  };

  // 1. Score the seed population; remember it ranked (best first, ties by position) for restarts.
  const seeds: Array<{ x: T; score: number; position: number }> = [];
  for (const [position, x] of seedPopulation.entries()) {
    const s = await evaluate(x, 'seed', () => false, 0);
    if (s === undefined) break;
    seeds.push({ x, score: s, position });
    if (s >= stopAtScore) break;
  }
  seeds.sort((a, b) => b.score - a.score || a.position - b.position);

  // 2. Anneal from the best seed; geometric cooling over the remaining evaluations.
  let restarts = 0;
  if (seeds.length > 0 && state.stopReason === 'budget') {
    let current = seeds[0].x;
    let currentScore = seeds[0].score;
    let sinceBest = 0;
    const steps = maxEvaluations - history.length;
    for (let step = 0; step < steps; step++) {
      const temperature =
        initialTemperature === 0
          ? 0
          : initialTemperature * (finalTemperature / initialTemperature) ** (steps > 1 ? step / (steps - 1) : 1);
      const candidate = mutate(current, rng);
      const previousBest = bestScore;
      const s = await evaluate(
        candidate,
        'mutation',
        (value) =>
          value >= currentScore ||
          (temperature > 0 && value > Number.NEGATIVE_INFINITY && rng() < Math.exp((value - currentScore) / temperature)),
        temperature,
      );
      if (s === undefined) break;
      if (history[history.length - 1].accepted) {
        current = candidate;
        currentScore = s;
      }
      if (s >= stopAtScore) break; // target-reached
      sinceBest = bestScore > previousBest ? 0 : sinceBest + 1;
      if (sinceBest >= restartAfter) {
        restarts++;
        const restart = seeds[restarts % seeds.length];
        current = restart.x;
        currentScore = restart.score;
        sinceBest = 0;
      }
    }
  }

  return {
    best,
    bestScore,
    bestIndex,
    violated: bestScore >= VIOLATION_SCORE,
    evaluations: history.length,
    restarts,
    history,
    stopReason: state.stopReason,
  };
}

/**
 * Targeted search for conclusion failures, in the spirit of Hypothesis's
 * `target()`: climb the violation score of a claim ({@link violationScore}) over configurations
 * that break one departure (and nothing else), starting from a seed population drawn from its
 * breaking generator, then let fast-check shrink the worst case toward smaller K, Q and d while
 * it still fails and still breaks nothing new.
 */
import fc from 'fast-check';
import { ClusterConfigSchema, type ClusterConfig } from '../../data/config.ts';
import { departureAxis, describeBreak, type DepartureId } from '../../data/breaking.ts';
import { SCALE_LIMITS } from '../../data/arbitraries.ts';
import { negativeClusterSize } from '../../data/sampler.ts';
import { deriveSeed } from '../../data/rng.ts';
import type { GenOptions, Trial } from '../claim.ts';
import { targetSearch, type Rng } from '../targetSearch.ts';
import { yieldToEventLoop } from '../interrupt.ts';
import { conclusionFailed, probeConfigs, violationScore, type ConfigClaim } from './judge.ts';

/**
 * Spread of a multiplicative mutation: a factor e^{±0.5·u}, u uniform in [-1, 1], moves v, l_b,
 * β or τ by up to 65%: large enough to leave a plateau in tens of steps, small enough that an
 * accepted move stays near the region that scored well.
 */
const LOG_STEP = 0.5;

/** Multiplies x by a random factor e^{LOG_STEP·u}. */
function jiggle(x: number, rng: Rng): number {
  return x * Math.exp(LOG_STEP * (2 * rng() - 1));
}

/** Whether a configuration breaks nothing beyond what `departure` is allowed to break. */
export function breaksOnly(config: ClusterConfig, departure: DepartureId): boolean {
  const allowed = new Set<DepartureId>([departure, ...departureAxis(departure).alsoBreaks]);
  return describeBreak(config).broken.every((id) => allowed.has(id));
}

/** Whether a configuration fits the scale's size limits (so a search cannot wander into huge runs). */
function fitsScale(config: ClusterConfig, scale: GenOptions['scale']): boolean {
  const lim = SCALE_LIMITS[scale];
  const n = config.K * (config.Q + negativeClusterSize(config.Q, config.departures.imbalance));
  return config.K <= lim.maxK && config.Q <= lim.maxQ && n <= lim.maxN && n * config.d <= lim.maxEntries;
}

/**
 * A random neighbour of a configuration: one numeric field (v, l_b, Q, d, β, τ or the sampling
 * seed) moved, validated by the schema; an invalid move returns the configuration with a new
 * sampling seed (a fresh draw of the same distribution).
 */
export function mutateConfig(config: ClusterConfig, rng: Rng): ClusterConfig {
  const next: Record<string, unknown> = { ...config };
  const step = (): number => (rng() < 0.5 ? -1 : 1) * (1 + Math.floor(rng() * Math.max(1, config.Q / 8)));
  switch (Math.floor(rng() * 7)) {
    case 0: next['v'] = config.v === 0 ? 1e-3 : jiggle(config.v, rng); break;
    case 1: next['lb'] = jiggle(config.lb, rng); break;
    case 2: next['Q'] = Math.max(1, config.Q + step()); break;
    case 3: next['d'] = Math.max(1, config.d + (rng() < 0.5 ? -1 : 1) * (1 + Math.floor(rng() * Math.max(1, config.d / 4)))); break;
    case 4: next['beta'] = jiggle(config.beta, rng); break;
    case 5: next['tau'] = jiggle(config.tau, rng); break;
    default: next['seed'] = Math.floor(rng() * 0x100000000); break;
  }
  const parsed = ClusterConfigSchema.safeParse(next);
  return parsed.success ? parsed.data : { ...config, seed: Math.floor(rng() * 0x100000000) };
}

/** Options of {@link searchConclusionFailure}. */
export interface ConclusionSearchOptions {
  readonly claim: ConfigClaim;
  readonly departure: DepartureId;
  /** Magnitude at which the seed population is drawn. */
  readonly magnitude: number;
  readonly seed: number;
  readonly genOptions: GenOptions;
  /** Configurations of the seed population. */
  readonly population: number;
  /** Score evaluations (seed population included). */
  readonly maxEvaluations: number;
  readonly shouldStop?: () => boolean;
}

/** A failure found by targeted search, before and after shrinking. */
export interface ConclusionFailure {
  readonly original: ClusterConfig;
  readonly originalTrial: Trial;
  readonly input: ClusterConfig;
  readonly trial: Trial;
  readonly shrinks: number;
  /** What the shrunk configuration breaks (describeBreak). */
  readonly broken: readonly DepartureId[];
}

/** Result of {@link searchConclusionFailure}. */
export interface ConclusionSearchResult {
  readonly bestScore: number;
  readonly evaluations: number;
  readonly stopReason: string;
  /** The shrunk failure, or null when none was found. */
  readonly failure: ConclusionFailure | null;
  /** Evaluations on which the claim threw (scored as the worst, so never chosen), with the first message. */
  readonly errors: number;
  readonly firstError: string | null;
}

/**
 * Searches for a configuration breaking `departure` (and nothing else) on which the claim's
 * conclusion fails, by simulated annealing on the violation score from a population drawn at
 * `magnitude`, and shrinks the best failure with fast-check.
 */
export async function searchConclusionFailure(options: ConclusionSearchOptions): Promise<ConclusionSearchResult> {
  const { claim, departure, genOptions } = options;
  const population = probeConfigs(departure, options.magnitude, options.population, options.seed, genOptions.scale);
  const judged = new Map<string, Trial>();
  let errors = 0;
  let firstError: string | null = null;
  const judge = async (config: ClusterConfig): Promise<Trial> => {
    const key = JSON.stringify(config);
    const hit = judged.get(key);
    if (hit !== undefined) return hit;
    const trial = await claim.check(config, genOptions);
    judged.set(key, trial);
    await yieldToEventLoop(); // Lets a Ctrl-C be noticed between evaluations.
    return trial;
  };
  const search = await targetSearch<ClusterConfig>({
    seedPopulation: population,
    mutate: mutateConfig,
    score: async (config) => {
      if (!fitsScale(config, genOptions.scale) || !breaksOnly(config, departure)) return Number.NEGATIVE_INFINITY;
      try {
        return violationScore(await judge(config));
      } catch (e) {
        // Not a conclusion failure, but never silent: counted and reported with the search.
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
        return Number.NEGATIVE_INFINITY;
      }
    },
    seed: options.seed,
    maxEvaluations: options.maxEvaluations,
    ...(options.shouldStop !== undefined ? { shouldStop: options.shouldStop } : {}),
  });
  const base = { bestScore: search.bestScore, evaluations: search.evaluations, stopReason: search.stopReason, errors, firstError };
  if (!search.violated) return { ...base, failure: null };
  const original = search.best;
  const originalTrial = await judge(original);
  const shrunk = await shrinkFailure(original, claim, departure, genOptions, options.seed);
  return { ...base, failure: { original, originalTrial, ...shrunk, broken: describeBreak(shrunk.input).broken } };
}

/**
 * Shrinks a failing configuration with fast-check: the property's input is the integer tuple
 * (K, Q, d, keep β, keep τ) with the failure given as an `examples` entry, so fast-check's
 * integer shrinkers pull K, Q and d toward their smallest values and β, τ toward 1 while the
 * conclusion still fails and the configuration breaks nothing beyond the departure. K is only
 * shrunk where the token assignment does not list pairs (a pairs list is tied to its K).
 */
export async function shrinkFailure(
  config: ClusterConfig,
  claim: ConfigClaim,
  departure: DepartureId,
  genOptions: GenOptions,
  seed: number,
): Promise<{ input: ClusterConfig; trial: Trial; shrinks: number }> {
  const kMin = config.tokens.kind === 'pairs' ? config.K : 1;
  const build = (K: number, Q: number, d: number, keepBeta: number, keepTau: number): ClusterConfig | null => {
    const parsed = ClusterConfigSchema.safeParse({ ...config, K, Q, d, beta: keepBeta === 1 ? config.beta : 1, tau: keepTau === 1 ? config.tau : 1 });
    return parsed.success && breaksOnly(parsed.data, departure) ? parsed.data : null;
  };
  let last: { input: ClusterConfig; trial: Trial } | null = null;
  const property = fc.asyncProperty(
    fc.integer({ min: kMin, max: config.K }),
    fc.integer({ min: 1, max: config.Q }),
    fc.integer({ min: 1, max: config.d }),
    fc.integer({ min: 0, max: 1 }),
    fc.integer({ min: 0, max: 1 }),
    async (K, Q, d, keepBeta, keepTau) => {
      const candidate = build(K, Q, d, keepBeta, keepTau);
      if (candidate === null) return true; // Not a legal shrink: treat as passing.
      let trial: Trial;
      try {
        trial = await claim.check(candidate, genOptions);
      } catch {
        return true;
      }
      if (!conclusionFailed(trial)) return true;
      last = { input: candidate, trial };
      return false;
    },
  );
  const details = await fc.check(property, {
    seed,
    numRuns: 1,
    examples: [[config.K, config.Q, config.d, 1, 1]],
  });
  const found = last as { input: ClusterConfig; trial: Trial } | null;
  if (!details.failed || details.counterexample === null || found === null) {
    return { input: config, trial: await claim.check(config, genOptions), shrinks: 0 };
  }
  const [K, Q, d, keepBeta, keepTau] = details.counterexample;
  const input = build(K, Q, d, keepBeta, keepTau) ?? found.input;
  // Re-judge the final input so the saved trial is exactly what a replay reproduces.
  const trial = await claim.check(input, genOptions);
  return { input, trial, shrinks: details.numShrinks };
}

/** A seed derived from a text key (for per-item seeds independent of which other items run). */
export function keyedSeed(seed: number, key: string): number {
  return deriveSeed(`explore/${seed >>> 0}/${key}`);
}

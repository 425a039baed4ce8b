/**
 * Runs one claim: draws inputs with fast-check, judges each with the claim's `check`, lets
 * fast-check shrink the first violation to its smallest form, and turns the trials into one
 * verdict with the statistics behind it (issue 4, "Verdicts").
 *
 * @example
 *   const result = await runClaim(claim, { seed: 42, runs: 100, scale: 'small', edition: 'v5-main' });
 *   result.verdict; // 'held' | 'violated' | 'vacuous' | 'inconclusive' | 'measured'
 */
import * as fc from 'fast-check';
import type { Claim, GenOptions, Trial, Verdict } from './claim.ts';
import type { Edition } from '../theory/edition.ts';
import { DEFAULT_EDITION } from '../theory/edition.ts';
import { coverageReport, type CoverageRow } from './coverage.ts';
import { clopperPearsonUpper } from './statistics.ts';
import { fnv1a32 } from '../data/hash.ts';

/** Configuration sizes whose spread over a run's inputs is reported (issue 4, generator coverage). */
const SPREAD_KEYS = ['K', 'Q', 'd', 'N'] as const;

/** Confidence level of every interval the runner reports (one-sided upper bounds). */
export const CONFIDENCE = 0.95;

/**
 * A claim whose inconclusive trials exceed this fraction of its runs is reported inconclusive:
 * more than one input in ten that could not be judged means the sample says too little.
 */
export const MAX_INCONCLUSIVE_FRACTION = 0.1;

export interface RunOptions {
  /** Seed of this claim's run (see `claimSeed` to derive it from a global seed). */
  readonly seed: number;
  /** Number of inputs to draw (exact, for repeatable runs). */
  readonly runs: number;
  readonly scale: GenOptions['scale'];
  readonly edition?: Edition;
  /** Wall-clock limit in ms: the run stops drawing after it (budget mode; not repeatable). */
  readonly timeLimitMs?: number;
  /** Called after each judged input (progress display). */
  readonly onTrial?: (done: number) => void;
}

/** A violation, shrunk by fast-check, with everything needed to replay it. */
export interface Counterexample<T = unknown> {
  readonly claim: string;
  readonly seed: number;
  /** fast-check's replay path (`fc.check(..., { seed, path })` reproduces the shrunk input). */
  readonly path: string;
  readonly input: T;
  readonly trial: Trial;
  /** Shrinks fast-check performed to reach this input. */
  readonly shrinks: number;
  /** The first violating input before shrinking, for comparison. */
  readonly original: T;
  readonly originalTrial: Trial;
}

export interface ClaimResult<T = unknown> {
  readonly id: string;
  readonly title: string;
  readonly section: string;
  readonly edition: Edition | 'all';
  readonly expectation: Claim['expectation'];
  readonly verdict: Verdict;
  /** One-line reason for the verdict. */
  readonly reason: string;
  readonly seed: number;
  /** Inputs judged (before any shrinking). */
  readonly runs: number;
  /** Of those: judged vacuous, inconclusive, violated within tolerance only. */
  readonly vacuousRuns: number;
  readonly inconclusiveRuns: number;
  readonly withinToleranceRuns: number;
  /** Inputs that counted as evidence (neither vacuous nor inconclusive). */
  readonly effectiveRuns: number;
  /** Violations among the judged inputs (0 or 1: the run stops at the first). */
  readonly violations: number;
  /** Smallest slack seen (most negative = worst), over non-vacuous trials. */
  readonly worstSlack: number | null;
  /** The trial with the worst slack (for reports and charts). */
  readonly worstTrial: Trial | null;
  /** 95% one-sided Clopper–Pearson upper bound on the violation probability, for `held`. */
  readonly upperConfidence: number | null;
  /** Observed values over all trials (for `measured` claims and reports). */
  readonly observed: { readonly min: number; readonly max: number; readonly mean: number } | null;
  readonly coverage: readonly CoverageRow[];
  readonly coverageOk: boolean;
  /**
   * Spread of the configuration sizes drawn (from `detail.K`, `detail.Q`, `detail.d` where the
   * claim reports them): min, median and max of each, so a report shows what was covered.
   */
  readonly spread: Readonly<Record<string, { readonly min: number; readonly median: number; readonly max: number }>>;
  readonly counterexample: Counterexample<T> | null;
  readonly interrupted: boolean;
  readonly durationMs: number;
  /** Every judged trial's observed/bound/slack/detail, in order (kept for charts). */
  readonly trials: readonly Trial[];
}

/**
 * The seed of one claim's run, derived from the global seed and the claim id, so that running a
 * subset of claims (`--claims`) gives each claim the same inputs as a full run.
 */
export function claimSeed(globalSeed: number, claimId: string): number {
  return (fnv1a32(`${globalSeed >>> 0}:${claimId}`) ^ (globalSeed >>> 0)) >>> 0 | 0;
}

/** Runs a claim and returns its verdict with the statistics behind it. */
export async function runClaim<T>(claim: Claim<T>, options: RunOptions): Promise<ClaimResult<T>> {
  const genOpts: GenOptions = { scale: options.scale, edition: options.edition ?? DEFAULT_EDITION };
  const trials: Trial[] = [];
  const inputs: T[] = [];
  let shrinking = false;
  let firstViolation: { input: T; trial: Trial } | null = null;
  let lastShrunk: { input: T; trial: Trial } | null = null;
  const started = performance.now();

  const property = fc.asyncProperty(claim.arbitrary(genOpts), async (input: T) => {
    const trial = await claim.check(input, genOpts);
    if (shrinking) {
      if (trial.violated) lastShrunk = { input, trial };
      return !trial.violated;
    }
    trials.push(trial);
    inputs.push(input);
    options.onTrial?.(trials.length);
    if (trial.violated) {
      firstViolation = { input, trial };
      lastShrunk = { input, trial };
      shrinking = true;
    }
    return !trial.violated;
  });

  const details = await fc.check(property, {
    seed: options.seed,
    numRuns: options.runs,
    ...(options.timeLimitMs !== undefined
      ? { interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false }
      : {}),
  });
  const durationMs = performance.now() - started;

  let counterexample: Counterexample<T> | null = null;
  if (details.failed && details.counterexample !== null && firstViolation !== null) {
    const shrunkInput = details.counterexample[0] as T;
    // fast-check reports the last failing value; re-judge it so the saved trial is exactly the
    // one a replay reproduces (and not a stale one from a later, passing shrink attempt).
    const shrunkTrial = await claim.check(shrunkInput, genOpts);
    const fv = firstViolation as { input: T; trial: Trial };
    counterexample = {
      claim: claim.id,
      seed: options.seed,
      path: details.counterexamplePath ?? '',
      input: shrunkInput,
      trial: shrunkTrial.violated ? shrunkTrial : (lastShrunk as { trial: Trial } | null)?.trial ?? fv.trial,
      shrinks: details.numShrinks,
      original: fv.input,
      originalTrial: fv.trial,
    };
  } else if (details.failed && firstViolation === null && 'errorInstance' in details) {
    // The claim's own code threw: that is a bug in dpocheck (or bad claim input), not a verdict.
    const err = details.errorInstance;
    throw err instanceof Error ? err : new Error(`claim ${claim.id} threw: ${String(err)}`);
  }

  return summarise(claim, options, genOpts, trials, inputs, counterexample, details.interrupted, durationMs);
}

function summarise<T>(
  claim: Claim<T>,
  options: RunOptions,
  _genOpts: GenOptions,
  trials: Trial[],
  _inputs: T[],
  counterexample: Counterexample<T> | null,
  interrupted: boolean,
  durationMs: number,
): ClaimResult<T> {
  const runs = trials.length;
  const vacuousRuns = trials.filter((t) => t.vacuous === true && !t.violated).length;
  const inconclusiveRuns = trials.filter((t) => t.inconclusive === true && !t.violated && t.vacuous !== true).length;
  const withinToleranceRuns = trials.filter((t) => t.withinTolerance === true && !t.violated).length;
  const violations = trials.filter((t) => t.violated).length;
  const effectiveRuns = runs - vacuousRuns - inconclusiveRuns;

  let worstSlack: number | null = null;
  let worstTrial: Trial | null = null;
  for (const t of trials) {
    if (t.vacuous === true || t.slack === undefined || !Number.isFinite(t.slack)) continue;
    if (worstSlack === null || t.slack < worstSlack) {
      worstSlack = t.slack;
      worstTrial = t;
    }
  }
  const obs = trials.map((t) => t.observed).filter((x): x is number => x !== undefined && Number.isFinite(x));
  const observed =
    obs.length === 0
      ? null
      : { min: Math.min(...obs), max: Math.max(...obs), mean: obs.reduce((a, b) => a + b, 0) / obs.length };

  const coverage = coverageReport(trials, claim.coverage ?? {}, CONFIDENCE);
  const spread: Record<string, { min: number; median: number; max: number }> = {};
  for (const key of SPREAD_KEYS) {
    const xs = trials
      .map((t) => t.detail?.[key])
      .filter((x): x is number => typeof x === 'number' && Number.isFinite(x))
      .sort((a, b) => a - b);
    if (xs.length > 0) spread[key] = { min: xs[0]!, median: xs[Math.floor((xs.length - 1) / 2)]!, max: xs[xs.length - 1]! };
  }
  const coverageOk = coverage.every((row) => row.ok);

  let verdict: Verdict;
  let reason: string;
  let upperConfidence: number | null = null;
  if (claim.expectation === 'measured') {
    verdict = 'measured';
    reason = `no bound is proved; ${runs} inputs measured`;
  } else if (counterexample !== null) {
    verdict = 'violated';
    const s = counterexample.trial.slack;
    reason = `counterexample after ${runs} inputs, shrunk ${counterexample.shrinks} times${s !== undefined ? `, slack ${s.toPrecision(3)}` : ''}`;
  } else if (runs === 0) {
    verdict = 'inconclusive';
    reason = 'no input was judged within the budget';
  } else if (effectiveRuns === 0 && vacuousRuns > 0) {
    verdict = 'vacuous';
    reason = `the bound says nothing for all ${vacuousRuns} inputs drawn`;
  } else if (inconclusiveRuns > MAX_INCONCLUSIVE_FRACTION * runs) {
    verdict = 'inconclusive';
    reason = `${inconclusiveRuns} of ${runs} inputs could not be judged`;
  } else if (!coverageOk) {
    verdict = 'inconclusive';
    const missed = coverage.filter((r) => !r.ok).map((r) => r.label);
    reason = `generator coverage below requirement for: ${missed.join(', ')}`;
  } else {
    verdict = 'held';
    upperConfidence = clopperPearsonUpper(0, effectiveRuns, CONFIDENCE);
    reason =
      `no violation in ${effectiveRuns} non-vacuous inputs` +
      (vacuousRuns > 0 ? ` (${vacuousRuns} vacuous not counted)` : '') +
      (withinToleranceRuns > 0 ? `; ${withinToleranceRuns} within numerical tolerance` : '');
  }
  // Where the theorem says nothing, still say whether its conclusion held (never as evidence).
  const vacuousJudged = trials.filter((t) => t.vacuous === true && typeof t.detail?.['conclusionHeld'] === 'boolean');
  if (vacuousJudged.length > 0 && claim.expectation === 'holds') {
    const failedThere = vacuousJudged.filter((t) => t.detail!['conclusionHeld'] === false).length;
    reason +=
      failedThere === 0
        ? `; the conclusion also held on all ${vacuousJudged.length} vacuous inputs`
        : `; the conclusion failed on ${failedThere} of ${vacuousJudged.length} vacuous inputs (no contradiction: the stated probability is <= 0 there)`;
  }
  if (interrupted && verdict === 'held') reason += ' (stopped by the time budget)';

  return {
    id: claim.id,
    title: claim.title,
    section: claim.section,
    edition: claim.edition,
    expectation: claim.expectation,
    verdict,
    reason,
    seed: options.seed,
    runs,
    vacuousRuns,
    inconclusiveRuns,
    withinToleranceRuns,
    effectiveRuns,
    violations,
    worstSlack,
    worstTrial,
    upperConfidence,
    observed,
    coverage,
    coverageOk,
    spread,
    counterexample,
    interrupted,
    durationMs,
    trials,
  };
}

/**
 * Runs one claim: draws inputs with fast-check, judges each with the claim's `check`, lets
 * fast-check shrink the first violation to its smallest form, and turns the trials into one
 * verdict with the statistics behind it.
 *
 * @example
 *   const result = await runClaim(claim, { seed: 42, runs: 100, scale: 'small', edition: 'v5-main' });
 *   result.verdict; // 'held' | 'violated' | 'vacuous' | 'inconclusive' | 'measured'
 */
import * as fc from 'fast-check';
import type { Claim, ClaimSummary, GenOptions, Trial, Verdict } from './claim.ts';
import type { Edition } from '../theory/edition.ts';
import { DEFAULT_EDITION } from '../theory/edition.ts';
import { coverageReport, coverageUndecided, type CoverageRow } from './coverage.ts';
import { clopperPearsonUpper } from './statistics.ts';
import { fnv1a32 } from '../data/hash.ts';

/** Configuration sizes whose spread over a run's inputs is reported (generator coverage). */
const SPREAD_KEYS = ['K', 'Q', 'd', 'N'] as const;

/** Sizes whose range over the counted (non-vacuous, judged) inputs is reported: where the evidence comes from. */
const EVIDENCE_KEYS = ['K', 'Q', 'd', 'v'] as const;

/**
 * Largest one-sided 95% Clopper–Pearson upper bound on the violation probability for which a
 * sampled claim is called held. Ours: 0.1, i.e. at least 29 clean counted inputs (1 − 0.05^{1/29}
 * = 0.098); with fewer the claim is inconclusive, whatever the inputs said.
 */
export const HELD_MAX_UPPER = 0.1;

/**
 * Most inputs drawn while a coverage requirement is undecided, as a multiple of the requested
 * runs. Ours: QuickCheck keeps testing until coverage is decided; a cap of 4× keeps a budget-free
 * `--runs` run bounded, and an undecided requirement at the cap is reported inconclusive.
 */
export const COVERAGE_RUNS_FACTOR = 4;

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
  /**
   * Wall-clock limit in ms: no new input is judged after it (budget mode; not repeatable). At
   * <= 0 the claim is not started (verdict inconclusive, "budget spent before it ran").
   */
  readonly timeLimitMs?: number;
  /** Aborted (Ctrl-C): stop after the input in flight and report what was judged. */
  readonly signal?: AbortSignal;
  /**
   * Trials already judged by an earlier, time-limited run of the same claim, seed and options
   * (its result's `trials`): they are taken as they are and drawing continues after them.
   */
  readonly resume?: readonly Trial[];
  /**
   * Most inputs drawn while coverage is undecided (default runs × COVERAGE_RUNS_FACTOR); equal
   * to `runs` for exactly `runs` inputs (an undecided requirement is then reported inconclusive).
   */
  readonly maxRuns?: number;
  /** Note on the edition (e.g. "pinned to v5-appendix"), copied into the result. */
  readonly editionNote?: string;
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
  /** The edition the claim is stated in ('all' where the editions agree). */
  readonly edition: Edition | 'all';
  /** The edition whose form was actually checked (null when skipped). */
  readonly checkedEdition: Edition | null;
  /** How the checked edition was chosen, e.g. "pinned to v5-appendix (requested v3)". */
  readonly editionNote: string | null;
  readonly expectation: Claim['expectation'];
  readonly verdict: Verdict;
  /** 'exhaustion' for an exact check of a finite list, 'sampling' for random inputs; null unless held. */
  readonly heldBy: 'exhaustion' | 'sampling' | 'pooled-test' | null;
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
  /**
   * Range (min, max) of K, Q, d, v over the counted inputs only: where the evidence behind
   * the verdict comes from.
   */
  readonly evidence: Readonly<Record<string, { readonly min: number; readonly max: number }>>;
  /** Claim-level fields from the claim's `summarise` (e.g. detectableRate, testLevel). */
  readonly summary: Readonly<Record<string, unknown>> | null;
  readonly counterexample: Counterexample<T> | null;
  /** Stopped by the time budget or Ctrl-C before its full runs. */
  readonly interrupted: boolean;
  /** Drew every input it was to draw (its runs, and more while coverage was undecided). */
  readonly complete: boolean;
  readonly durationMs: number;
  /** Every judged trial's observed/bound/slack/detail, in order (kept for charts). */
  readonly trials: readonly Trial[];
  /** The input of each trial, in the order of `trials` (for trials.jsonl and the report's charts). */
  readonly inputs: readonly T[];
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
  const started = performance.now();
  if (options.timeLimitMs !== undefined && options.timeLimitMs <= 0) {
    return summarise(claim, options, genOpts, [], [], null, { interrupted: true, complete: false, notStarted: true }, 0);
  }
  const deadline = options.timeLimitMs === undefined ? Infinity : started + options.timeLimitMs;
  const resume = options.resume ?? [];
  const maxRuns = Math.max(
    options.runs,
    claim.coverage === undefined ? options.runs : options.maxRuns ?? options.runs * COVERAGE_RUNS_FACTOR,
    resume.length,
  );
  const trials: Trial[] = [];
  const inputs: T[] = [];
  let drawn = 0;
  let shrinking = false;
  let stopped = false;
  let interrupted = false;
  let complete = false;
  let firstViolation: { input: T; trial: Trial } | null = null;
  let lastShrunk: { input: T; trial: Trial } | null = null;
  const outOfTime = (): boolean => performance.now() >= deadline || options.signal?.aborted === true;

  // The property never lets fast-check stop on its own clock: once the claim has drawn what it
  // needs, or the budget is spent, the remaining runs return true without judging (cheap), so a
  // budget can never end a run as a failure without an error.
  const property = fc.asyncProperty(claim.arbitrary(genOpts), async (input: T) => {
    if (shrinking) {
      if (outOfTime()) return true; // keep the smallest violation found so far
      const trial = await claim.check(input, genOpts);
      if (trial.violated) lastShrunk = { input, trial };
      return !trial.violated;
    }
    if (stopped) return true;
    const index = drawn++;
    if (index < resume.length) {
      // The same seed draws the same input again: keep it beside its resumed trial.
      trials.push(resume[index]!);
      inputs.push(input);
      return true;
    }
    const needed = index < options.runs || (claim.coverage !== undefined && coverageUndecided(trials, claim.coverage));
    if (!needed) {
      stopped = true;
      complete = true;
      return true;
    }
    // Let the event loop run (a Ctrl-C handler, timers) between inputs: a claim's check is
    // mostly synchronous, and awaiting it alone never leaves the microtask queue.
    await new Promise((resolve) => setImmediate(resolve));
    if (outOfTime()) {
      stopped = true;
      interrupted = true;
      return true;
    }
    const trial = await claim.check(input, genOpts);
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

  const details = await fc.check(property, { seed: options.seed, numRuns: maxRuns });
  if (!stopped && !interrupted) complete = true;
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
    complete = true;
  } else if (details.failed && firstViolation === null) {
    // The claim's own code threw: that is a bug in dpocheck (or bad claim input), not a verdict.
    // A failure without an error (fast-check interrupted) is not a crash: what was judged is kept.
    const err = 'errorInstance' in details ? details.errorInstance : null;
    if (err instanceof Error) throw err;
    if (err !== null && err !== undefined) throw new Error(`claim ${claim.id} threw: ${String(err)}`);
    interrupted = true;
    complete = false;
  }

  return summarise(claim, options, genOpts, trials, inputs, counterexample, { interrupted, complete, notStarted: false }, durationMs);
}

function rangeOf(trials: readonly Trial[], key: string): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const t of trials) {
    const x = t.detail?.[key];
    if (typeof x !== 'number' || !Number.isFinite(x)) continue;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  return min <= max ? { min, max } : null;
}

function summarise<T>(
  claim: Claim<T>,
  options: RunOptions,
  genOpts: GenOptions,
  trials: Trial[],
  inputs: T[],
  counterexample: Counterexample<T> | null,
  state: { interrupted: boolean; complete: boolean; notStarted: boolean },
  durationMs: number,
): ClaimResult<T> {
  const { interrupted, complete } = state;
  const runs = trials.length;
  const vacuousRuns = trials.filter((t) => t.vacuous === true && !t.violated).length;
  const inconclusiveRuns = trials.filter((t) => t.inconclusive === true && !t.violated && t.vacuous !== true).length;
  const withinToleranceRuns = trials.filter((t) => t.withinTolerance === true && !t.violated).length;
  const violations = trials.filter((t) => t.violated).length;
  const effectiveRuns = runs - vacuousRuns - inconclusiveRuns;
  const counted = trials.filter((t) => t.violated || (t.vacuous !== true && t.inconclusive !== true));

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

  const coverage = coverageReport(trials, claim.coverage ?? {});
  const spread: Record<string, { min: number; median: number; max: number }> = {};
  for (const key of SPREAD_KEYS) {
    const xs = trials
      .map((t) => t.detail?.[key])
      .filter((x): x is number => typeof x === 'number' && Number.isFinite(x))
      .sort((a, b) => a - b);
    if (xs.length > 0) spread[key] = { min: xs[0]!, median: xs[Math.floor((xs.length - 1) / 2)]!, max: xs[xs.length - 1]! };
  }
  const evidence: Record<string, { min: number; max: number }> = {};
  for (const key of EVIDENCE_KEYS) {
    const r = rangeOf(counted, key);
    if (r !== null) evidence[key] = r;
  }
  const coverageOk = coverage.every((row) => row.ok);
  // The claim-level statistic is always reported (e.g. detectableRate: null when nothing counted);
  // it decides the verdict only where some input counted.
  const summaryAll: ClaimSummary | null =
    claim.summarise !== undefined && claim.expectation === 'holds' && counterexample === null && runs > 0 ? claim.summarise(trials, genOpts) : null;
  const pooled: ClaimSummary | null = effectiveRuns > 0 ? summaryAll : null;

  let verdict: Verdict;
  let reason: string;
  let heldBy: ClaimResult['heldBy'] = null;
  let upperConfidence: number | null = null;
  if (state.notStarted) {
    verdict = 'inconclusive';
    reason = options.signal?.aborted === true ? 'interrupted before it ran' : 'budget spent before it ran';
  } else if (claim.expectation === 'measured') {
    verdict = 'measured';
    reason = `no bound is proved; ${runs} inputs measured`;
  } else if (counterexample !== null) {
    verdict = 'violated';
    const s = counterexample.trial.slack;
    reason = `counterexample after ${runs} inputs, shrunk ${counterexample.shrinks} times${s !== undefined ? `, slack ${s.toPrecision(3)}` : ''}`;
  } else if (runs === 0) {
    verdict = 'inconclusive';
    reason = options.signal?.aborted === true ? 'interrupted before any input was judged' : 'no input was judged within the budget';
  } else if (effectiveRuns === 0 && vacuousRuns > 0) {
    verdict = 'vacuous';
    reason = `the bound says nothing for all ${vacuousRuns} inputs drawn`;
    // A claim may say why (e.g. a bound that is below 1 only far beyond any simulable size).
    const note = trials.map((t) => t.detail?.['note']).find((x): x is string => typeof x === 'string');
    if (note !== undefined) reason += ` (${note})`;
  } else if (pooled !== null && pooled.violated) {
    verdict = 'violated';
    reason = pooled.reason;
  } else if (inconclusiveRuns > MAX_INCONCLUSIVE_FRACTION * runs) {
    verdict = 'inconclusive';
    reason = `${inconclusiveRuns} of ${runs} inputs could not be judged`;
  } else if (!coverageOk) {
    verdict = 'inconclusive';
    const violatedRows = coverage.filter((r) => r.status === 'violated').map((r) => r.label);
    const undecided = coverage.filter((r) => r.status === 'undecided').map((r) => r.label);
    reason =
      violatedRows.length > 0
        ? `generator coverage below requirement for: ${violatedRows.join(', ')}`
        : `generator coverage still undecided after ${runs} inputs for: ${undecided.join(', ')}`;
  } else if (pooled !== null) {
    verdict = pooled.sufficient ? 'held' : 'inconclusive';
    reason = pooled.reason;
    if (pooled.sufficient) heldBy = 'pooled-test';
  } else if (claim.exhaustive === true) {
    verdict = 'held';
    heldBy = 'exhaustion';
    reason = `held by exhaustion: every entry of the finite list checked exactly (${runs} check${runs === 1 ? '' : 's'})`;
  } else {
    const upper = clopperPearsonUpper(0, effectiveRuns, CONFIDENCE);
    const detailText =
      (vacuousRuns > 0 ? ` (${vacuousRuns} vacuous not counted)` : '') +
      (withinToleranceRuns > 0 ? `; ${withinToleranceRuns} within numerical tolerance` : '');
    if (upper <= HELD_MAX_UPPER) {
      verdict = 'held';
      heldBy = 'sampling';
      upperConfidence = upper;
      reason = `no violation in ${effectiveRuns} counted inputs` + detailText;
    } else {
      verdict = 'inconclusive';
      reason =
        `too little evidence: no violation in ${effectiveRuns} counted input${effectiveRuns === 1 ? '' : 's'}, ` +
        `95% upper bound ${upper.toPrecision(2)} > ${HELD_MAX_UPPER} (needs ${minCountedInputs()} counted inputs)` +
        detailText;
    }
  }
  // Where the theorem says nothing, still say whether its conclusion held (never as evidence).
  const vacuousJudged = trials.filter((t) => t.vacuous === true && typeof t.detail?.['conclusionHeld'] === 'boolean');
  if (vacuousJudged.length > 0 && claim.expectation === 'holds') {
    const failedThere = vacuousJudged.filter((t) => t.detail!['conclusionHeld'] === false).length;
    reason +=
      failedThere === 0
        ? `; the conclusion also held on all ${vacuousJudged.length} vacuous inputs`
        : `; the conclusion failed on ${failedThere} of ${vacuousJudged.length} vacuous inputs (no contradiction: the theorem says nothing there)`;
  }
  if (interrupted && !state.notStarted && verdict !== 'violated') {
    reason += options.signal?.aborted === true ? ' (interrupted)' : ' (stopped by the time budget)';
  }

  return {
    id: claim.id,
    title: claim.title,
    section: claim.section,
    edition: claim.edition,
    checkedEdition: genOpts.edition,
    editionNote: options.editionNote ?? null,
    expectation: claim.expectation,
    verdict,
    heldBy,
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
    evidence,
    summary: summaryAll?.fields ?? null,
    counterexample,
    interrupted,
    complete,
    durationMs,
    trials,
    inputs,
  };
}

/** Smallest number of clean counted inputs whose 95% upper bound is at most HELD_MAX_UPPER (29). */
export function minCountedInputs(): number {
  let n = 1;
  while (clopperPearsonUpper(0, n, CONFIDENCE) > HELD_MAX_UPPER) n++;
  return n;
}

/** The result of a claim that was not run because it has no form in the requested edition. */
export function skippedResult(claim: Claim<any>, requested: Edition, seed: number): ClaimResult {
  return {
    id: claim.id, title: claim.title, section: claim.section, edition: claim.edition, checkedEdition: null,
    editionNote: `no form in edition ${requested}`, expectation: claim.expectation, verdict: 'skipped', heldBy: null,
    reason: `skipped (edition): the claim is stated only in ${claim.edition}${claim.editions !== undefined ? ` (forms: ${claim.editions.join(', ')})` : ''}, not in ${requested}`,
    seed, runs: 0, vacuousRuns: 0, inconclusiveRuns: 0, withinToleranceRuns: 0, effectiveRuns: 0, violations: 0,
    worstSlack: null, worstTrial: null, upperConfidence: null, observed: null, coverage: [], coverageOk: true, spread: {},
    evidence: {}, summary: null, counterexample: null, interrupted: false, complete: true, durationMs: 0, trials: [], inputs: [],
  };
}

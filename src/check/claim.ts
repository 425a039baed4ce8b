/**
 * The shape of one checkable claim (one file under `properties/`). A claim draws inputs from a
 * fast-check arbitrary and judges each input with `check`, which returns a `Trial`. The runner
 * (`src/check/runner.ts`) turns many trials into one verdict, and lets fast-check shrink any
 * violating input to its smallest form.
 *
 * Both vitest (`test/properties.test.ts`) and `dpocheck verify` load the same claim objects.
 */
import type * as fc from 'fast-check';
import type { Edition } from '../theory/edition.ts';

/**
 * The verdicts of the report. 'skipped' = the claim has no form in the requested edition
 * (THEORY §8) and was not run ("skipped (edition)").
 */
export type Verdict = 'held' | 'violated' | 'vacuous' | 'inconclusive' | 'measured' | 'skipped';

/** What a claim expects: a statement that must hold, or a quantity that is only measured. */
export type Expectation = 'holds' | 'measured';

/** The judgement of one input. */
export interface Trial {
  /** The statement failed beyond numerical tolerance. */
  readonly violated: boolean;
  /**
   * The bound (or stated probability) says nothing for this input (e.g. a probability <= 0):
   * such a trial is counted as vacuous, never as evidence that the claim held.
   */
  readonly vacuous?: boolean;
  /** The statement failed only within the numerical tolerance (integrator error × safety factor). */
  readonly withinTolerance?: boolean;
  /**
   * This input could not be judged (e.g. the integrator failed to reach its tolerance). Counted
   * separately; a run with too many such trials is reported inconclusive.
   */
  readonly inconclusive?: boolean;
  /** The measured quantity (e.g. the smallest margin) … */
  readonly observed?: number;
  /** … and the bound it was compared with. */
  readonly bound?: number;
  /**
   * Slack, signed so that > 0 means "inside the bound" and < 0 means "violated", in units of the
   * bound (relative): e.g. (observed - bound)/|bound| for a lower bound.
   */
  readonly slack?: number;
  /** Anything else worth reporting (kept small: it goes into results.json). */
  readonly detail?: Readonly<Record<string, unknown>>;
  /** Coverage labels for this input (like QuickCheck's `label`/`cover`), e.g. 'noise-near-edge'. */
  readonly labels?: readonly string[];
}

/** Options a claim's generator may honour (smaller sizes for `npm test`). */
export interface GenOptions {
  /** 'small' for the fast test budget, 'full' for `dpocheck verify`. */
  readonly scale: 'small' | 'full';
  readonly edition: Edition;
}

/** Required coverage: label -> minimum fraction of inputs that must carry it. */
export type CoverageRequirement = Readonly<Record<string, number>>;

export interface Claim<T = unknown> {
  /** Stable id, e.g. 'thm42-sandwich'; also the file name under properties/. */
  readonly id: string;
  /** One-line statement of the claim. */
  readonly title: string;
  /** Where it comes from, e.g. 'THEORY §4, Theorem 4.2'. */
  readonly section: string;
  /** The edition whose statement is checked, or 'all' where editions agree. */
  readonly edition: Edition | 'all';
  readonly expectation: Expectation;
  /** What the generator draws, in words. */
  readonly generator: string;
  /** What is measured, in words. */
  readonly measures: string;
  /** What it is compared with, in words. */
  readonly bound: string;
  /** Number of inputs for `npm test` (small) and `verify --runs` default (full). */
  readonly runs: { readonly small: number; readonly full: number };
  readonly arbitrary: (opts: GenOptions) => fc.Arbitrary<T>;
  /**
   * Judges one input. Inputs must be plain JSON values (numbers, strings, arrays, objects) so
   * that a counterexample can be saved and replayed exactly.
   */
  readonly check: (input: T, opts: GenOptions) => Trial | Promise<Trial>;
  /**
   * Claims with the same seed group draw the same inputs from a run's seed (e.g. the three
   * conclusions of Theorem 4.2), so a measurement cached by one is reused by the others.
   * Defaults to the claim id.
   */
  readonly seedGroup?: string;
  /** Optional coverage requirements checked over all inputs of a run. */
  readonly coverage?: CoverageRequirement;
  /**
   * Editions whose form this claim checks: its generator and check read `opts.edition` and
   * apply that edition's conditions and bound (THEORY §8). Absent: only `edition` (or any,
   * for 'all').
   */
  readonly editions?: readonly Edition[];
  /**
   * Pinned to `edition`: the claim runs in its own edition whatever edition is requested, and the
   * report says so (e.g. Appendix-only statements, the paper's tables). Otherwise a claim with no
   * form in the requested edition is reported 'skipped'.
   */
  readonly pinned?: boolean;
  /**
   * The claim checks every element of a finite list exactly (e.g. a paper table): no
   * sampling, so "held" is by exhaustion and needs no confidence bound.
   */
  readonly exhaustive?: boolean;
  /**
   * Claim-level judgement over all judged trials (e.g. a Poisson-binomial test pooled over every
   * dataset of the run). When present it decides held/violated/inconclusive in place of the
   * per-input count of clean inputs.
   */
  readonly summarise?: (trials: readonly Trial[], opts: GenOptions) => ClaimSummary;
  /**
   * Whether `dpocheck explore` can judge this claim on configurations that break the theorems'
   * conditions: its input is a ClusterConfig and its trial records `detail.conclusionHeld`.
   * Default false.
   */
  readonly explorable?: boolean;
}

/**
 * The edition a claim is checked in when `requested` is asked for: the requested one where the
 * claim has a form in it, its own where it is pinned, or null (skipped).
 */
export function claimEdition(claim: Pick<Claim, 'edition' | 'editions' | 'pinned'>, requested: Edition): { edition: Edition; pinned: boolean } | null {
  if (claim.edition === 'all' || claim.edition === requested || (claim.editions ?? []).includes(requested)) {
    return { edition: requested, pinned: false };
  }
  if (claim.pinned === true) return { edition: claim.edition, pinned: true };
  return null;
}

/**
 * A claim-level judgement over all trials of a run (e.g. one exact test pooled over every
 * dataset drawn), for statements about a probability that no single input can contradict.
 */
export interface ClaimSummary {
  /** The pooled statement is contradicted: the verdict is 'violated' (exit 1). */
  readonly violated: boolean;
  /** Whether the evidence suffices to call the claim held (e.g. the test has the power asked for). */
  readonly sufficient: boolean;
  /** One-line reason, shown in the report. */
  readonly reason: string;
  /** Extra top-level fields of the claim in results.json (e.g. `detectableRate`, `testLevel`). */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** Identity helper that gives a claim literal its type. */
export function defineClaim<T>(claim: Claim<T>): Claim<T> {
  return claim;
}

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

/** The five verdicts of the report (issue: "Verdicts"). */
export type Verdict = 'held' | 'violated' | 'vacuous' | 'inconclusive' | 'measured';

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
  /** Where it comes from, e.g. 'THEORY.md §4, Theorem 4.2'. */
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
   * Whether `dpocheck explore` can judge this claim on configurations that break the theorems'
   * conditions: its input is a ClusterConfig and its trial records `detail.conclusionHeld`.
   * Default false.
   */
  readonly explorable?: boolean;
}

/** Identity helper that gives a claim literal its type. */
export function defineClaim<T>(claim: Claim<T>): Claim<T> {
  return claim;
}

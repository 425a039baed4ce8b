/**
 * Counterexample files of conclusion failures found by the explorer, in `dpocheck replay`'s format.
 */
import type { Edition } from '../../theory/edition.ts';
import type { DepartureId } from '../../data/breaking.ts';
import type { GenOptions, Trial } from '../claim.ts';
import type { SavedCounterexample } from '../counterexampleStore.ts';

/** A saved counterexample of a claim's CONCLUSION on a configuration that breaks an assumption. */
export type ConclusionCounterexample = SavedCounterexample & {
  readonly finding: 'conclusion-failed';
  readonly departure: DepartureId;
  readonly broken: readonly string[];
  readonly original: unknown;
  readonly note: string;
};

/**
 * The counterexample file of a conclusion failure, in the format `dpocheck replay` reads. On a
 * configuration that breaks an assumption the theorem does not apply, so the registry claim is
 * normally not violated there (its trial is vacuous): the file then says
 * `expect: 'conclusion-fails'` (the theorem, as checked, is not contradicted, but its conclusion
 * fails: `detail.conclusionHeld === false`, with `finding`, `broken` and `note`). A replay
 * re-judges the input with the registry claim and must print the same observed/bound/slack
 * (`identical`) with the conclusion still failing.
 */
export function conclusionCounterexample(args: {
  claim: string;
  departure: DepartureId;
  input: unknown;
  trial: Trial;
  seed: number;
  shrinks: number;
  broken: readonly string[];
  original: unknown;
  edition: Edition;
  scale: GenOptions['scale'];
  packageVersion: string;
}): ConclusionCounterexample {
  const t = args.trial;
  const finite = (x: number | undefined): number | null => (x === undefined || !Number.isFinite(x) ? null : x);
  return {
    format: 'dpocheck-counterexample/1',
    claim: args.claim,
    edition: args.edition,
    scale: args.scale,
    seed: args.seed,
    path: '',
    input: args.input,
    observed: finite(t.observed),
    bound: finite(t.bound),
    slack: finite(t.slack),
    ...(t.detail !== undefined ? { detail: { ...t.detail } } : {}),
    shrinks: args.shrinks,
    packageVersion: args.packageVersion,
    replay: '',
    expect: t.violated ? 'violated' : 'conclusion-fails',
    finding: 'conclusion-failed',
    departure: args.departure,
    broken: args.broken,
    original: args.original,
    note:
      `the conclusion of ${args.claim} fails on this configuration, which breaks ${args.broken.join(', ') || 'no condition'}; ` +
      (t.violated
        ? 'the claim reports it violated'
        : 'the theorem does not apply here, so the claim is not violated (expect: conclusion-fails); replay must reproduce the numbers and detail.conclusionHeld = false'),
  };
}

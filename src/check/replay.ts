/**
 * Replays a saved counterexample: judges exactly the saved input again and compares the numbers
 * with those saved ("`dpocheck replay <file>` reruns exactly that case and prints the
 * same numbers").
 */
import type { Claim, Trial } from './claim.ts';
import type { SavedCounterexample } from './counterexampleStore.ts';
import type { Edition } from '../theory/edition.ts';
import { InvalidInputError } from '../theory/errors.ts';
import { isEdition } from '../theory/edition.ts';

export interface ReplayOutcome {
  readonly trial: Trial;
  /** The replayed observed/bound/slack equal the saved ones bit for bit. */
  readonly identical: boolean;
  /** The replay shows what the file expects (violated; holds for a fixed bug; a failed conclusion outside the assumptions). */
  readonly asExpected: boolean;
}

/** Whether a replay must also reproduce the saved numbers bit for bit (not for a fixed bug). */
export function mustBeIdentical(saved: SavedCounterexample): boolean {
  return saved.expect !== 'holds';
}

function same(a: number | null, b: number | undefined): boolean {
  return b === undefined ? a === null : a !== null && Object.is(a, b);
}

/** Re-judges a saved counterexample with its claim. */
export async function replayCounterexample(saved: SavedCounterexample, claim: Claim<any>): Promise<ReplayOutcome> {
  if (claim.id !== saved.claim) throw new InvalidInputError('claim', `file is for '${saved.claim}', not '${claim.id}'`);
  if (!isEdition(saved.edition)) throw new InvalidInputError('edition', `unknown edition '${saved.edition}'`);
  const edition: Edition = saved.edition;
  if (saved.expect === 'throws') {
    // The saved case is an exception: reproduced when the check throws the same message again.
    try {
      const trial = await claim.check(saved.input, { scale: saved.scale, edition });
      return { trial, identical: false, asExpected: false };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return { trial: { violated: true, detail: { error: message } }, identical: message === saved.detail?.['error'], asExpected: true };
    }
  }
  const trial = await claim.check(saved.input, { scale: saved.scale, edition });
  const identical = same(saved.observed, trial.observed) && same(saved.bound, trial.bound) && same(saved.slack, trial.slack);
  const asExpected =
    saved.expect === 'violated'
      ? trial.violated
      : saved.expect === 'holds'
        ? !trial.violated
        : !trial.violated && trial.detail?.['conclusionHeld'] === false;
  return { trial, identical, asExpected };
}

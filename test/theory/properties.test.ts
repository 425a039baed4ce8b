/**
 * The bound claims of properties/bounds-*.ts at the small scale: each one over its arbitrary
 * with fc.assert (fixed seed), and the paper-number claims once each.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GenOptions } from '../../src/check/claim.ts';
import { BOUND_CLAIMS } from '../../properties/_internals/boundClaims.ts';

/** Seed of these runs. Ours: fixed, so the test is repeatable. */
const SEED = 20240806;
const OPTS: GenOptions = { scale: 'small', edition: 'v5-main' };

const CLAIMS = BOUND_CLAIMS;

describe('bound claims', () => {
  for (const claim of CLAIMS) {
    it(`${claim.id}: ${claim.title}`, () => {
      fc.assert(
        fc.property(claim.arbitrary(OPTS), (x) => {
          const trial = claim.check(x, OPTS);
          if (trial instanceof Promise) throw new Error('bound claims are synchronous');
          expect(trial.violated, JSON.stringify(trial)).toBe(false);
        }),
        { seed: SEED, numRuns: claim.runs.small },
      );
    });
  }
});

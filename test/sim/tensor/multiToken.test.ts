import * as fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { multitokenIdentity } from '../../../properties/multitoken-identity.ts';
import {
  multiTokenLoss, sequenceMargins, tokenRewardRate, tokenRewardRateByFiniteDifferences, validateMultiTokenProblem,
  type MultiTokenProblem,
} from '../../../src/sim/tensor/multiToken.ts';
import { tokenRewardRateByAutodiff } from '../../../src/sim/tensor/multiTokenAutodiff.ts';
import { loadTensorBackend } from '../../../src/sim/tensor/registry.ts';
import { InvalidInputError } from '../../../src/theory/errors.ts';

const opts = { scale: 'small', edition: 'v5-main' } as const;

/** A fixed two-sample problem with responses of lengths 2 and 3. */
const fixed: MultiTokenProblem = {
  vocab: 4, d: 2, beta: 0.7,
  initialHead: [0.3, -0.2, 1.1, 0.4, -0.5, 0.9, 0.2, 0.0],
  head: [0.5, -0.1, 0.8, 0.6, -0.4, 1.0, 0.1, -0.3],
  samples: [
    { chosen: { tokens: [0, 2], states: [[1, 0.5], [0.2, -1]] }, rejected: { tokens: [1, 3, 3], states: [[1, 0.5], [-0.7, 0.3], [0.4, 0.4]] } },
    { chosen: { tokens: [3], states: [[-1, 1]] }, rejected: { tokens: [2, 0], states: [[-1, 1], [0.5, 0.5]] } },
  ],
  probe: { token: 2, state: [0.6, -0.8] },
};

describe('multi-token responses (THEORY §6)', () => {
  test('at W = W_0 every token reward and margin is 0 and the loss is ln 2', () => {
    const p = { ...fixed, head: fixed.initialHead };
    expect(Array.from(sequenceMargins(p))).toEqual([0, 0]);
    expect(multiTokenLoss(p)).toBeCloseTo(Math.LN2, 15);
  });

  test('identity = finite differences = float32 autodiff on a fixed problem', async () => {
    const { rate, scale } = tokenRewardRate(fixed);
    const fd = tokenRewardRateByFiniteDifferences(fixed, 1e-5);
    expect(Math.abs(rate)).toBeGreaterThan(1e-3 * scale); // a non-trivial rate
    expect(Math.abs(fd - rate)).toBeLessThan(1e-6 * scale);
    const ad = await tokenRewardRateByAutodiff(await loadTensorBackend('cpu'), fixed);
    expect(Math.abs(ad - rate)).toBeLessThan(1e-4 * scale);
  });

  test('the check has teeth: the identity with the rejected sign flipped disagrees with finite differences', () => {
    // Flipping chosen/rejected negates every margin's dependence; the rate changes by O(scale).
    const swapped: MultiTokenProblem = { ...fixed, samples: fixed.samples.map((s) => ({ chosen: s.rejected, rejected: s.chosen })) };
    const fd = tokenRewardRateByFiniteDifferences(fixed, 1e-5);
    const wrong = tokenRewardRate(swapped);
    expect(Math.abs(wrong.rate - fd)).toBeGreaterThan(1e-3 * wrong.scale);
  });

  test('the claim holds on random sequences', async () => {
    await fc.assert(
      fc.asyncProperty(multitokenIdentity.arbitrary(opts), async (p) => {
        const trial = await multitokenIdentity.check(p, opts);
        expect(trial.violated, JSON.stringify(trial.detail)).toBe(false);
      }),
      { numRuns: multitokenIdentity.runs.small, seed: 6 },
    );
  });

  test('malformed problems are input errors', () => {
    expect(() => validateMultiTokenProblem({ ...fixed, head: [1] })).toThrow(InvalidInputError);
    expect(() => validateMultiTokenProblem({ ...fixed, probe: { token: 9, state: [0, 0] } })).toThrow(InvalidInputError);
  });
});

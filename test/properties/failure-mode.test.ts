import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { REFERENCE_SCALE_RANGE, failureMode, failureModeArb, makeFailureModeClaim, type FailureModeInput } from '../../properties/failure-mode.ts';
import { ClusterConfigSchema } from '../../src/data/config.ts';
import { trainingMarginSandwich } from '../../src/theory/index.ts';
import { runClaim } from '../../src/check/runner.ts';

const opts = { scale: 'small', edition: 'v5-main' } as const;
const config = ClusterConfigSchema.parse({ K: 3, Q: 8, d: 8, v: 0.005, lb: 0.4, beta: 0.5, seed: 2 });

describe('failure-mode', () => {
  it('draws plain-JSON inputs with the reference scale in range', () => {
    for (const x of fc.sample(failureModeArb(opts), { seed: 1, numRuns: 100 })) {
      expect(JSON.parse(JSON.stringify(x))).toEqual(x);
      expect(x.referenceScale).toBeGreaterThanOrEqual(REFERENCE_SCALE_RANGE[0]);
      expect(x.referenceScale).toBeLessThanOrEqual(REFERENCE_SCALE_RANGE[1]);
    }
  });

  it('with a strong reference head, certified samples over the threshold keep π_W(w) < π_W(l); dense margins equal β aᵀΔW g', async () => {
    const input: FailureModeInput = { config, extraTokens: 5, referenceScale: 6, referenceSeed: 17 };
    const t = await failureMode.check(input, opts);
    expect(t.vacuous ?? false).toBe(false);
    expect(t.violated).toBe(false);
    expect(t.labels).toEqual(expect.arrayContaining(['premise-met', 'certificate-holds']));
    expect(t.observed!).toBeLessThan(0);
    expect(t.slack!).toBeGreaterThan(0);
    expect(t.detail!['premiseTrain'] as number).toBeGreaterThan(0);
    expect(t.detail!['certificateHolds']).toBe(true);
    expect(t.detail!['marginMismatch']).toBe(false);
    expect(t.detail!['maxMarginRelDiff'] as number).toBeLessThan(1e-10);
  });

  it('is vacuous, with the reason, when the reference head is too weak for any sample to exceed 3^{1/β}', async () => {
    const input: FailureModeInput = { config, extraTokens: 0, referenceScale: 1e-3, referenceSeed: 17 };
    const t = await failureMode.check(input, opts);
    expect(t.vacuous).toBe(true);
    expect(t.violated).toBe(false);
    expect(t.labels).toContain('premise-not-met');
    expect(t.detail!['reason']).toMatch(/no certified sample/);
  });

  it('is vacuous where the certificate fails: r(τ_1) <= ln 3 is then not guaranteed, and not measured instead', async () => {
    const noisy = ClusterConfigSchema.parse({ ...config, v: 0.6 });
    const t = await failureMode.check({ config: noisy, extraTokens: 2, referenceScale: 6, referenceSeed: 17 }, opts);
    expect(t.detail!['certificateHolds']).toBe(false);
    expect(t.vacuous).toBe(true);
    expect(t.labels).toContain('certificate-fails');
    expect(t.detail!['reason']).toMatch(/certificate fails/);
  });

  it('can fail: reading the policy at 10·τ_1 (margins past ln 3) flips certified samples and is caught', async () => {
    const late = makeFailureModeClaim((c) => 10 * trainingMarginSandwich(c.K, c.beta, c.tau).tau1, 'failure-mode-late');
    const input: FailureModeInput = { config, extraTokens: 5, referenceScale: 1, referenceSeed: 3 };
    const t = await late.check(input, opts);
    expect(t.violated).toBe(true);
    expect(t.observed!).toBeGreaterThan(0);
    // The same input read at τ_1 holds.
    const onTime = await failureMode.check(input, opts);
    expect(onTime.violated).toBe(false);
    expect(onTime.vacuous ?? false).toBe(false);
    // And a whole run of the planted claim finds a counterexample.
    const run = await runClaim(late, { seed: 1, runs: 48, scale: 'small', edition: 'v5-main' });
    expect(run.verdict).toBe('violated');
  });
});

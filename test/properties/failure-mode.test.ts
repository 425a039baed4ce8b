import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { REFERENCE_SCALE_RANGE, failureMode, failureModeArb, type FailureModeInput } from '../../properties/failure-mode.ts';
import { ClusterConfigSchema } from '../../src/data/config.ts';

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

  it('with a strong reference head, samples meet the premise and keep π_W(w) < π_W(l); dense margins equal β aᵀΔW g', async () => {
    const input: FailureModeInput = { config, extraTokens: 5, referenceScale: 6, referenceSeed: 17 };
    const t = await failureMode.check(input, opts);
    expect(t.vacuous ?? false).toBe(false);
    expect(t.violated).toBe(false);
    expect(t.labels).toContain('premise-met');
    expect(t.observed!).toBeLessThan(0);
    expect(t.slack!).toBeGreaterThan(0);
    expect(t.detail!['premiseTrain'] as number).toBeGreaterThan(0);
    expect(t.detail!['marginMismatch']).toBe(false);
    expect(t.detail!['maxMarginRelDiff'] as number).toBeLessThan(1e-10);
  });

  it('is vacuous when the reference head is too weak for any sample to exceed 3^{1/β}', async () => {
    const input: FailureModeInput = { config, extraTokens: 0, referenceScale: 1e-3, referenceSeed: 17 };
    const t = await failureMode.check(input, opts);
    expect(t.vacuous).toBe(true);
    expect(t.violated).toBe(false);
    expect(t.labels).toContain('premise-not-met');
  });
});

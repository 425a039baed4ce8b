/**
 * The measured THEORY §9 claims on fixed inputs: the shared-pair floor is met where its premise
 * holds and the trial is vacuous where a margin leaves [−ln 3, ln 3]; with distinct pairs the
 * ratio of mean errors at K and at K = 1 has an interval around 1 while the worst concept is worse
 * than the mean. Both compare the simulator's exact risk with closed forms, so a wrong flow, a
 * wrong risk or a wrong prediction would fail them.
 */
import { describe, expect, it } from 'vitest';
import { lawSharedFloor } from '../../properties/law-shared-floor.ts';
import { lawDistinctFlat } from '../../properties/law-distinct-flat.ts';

const opts = { scale: 'small', edition: 'v5-main' } as const;

describe('law-shared-floor', () => {
  it('holds within a few percent where the premise holds', async () => {
    const t = await lawSharedFloor.check({ K: 4, z: 1.5, extraD: 0, Q: 80, seed: 2 }, opts);
    expect(t.vacuous).toBe(false);
    expect(t.violated).toBe(false);
    expect(Math.abs(t.detail!['relativeDeviation'] as number)).toBeLessThan(0.05);
    expect(t.detail!['predicted'] as number).toBeGreaterThan(t.detail!['floor'] as number); // Q is finite: above the floor
  });
  it('is vacuous where a training margin leaves [−ln 3, ln 3]', async () => {
    const t = await lawSharedFloor.check({ K: 16, z: 0.7, extraD: 8, Q: 40, seed: 1 }, opts);
    expect(t.detail!['trainMarginMax'] as number).toBeGreaterThan(Math.log(3));
    expect(t.vacuous).toBe(true);
    expect(t.violated).toBe(false);
  });
});

describe('law-distinct-flat', () => {
  it('has a ratio interval around 1 and a worst concept above the mean', async () => {
    const t = await lawDistinctFlat.check({ K: 8, z: 1.2, Q: 40, seed: 3 }, opts);
    expect(t.violated).toBe(false);
    expect(t.detail!['ratioLow'] as number).toBeLessThan(1);
    expect(t.detail!['ratioHigh'] as number).toBeGreaterThan(1);
    expect(t.detail!['worstOverMean'] as number).toBeGreaterThan(1);
  });
});

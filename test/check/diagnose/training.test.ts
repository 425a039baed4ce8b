/**
 * diagnose's training section (training.ts): on data meeting the conditions the flow stays in
 * Theorem 4.2's band and the §5 certificate holds; on noisy shared-pair data the measured test
 * error agrees with the Gaussian prediction along the learned direction and with THEORY §9's law.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/check/diagnose/diagnose.ts';
import type { TrainingReport } from '../../../src/check/diagnose/training.ts';
import { syntheticDataset } from './synthetic.ts';

async function train(spec: Parameters<typeof syntheticDataset>[0]): Promise<TrainingReport> {
  const report = await diagnose(syntheticDataset(spec), { file: 'synthetic', seed: 0, train: true, workers: 0, replicates: 0 });
  expect('skipped' in report.training).toBe(false);
  return report.training as TrainingReport;
}

describe('training on the data', () => {
  it('inside the conditions: the band, the window and the certificate hold', async () => {
    const t = await train({ K: 2, Q: 100, d: 20, v: 1 / (32 * 10), lb: 0.5, seed: 41, rotate: true, scale: 3 });
    expect(t.flow.inBand).toBe(1);
    expect(t.flow.inWindow).toBe(1);
    expect(t.certificate.computed).toBe(true);
    if (t.certificate.computed) {
      expect(t.certificate.holds).toBe(true);
      expect(t.certificate.inCertificateBand).toBe(1);
      expect(t.certificate.lowerOverTheorem).toBeGreaterThanOrEqual(1);
    }
    expect(t.flow.test.train).toBe(0);
    expect(t.preset!.accuracy).toBe(1);
    expect(t.interrupted).toBe(false);
  });

  it('noisy shared pair: measured test error against the Gaussian prediction and THEORY §9', async () => {
    const t = await train({ K: 2, Q: 150, d: 40, v: 0.5, lb: 0.4, seed: 42, tokens: 'shared', withConcept: true, testPerCluster: 1000 });
    const measured = t.flow.test.measured!;
    // 4000 test points: the measured error is good to about ±0.01.
    expect(measured).toBeGreaterThan(0.03);
    expect(Math.abs(measured - t.flow.test.predictedAlongDirection)).toBeLessThan(0.03);
    expect(Math.abs(measured - t.flow.test.predictedIsotropic)).toBeLessThan(0.03);
    // §9's first-order law (σ ≈ 1/2 up to τ_1): Φ(−2Q/(v√(4Q²K + 2KQv²d))) ≈ 0.08 here.
    expect(t.theory.sharingGroups).toEqual([2]);
    expect(Math.abs(t.theory.section9 - measured) / measured).toBeLessThan(0.35);
    expect(t.theory.theorem43.vacuous).toBe(true);
    expect(t.certificate.computed).toBe(true);
  });

  it('anisotropic noise along the concepts: only the prediction along the learned direction gets the error right', async () => {
    const t = await train({
      K: 2, Q: 150, d: 40, v: 0.3, lb: 0.4, seed: 44, tokens: 'shared', withConcept: true, testPerCluster: 1000, anisotropy: 100, noisyConcepts: true,
    });
    const measured = t.flow.test.measured!; // about 0.11 on 4000 test points (±0.01)
    expect(Math.abs(measured - t.flow.test.predictedAlongDirection)).toBeLessThan(0.03);
    // The isotropic reading (and THEORY §9's isotropic law) sees v²·(T/d) per direction and is ~10x too optimistic.
    expect(t.flow.test.predictedIsotropic).toBeLessThan(measured / 3);
    expect(t.theory.section9).toBeLessThan(measured / 3);
  });

  it('an abort keeps the statistics and the flow, and skips the rest', async () => {
    const ds = syntheticDataset({ K: 2, Q: 30, d: 10, v: 0.1, lb: 0.4, seed: 43 });
    const before = await diagnose(ds, { file: 's', seed: 0, train: true, workers: 0, replicates: 0, signal: { aborted: true } });
    expect(before.interrupted).toBe(true);
    expect(before.training).toEqual({ skipped: 'interrupted (SIGINT) before training' });
    expect(before.estimates.v).toBeGreaterThan(0);
    // Aborted while the flow ran: the flow is reported, the certificate and the preset are not.
    let reads = 0;
    const during = { get aborted() { return reads++ > 0; } };
    const after = await diagnose(ds, { file: 's', seed: 0, train: true, workers: 0, replicates: 0, signal: during });
    expect(after.interrupted).toBe(true);
    const t = after.training as TrainingReport;
    expect(t.flow.inBand).toBeGreaterThan(0);
    expect(t.certificate).toEqual({ computed: false, reason: 'skipped: interrupted (SIGINT)' });
    expect(t.preset).toBeNull();
  });
});

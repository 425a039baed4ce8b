import { describe, expect, it } from 'vitest';
import { boundsCertificateSlopes } from '../../properties/bounds-certificate-slopes.ts';
import { runClaim } from '../../src/check/runner.ts';

const OPTS = { scale: 'small', edition: 'v5-main' } as const;

describe('bounds-certificate-slopes', () => {
  it('a row whose certificate fails is a vacuous trial with its reason, not evidence', () => {
    // K = 1, Q = 1 (N = 2): P = 0 gives λ = -M/(2N) < 1/8.
    const lowLambda = boundsCertificateSlopes.check({ K: 1, Q: 1, Pfrac: 0, Mfrac: 1, beta: 1, tau: 1 }, OPTS);
    expect(lowLambda).toMatchObject({ violated: false, vacuous: true, labels: ['certificate-fails'] });
    expect(String((lowLambda as { detail: Record<string, unknown> }).detail['reason'])).toMatch(/λ = .* < 1\/\(8K\)/);
    // P = 12N/K gives Λ = 6/K > 5/K.
    const highLambda = boundsCertificateSlopes.check({ K: 1, Q: 1, Pfrac: 12, Mfrac: 0, beta: 1, tau: 1 }, OPTS);
    expect(highLambda).toMatchObject({ violated: false, vacuous: true });
    expect(String((highLambda as { detail: Record<string, unknown> }).detail['reason'])).toMatch(/Λ = .* > 5\/K/);
  });

  it('a row whose certificate holds is judged (non-vacuous)', () => {
    const t = boundsCertificateSlopes.check({ K: 1, Q: 1, Pfrac: 2, Mfrac: 0, beta: 1, tau: 1 }, OPTS);
    expect(t).toMatchObject({ violated: false, labels: ['certificate-holds'] });
    expect((t as { vacuous?: boolean }).vacuous).not.toBe(true);
  });

  it('a run counts only the rows whose certificate holds as evidence', async () => {
    const r = await runClaim(boundsCertificateSlopes, { seed: 5, runs: 200, scale: 'small', edition: 'v5-main' });
    expect(r.vacuousRuns).toBeGreaterThan(0);
    expect(r.effectiveRuns + r.vacuousRuns + r.inconclusiveRuns).toBe(r.runs);
  });
});

import { describe, expect, it } from 'vitest';
import { gpoIpo } from '../../properties/gpo-ipo.ts';
import { gpoSlic } from '../../properties/gpo-slic.ts';
import { ClusterConfigSchema } from '../../src/data/config.ts';

const opts = { scale: 'small', edition: 'v5-main' } as const;

/**
 * Noise-free distinct-token data: within a concept C_ij = 2(1 + l_b²) in the same cluster and
 * 2(1 − l_b²) across, so Σ_i C_ij = 4Q, all margins are equal and τ dr/dt = (2β²/K) w(r)
 * (Lemma 4.1 with N = 2KQ). At τ_1 = Kτ ln3/(5β²): IPO, w = 2(1 − r), gives r = 1 − 3^{−4/5};
 * SLiC, w = 1 while r < 1, gives r = 2 ln3/5.
 */
const clean = { K: 3, Q: 5, d: 6, v: 0, lb: 0.3, beta: 1.7, tau: 0.6, seed: 1 };

describe('gpo-ipo and gpo-slic', () => {
  it('IPO at the DPO τ_1 reaches 1 − 3^{−4/5} on noise-free data, inside the DPO band', async () => {
    const t = await gpoIpo.check(ClusterConfigSchema.parse({ ...clean, loss: 'ipo' }), opts);
    expect(gpoIpo.expectation).toBe('measured');
    expect(t.violated).toBe(false);
    expect(t.observed!).toBeCloseTo(1 - Math.pow(3, -4 / 5), 7);
    expect(t.detail!['max'] as number).toBeCloseTo(1 - Math.pow(3, -4 / 5), 7);
    expect(t.detail!['dpoSandwichHeld']).toBe(true);
    expect(t.detail!['trainError']).toBe(0);
    expect(t.detail!['testError']).toBe(0);
  });

  it('SLiC at the DPO τ_1 reaches 2 ln3/5 on noise-free data', async () => {
    const t = await gpoSlic.check(ClusterConfigSchema.parse({ ...clean, loss: 'slic' }), opts);
    expect(t.violated).toBe(false);
    expect(t.observed!).toBeCloseTo((2 * Math.log(3)) / 5, 9);
    expect(t.detail!['switches']).toBe(0);
  });

  it('a SLiC sliding mode is inconclusive, never a violation', async () => {
    // Heavy noise (far outside the theorems' conditions) makes a margin cross r = 1 and get pushed back.
    const t = await gpoSlic.check(ClusterConfigSchema.parse({ K: 1, Q: 5, d: 50, v: 1, lb: 0.5, seed: 0, loss: 'slic' }), opts);
    expect(t.violated).toBe(false);
    expect(t.inconclusive).toBe(true);
    expect(String(t.detail!['reason'])).toMatch(/sliding/);
  });
});

import { describe, expect, it } from 'vitest';
import { Dopri5, integrateOde } from '../../src/sim/dopri5.ts';

describe('DOPRI5 on ODEs with known solutions', () => {
  it('exponential decay meets its tolerance and its error estimate bounds the true error', () => {
    for (const rtol of [1e-4, 1e-6, 1e-9]) {
      const sol = integrateOde((_t, y, o) => { o[0] = -2 * y[0]!; o[1] = 0.5 * y[1]!; }, 0, Float64Array.of(1, 1), 3, { rtol, atol: 1e-14, stops: [1, 2] });
      expect(sol.times).toEqual([1, 2, 3]);
      sol.times.forEach((t, s) => {
        const exact = [Math.exp(-2 * t), Math.exp(0.5 * t)];
        const errs = exact.map((e, i) => Math.abs(sol.values[s]![i]! - e));
        // Global error of a contracting/expanding linear ODE stays within a small multiple of rtol·|y|.
        errs.forEach((e, i) => expect(e).toBeLessThan(50 * rtol * Math.max(1, exact[i]!)));
      });
      const final = Math.abs(sol.values[2]![1]! - Math.exp(1.5));
      expect(final).toBeLessThanOrEqual(sol.stats.errorSum);
      expect(sol.stats.maxErrorRatio).toBeLessThanOrEqual(1);
      expect(sol.stats.rhsEvaluations).toBe(6 * (sol.stats.accepted + sol.stats.rejected) + 2);
    }
  });

  it('logistic growth: error estimate is an honest bound, and tighter rtol means smaller error', () => {
    const exact = (t: number) => 1 / (1 + 9 * Math.exp(-t));
    let prevErr = Infinity;
    for (const rtol of [1e-5, 1e-8, 1e-11]) {
      const sol = integrateOde((_t, y, o) => { o[0] = y[0]! * (1 - y[0]!); }, 0, Float64Array.of(0.1), 10, { rtol, atol: 1e-14 });
      const err = Math.abs(sol.values[0]![0]! - exact(10));
      expect(err).toBeLessThanOrEqual(sol.stats.errorSum);
      expect(err).toBeLessThan(prevErr + 1e-15);
      prevErr = err;
    }
    expect(prevErr).toBeLessThan(1e-10);
  });

  it('dense output is accurate inside a step and exact at its ends', () => {
    const s = new Dopri5((_t, y, o) => { o[0] = Math.cos(_t) * y[0]!; }, 0, Float64Array.of(1), { rtol: 1e-10, atol: 1e-14 });
    const out = new Float64Array(1);
    while (s.t < 2) {
      s.step(2);
      s.denseAt(s.t, out);
      expect(out[0]).toBeCloseTo(s.y[0]!, 13);
      const mid = (s.tOld + s.t) / 2;
      s.denseAt(mid, out);
      expect(Math.abs(out[0]! - Math.exp(Math.sin(mid)))).toBeLessThan(1e-8);
    }
    expect(s.t).toBe(2);
  });

  it('rejects steps when the tolerance demands it and counts them', () => {
    const sol = integrateOde((_t, y, o) => { o[0] = -50 * (y[0]! - Math.cos(_t)); }, 0, Float64Array.of(0), 1, { rtol: 1e-6, atol: 1e-9, firstStep: 0.5 });
    expect(sol.stats.rejected).toBeGreaterThan(0);
  });
});

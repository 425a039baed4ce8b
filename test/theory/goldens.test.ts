/**
 * src/theory against the independent 50-digit goldens (fixtures/goldens, `npm run goldens`):
 * every function, every point, to 1e-12 relative (absolute near 0; see goldenTolerance.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  approximateOrthogonality,
  concentrationProbability,
  failureModeThreshold,
  firstNonVacuousQ,
  generalizationBound,
  qMin,
  refinedEpsilon,
  refinedGeneralizationBound,
  rowCertificate,
  theoremConditions,
  trainingMarginSandwich,
  trainingMarginSandwichV3,
  trainingProbability,
  type Edition,
  type EpsilonRule,
} from '../../src/theory/index.ts';
import { loadGoldens, mismatch, type Kind } from './goldenTolerance.ts';

/** Collects every mismatch of one case so a failure lists them all. */
function compare(label: string, actual: object, expected: object, kinds: Record<string, Kind>): string[] {
  return Object.keys(kinds).flatMap((key) => {
    const m = mismatch((actual as Record<string, number>)[key] as number, (expected as Record<string, number>)[key] as number, kinds[key] as Kind);
    return m === null ? [] : [`${label} ${key}: ${m}`];
  });
}

describe('goldens', () => {
  it('Theorem 4.2: τ_1, slopes, probability', () => {
    const cases = loadGoldens<{ K: number; Q: number; beta: number; tau: number; c: number; expect: Record<string, number> }>('theorem42');
    expect(cases.length).toBeGreaterThanOrEqual(50);
    const errors = cases.flatMap((g, i) => {
      const s = trainingMarginSandwich(g.K, g.beta, g.tau);
      const p = trainingProbability(g.K, g.Q, g.c);
      return compare(`#${i}`, { ...s, ...p }, g.expect, {
        tau1: 'product', lnTau1: 'difference', lowerSlope: 'product', upperSlope: 'product', probability: 'difference', lnFailureTerm: 'difference',
      });
    });
    expect(errors).toEqual([]);
  });

  it('Theorem 4.2, version-3 form', () => {
    const cases = loadGoldens<{ N: number; Q: number; beta: number; tau: number; expect: Record<string, number> }>('theorem42v3');
    const errors = cases.flatMap((g, i) =>
      compare(`#${i}`, { ...trainingMarginSandwichV3(g.N, g.Q, g.beta, g.tau) }, g.expect, {
        tau1: 'product', lnTau1: 'difference', lowerSlope: 'product', upperSlope: 'product',
      }),
    );
    expect(errors).toEqual([]);
  });

  it('generalisation bound of each edition', () => {
    const cases = loadGoldens<{ K: number; Q: number; edition: Edition; Z: number; epsilonRule: EpsilonRule; expect: Record<string, number> }>('generalization');
    expect(new Set(cases.map((g) => g.edition)).size).toBe(3);
    const errors = cases.flatMap((g, i) =>
      compare(`#${i} ${g.edition}`, { ...generalizationBound(g.K, g.Q, g.edition, { Z: g.Z, epsilonRule: g.epsilonRule }) }, g.expect, {
        bound: 'product', lnBound: 'difference',
      }),
    );
    expect(errors).toEqual([]);
  });

  it('Lemma B.1 and Theorem B.4', () => {
    const cases = loadGoldens<{ K: number; Q: number; d: number; v: number; lb: number; Z: number; c: number; epsilonRule: EpsilonRule; expect: Record<string, number> }>('refined');
    const errors = cases.flatMap((g, i) => {
      const b1 = concentrationProbability(g);
      const b4 = refinedGeneralizationBound(g);
      const actual = {
        epsilon: refinedEpsilon(g.v, g.Z, g.epsilonRule).epsilon,
        b1Probability: b1.probability,
        b1LnFailureTerm: b1.lnFailureTerm,
        b4Bound: b4.bound,
        b4LnBound: b4.lnBound,
      };
      return compare(`#${i}`, actual, g.expect, {
        epsilon: 'product', b1Probability: 'difference', b1LnFailureTerm: 'difference', b4Bound: 'product', b4LnBound: 'difference',
      });
    });
    expect(errors).toEqual([]);
  });

  it('conditions: holds, both sides, slack', () => {
    type Cond = { id: string; holds: boolean; lhs: number; rhs: number; slack: number };
    const cases = loadGoldens<{ K: number; Q: number; d: number; v: number; lb: number; Z: number; delta: number; edition: Edition; expect: Cond[] }>('conditions');
    const errors = cases.flatMap((g, i) => {
      const actual = theoremConditions(g, g.edition);
      expect(actual.map((c) => c.id)).toEqual(g.expect.map((c) => c.id));
      return actual.flatMap((c, j) => {
        const e = g.expect[j] as Cond;
        const holds = c.holds === e.holds ? [] : [`#${i} ${c.id} holds: ${c.holds} vs ${e.holds}`];
        return [...holds, ...compare(`#${i} ${c.id}`, { ...c }, { ...e }, { lhs: 'product', rhs: 'difference', slack: 'difference' })];
      });
    });
    expect(errors).toEqual([]);
  });

  it('Appendix C and the failure mode', () => {
    const cases = loadGoldens<{ K: number; Z: number; beta: number; tau: number; epsilonRule: EpsilonRule; expect: Record<string, number> }>('appendixC');
    const errors = cases.flatMap((g, i) => {
      const a = approximateOrthogonality({ ...g, delta: 0 });
      return compare(`#${i}`, { ...a, windowLow: a.window[0], windowHigh: a.window[1] }, g.expect, {
        limit: 'product', lowerSlope: 'product', upperSlope: 'product', windowLow: 'product', windowHigh: 'product',
      });
    });
    const fm = loadGoldens<{ beta: number; expect: Record<string, number> }>('failureMode');
    const errorsFm = fm.flatMap((g, i) => compare(`#${i}`, { ...failureModeThreshold(g.beta) }, g.expect, { threshold: 'product', lnThreshold: 'product' }));
    expect([...errors, ...errorsFm]).toEqual([]);
  });

  it('certificate rows', () => {
    const cases = loadGoldens<{ P: number; M: number; N: number; K: number; expect: { lambda: number; Lambda: number; holds: boolean } }>('certificate');
    const errors = cases.flatMap((g, i) => {
      const c = rowCertificate({ P: g.P, M: g.M }, g.N, g.K);
      const holds = c.holds === g.expect.holds ? [] : [`#${i} holds`];
      return [...holds, ...compare(`#${i}`, { ...c }, { ...g.expect, holds: 0 }, { lambda: 'difference', Lambda: 'difference' })];
    });
    expect(errors).toEqual([]);
  });

  it('Q_min, exactly, including levels within one ulp of the bound', () => {
    const cases = loadGoldens<{ K: number; level: number; edition: Edition; Z: number; epsilonRule: EpsilonRule; adversarial?: boolean; expect: number }>('scaling');
    expect(cases.filter((g) => g.adversarial).length).toBeGreaterThanOrEqual(20);
    const actual = cases.map((g) => qMin(g.K, g.level, g.edition, { Z: g.Z, epsilonRule: g.epsilonRule }));
    expect(actual).toEqual(cases.map((g) => g.expect));
  });

  it('first Q at which Theorem 4.2 says something, exactly', () => {
    const cases = loadGoldens<{ K: number; c: number; expect: number }>('nonVacuous');
    expect(cases.map((g) => firstNonVacuousQ(g.K, g.c))).toEqual(cases.map((g) => g.expect));
  });
});

/**
 * The exact (fixed-point) evaluations behind Q_min and firstNonVacuousQ agree with their float64
 * counterparts wherever both are accurate; the branches of highPrecision.ts that ordinary inputs
 * do not reach; and the error messages.
 */
import { describe, expect, it } from 'vitest';
import { failureExponentMargins, failureExponentMarginsExact } from '../../src/theory/theorem42.ts';
import { logBoundMargin, logBoundMarginExact } from '../../src/theory/scaling.ts';
import { decideSign, ERROR_UNITS, lnInteger, MAX_FRACTION_BITS, scaleFloat } from '../../src/theory/highPrecision.ts';
import { ratioOfProducts } from '../../src/theory/numerics.ts';
import { DELTA_CAP } from '../../src/theory/appendixC.ts';
import {
  InvalidInputError,
  approximateOrthogonality,
  boundsReport,
  concentrationProbability,
  generalizationBound,
  refinedEpsilon,
  refinedGeneralizationBound,
  requireCount,
  requireEdition,
  requireEpsilonRule,
  requireFinite,
  requireInt,
  requireNonNegative,
  requirePositive,
  theoremConditions,
  tokenSharingZ,
  trainingSetCertificate,
  type Edition,
  type EpsilonRule,
} from '../../src/theory/index.ts';

const F = 200;
const toFloat = (x: bigint): number => Number(x) / 2 ** F;

describe('exact evaluations match float64', () => {
  it('logBoundMarginExact = logBoundMargin (every edition, Z, ε rule)', () => {
    const cases: [number, number, number, Edition, number, EpsilonRule][] = [];
    for (const edition of ['v5-main', 'v3', 'v5-appendix'] as const) {
      for (const [K, Q, level] of [[1, 1, 0.05], [7, 1000, 1], [1000, 123457, 1e-30], [3, 9_876_543_210, 2.5]] as const) {
        for (const Z of edition === 'v5-appendix' ? [1, 2, 3, 4] : [1]) {
          for (const rule of edition === 'v5-appendix' ? (['lemmaB3', 'theoremB4Proof'] as const) : (['lemmaB3'] as const)) {
            cases.push([K, Q, level, edition, Z, rule]);
          }
        }
      }
    }
    for (const [K, Q, level, edition, Z, epsilonRule] of cases) {
      const opts = { Z, epsilonRule };
      const { h, errorBound } = logBoundMargin(K, Q, level, edition, opts);
      const exact = toFloat(logBoundMarginExact(K, Q, level, edition, opts, F));
      expect(Math.abs(exact - h), `${K} ${Q} ${level} ${edition} ${Z} ${epsilonRule}`).toBeLessThanOrEqual(errorBound / 8 + 1e-300);
      expect(h).toBeCloseTo(generalizationBound(K, Q, edition, opts).lnBound - Math.log(level), 6);
    }
    // the default options resolve to Z = 1 and the edition's default ε rule
    expect(logBoundMarginExact(2, 5000, 0.1, 'v5-appendix', {}, F)).toBe(logBoundMarginExact(2, 5000, 0.1, 'v5-appendix', { Z: 1, epsilonRule: 'lemmaB3' }, F));
  });

  it('failureExponentMarginsExact = failureExponentMargins', () => {
    for (const [K, Q, c] of [[1, 1, 1], [1, 143469, 1], [10, 7022, 0.3], [1e9, 1e12, 50], [5, 31_415_926, 1e-3]] as const) {
      const m = failureExponentMargins(K, Q, c);
      const e = failureExponentMarginsExact(K, Q, c, F);
      expect(Math.abs(toFloat(e.g1) - m.g1)).toBeLessThanOrEqual(m.errorBound / 8);
      expect(Math.abs(toFloat(e.g2) - m.g2)).toBeLessThanOrEqual(m.errorBound / 8);
      const l = 3 * Math.LN2 + Math.log(K) + 2.25 * Math.log(Q);
      expect(m.g1).toBeCloseTo((c * Math.sqrt(Q)) / 5 - l, 8);
      expect(m.g2).toBeCloseTo(Q ** 0.75 / 256 - l, 8);
    }
  });
});

describe('highPrecision branches', () => {
  it('lnInteger of integers wider than the fraction', () => {
    const n = 3n ** 200n; // ~317 bits, > F = 128
    expect(Number(lnInteger(n, 128)) / 2 ** 128).toBeCloseTo(200 * Math.log(3), 12);
    expect(Number(lnInteger(1n << 128n, 128)) / 2 ** 128).toBeCloseTo(128 * Math.LN2, 12);
  });

  it('scaleFloat with positive and negative shifts', () => {
    expect(scaleFloat(2 ** 60, 1n, 0)).toBe(1n << 60n);
    expect(scaleFloat(2 ** 60, 3n, 2)).toBe(3n << 62n);
    expect(scaleFloat(0.75, 4n, 0)).toBe(3n);
    expect(scaleFloat(0.75, 5n, 3)).toBe(30n);
  });

  it('decideSign: the boundary goes exact; the last precision is tried', () => {
    expect(decideSign(0.5, 0.5, () => -(ERROR_UNITS + 1n))).toBe(-1);
    expect(decideSign(-0.5, 0.5, () => ERROR_UNITS + 1n)).toBe(1);
    expect(decideSign(0, 1, (bits) => (bits === MAX_FRACTION_BITS ? ERROR_UNITS + 1n : 0n))).toBe(1);
  });
});

describe('numerics: the linear path is exact arithmetic', () => {
  it('ratioOfProducts equals the direct products in range', () => {
    for (const [num, den] of [[[3], [7]], [[0.1, 0.7, 3], [11, 13]], [[1e-100, 1e50], [3e-60]], [[2.5], []]] as const) {
      let p = 1;
      for (const a of num) p *= a;
      for (const b of den) p /= b;
      expect(ratioOfProducts(num, den).value).toBe(p);
      expect(ratioOfProducts(num, den).ln).toBe(Math.log(p));
    }
  });
});

describe('refined forms at the edges of float64', () => {
  it('B.4 in log space when l_b² and ε² overflow', () => {
    const [K, Q, d, lb, Z] = [2, 100, 10, 1e160, 1];
    const v = 4.6e-163;
    // ε = 1/(16 v 3), S ≈ l_b² (the other terms are negligible)
    const lnE = 2 * (-Math.log(16) - Math.log(v) - Math.log(3)) - Math.LN2 - 2 * Math.log(lb);
    const expected = Math.log(2 * K * Q * Q) - Math.exp(lnE);
    const b = refinedGeneralizationBound({ K, Q, d, v, lb, Z });
    expect(b.lnBound).toBeCloseTo(expected, 10);
    expect(Math.exp(lnE)).toBeGreaterThan(1);
  });

  it('B.4 with ε² beyond float64: bound 0, ln clamped', () => {
    const b = refinedGeneralizationBound({ K: 1, Q: 10, d: 10, v: 1e-200, lb: 0.5 });
    expect(b).toMatchObject({ bound: 0, lnBound: -Number.MAX_VALUE, vacuous: false });
  });

  it('B.4 with d v² dominating S', () => {
    const [K, Q, d, v, lb] = [1, 10, 1e6, 1e100, 0.5];
    const lnS = Math.log(d) + 2 * Math.log(v);
    const lnE = 2 * (-Math.log(16) - Math.log(v) - Math.log(3)) - Math.LN2 - lnS;
    const b = refinedGeneralizationBound({ K, Q, d, v, lb });
    expect(b.lnBound).toBeCloseTo(Math.log(2 * K * Q * Q) - Math.exp(lnE), 12);
    expect(b.vacuous).toBe(true);
  });

  it('the ε rule flows into Lemma B.1 and Theorem B.4', () => {
    const input = { K: 1, Q: 600, d: 100, v: 1e-3, lb: 0.5, epsilonRule: 'theoremB4Proof' as const };
    expect(concentrationProbability(input).epsilon).toBe(refinedEpsilon(1e-3, 1, 'theoremB4Proof').epsilon);
    expect(refinedGeneralizationBound(input).epsilon).toBe(refinedEpsilon(1e-3, 1, 'theoremB4Proof').epsilon);
    expect(concentrationProbability(input).probability).toBeGreaterThan(concentrationProbability({ ...input, epsilonRule: 'lemmaB3' }).probability - 1e-300);
    expect(refinedGeneralizationBound(input).bound).toBeLessThan(refinedGeneralizationBound({ ...input, epsilonRule: 'lemmaB3' }).bound);
  });
});

describe('conditions, Appendix C and the report at their boundaries', () => {
  it('statements name the inequality of each edition', () => {
    const statements = theoremConditions({ K: 1, Q: 100, d: 5, v: 0, lb: 0.5 }).map((c) => c.statement);
    expect(statements).toEqual([
      'Z <= 1/(4 l_b^2)',
      'd <= 5Q',
      'd >= K + 1',
      'v <= 1/(32 sqrt Q)',
      '1/4 <= l_b <= 1/2',
      'Q >= 40',
      'delta <= min(eps v/8, 1/4) (Appendix C; delta = 0: exact basis)',
    ]);
    expect(theoremConditions({ K: 1, Q: 100, d: 5, v: 0, lb: 0.3 })[4]).toMatchObject({ statement: '1/4 <= l_b <= 1/2', rhs: 0.25 });
    expect(theoremConditions({ K: 1, Q: 100, d: 5, v: 0, lb: 0.5 }, 'v3')[0]?.statement).toBe('Z <= min(1/(4 l_b^2), Q^{1/4} - 2)');
    expect(theoremConditions({ K: 1, Q: 100, d: 5, v: 0, lb: 0.5 }, 'v5-appendix')[3]?.statement).toBe('v <= 1/(4 sqrt Q)');
  });

  it('v3 Z slack is the smaller of its two', () => {
    const z = (Q: number, lb: number, Z: number) => theoremConditions({ K: 1, Q, d: 5, v: 0, lb, Z }, 'v3')[0];
    expect(z(10_000, 0.5, 1)).toMatchObject({ rhs: 1, slack: 1, holds: true }); // 1/(4 l_b²) = 1 < 10 - 2
    expect(z(10_000, 0.25, 2)).toMatchObject({ rhs: 4, slack: 2, holds: true });
    expect(z(81, 0.25, 1)).toMatchObject({ rhs: 1, slack: 1, holds: true }); // Q^{1/4} - 2 = 1 < 4
    expect(z(1, 1e-200, 1)).toMatchObject({ rhs: -1, slack: -1, holds: false });
    expect(theoremConditions({ K: 1, Q: 16, d: 5, v: 0, lb: 0.25, Z: 2 })[0]).toMatchObject({ rhs: 4, slack: 2 });
  });

  it('Appendix C holds at its limit exactly; DELTA_CAP is 1/4', () => {
    expect(approximateOrthogonality({ K: 1, delta: 1 / 384 }).holds).toBe(true);
    expect(approximateOrthogonality({ K: 1, delta: 1 / 384 + 1e-18 }).holds).toBe(false);
    expect(DELTA_CAP).toBe(0.25);
  });

  it('the report passes δ to the ortho condition and uses the appendix form up to Z = 4', () => {
    const r = boundsReport({ K: 2, Q: 2000, d: 10, v: 1e-3, lb: 0.25, Z: 4, delta: 0.004, edition: 'v5-appendix' });
    expect(r.conditions.find((c) => c.id === 'ortho')).toMatchObject({ lhs: 0.004, holds: false });
    expect(r.theorem43.form).toContain('B.4');
    expect(r.theorem43.lnBound).toBe(generalizationBound(2, 2000, 'v5-appendix', { Z: 4 }).lnBound);
    expect(r.appendixC?.holds).toBe(false);
    // Z > 4 only redirects the appendix edition; v3 keeps its own form
    const v3 = boundsReport({ K: 2, Q: 2000, d: 10, v: 1e-3, lb: 0.2, Z: 5, edition: 'v3' });
    expect(v3.theorem43.form).toContain('Q^{1/4}');
  });
});

describe('error messages say what is wrong', () => {
  const message = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidInputError);
      expect((e as Error).name).toBe('InvalidInputError');
      return (e as Error).message;
    }
    throw new Error('did not throw');
  };
  it('for each validator', () => {
    expect(message(() => requireFinite('x', NaN))).toBe('x: must be a finite number, got NaN');
    expect(message(() => requireFinite('x', '3' as unknown as number))).toBe('x: must be a finite number, got 3');
    expect(message(() => requireInt('K', 1.5))).toBe('K: must be an integer >= 1, got 1.5');
    expect(message(() => requireInt('K', -1, 0))).toBe('K: must be an integer >= 0, got -1');
    expect(message(() => requirePositive('beta', 0))).toBe('beta: must be > 0, got 0');
    expect(message(() => requireNonNegative('v', -1))).toBe('v: must be >= 0, got -1');
    expect(message(() => requireCount('Q', 2 ** 53))).toBe(`Q: must be at most 2^53 - 1 = ${Number.MAX_SAFE_INTEGER}, got ${2 ** 53}`);
    expect(message(() => requireEdition('v4'))).toBe('edition: must be one of v5-main, v5-appendix, v3, got v4');
    expect(message(() => requireEpsilonRule('x'))).toBe('epsilonRule: must be lemmaB3 or theoremB4Proof, got x');
    expect(message(() => refinedEpsilon(0.1, 0))).toMatch(/^Z: /);
    expect(message(() => generalizationBound(1, 10, 'v5-appendix', { Z: 5 }))).toBe('Z: must be <= 4 (Z <= 1/(4 l_b²) and l_b >= 1/4), got 5');
    expect(message(() => tokenSharingZ([]))).toBe('pairs: needs at least one concept');
    expect(message(() => tokenSharingZ([[0, 1], [2, -3]]))).toBe('pairs: token -3 of concept 1 is not a non-negative integer');
    expect(message(() => tokenSharingZ([[4, 4]]))).toBe('pairs: concept 0 has equal tokens (4, 4)');
    expect(message(() => trainingSetCertificate([], 1, 1))).toBe('rows: needs at least one row');
  });
});

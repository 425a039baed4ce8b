/**
 * Semantics of the bound functions beyond the goldens: worked values, flags, edition choices,
 * limits (v = 0, δ = 0), the slack orientation, the report's shape.
 */
import { describe, expect, it } from 'vitest';
import {
  CONDITION_IDS,
  LN3,
  MAX_SATISFIABLE_Z,
  MIN_Q_THEOREM43,
  approximateOrthogonality,
  approximateOrthogonalityLimit,
  approximateOrthogonalSandwich,
  appendixExponentRatio,
  boundsReport,
  certifiedSlopes,
  concentrationProbability,
  defaultEpsilonRule,
  failureModeThreshold,
  firstNonVacuousQ,
  firstQBelow,
  generalizationBound,
  generalizationExponent,
  generalizationPeak,
  inFailureMode,
  noiseLimit,
  qMin,
  refinedEpsilon,
  refinedGeneralizationBound,
  rowCertificate,
  testSampleCertificate,
  theoremConditions,
  tokenSharingZ,
  trainingMarginSandwich,
  trainingMarginSandwichV3,
  trainingProbability,
  trainingSetCertificate,
  zLimit,
  EDITIONS,
  type ConditionCheck,
} from '../../src/theory/index.ts';

const byId = (cs: ConditionCheck[], id: string): ConditionCheck => cs.find((c) => c.id === id) as ConditionCheck;

describe('tokenSharingZ (THEORY §3)', () => {
  it('counts concepts per token', () => {
    expect(tokenSharingZ([[0, 1], [2, 3], [4, 5]])).toBe(1);
    expect(tokenSharingZ([[0, 1], [0, 2], [3, 4]])).toBe(2);
    expect(tokenSharingZ([[0, 1], [1, 2], [2, 0]])).toBe(2);
    expect(tokenSharingZ([[5, 6], [6, 5], [5, 6], [7, 5]])).toBe(4);
    expect(tokenSharingZ(Array.from({ length: 7 }, () => [0, 1] as const))).toBe(7);
    expect(tokenSharingZ([[3, 0]])).toBe(1);
  });
});

describe('Theorem 4.2 (THEORY §4)', () => {
  it('slopes, τ_1 and window', () => {
    const s = trainingMarginSandwich(10);
    expect(s.lowerSlope).toBe(1 / 80);
    expect(s.upperSlope).toBe(0.5);
    expect(s.tau1).toBeCloseTo(2 * LN3, 15);
    expect(s.lnTau1).toBeCloseTo(Math.log(2 * LN3), 15);
    expect(s.window).toEqual([LN3 / 40, LN3]);
    const b = trainingMarginSandwich(2, 0.5, 4);
    expect(b.lowerSlope).toBe(0.25 / 64);
    expect(b.upperSlope).toBe(1.25 / 8);
    expect(b.tau1).toBeCloseTo((2 * 4 * LN3) / (5 * 0.25), 14);
    expect(trainingMarginSandwich(1).lowerSlope).toBe(1 / 8);
  });

  it('v3 form with a free N', () => {
    const s = trainingMarginSandwichV3(1000, 50, 2, 4);
    expect(s.lowerSlope).toBeCloseTo((50 * 4) / (4 * 1000 * 4), 16);
    expect(s.upperSlope).toBeCloseTo((10 * 50 * 4) / (1000 * 4), 15);
    expect(s.tau1).toBeCloseTo((1000 * 4 * LN3) / (10 * 50 * 4), 15);
    expect(s.window).toEqual([LN3 / 40, LN3]);
  });

  it('probability: vacuous at practical sizes, near 1 at huge Q; c selects the binding term', () => {
    const p = trainingProbability(1, 1000);
    expect(p.vacuous).toBe(true);
    expect(p.probability).toBeLessThan(0);
    expect(p.lnFailureTerm).toBeCloseTo(3 * Math.LN2 + 2.25 * Math.log(1000) - 1000 ** 0.75 / 256, 12);
    const big = trainingProbability(1, 1e7);
    expect(big.vacuous).toBe(false);
    expect(big.probability).toBeGreaterThan(0.999);
    // with c = 1e-3 the Bernstein term c√Q/5 binds
    const small = trainingProbability(1, 1e6, 1e-3);
    expect(small.lnFailureTerm).toBeCloseTo(3 * Math.LN2 + 2.25 * Math.log(1e6) - (1e-3 * 1000) / 5, 12);
    expect(trainingProbability(3, 2e5, 2).lnFailureTerm).toBeCloseTo(3 * Math.LN2 + Math.log(3) + 2.25 * Math.log(2e5) - Math.min((2 * Math.sqrt(2e5)) / 5, 2e5 ** 0.75 / 256), 12);
  });

  it('firstNonVacuousQ is the exact boundary', () => {
    for (const [K, c] of [[1, 1], [10, 1], [1, 0.05], [1, 50], [7, 0.5], [1, 10.5]] as const) {
      const q = firstNonVacuousQ(K, c) as number;
      expect(q).not.toBeNull();
      expect(trainingProbability(K, q, c).vacuous).toBe(false);
      expect(trainingProbability(K, q - 1, c).vacuous).toBe(true);
    }
    expect(firstNonVacuousQ(1)).toBe(143469);
    expect(firstNonVacuousQ(1, 1e-12)).toBeNull();
    expect(firstNonVacuousQ(1, 1e-300)).toBeNull();
  });
});

describe('generalisation bounds (THEORY §4 Theorem 4.3, §8)', () => {
  it('v5-main: 2KQ²e^{-Q/45}, vacuous iff >= 1', () => {
    const g = generalizationBound(1, 609);
    expect(g.bound).toBeCloseTo(2 * 609 ** 2 * Math.exp(-609 / 45), 14);
    expect(g.vacuous).toBe(false);
    expect(generalizationBound(1, 608).vacuous).toBe(true);
    expect(g.edition).toBe('v5-main');
    expect(g.form).toContain('Q/45');
    expect(generalizationExponent(90, 'v5-main')).toBe(2);
  });

  it('v3 and the appendix worst case', () => {
    expect(generalizationExponent(16 ** 4, 'v3')).toBeCloseTo(16 / 6, 15);
    expect(generalizationBound(1, 1e10, 'v3').form).toContain('Q^{1/4}/6');
    expect(appendixExponentRatio(1, 'lemmaB3')).toEqual({ num: 128, den: 59136 });
    expect(generalizationExponent(462, 'v5-appendix')).toBeCloseTo(1, 15);
    expect(generalizationExponent(462, 'v5-appendix', { Z: 1, epsilonRule: 'lemmaB3' })).toBeCloseTo(1, 15);
    expect(generalizationBound(1, 5000, 'v5-appendix').form).toContain('B.4');
    // B.4's proof ε (twice as large) gives a larger exponent
    expect(generalizationExponent(1000, 'v5-appendix', { epsilonRule: 'theoremB4Proof' })).toBeGreaterThan(generalizationExponent(1000, 'v5-appendix'));
    // it is B.4 at v = 1/(4√Q), d = 5Q, l_b = 1/(2√Z)
    for (const Z of [1, 2, 3, 4]) {
      const Q = 10_000;
      const b4 = refinedGeneralizationBound({ K: 3, Q, d: 5 * Q, v: 1 / (4 * Math.sqrt(Q)), lb: 1 / (2 * Math.sqrt(Z)), Z });
      expect(generalizationBound(3, Q, 'v5-appendix', { Z }).lnBound).toBeCloseTo(b4.lnBound, 10);
    }
    expect(MAX_SATISFIABLE_Z).toBe(4);
  });

  it('peaks', () => {
    expect(generalizationPeak('v5-main')).toBe(90);
    expect(generalizationPeak('v3')).toBe(48 ** 4);
    expect(generalizationPeak('v5-appendix')).toBe(924);
    expect(generalizationPeak('v5-appendix', { Z: 2 })).toBeCloseTo((2 * appendixExponentRatio(2, 'lemmaB3').den) / 256, 12);
  });
});

describe('scaling law (THEORY §7)', () => {
  it('Q_min and first Q below a level', () => {
    expect(qMin(10, 0.05)).toBe(880);
    expect(firstQBelow(10, 1)).toBe(728);
    expect(qMin(1, 1.99)).toBe(1);
    // the bound at Q = 1 is 2K e^{-1/45} ≈ 1.956 K
    expect(qMin(1, 1.96)).toBe(1);
    expect(qMin(1, 1.95)).toBeGreaterThan(90);
    expect(qMin(2, 3.92)).toBe(1);
    expect(qMin(1, 0.05, 'v3')).toBe(7586615972);
    expect(qMin(1, 0.05, 'v5-appendix')).toBe(10237);
    expect(qMin(1, 0.05, 'v5-appendix', { Z: 2 })).toBeGreaterThan(10237);
    expect(qMin(1, 1e300, 'v3')).toBe(1);
  });
});

describe('refined forms (THEORY §4, §8)', () => {
  it('ε at its largest allowed value', () => {
    const e = refinedEpsilon(1 / 320, 1);
    expect(e.epsilon).toBeCloseTo(20 / 3, 14);
    expect(e.lnEpsilon).toBeCloseTo(Math.log(20 / 3), 14);
    expect(e.epsilonTimesV).toBe(1 / 48);
    expect(refinedEpsilon(1 / 320, 1, 'theoremB4Proof').epsilon).toBeCloseTo(40 / 3, 13);
    expect(refinedEpsilon(0.01, 3).epsilon).toBeCloseTo(1 / (16 * 0.01 * 5), 14);
    expect(refinedEpsilon(0)).toEqual({ epsilon: Number.MAX_VALUE, lnEpsilon: Number.MAX_VALUE, epsilonTimesV: 1 / 48 });
    for (const ed of EDITIONS) expect(defaultEpsilonRule(ed)).toBe('lemmaB3');
  });

  it('v = 0 limits: probability 1, bound 0', () => {
    const p = concentrationProbability({ K: 1, Q: 10, d: 5, v: 0 });
    expect(p).toEqual({ probability: 1, lnFailureTerm: -Number.MAX_VALUE, vacuous: false, epsilon: Number.MAX_VALUE });
    const b = refinedGeneralizationBound({ K: 1, Q: 10, d: 5, v: 0, lb: 0.5 });
    expect(b).toEqual({ bound: 0, lnBound: -Number.MAX_VALUE, vacuous: false, reconstructed: true, epsilon: Number.MAX_VALUE });
  });

  it('Lemma B.1 against its display', () => {
    const [K, Q, d, v, Z, c] = [2, 700, 50, 1e-3, 2, 0.7];
    const eps = 1 / (16 * v * (Z + 2));
    const A = (8 * Z + 4) * K * Q * Q;
    const expected = 1 - A * Math.exp(-(eps * eps) / 16) - A * Math.exp(-c * (eps / v) * Math.min(1, eps / (d * v)));
    const p = concentrationProbability({ K, Q, d, v, Z, c });
    expect(p.probability).toBeCloseTo(expected, 12);
    expect(p.vacuous).toBe(expected <= 0);
    expect(p.epsilon).toBeCloseTo(eps, 12);
    // the second term binds when d v is large: ε/(dv) < 1
    const [d2, v2] = [1e6, 0.05];
    const e2 = 1 / (16 * v2 * 3);
    const A2 = 12 * Q * Q;
    const exp2 = 1 - A2 * Math.exp(-(e2 * e2) / 16) - A2 * Math.exp(-(e2 / v2) * (e2 / (d2 * v2)));
    expect(concentrationProbability({ K: 1, Q, d: d2, v: v2 }).probability / exp2).toBeCloseTo(1, 13);
    expect(concentrationProbability({ K: 1, Q: 1000, d: 100, v: 1 / (32 * Math.sqrt(1000)) }).vacuous).toBe(false);
    expect(concentrationProbability({ K: 1, Q: 100, d: 100, v: 1 / (32 * Math.sqrt(100)) }).vacuous).toBe(true);
  });

  it('Theorem B.4 against its display', () => {
    const [K, Q, d, v, lb, Z] = [3, 2000, 40, 2e-3, 0.4, 1];
    const eps = 1 / (16 * v * (Z + 2));
    const expected = 2 * K * Q * Q * Math.exp(-(eps * eps) / (2 * (1 + lb * lb + d * v * v + 2 * eps * v)));
    const b = refinedGeneralizationBound({ K, Q, d, v, lb, Z });
    expect(b.bound / expected).toBeCloseTo(1, 12);
    expect(b.vacuous).toBe(expected >= 1);
    expect(b.reconstructed).toBe(true);
    const loose = refinedGeneralizationBound({ K: 1, Q: 100, d: 10, v: 0.1, lb: 0.5 });
    expect(loose.vacuous).toBe(true);
  });
});

describe('conditions (THEORY §3, §8)', () => {
  const base = { K: 2, Q: 100, d: 10, v: 1e-3, lb: 0.5 };

  it('all seven, in order, holding for a configuration inside them', () => {
    const cs = theoremConditions(base);
    expect(cs.map((c) => c.id)).toEqual([...CONDITION_IDS]);
    expect(cs.every((c) => c.holds)).toBe(true);
    expect(byId(cs, 'size').appliesTo).toEqual(['theorem43']);
    expect(byId(cs, 'Z').appliesTo).toEqual(['theorem42', 'theorem43']);
  });

  it('slack is allowed/constrained: >= 1 iff holds', () => {
    const cs = theoremConditions({ ...base, d: 1000, v: 4e-3 });
    const dim = byId(cs, 'dim');
    expect(dim).toMatchObject({ holds: false, lhs: 1000, rhs: 500, slack: 0.5, relation: '<=' });
    const dimK = byId(theoremConditions({ ...base, K: 19, d: 10 }), 'dimK');
    expect(dimK).toMatchObject({ holds: false, lhs: 10, rhs: 20, slack: 0.5, relation: '>=' });
    const noise = byId(cs, 'noise');
    expect(noise.rhs).toBeCloseTo(1 / 320, 16);
    expect(noise.slack).toBeCloseTo(1 / 320 / 4e-3, 14);
    expect(noise.holds).toBe(false);
    const size = byId(theoremConditions({ ...base, Q: 20, d: 10 }), 'size');
    expect(size).toMatchObject({ holds: false, lhs: 20, rhs: MIN_Q_THEOREM43, slack: 0.5 });
    const exact = byId(theoremConditions({ ...base, Q: 40 }), 'size');
    expect(exact).toMatchObject({ holds: true, slack: 1 });
  });

  it('noise and Z limits by edition', () => {
    expect(noiseLimit(100, 'v5-main')).toBe(1 / 320);
    expect(noiseLimit(100, 'v5-appendix')).toBe(1 / 40);
    expect(noiseLimit(100, 'v3')).toBe(1 / 40);
    expect(byId(theoremConditions({ ...base, v: 0.01 }, 'v5-appendix'), 'noise').holds).toBe(true);
    expect(byId(theoremConditions({ ...base, v: 0.01 }, 'v5-main'), 'noise').holds).toBe(false);
    expect(zLimit(100, 0.25, 'v5-main')).toBe(4);
    expect(zLimit(16, 0.25, 'v3')).toBe(0);
    expect(zLimit(10_000, 0.25, 'v3')).toBe(4);
    expect(zLimit(81, 0.25, 'v3')).toBe(1);
    expect(zLimit(1e6, 1e-200, 'v5-main')).toBe(Number.MAX_VALUE);
    const z3 = byId(theoremConditions({ ...base, Q: 16, lb: 0.25 }, 'v3'), 'Z');
    expect(z3).toMatchObject({ holds: false, rhs: 0, slack: 0 });
    const z3b = byId(theoremConditions({ ...base, Q: 81, lb: 0.25, Z: 2 }, 'v3'), 'Z');
    expect(z3b).toMatchObject({ holds: false, rhs: 1, slack: 0.5 });
    const z5 = byId(theoremConditions({ ...base, lb: 0.25, Z: 3 }), 'Z');
    expect(z5).toMatchObject({ holds: true, rhs: 4, slack: 4 / 3 });
    expect(byId(theoremConditions({ ...base, lb: 1e-200, Z: 2 }), 'Z').slack).toBe(Number.MAX_VALUE);
    expect(byId(theoremConditions({ ...base, lb: 0.3 }, 'v3'), 'Z').statement).toContain('Q^{1/4}');
    expect(byId(theoremConditions({ ...base }, 'v5-main'), 'noise').statement).toContain('32');
    expect(byId(theoremConditions({ ...base }, 'v3'), 'noise').statement).toContain('1/(4 sqrt Q)');
  });

  it('shared reports the nearer end, in ratio', () => {
    const low = byId(theoremConditions({ ...base, lb: 0.3 }), 'shared');
    expect(low).toMatchObject({ holds: true, rhs: 0.25, relation: '>=' });
    expect(low.slack).toBeCloseTo(1.2, 15);
    const high = byId(theoremConditions({ ...base, lb: 0.45 }), 'shared');
    expect(high).toMatchObject({ holds: true, rhs: 0.5, relation: '<=' });
    expect(high.slack).toBeCloseTo(0.5 / 0.45, 15);
    expect(byId(theoremConditions({ ...base, lb: 0.2 }), 'shared')).toMatchObject({ holds: false, rhs: 0.25, slack: 0.8 });
    expect(byId(theoremConditions({ ...base, lb: 1 }), 'shared')).toMatchObject({ holds: false, rhs: 0.5, slack: 0.5 });
    expect(byId(theoremConditions({ ...base, lb: 0.25 }), 'shared')).toMatchObject({ holds: true, slack: 1 });
  });

  it('v = 0 and δ = 0 give slack MAX_VALUE; δ past the Appendix C limit fails', () => {
    const cs = theoremConditions({ ...base, v: 0 });
    expect(byId(cs, 'noise')).toMatchObject({ holds: true, slack: Number.MAX_VALUE });
    expect(byId(cs, 'ortho')).toMatchObject({ holds: true, lhs: 0, rhs: 1 / 384, slack: Number.MAX_VALUE });
    expect(byId(theoremConditions({ ...base, delta: 1 / 384 }), 'ortho').holds).toBe(true);
    expect(byId(theoremConditions({ ...base, delta: 0.01 }), 'ortho')).toMatchObject({ holds: false });
    expect(byId(theoremConditions({ ...base, delta: 1 / 256 }, 'v5-main', 'theoremB4Proof'), 'ortho').rhs).toBe(1 / 192);
    expect(byId(theoremConditions({ ...base, delta: 0.001, Z: 2, lb: 0.25 }), 'ortho').rhs).toBe(1 / 512);
  });
});

describe('Appendix C, failure mode, certificate', () => {
  it('Appendix C limit and halved slope', () => {
    expect(approximateOrthogonalityLimit(1)).toBe(1 / 384);
    expect(approximateOrthogonalityLimit(2, 'theoremB4Proof')).toBe(1 / 256);
    const s = approximateOrthogonalSandwich(10, 2, 3);
    expect(s.lowerSlope).toBeCloseTo(4 / (16 * 10 * 3), 16);
    expect(s.upperSlope).toBeCloseTo(20 / 30, 15);
    expect(s.tau1).toBeCloseTo((10 * 3 * LN3) / 20, 15);
    expect(s.window).toEqual([LN3 / 80, LN3]);
    const a = approximateOrthogonality({ K: 10, delta: 0.001 });
    expect(a).toMatchObject({ delta: 0.001, limit: 1 / 384, holds: true, lowerSlope: 1 / 160 });
    expect(approximateOrthogonality({ K: 10, delta: 0.01, beta: 2, tau: 3, Z: 1, epsilonRule: 'theoremB4Proof' })).toMatchObject({ holds: false, limit: 1 / 192, upperSlope: s.upperSlope });
  });

  it('failure mode', () => {
    expect(failureModeThreshold(1).threshold).toBe(3);
    expect(failureModeThreshold(0.5).threshold).toBe(9);
    expect(failureModeThreshold(2).lnThreshold).toBe(LN3 / 2);
    expect(failureModeThreshold(1e-3)).toEqual({ threshold: Number.MAX_VALUE, lnThreshold: 1000 * LN3 });
    expect(inFailureMode(Math.log(10), 1)).toBe(true);
    expect(inFailureMode(Math.log(2), 1)).toBe(false);
    expect(inFailureMode(LN3, 1)).toBe(false);
    expect(inFailureMode(Math.log(10), 0.5)).toBe(true);
    expect(inFailureMode(Math.log(8), 0.5)).toBe(false);
  });

  it('certificate rows, sets, slopes and test samples', () => {
    expect(rowCertificate({ P: 2, M: 0 }, 2, 1)).toEqual({ lambda: 0.25, Lambda: 0.5, lambdaRequired: 0.125, LambdaAllowed: 5, holds: true });
    expect(rowCertificate({ P: 2, M: 1 }, 4, 1)).toMatchObject({ lambda: 0, Lambda: 0.1875, holds: false });
    expect(rowCertificate({ P: 0.5, M: 0 }, 1, 1)).toMatchObject({ lambda: 0.125, holds: true });
    expect(rowCertificate({ P: 20, M: 0 }, 2, 1)).toMatchObject({ Lambda: 5, holds: true });
    expect(rowCertificate({ P: 21, M: 0 }, 2, 1)).toMatchObject({ holds: false });
    expect(rowCertificate({ P: 1, M: 0 }, 1, 2).lambdaRequired).toBe(1 / 16);
    expect(rowCertificate({ P: 1, M: 0 }, 1, 2).LambdaAllowed).toBe(2.5);
    const set = trainingSetCertificate([{ P: 2, M: 0 }, { P: 3, M: 1 }, { P: 0.1, M: 0 }], 2, 1);
    expect(set).toEqual({ minLambda: 0.1 / 8, maxLambda: (1.5 - 0.25) / 2, lambdaRequired: 0.125, LambdaAllowed: 5, holds: false, failingRows: [2] });
    expect(trainingSetCertificate([{ P: 2, M: 0 }, { P: 3, M: 1 }], 2, 1).holds).toBe(true);
    expect(certifiedSlopes(0.25, 0.5, 2, 4)).toEqual({ lowerSlope: 0.25, upperSlope: 0.5 });
    expect(certifiedSlopes(-0.25, 0, 2, 4)).toEqual({ lowerSlope: -0.25, upperSlope: 0 });
    expect(testSampleCertificate({ P: 1, M: 0.4 })).toEqual({ value: 0.25 - 0.2, holds: true });
    expect(testSampleCertificate({ P: 1, M: 0.5 })).toEqual({ value: 0, holds: false });
  });
});

describe('boundsReport', () => {
  it('defaults, sections and flags', () => {
    const r = boundsReport({ K: 10, Q: 880, d: 100, v: 1e-4, lb: 0.5 });
    expect(r.edition).toBe('v5-main');
    expect(r.inputs).toEqual({ K: 10, Q: 880, d: 100, v: 1e-4, lb: 0.5, Z: 1, beta: 1, tau: 1, c: 1, delta: null });
    expect(r.epsilonRule).toBe('lemmaB3');
    expect(r.conditions.map((c) => c.id)).toEqual([...CONDITION_IDS]);
    expect(r.theorem42ConditionsHold).toBe(true);
    expect(r.theorem43ConditionsHold).toBe(true);
    expect(r.theorem42).toMatchObject({ lowerSlope: 1 / 80, upperSlope: 0.5, vacuous: true });
    expect(r.theorem42.window).toEqual([LN3 / 40, LN3]);
    expect(r.theorem43.bound).toBeLessThan(0.05);
    expect(r.theorem43.vacuous).toBe(false);
    expect(r.theorem43.lnBound).toBeCloseTo(Math.log(2 * 10 * 880 * 880) - 880 / 45, 12);
    expect(r.lemmaB1.vacuous).toBe(false);
    expect(r.theoremB4.reconstructed).toBe(true);
    expect(r.failureMode).toEqual({ threshold: 3, lnThreshold: LN3 });
    expect(r.appendixC).toBeUndefined();
    expect('appendixC' in r).toBe(false);
  });

  it('size fails Theorem 4.3 only; δ adds Appendix C; editions and parameters flow through', () => {
    const r = boundsReport({ K: 2, Q: 20, d: 10, v: 1e-3, lb: 0.5, Z: 1, beta: 2, tau: 3, c: 0.5, delta: 0.001, edition: 'v3' });
    expect(r.edition).toBe('v3');
    expect(r.theorem42ConditionsHold).toBe(false); // v3's Z <= Q^{1/4} - 2 fails at Q = 20
    expect(byId(r.conditions, 'Z').holds).toBe(false);
    expect(r.theorem43.form).toContain('Q^{1/4}');
    expect(r.appendixC).toMatchObject({ delta: 0.001, holds: true, lowerSlope: 4 / (16 * 2 * 3) });
    expect(r.theorem42.lowerSlope).toBe(4 / (8 * 2 * 3));
    expect(r.theorem42.probability).toBe(trainingProbability(2, 20, 0.5).probability);
    expect(r.lemmaB1.probability).toBe(concentrationProbability({ K: 2, Q: 20, d: 10, v: 1e-3, Z: 1, c: 0.5 }).probability);
    expect(r.failureMode.lnThreshold).toBe(LN3 / 2);
    const m = boundsReport({ K: 2, Q: 20, d: 10, v: 1e-3, lb: 0.5 });
    expect(m.theorem42ConditionsHold).toBe(true);
    expect(m.theorem43ConditionsHold).toBe(false);
    const a = boundsReport({ K: 2, Q: 2000, d: 10, v: 1e-3, lb: 0.5, edition: 'v5-appendix', Z: 2 });
    expect(a.theorem43.lnBound).toBe(generalizationBound(2, 2000, 'v5-appendix', { Z: 2 }).lnBound);
    const beyond = boundsReport({ K: 2, Q: 2000, d: 10, v: 1e-3, lb: 0.2, edition: 'v5-appendix', Z: 5 });
    expect(beyond.theorem43.form).toContain('Q/45');
    expect(beyond.theoremB4.lnBound).toBe(refinedGeneralizationBound({ K: 2, Q: 2000, d: 10, v: 1e-3, lb: 0.2, Z: 5 }).lnBound);
  });
});

/**
 * Invalid input throws InvalidInputError naming the field, for every public function of
 * src/theory (non-integer or < 1 counts, negative v, l_b <= 0, β <= 0, τ <= 0, NaN, ±Infinity).
 */
import { describe, expect, it } from 'vitest';
import {
  InvalidInputError,
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
  requireCount,
  requireEdition,
  requireEpsilonRule,
  rowCertificate,
  testSampleCertificate,
  theoremConditions,
  tokenSharingZ,
  trainingMarginSandwich,
  trainingMarginSandwichV3,
  trainingProbability,
  trainingSetCertificate,
  zLimit,
  type Edition,
  type EpsilonRule,
} from '../../src/theory/index.ts';

function fieldOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    return (e as InvalidInputError).field;
  }
  throw new Error('did not throw');
}

const BAD_COUNTS = [0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53];
const BAD_POSITIVE = [0, -1, NaN, Infinity, -Infinity];
const BAD_NON_NEGATIVE = [-1e-300, NaN, Infinity];
const VALID = { K: 2, Q: 100, d: 10, v: 1e-3, lb: 0.5 };

describe('invalid input names its field', () => {
  it('requireCount rejects non-counts and 2^53, accepts 2^53 - 1', () => {
    for (const x of BAD_COUNTS) expect(fieldOf(() => requireCount('K', x))).toBe('K');
    expect(requireCount('K', Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(requireCount('K', 1)).toBe(1);
  });

  it('editions and ε rules', () => {
    expect(fieldOf(() => requireEdition('v4'))).toBe('edition');
    expect(requireEdition('v3')).toBe('v3');
    expect(fieldOf(() => requireEpsilonRule('B5'))).toBe('epsilonRule');
    expect(requireEpsilonRule('theoremB4Proof')).toBe('theoremB4Proof');
    expect(fieldOf(() => defaultEpsilonRule('x' as Edition))).toBe('edition');
    expect(fieldOf(() => refinedEpsilon(0.1, 1, 'x' as EpsilonRule))).toBe('epsilonRule');
    expect(fieldOf(() => generalizationBound(1, 100, 'v6' as Edition))).toBe('edition');
    expect(fieldOf(() => generalizationPeak('v6' as Edition))).toBe('edition');
    expect(fieldOf(() => qMin(1, 0.05, 'v6' as Edition))).toBe('edition');
    expect(fieldOf(() => noiseLimit(10, 'v6' as Edition))).toBe('edition');
    expect(fieldOf(() => zLimit(10, 0.5, 'v6' as Edition))).toBe('edition');
    expect(fieldOf(() => theoremConditions(VALID, 'v6' as Edition))).toBe('edition');
    expect(fieldOf(() => boundsReport({ ...VALID, edition: 'v6' as Edition }))).toBe('edition');
  });

  it('Theorem 4.2 functions', () => {
    for (const x of BAD_COUNTS) {
      expect(fieldOf(() => trainingMarginSandwich(x))).toBe('K');
      expect(fieldOf(() => trainingProbability(x, 10))).toBe('K');
      expect(fieldOf(() => trainingProbability(1, x))).toBe('Q');
      expect(fieldOf(() => trainingMarginSandwichV3(x, 10))).toBe('N');
      expect(fieldOf(() => trainingMarginSandwichV3(10, x))).toBe('Q');
      expect(fieldOf(() => firstNonVacuousQ(x))).toBe('K');
    }
    for (const x of BAD_POSITIVE) {
      expect(fieldOf(() => trainingMarginSandwich(1, x))).toBe('beta');
      expect(fieldOf(() => trainingMarginSandwich(1, 1, x))).toBe('tau');
      expect(fieldOf(() => trainingMarginSandwichV3(2, 1, x))).toBe('beta');
      expect(fieldOf(() => trainingMarginSandwichV3(2, 1, 1, x))).toBe('tau');
      expect(fieldOf(() => trainingProbability(1, 10, x))).toBe('c');
      expect(fieldOf(() => firstNonVacuousQ(1, x))).toBe('c');
    }
  });

  it('generalisation bounds and the scaling law', () => {
    for (const x of BAD_COUNTS) {
      expect(fieldOf(() => generalizationBound(x, 10))).toBe('K');
      expect(fieldOf(() => generalizationBound(1, x))).toBe('Q');
      expect(fieldOf(() => generalizationExponent(x, 'v3'))).toBe('Q');
      expect(fieldOf(() => qMin(x, 0.05))).toBe('K');
      expect(fieldOf(() => appendixExponentRatio(x, 'lemmaB3'))).toBe('Z');
    }
    for (const x of BAD_POSITIVE) {
      expect(fieldOf(() => qMin(1, x))).toBe('eta');
      expect(fieldOf(() => firstQBelow(1, x))).toBe('level');
    }
    expect(fieldOf(() => generalizationBound(1, 10, 'v5-appendix', { Z: 5 }))).toBe('Z');
    expect(fieldOf(() => qMin(1, 0.05, 'v5-appendix', { Z: 5 }))).toBe('Z');
    expect(fieldOf(() => generalizationBound(1, 10, 'v5-appendix', { epsilonRule: 'x' as EpsilonRule }))).toBe('epsilonRule');
    expect(appendixExponentRatio(4, 'lemmaB3').num).toBe(512);
  });

  it('refined forms', () => {
    for (const key of ['K', 'Q', 'd', 'Z'] as const) {
      for (const x of BAD_COUNTS) {
        expect(fieldOf(() => concentrationProbability({ ...VALID, [key]: x }))).toBe(key);
        expect(fieldOf(() => refinedGeneralizationBound({ ...VALID, [key]: x }))).toBe(key);
      }
    }
    for (const x of BAD_NON_NEGATIVE) {
      expect(fieldOf(() => concentrationProbability({ ...VALID, v: x }))).toBe('v');
      expect(fieldOf(() => refinedGeneralizationBound({ ...VALID, v: x }))).toBe('v');
      expect(fieldOf(() => refinedEpsilon(x))).toBe('v');
    }
    for (const x of BAD_POSITIVE) {
      expect(fieldOf(() => concentrationProbability({ ...VALID, c: x }))).toBe('c');
      expect(fieldOf(() => refinedGeneralizationBound({ ...VALID, lb: x }))).toBe('lb');
    }
    expect(fieldOf(() => concentrationProbability({ ...VALID, epsilonRule: 'x' as EpsilonRule }))).toBe('epsilonRule');
    expect(fieldOf(() => refinedGeneralizationBound({ ...VALID, epsilonRule: 'x' as EpsilonRule }))).toBe('epsilonRule');
  });

  it('conditions and the report', () => {
    for (const key of ['K', 'Q', 'd', 'Z'] as const) {
      for (const x of BAD_COUNTS) {
        expect(fieldOf(() => theoremConditions({ ...VALID, [key]: x }))).toBe(key);
        expect(fieldOf(() => boundsReport({ ...VALID, [key]: x }))).toBe(key);
      }
    }
    for (const x of BAD_NON_NEGATIVE) {
      expect(fieldOf(() => theoremConditions({ ...VALID, v: x }))).toBe('v');
      expect(fieldOf(() => theoremConditions({ ...VALID, delta: x }))).toBe('delta');
      expect(fieldOf(() => boundsReport({ ...VALID, v: x }))).toBe('v');
      expect(fieldOf(() => boundsReport({ ...VALID, delta: x }))).toBe('delta');
    }
    for (const x of BAD_POSITIVE) {
      expect(fieldOf(() => theoremConditions({ ...VALID, lb: x }))).toBe('lb');
      for (const key of ['lb', 'beta', 'tau', 'c'] as const) expect(fieldOf(() => boundsReport({ ...VALID, [key]: x }))).toBe(key);
      expect(fieldOf(() => zLimit(10, x, 'v5-main'))).toBe('lb');
    }
    for (const x of BAD_COUNTS) {
      expect(fieldOf(() => noiseLimit(x, 'v5-main'))).toBe('Q');
      expect(fieldOf(() => zLimit(x, 0.5, 'v5-main'))).toBe('Q');
    }
  });

  it('Appendix C, failure mode, certificate, token sharing', () => {
    for (const x of BAD_COUNTS) {
      expect(fieldOf(() => approximateOrthogonalityLimit(x))).toBe('Z');
      expect(fieldOf(() => approximateOrthogonalSandwich(x))).toBe('K');
      expect(fieldOf(() => rowCertificate({ P: 1, M: 0 }, x, 1))).toBe('N');
      expect(fieldOf(() => rowCertificate({ P: 1, M: 0 }, 1, x))).toBe('K');
      expect(fieldOf(() => trainingSetCertificate([{ P: 1, M: 0 }], 1, x))).toBe('K');
    }
    for (const x of BAD_POSITIVE) {
      expect(fieldOf(() => approximateOrthogonalSandwich(1, x))).toBe('beta');
      expect(fieldOf(() => approximateOrthogonalSandwich(1, 1, x))).toBe('tau');
      expect(fieldOf(() => failureModeThreshold(x))).toBe('beta');
      expect(fieldOf(() => inFailureMode(1, x))).toBe('beta');
      expect(fieldOf(() => certifiedSlopes(0.1, 0.2, x))).toBe('beta');
      expect(fieldOf(() => certifiedSlopes(0.1, 0.2, 1, x))).toBe('tau');
    }
    for (const x of BAD_NON_NEGATIVE) {
      expect(fieldOf(() => approximateOrthogonality({ K: 1, delta: x }))).toBe('delta');
      expect(fieldOf(() => rowCertificate({ P: x, M: 0 }, 1, 1))).toBe('row.P');
      expect(fieldOf(() => rowCertificate({ P: 1, M: x }, 1, 1))).toBe('row.M');
      expect(fieldOf(() => testSampleCertificate({ P: x, M: 0 }))).toBe('row.P');
      expect(fieldOf(() => trainingSetCertificate([{ P: 1, M: 0 }, { P: 1, M: x }], 1, 1))).toBe('rows[1].M');
    }
    expect(fieldOf(() => approximateOrthogonalityLimit(1, 'x' as EpsilonRule))).toBe('epsilonRule');
    expect(fieldOf(() => inFailureMode(NaN, 1))).toBe('lnReferenceOdds');
    expect(fieldOf(() => certifiedSlopes(NaN, 0.2))).toBe('lambda');
    expect(fieldOf(() => certifiedSlopes(0.1, Infinity))).toBe('Lambda');
    expect(fieldOf(() => trainingSetCertificate([], 1, 1))).toBe('rows');
    expect(fieldOf(() => tokenSharingZ([]))).toBe('pairs');
    expect(fieldOf(() => tokenSharingZ([[1, 1]]))).toBe('pairs');
    expect(fieldOf(() => tokenSharingZ([[0, 1], [-1, 2]]))).toBe('pairs');
    expect(fieldOf(() => tokenSharingZ([[0, 1.5]]))).toBe('pairs');
  });
});

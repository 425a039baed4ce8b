import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import {
  binomialTest,
  clopperPearson,
  clopperPearsonLower,
  clopperPearsonUpper,
  compensatedSum,
  failureRatesAgree,
  fisherExactTest,
  intervalsOverlap,
  linearFit,
  quantile,
  summarize,
} from '../../src/check/statistics.ts';
import { InvalidInputError } from '../../src/theory/errors.ts';

/** Relative agreement demanded with scipy: both evaluate the same exact formulas in float64. */
const REL = 1e-9;

function expectClose(actual: number, expected: number, rel = REL): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-300));
}

function expectField(fn: () => unknown, field: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    expect((e as InvalidInputError).field).toBe(field);
    return;
  }
  throw new Error(`expected InvalidInputError(${field})`);
}

describe('clopperPearson', () => {
  // Reference values from scipy 1.17.1:
  //   stats.binomtest(k, n).proportion_ci(0.95, 'exact')
  it.each([
    [0, 10, 0, 0.30849710781876294],
    [3, 10, 0.06673951117773447, 0.652452850060008],
    [10, 10, 0.6915028921812371, 1],
    [1, 1, 0.025000000000000022, 1],
    [0, 1, 0, 0.975],
    [5, 100, 0.016431879181728278, 0.11283491110546288],
    [17, 50, 0.21205471343538201, 0.48765248772158604],
  ])('%i of %i matches scipy', (k, n, lo, hi) => {
    const [low, high] = clopperPearson(k, n);
    // scipy's two routes (beta.ppf vs proportion_ci) differ at 1e-11; allow 1e-9.
    expectClose(low, lo);
    expectClose(high, hi);
  });

  it('is [0, 1] with no runs', () => {
    expect(clopperPearson(0, 0)).toEqual([0, 1]);
  });

  it('widens with the level', () => {
    const [l90, h90] = clopperPearson(3, 20, 0.9);
    const [l99, h99] = clopperPearson(3, 20, 0.99);
    expect(l99).toBeLessThan(l90);
    expect(h99).toBeGreaterThan(h90);
  });

  fcTest.prop([fc.integer({ min: 1, max: 400 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)))])(
    'contains the observed rate and lies in [0, 1]',
    ([k, n]) => {
      const [low, high] = clopperPearson(k, n);
      expect(low).toBeGreaterThanOrEqual(0);
      expect(high).toBeLessThanOrEqual(1);
      expect(low).toBeLessThanOrEqual(k / n);
      expect(high).toBeGreaterThanOrEqual(k / n);
    },
  );

  it('rejects invalid input naming the field', () => {
    expectField(() => clopperPearson(4, 3), 'failures');
    expectField(() => clopperPearson(-1, 3), 'failures');
    expectField(() => clopperPearson(1.5, 3), 'failures');
    expectField(() => clopperPearson(0, -1), 'runs');
    expectField(() => clopperPearson(0, 10, 1), 'level');
    expectField(() => clopperPearson(0, 10, Number.NaN), 'level');
  });
});

describe('clopperPearsonUpper', () => {
  // scipy: stats.beta.ppf(0.95, k+1, n-k); for k = 0 also 1 - 0.05**(1/n).
  it.each([
    [0, 10, 0.2588655508930523],
    [0, 59, 0.049507609888227],
    [0, 100, 0.029513049607039932],
    [3, 10, 0.6066242161054123],
    [2, 300, 0.020836230527024657],
  ])('%i of %i matches scipy', (k, n, expected) => {
    expectClose(clopperPearsonUpper(k, n), expected);
  });

  it('is 1 - 0.05^{1/n} for 0 failures (the "held" bound)', () => {
    for (const n of [1, 7, 30, 1000, 100000]) expectClose(clopperPearsonUpper(0, n), 1 - 0.05 ** (1 / n), 1e-12);
  });

  it('is 1 with no runs and at k = n', () => {
    expect(clopperPearsonUpper(0, 0)).toBe(1);
    expect(clopperPearsonUpper(5, 5)).toBe(1);
  });

  it('lower bound mirrors the upper bound', () => {
    for (const [k, n] of [
      [0, 10],
      [3, 10],
      [10, 10],
      [7, 31],
    ]) {
      expectClose(clopperPearsonLower(k, n), 1 - clopperPearsonUpper(n - k, n), 1e-9);
    }
  });
});

describe('binomialTest', () => {
  // scipy: stats.binomtest(k, n, p, alternative=...).pvalue, for two-sided / greater / less.
  it.each([
    [3, 10, 0.1, 0.0701908264, 0.0701908264, 0.9872048016],
    [0, 20, 0.05, 0.6226463974646921, 1, 0.3584859224085422],
    [7, 20, 0.2, 0.09822172861346881, 0.08669251356740035, 0.9678573369191248],
    [1, 30, 0.2, 0.020015612508648244, 0.9987620599607147, 0.010522490333925749],
    [50, 100, 0.5, 1, 0.5397946186935889, 0.5397946186935889],
    [12, 40, 0.1, 0.00038083426673634285, 0.00038083426673634285, 0.9999115523877465],
    [0, 10, 0.5, 0.001953125, 1, 0.0009765625],
  ])('%i of %i at p=%f matches scipy', (k, n, p, two, greater, less) => {
    expectClose(binomialTest(k, n, p, 'two-sided'), two, 1e-8);
    expectClose(binomialTest(k, n, p, 'greater'), greater, 1e-8);
    expectClose(binomialTest(k, n, p, 'less'), less, 1e-8);
  });

  it('handles degenerate probabilities and no runs', () => {
    expect(binomialTest(0, 10, 0)).toBe(1);
    expect(binomialTest(1, 10, 0)).toBe(0);
    expect(binomialTest(10, 10, 1)).toBe(1);
    expect(binomialTest(0, 0, 0.3)).toBe(1);
  });

  it('rejects a probability outside [0, 1]', () => {
    expectField(() => binomialTest(1, 10, 1.5), 'p');
  });
});

describe('fisherExactTest and failureRatesAgree', () => {
  // scipy: stats.fisher_exact([[fa, na-fa], [fb, nb-fb]], alternative=...).pvalue
  it.each([
    [3, 10, 9, 10, 0.019766611097880443, 0.009883305548940223, 0.9996427720885925],
    [0, 50, 5, 50, 0.05628449442882433, 0.028142247214412164, 1],
    [2, 100, 2, 100, 1, 0.6893987705022575, 0.6893987705022575],
    [1, 10, 11, 14, 0.0027594561852200836, 0.0013797280926100418, 0.9999663480953022],
    [0, 10, 0, 20, 1, 1, 1],
  ])('%i/%i vs %i/%i matches scipy', (fa, na, fb, nb, two, less, greater) => {
    const a = { failures: fa, runs: na };
    const b = { failures: fb, runs: nb };
    expectClose(fisherExactTest(a, b), two, 1e-9);
    expectClose(fisherExactTest(a, b, 'less'), less, 1e-9);
    expectClose(fisherExactTest(a, b, 'greater'), greater, 1e-9);
  });

  it('declares equal counts in agreement and very different ones not', () => {
    expect(failureRatesAgree({ failures: 2, runs: 100 }, { failures: 2, runs: 100 }).agree).toBe(true);
    const far = failureRatesAgree({ failures: 1, runs: 10 }, { failures: 11, runs: 14 });
    expect(far.agree).toBe(false);
    expect(intervalsOverlap(far.intervalA, far.intervalB)).toBe(false);
  });

  it('intervalsOverlap is symmetric and closed', () => {
    expect(intervalsOverlap([0, 1], [1, 2])).toBe(true);
    expect(intervalsOverlap([1, 2], [0, 1])).toBe(true);
    expect(intervalsOverlap([0, 1], [1.5, 2])).toBe(false);
  });
});

describe('linearFit', () => {
  // The paper's tables (THEORY §7): test error on K = 1, 2, 4, 8. scipy.stats.linregress:
  //   Mistral slope 0.008104347826086957, intercept -0.005391304347826087, r² 0.9460486189770847
  //   Qwen    slope 0.026260869565217393, intercept -0.021478260869565224, r² 0.9861213827583373
  // which the paper rounds to R² = 0.95 and 0.99.
  it('reproduces the paper linear fits of test error on K', () => {
    const mistral = linearFit([1, 2, 4, 8], [0, 0.008, 0.036, 0.056]);
    expectClose(mistral.slope, 0.008104347826086957, 1e-12);
    expectClose(mistral.intercept, -0.005391304347826087, 1e-12);
    expectClose(mistral.rSquared, 0.9460486189770847, 1e-12);
    expect(mistral.rSquared.toFixed(2)).toBe('0.95');
    const qwen = linearFit([1, 2, 4, 8], [0, 0.027, 0.098, 0.183]);
    expectClose(qwen.slope, 0.026260869565217393, 1e-12);
    expectClose(qwen.rSquared, 0.9861213827583373, 1e-12);
    expect(qwen.rSquared.toFixed(2)).toBe('0.99');
  });

  it('is exact on a line and reports R² = 1 for constant y', () => {
    const fit = linearFit([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(fit.slope).toBeCloseTo(2, 14);
    expect(fit.intercept).toBeCloseTo(1, 14);
    expect(fit.rSquared).toBeCloseTo(1, 14);
    expect(linearFit([0, 1, 2], [4, 4, 4])).toMatchObject({ slope: 0, intercept: 4, rSquared: 1 });
  });

  it('rejects degenerate input', () => {
    expectField(() => linearFit([1, 1, 1], [1, 2, 3]), 'x');
    expectField(() => linearFit([1, 2], [1]), 'y');
    expectField(() => linearFit([1], [1]), 'x');
    expectField(() => linearFit([1, Number.NaN], [1, 2]), 'x[1]');
  });
});

describe('summary statistics', () => {
  // numpy: np.quantile([3.1,1.5,2.7,9.2,0.4,5.5], [0,0.05,0.25,0.5,0.9,1]) and mean.
  const sample = [3.1, 1.5, 2.7, 9.2, 0.4, 5.5];
  it('matches numpy quantiles (type 7) and mean', () => {
    const expected = [0.4, 0.675, 1.8, 2.9000000000000004, 7.35, 9.2];
    [0, 0.05, 0.25, 0.5, 0.9, 1].forEach((q, i) => expectClose(quantile(sample, q), expected[i], 1e-14));
    const s = summarize(sample);
    expect(s).toMatchObject({ n: 6, min: 0.4, max: 9.2 });
    expectClose(s.mean, 3.733333333333333, 1e-15);
    expectClose(s.median, 2.9000000000000004, 1e-15);
    expect(s.q05).toBeLessThanOrEqual(s.q25);
    expect(s.q75).toBeLessThanOrEqual(s.q95);
  });

  it('sums with compensation in a fixed order', () => {
    const values = [1e16, 1, -1e16, 1];
    expect(compensatedSum(values)).toBe(2);
    expect(compensatedSum(new Float64Array(10).fill(0.1))).toBe(1);
  });

  it('rejects empty or non-finite samples', () => {
    expectField(() => summarize([]), 'values');
    expectField(() => summarize([1, Number.POSITIVE_INFINITY]), 'values[1]');
    expectField(() => quantile([1, 2], 2), 'q');
  });
});

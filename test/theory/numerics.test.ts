/**
 * numerics.ts, highPrecision.ts and integerSearch.ts: the machinery under the bounds.
 */
import { describe, expect, it } from 'vitest';
import { firstTrueAfter } from '../../src/theory/integerSearch.ts';
import {
  ERROR_UNITS,
  FIRST_FRACTION_BITS,
  decideSign,
  iroot4,
  isqrt,
  lnFloat,
  lnInteger,
  lnTwo,
  scaleFloat,
  sumErrorBound,
  toDyadic,
} from '../../src/theory/highPrecision.ts';
import { LN3, MIN_NORMAL, clampToFinite, logSumExp, oneMinusExp, ratioOfProducts } from '../../src/theory/numerics.ts';

const F = 128;
const fixedToNumber = (x: bigint, bits = F): number => Number(x) / 2 ** bits;

describe('numerics', () => {
  it('clampToFinite maps ±Infinity to ±MAX_VALUE and rejects NaN', () => {
    expect(clampToFinite(Infinity)).toBe(Number.MAX_VALUE);
    expect(clampToFinite(-Infinity)).toBe(-Number.MAX_VALUE);
    expect(clampToFinite(-2.5)).toBe(-2.5);
    expect(() => clampToFinite(NaN)).toThrow(/NaN/);
  });

  it('logSumExp', () => {
    expect(logSumExp([Math.log(2), Math.log(3)])).toBeCloseTo(Math.log(5), 15);
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSumExp([-Infinity, Math.log(7)])).toBeCloseTo(Math.log(7), 15);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([Infinity, 0])).toBe(Infinity);
    expect(logSumExp([-5, 3, 1])).toBeCloseTo(Math.log(Math.exp(-5) + Math.exp(3) + Math.exp(1)), 14);
  });

  it('oneMinusExp is accurate near 0 and clamps', () => {
    expect(oneMinusExp(-1e-20)).toBe(1e-20);
    expect(oneMinusExp(Math.log(3))).toBeCloseTo(-2, 15);
    expect(oneMinusExp(-Infinity)).toBe(1);
    expect(oneMinusExp(1000)).toBe(-Number.MAX_VALUE);
  });

  it('ratioOfProducts: exact in range, log space outside it', () => {
    expect(ratioOfProducts([1, 1], [8, 10, 1])).toEqual({ value: 1 / 80, ln: Math.log(1 / 80) });
    const mid = ratioOfProducts([1e200, 1e200], [1e100]); // overflows only on the way
    expect(mid.value / 1e300).toBeCloseTo(1, 12);
    const huge = ratioOfProducts([1e200, 1e200], [1e-100]);
    expect(huge.value).toBe(Number.MAX_VALUE);
    expect(huge.ln).toBeCloseTo(500 * Math.LN10, 10);
    const tiny = ratioOfProducts([1e-200], [1e200]);
    expect(tiny.value).toBe(0);
    expect(tiny.ln).toBeCloseTo(-400 * Math.LN10, 10);
    // an intermediate overflow that cancels still gives the right value, via logs
    const back = ratioOfProducts([1e300, 1e300], [1e300, 1e299]);
    expect(back.value).toBeCloseTo(10, 10);
    // an intermediate subnormal is not trusted
    const sub = ratioOfProducts([1e-300, 1e-20], [1e-300]);
    expect(sub.value / 1e-20).toBeCloseTo(1, 12);
    expect(ratioOfProducts([0], [3])).toEqual({ value: 0, ln: -Number.MAX_VALUE });
    expect(ratioOfProducts([1e200, 1e200], [])).toEqual({ value: Number.MAX_VALUE, ln: 400 * Math.LN10 });
    expect(ratioOfProducts([], [1e-200, 1e-200])).toEqual({ value: Number.MAX_VALUE, ln: 400 * Math.LN10 });
    expect(ratioOfProducts([MIN_NORMAL], [1]).value).toBe(MIN_NORMAL);
    expect(ratioOfProducts([Number.MAX_VALUE], [1]).value).toBe(Number.MAX_VALUE);
    expect(LN3).toBe(Math.log(3));
  });
});

describe('highPrecision', () => {
  it('isqrt and iroot4 are exact floors', () => {
    for (let n = 0n; n < 2000n; n++) {
      const s = isqrt(n);
      expect(s * s <= n && (s + 1n) * (s + 1n) > n).toBe(true);
      const r = iroot4(n);
      expect(r ** 4n <= n && (r + 1n) ** 4n > n).toBe(true);
    }
    const big = (10n ** 40n + 12345n) ** 2n;
    expect(isqrt(big)).toBe(10n ** 40n + 12345n);
    expect(isqrt(big - 1n)).toBe(10n ** 40n + 12344n);
    expect(() => isqrt(-1n)).toThrow(/negative/);
  });

  it('ln 2, ln of integers and of floats match Math.log', () => {
    expect(fixedToNumber(lnTwo(F))).toBeCloseTo(Math.LN2, 15);
    expect(lnTwo(F)).toBe(lnTwo(F));
    for (const n of [1, 2, 3, 10, 12345, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER]) {
      expect(Math.abs(fixedToNumber(lnInteger(BigInt(n), F)) - Math.log(n))).toBeLessThan(4e-16 * Math.max(1, Math.log(n)));
    }
    expect(lnInteger(1n, F)).toBe(0n);
    expect(() => lnInteger(0n, F)).toThrow('internal: lnInteger of a non-positive number');
    for (const x of [0.05, 1e-300, 5e-324, 1.5, 1e300, Number.MAX_VALUE]) {
      expect(Math.abs(fixedToNumber(lnFloat(x, F)) - Math.log(x))).toBeLessThan(1e-15 * Math.abs(Math.log(x)) + 1e-16);
    }
    // more bits agree with fewer bits
    const hi = lnInteger(1000003n, 512);
    const lo = lnInteger(1000003n, 256);
    // within the documented error budget (ERROR_UNITS) and in fact far inside it
    expect((hi >> 256n) - lo).toBeLessThanOrEqual(1n << 16n);
    expect((hi >> 256n) - lo).toBeGreaterThanOrEqual(-(1n << 16n));
  });

  it('toDyadic is exact, including subnormals', () => {
    expect(toDyadic(1)).toEqual({ m: 1n << 52n, e: -52 });
    expect(toDyadic(0.75)).toEqual({ m: 3n << 51n, e: -53 });
    expect(toDyadic(5e-324)).toEqual({ m: 1n, e: -1074 });
    expect(() => toDyadic(0)).toThrow('internal: toDyadic needs a positive finite number');
    expect(() => toDyadic(Infinity)).toThrow();
    expect(() => toDyadic(-1)).toThrow();
  });

  it('scaleFloat', () => {
    expect(scaleFloat(0.5, 3n, 4)).toBe(24n); // 0.5·3·16
    expect(scaleFloat(3, 5n, 0)).toBe(15n);
    expect(scaleFloat(0.1, 1n, 0)).toBe(0n);
    expect(scaleFloat(2 ** -60, 1n, 64)).toBe(16n);
  });

  it('decideSign trusts the float beyond its error bound and otherwise goes exact', () => {
    let calls = 0;
    const exact = (bits: number): bigint => {
      calls++;
      return -(1n << BigInt(bits - 100)); // -2^-100
    };
    expect(decideSign(1, 0.5, exact)).toBe(1);
    expect(decideSign(-1, 0.5, exact)).toBe(-1);
    expect(calls).toBe(0);
    expect(decideSign(1e-20, 1e-10, exact)).toBe(-1);
    expect(calls).toBe(1);
    expect(decideSign(0, 0, (bits) => 1n << BigInt(bits - 100))).toBe(1);
    expect(decideSign(0.5, 0.5, (bits) => 1n << BigInt(bits - 100))).toBe(1);
    expect(decideSign(-0.5, 0.5, (bits) => -(1n << BigInt(bits - 100)))).toBe(-1);
    // a value within the error budget at 256 bits but decided at 1024
    const seen: number[] = [];
    expect(
      decideSign(0, 1, (bits) => {
        seen.push(bits);
        return bits === FIRST_FRACTION_BITS ? ERROR_UNITS : -(ERROR_UNITS + 1n);
      }),
    ).toBe(-1);
    expect(seen).toEqual([256, 1024]);
    expect(() => decideSign(0, 1, () => 0n)).toThrow(/undecided/);
    expect(() => decideSign(0, 1, () => ERROR_UNITS)).toThrow(/undecided/);
    expect(() => decideSign(0, 1, () => -ERROR_UNITS)).toThrow(/undecided/);
  });

  it('sumErrorBound is 64 ulps of the absolute sum', () => {
    expect(sumErrorBound([1, -2, 3])).toBe(64 * Number.EPSILON * 6);
    expect(sumErrorBound([])).toBe(0);
  });
});

describe('integerSearch', () => {
  it('firstTrueAfter gallops then bisects to the first true', () => {
    expect(firstTrueAfter(0, (q) => q * q >= 50, 1e6)).toBe(8);
    expect(firstTrueAfter(0, (q) => q >= 1, 10)).toBe(1);
    expect(firstTrueAfter(5, (q) => q >= 6, 10)).toBe(6);
    expect(firstTrueAfter(0, (q) => q >= 1_000_003, 2 ** 40)).toBe(1_000_003);
    expect(firstTrueAfter(0, (q) => q >= 10, 10)).toBe(10);
    expect(firstTrueAfter(0, () => false, 100)).toBeNull();
    const calls: number[] = [];
    firstTrueAfter(0, (q) => (calls.push(q), q >= 1000), 1e9);
    expect(calls.length).toBeLessThan(25);
  });
});

import { describe, expect, it } from 'vitest';
import { fmt, formatNumber } from '../../src/report/format.ts';

describe('formatNumber / fmt (the one number formatter)', () => {
  it('fmt keeps the zeros of a six-digit value in [1e5, 1e6) (they were stripped: 341330.05 printed as 34133)', () => {
    expect(fmt(341330.048684122)).toBe('341330');
    expect(fmt(100000.4)).toBe('100000');
    expect(fmt(0.5)).toBe('0.5');
    expect(fmt(1.25e-7)).toBe('1.2500e-7');
    expect(fmt(12)).toBe('12');
    expect(fmt(Number.MAX_VALUE)).toBe('∞');
    expect(fmt(null)).toBe('—');
  });

  it('writes each report style', () => {
    expect(formatNumber(0.123456, { digits: 3 })).toBe('0.123');
    expect(formatNumber(0.5, { digits: 3 })).toBe('0.500');
    expect(formatNumber(0.5, { digits: 4, trim: true })).toBe('0.5');
    expect(formatNumber(7, { digits: 3, integersBelow: Number.POSITIVE_INFINITY })).toBe('7');
    expect(formatNumber(2.5e-7, { digits: 4, plain: [1e-3, 1e5] })).toBe('2.500e-7');
    expect(formatNumber(123.456, { digits: 4, plain: [1e-3, 1e5] })).toBe('123.5');
    expect(formatNumber(0, { digits: 4, plain: [1e-3, 1e5] })).toBe('0');
  });
});

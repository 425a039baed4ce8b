import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { parseInteger, parseIntegerList, parseNumber, parsePositive, parseSeed, parseChoice } from '../../src/cli/parse.ts';
import { UsageError } from '../../src/cli/errors.ts';

describe('strict flag parsing', () => {
  it('accepts decimal and scientific numbers', () => {
    expect(parseNumber('--v', '0.001')).toBe(0.001);
    expect(parseNumber('--v', '1e-3')).toBe(0.001);
    expect(parseNumber('--v', '-2.5')).toBe(-2.5);
    expect(parseNumber('--v', '.5')).toBe(0.5);
  });

  it.each(['', ' ', 'abc', '1e', '0x10', '1,5', 'NaN', 'Infinity', '1e400', '--1', '3abc'])('rejects %j with a UsageError naming the flag', (raw) => {
    expect(() => parseNumber('--v', raw)).toThrow(UsageError);
    expect(() => parseNumber('--v', raw)).toThrow(/^--v: /);
  });

  it('integers must be whole and at least the minimum', () => {
    expect(parseInteger('--K', '16')).toBe(16);
    expect(parseInteger('--K', '1e3')).toBe(1000);
    expect(() => parseInteger('--K', '2.5')).toThrow(/--K: expected an integer/);
    expect(() => parseInteger('--K', '0')).toThrow(/--K: must be >= 1/);
    expect(() => parseInteger('--K', '1e30')).toThrow(/--K/);
  });

  it('positive numbers exclude zero', () => {
    expect(() => parsePositive('--beta', '0')).toThrow(/--beta: must be > 0/);
    expect(parsePositive('--beta', '0.01')).toBe(0.01);
  });

  it('integer lists reject empty items', () => {
    expect(parseIntegerList('--K', '1,2, 4')).toEqual([1, 2, 4]);
    expect(() => parseIntegerList('--K', '1,,2')).toThrow(/--K/);
    expect(() => parseIntegerList('--K', '1,x')).toThrow(/--K/);
  });

  it('seeds are uint32', () => {
    expect(parseSeed('--seed', '0')).toBe(0);
    expect(parseSeed('--seed', '4294967295')).toBe(4294967295);
    expect(() => parseSeed('--seed', '4294967296')).toThrow(/--seed/);
  });

  it('choices name the allowed words', () => {
    expect(parseChoice('--loss', 'dpo', ['dpo', 'ipo'])).toBe('dpo');
    expect(() => parseChoice('--loss', 'x', ['dpo', 'ipo'])).toThrow(/--loss: expected one of dpo, ipo/);
  });

  it('round-trips every finite double printed by JavaScript', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Object.is(parseNumber('--x', String(x)), x === 0 ? 0 : x) || (x === 0 && parseNumber('--x', String(x)) === 0)).toBe(true);
      }),
    );
  });
});

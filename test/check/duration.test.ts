import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { formatDuration, parseDuration } from '../../src/check/duration.ts';
import { InvalidInputError } from '../../src/theory/errors.ts';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    ['1.5h', 5_400_000],
    ['0.5s', 500],
    ['.25s', 250],
    [' 2m ', 120_000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '90', 'abc', '10x', '1m1h', '1s1s', '-5s', '0s', '1 h', '5m junk', '0.0001ms', 'ms'])(
    "rejects '%s' naming the budget field",
    (text) => {
      expect(() => parseDuration(text)).toThrow(InvalidInputError);
      try {
        parseDuration(text);
      } catch (e) {
        expect((e as InvalidInputError).field).toBe('budget');
      }
    },
  );

  it('names another field when asked', () => {
    expect(() => parseDuration('x', 'deadline')).toThrow(/^deadline:/);
  });

  fcTest.prop([fc.integer({ min: 1, max: 10 * 24 * 3_600_000 })])('formatDuration is its inverse', (ms) => {
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  it('formats zero and whole units', () => {
    expect(formatDuration(0)).toBe('0ms');
    expect(formatDuration(600_000)).toBe('10m');
    expect(formatDuration(3_601_000)).toBe('1h1s');
  });
});

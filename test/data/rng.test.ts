import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { createStream } from '../../src/data/rng.ts';
import { InvalidInputError } from '../../src/theory/errors.ts';

/** Draw count for moment checks: standard error of a mean is 1/sqrt(2e5) ≈ 0.0022. */
const DRAWS = 200_000;
/** Tolerances of about 5 standard errors: a correct sampler fails with probability < 1e-6, a wrong scale or shift fails surely. */
const MEAN_TOL = 0.012;
const VAR_TOL = 0.02;

function moments(xs: ArrayLike<number>): { mean: number; variance: number; kurtosis: number } {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i];
  m /= xs.length;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < xs.length; i++) {
    const z = (xs[i] - m) ** 2;
    m2 += z;
    m4 += z * z;
  }
  m2 /= xs.length;
  m4 /= xs.length;
  return { mean: m, variance: m2, kurtosis: m4 / (m2 * m2) };
}

describe('RandomStream', () => {
  it('uniform() is seedrandom xor4096 double() seeded with dpocheck/<seed>/<path>', () => {
    const s = createStream(42, 'a/b');
    const ref = seedrandom.xor4096('dpocheck/42/a/b').double;
    for (let i = 0; i < 1000; i++) expect(s.uniform()).toBe(ref());
  });

  it('is deterministic per (seed, path) and differs across seeds and paths', () => {
    const draw = (seed: number, path: string) => Array.from({ length: 8 }, ((s) => () => s.normal())(createStream(seed, path)));
    expect(draw(1, 'x')).toEqual(draw(1, 'x'));
    expect(draw(1, 'x')).not.toEqual(draw(2, 'x'));
    expect(draw(1, 'x')).not.toEqual(draw(1, 'y'));
  });

  it('child streams do not depend on how much the parent drew', () => {
    const a = createStream(3, 'train');
    const b = createStream(3, 'train');
    for (let i = 0; i < 17; i++) b.normal();
    expect(a.child('c').uniform()).toBe(b.child('c').uniform());
    expect(a.child('c').path).toBe('train/c');
  });

  it('fillNormal equals repeated normal() calls, including across a cached spare', () => {
    const a = createStream(5, 'n');
    const b = createStream(5, 'n');
    const out = new Float64Array(11);
    a.fillNormal(out, 0, 3, 2); // leaves a spare cached
    a.fillNormal(out, 3, 11, 2);
    for (let i = 0; i < 11; i++) expect(out[i]).toBe(2 * b.normal());
  });

  it('normal() has mean 0, variance 1 and Gaussian kurtosis 3', () => {
    const s = createStream(11, 'moments');
    const xs = new Float64Array(DRAWS);
    s.fillNormal(xs, 0, DRAWS, 1);
    const m = moments(xs);
    expect(Math.abs(m.mean)).toBeLessThan(MEAN_TOL);
    expect(Math.abs(m.variance - 1)).toBeLessThan(VAR_TOL);
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(0.1);
  });

  it('studentT(dof) has variance dof/(dof-2) and heavier tails than a normal', () => {
    const s = createStream(12, 't');
    const dof = 9;
    const xs = Float64Array.from({ length: DRAWS }, () => s.studentT(dof));
    const m = moments(xs);
    expect(Math.abs(m.mean)).toBeLessThan(MEAN_TOL * 1.2);
    expect(Math.abs(m.variance / (dof / (dof - 2)) - 1)).toBeLessThan(0.03);
    // Excess kurtosis of t(9) is 6/(dof-4) = 1.2.
    expect(m.kurtosis).toBeGreaterThan(3.6);
  });

  it('gamma(shape) has mean and variance equal to shape, also below shape 1', () => {
    for (const shape of [0.5, 2.5]) {
      const s = createStream(13, `g${shape}`);
      const xs = Float64Array.from({ length: DRAWS }, () => s.gamma(shape));
      const m = moments(xs);
      expect(Math.abs(m.mean / shape - 1)).toBeLessThan(0.02);
      expect(Math.abs(m.variance / shape - 1)).toBeLessThan(0.05);
    }
  });

  it('sampleWithoutReplacement returns distinct indices in range', () => {
    const idx = createStream(1, 'p').sampleWithoutReplacement(50, 20);
    expect(new Set(idx).size).toBe(20);
    for (const i of idx) expect(i >= 0 && i < 50).toBe(true);
    expect(() => createStream(1, 'p').sampleWithoutReplacement(3, 4)).toThrow(InvalidInputError);
  });

  it('rejects a seed outside uint32', () => {
    expect(() => createStream(-1, 'x')).toThrow(InvalidInputError);
    expect(() => createStream(2 ** 32, 'x')).toThrow(InvalidInputError);
  });
});

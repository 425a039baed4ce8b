/**
 * Generators shared by the bound claims (properties/bounds-*.ts). Not a claim itself. Built on
 * src/data/arbitraries.ts's unbiased `unitFraction` (fc.double would pile draws near 0).
 */
import type * as fc from 'fast-check';
import { logInt, unitFraction } from '../src/data/arbitraries.ts';

/** A double log-uniform on [lo, hi] (0 < lo < hi, both finite). */
export function logUniform(lo: number, hi: number): fc.Arbitrary<number> {
  const a = Math.log(lo);
  const b = Math.log(hi);
  return unitFraction().map((f) => Math.min(hi, Math.max(lo, Math.exp(a + f * (b - a)))));
}

/** A double uniform on [lo, hi]. */
export function uniform(lo: number, hi: number): fc.Arbitrary<number> {
  return unitFraction().map((f) => lo + f * (hi - lo));
}

/** An integer log-uniform on [lo, hi] (1 <= lo <= hi <= 2^53 - 1). */
export function logUniformInt(lo: number, hi: number): fc.Arbitrary<number> {
  return unitFraction().map((f) => logInt(f, lo, hi));
}

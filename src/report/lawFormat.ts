/**
 * Number formatting of the law report's tables (law.md and index.html show the same strings).
 */
import type { FitParam } from '../check/law/fits.ts';

/** A number for a table: 3 significant digits, exponent form for tiny values. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e6) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

/** A fitted parameter with its ±1.96 SE interval when there is one. */
export function param(p: FitParam | undefined): string {
  if (p === undefined) return '—';
  return p.low === null ? fmt(p.value) : `${fmt(p.value)} [${fmt(p.low)}, ${fmt(p.high)}]`;
}

/** A lnX as "e^{lnX}" or the value when it is representable. */
export function lnFmt(value: number, ln: number | null): string {
  if (value > 0 || ln === null) return fmt(value);
  return `e^${fmt(ln)}`;
}

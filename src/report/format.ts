/** Plain-text tables for human output (no colours: output is often piped into logs). */

/** How {@link formatNumber} writes a number. */
export interface NumberStyle {
  /** Significant digits. */
  readonly digits: number;
  /**
   * Magnitudes in [lo, hi) are written positionally without trailing zeros, all others
   * exponentially with `expDigits` significant digits (0 is '0'). Absent: always `toPrecision(digits)`.
   */
  readonly plain?: readonly [number, number];
  /** Significant digits of the exponential form under `plain` (default `digits`). */
  readonly expDigits?: number;
  /** Integers of smaller magnitude are written in full. */
  readonly integersBelow?: number;
  /** Without `plain`: drop trailing zeros (String(Number(...))). Default false. */
  readonly trim?: boolean;
}

/**
 * The one number formatter of the code base; each report picks a style (its digits and where
 * positional notation ends).
 * @example formatNumber(0.1234567, { digits: 3 }) // '0.123'
 * @example formatNumber(2.5e-7, { digits: 4, plain: [1e-3, 1e5] }) // '2.500e-7'
 */
export function formatNumber(x: number, style: NumberStyle): string {
  const { digits, plain, integersBelow } = style;
  if (integersBelow !== undefined && Number.isInteger(x) && Math.abs(x) < integersBelow) return String(x);
  if (plain === undefined) {
    const text = x.toPrecision(digits);
    return style.trim === true ? String(Number(text)) : text;
  }
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= plain[0] && a < plain[1] ? String(Number(x.toPrecision(digits))) : x.toExponential((style.expDigits ?? digits) - 1);
}

/** The style of human tables: integers in full, others with 6 significant digits. */
const TABLE_STYLE: NumberStyle = { digits: 6, plain: [1e-4, 1e6], expDigits: 5, integersBelow: 1e15 };

/** Formats a number compactly for tables: integers as is, others with 6 significant digits. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (typeof x === 'boolean') return x ? 'yes' : 'no';
  // The theory clamps infinite ratios (e.g. the slack of a condition met with a zero side) to
  // ±Number.MAX_VALUE so JSON can carry them; a person reads them as infinite.
  if (Math.abs(x) >= Number.MAX_VALUE) return x > 0 ? '∞' : '-∞';
  return formatNumber(x, TABLE_STYLE);
}

/**
 * Formats a positive quantity from its natural logarithm, so that values float64 cannot hold
 * (a bound of e^{-2196}) still print as a number: the ordinary `fmt` where exp(ln x) is a normal
 * float64, otherwise mantissa·10^exponent computed in log10 space (4 decimals, like `fmt`).
 *
 * @param lnX ln of the quantity (±Infinity for 0 and ∞).
 * @example fmtFromLog(-2196.423782570042) // '1.2740e-954'
 */
export function fmtFromLog(lnX: number): string {
  if (Number.isNaN(lnX)) return 'NaN';
  // The theory clamps ln 0 and ln ∞ to ∓Number.MAX_VALUE (numerics.ts) so JSON can carry them.
  if (lnX <= -Number.MAX_VALUE) return '0';
  if (lnX >= Number.MAX_VALUE) return '∞';
  const x = Math.exp(lnX);
  if (x >= Number.MIN_VALUE * 2 ** 52 && x < Number.MAX_VALUE) return fmt(x);
  const log10 = lnX / Math.LN10;
  // Beyond 2^53 the fractional part of log10 (the mantissa's digits) is lost to rounding.
  if (Math.abs(log10) >= 2 ** 53) return `10^${fmt(log10)}`;
  let exponent = Math.floor(log10);
  let mantissa = Number(Math.pow(10, log10 - exponent).toFixed(4));
  if (mantissa >= 10) {
    mantissa /= 10;
    exponent += 1;
  }
  return `${mantissa.toFixed(4)}e${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
}

/** Renders rows as an aligned text table with a header rule. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Renders rows as a GitHub markdown table. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

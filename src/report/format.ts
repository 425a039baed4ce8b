/** Plain-text tables for human output (no colours: output is often piped into logs). */

/** Formats a number compactly: integers as is, others with 6 significant digits. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (typeof x === 'boolean') return x ? 'yes' : 'no';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  if (x === 0) return '0';
  // The theory clamps infinite ratios (e.g. the slack of a condition met with a zero side) to
  // ±Number.MAX_VALUE so JSON can carry them; a person reads them as infinite.
  if (Math.abs(x) >= Number.MAX_VALUE) return x > 0 ? '∞' : '-∞';
  const a = Math.abs(x);
  return a >= 1e-4 && a < 1e6 ? x.toPrecision(6).replace(/\.?0+$/, '') : x.toExponential(4);
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

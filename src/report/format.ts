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

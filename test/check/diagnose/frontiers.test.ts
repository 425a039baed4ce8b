/**
 * fixtures/findings/frontiers.json is a transcription of docs/findings.md: this test re-reads the
 * explorer's table there, so a regenerated findings.md that moves a frontier fails here until the
 * table diagnose quotes is updated. Also the wording of a quoted frontier.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { frontierTable, quoteFrontier } from '../../../src/check/diagnose/frontiers.ts';

const FINDINGS = path.join(import.meta.dirname, '..', '..', '..', 'docs', 'findings.md');

describe('frontier table', () => {
  const table = frontierTable();
  const text = readFileSync(FINDINGS, 'utf-8');

  it('carries the explorer run it came from', () => {
    expect(text).toContain(`seed ${table.seed}, scale ${table.scale}`);
    expect(text).toMatch(new RegExp(`Seed ${table.seed}, scale ${table.scale}, edition ${table.edition}`));
  });

  it('matches every row of docs/findings.md for the claims it quotes', () => {
    const rows = text.split('\n').filter((l) => /^\| [^|]+ \| [^|]+ \| thm42-[a-z]+ \| [^|]+ \| [a-z-]+ \| \d+ \|/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const [, departure, claim, frontier, status, runs] = row.split('|').slice(1, -1).map((c) => c.trim());
      expect(table.claims).toContain(claim);
      const e = table.departures[departure];
      expect(e, departure).toBeDefined();
      expect(e.status).toBe(status);
      expect(e.runs).toBe(Number(runs));
      const m = /^(>|<=)?\s*([\d.]+)(?: \[([\d.]+), ([\d.]+)\])?$/.exec(frontier)!;
      expect(m, frontier).not.toBeNull();
      if (m[1] === '>') expect(e.measuredUpTo).toBe(Number(m[2]));
      else {
        expect(e.frontier).toBe(Number(m[2]));
        expect(e.interval).toEqual([Number(m[3]), Number(m[4])]);
      }
    }
    // Every departure in the table was read back from findings.md.
    const seen = new Set(rows.map((r) => r.split('|')[2].trim()));
    expect([...seen].sort()).toEqual(Object.keys(table.departures).sort());
  });
});

describe('quoteFrontier', () => {
  it('a found frontier, below and beyond it', () => {
    expect(quoteFrontier('noise', 11, 'noise')!.text).toMatch(/^noise is 11× the edge; Theorem 4\.2's conclusions were found to fail from about 56\.6× \(95% interval 52\.6–64\.5\): this data is below that frontier \[explorer seed 20240806/);
    expect(quoteFrontier('noise', 80, 'noise')!.text).toMatch(/at or beyond that frontier/);
  });
  it('a departure that never failed, inside and outside the explored range', () => {
    expect(quoteFrontier('dim', 3, 'd')!.text).toMatch(/were not found to fail up to 10× \(the largest magnitude explored\) \[/);
    expect(quoteFrontier('dim', 30, 'd')!.text).toMatch(/this data lies beyond the range explored/);
  });
  it('an unknown departure has no frontier', () => {
    expect(quoteFrontier('dimK', 2, 'd')).toBeNull();
  });
});

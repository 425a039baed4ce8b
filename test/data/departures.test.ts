import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPARTURES, DEPARTURE_IDS, departureAxis } from '../../src/data/breaking.ts';

const DIR = join(import.meta.dirname, '../../src/data/departures');

describe('departure rooms (src/data/departures/, one file per departure)', () => {
  it('registers every departure file exactly once, under its file name', async () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && f !== 'common.ts').map((f) => f.slice(0, -3));
    expect([...files].sort()).toEqual([...DEPARTURE_IDS].sort());
    expect(new Set(DEPARTURE_IDS).size).toBe(DEPARTURE_IDS.length);
    for (const id of files) {
      const mod = (await import(join(DIR, `${id}.ts`))) as Record<string, unknown>;
      const exported = Object.values(mod).filter((v) => DEPARTURES.includes(v as (typeof DEPARTURES)[number]));
      expect(exported.map((d) => (d as (typeof DEPARTURES)[number]).axis.id)).toEqual([id]);
    }
  });

  it('names only registered departures in alsoBreaks', () => {
    for (const id of DEPARTURE_IDS) for (const also of departureAxis(id).alsoBreaks) expect(DEPARTURE_IDS).toContain(also);
  });
});

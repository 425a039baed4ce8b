/**
 * The regime explorer's frontiers (docs/findings.md), as a small table that `dpocheck diagnose`
 * quotes for every broken condition: the magnitude of a departure from which Theorem 4.2's
 * conclusions were found to fail, or the largest magnitude at which they never did.
 *
 * The table lives in fixtures/findings/frontiers.json, transcribed from docs/findings.md (a test
 * compares the two, so a regenerated findings.md that moves a frontier fails until the table is
 * updated).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { packagePath } from '../../packageRoot.ts';

/** Where the table is: under the package root, so that the sources and the compiled dist/ find the same file. */
export const FRONTIERS_FILE = packagePath('fixtures', 'findings', 'frontiers.json');

const EntrySchema = z.object({
  status: z.enum(['found', 'never-fails', 'unresolved']),
  frontier: z.number().nullable(),
  interval: z.tuple([z.number(), z.number()]).nullable(),
  measuredUpTo: z.number().nullable(),
  runs: z.number().int(),
});

/** The table's schema. */
export const FrontierTableSchema = z.object({
  schemaVersion: z.literal(1),
  source: z.string(),
  generatedBy: z.string(),
  seed: z.number().int(),
  scale: z.string(),
  edition: z.string(),
  failureRate: z.number(),
  claims: z.array(z.string()),
  conclusion: z.string(),
  departures: z.record(z.string(), EntrySchema),
});
/** The parsed table. */
export type FrontierTable = z.infer<typeof FrontierTableSchema>;
/** One departure's row. */
export type FrontierEntry = z.infer<typeof EntrySchema>;

let cached: FrontierTable | undefined;

/** Reads (once) and validates the frontier table. */
export function frontierTable(file: string = FRONTIERS_FILE): FrontierTable {
  if (file === FRONTIERS_FILE && cached !== undefined) return cached;
  const table = FrontierTableSchema.parse(JSON.parse(readFileSync(file, 'utf-8')));
  if (file === FRONTIERS_FILE) cached = table;
  return table;
}

/** A frontier as diagnose reports it next to a broken condition. */
export interface QuotedFrontier {
  readonly departure: string;
  readonly status: FrontierEntry['status'];
  readonly frontier: number | null;
  readonly interval: readonly [number, number] | null;
  readonly measuredUpTo: number | null;
  /** Where it came from: claims, explorer seed, scale, source file. */
  readonly claims: readonly string[];
  readonly seed: number;
  readonly source: string;
  /** One sentence, e.g. "noise is 11× the edge; Theorem 4.2's conclusions were found to fail from about 57×". */
  readonly text: string;
}

function num(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1).replace(/\.0$/, '') : String(Number(x.toPrecision(3)));
}

/**
 * The frontier of `departure` quoted for a measured magnitude (`what` names the quantity, e.g.
 * 'noise'; `unit` says what the magnitude is measured against, '× the edge' by default).
 * @example quoteFrontier('noise', 11, 'noise').text
 */
export function quoteFrontier(departure: string, magnitude: number, what: string, unit = '× the edge', table: FrontierTable = frontierTable()): QuotedFrontier | null {
  const e = table.departures[departure];
  if (e === undefined) return null;
  const where = `explorer seed ${table.seed}, ${table.scale} scale, ${table.source}`;
  const head = `${what} is ${num(magnitude)}${unit}`;
  let text: string;
  if (e.status === 'found' && e.frontier !== null) {
    const interval = e.interval === null ? '' : ` (95% interval ${num(e.interval[0])}–${num(e.interval[1])})`;
    const side = magnitude >= e.frontier ? 'at or beyond that frontier' : 'below that frontier';
    text = `${head}; ${table.conclusion.split(' (')[0]} were found to fail from about ${num(e.frontier)}×${interval}: this data is ${side} [${where}]`;
  } else if (e.measuredUpTo !== null) {
    const beyond = magnitude > e.measuredUpTo ? '; this data lies beyond the range explored' : '';
    text = `${head}; ${table.conclusion.split(' (')[0]} were not found to fail up to ${num(e.measuredUpTo)}× (the largest magnitude explored)${beyond} [${where}]`;
  } else {
    text = `${head}; the explorer did not resolve a frontier for this departure [${where}]`;
  }
  return {
    departure,
    status: e.status,
    frontier: e.frontier,
    interval: e.interval,
    measuredUpTo: e.measuredUpTo,
    claims: table.claims,
    seed: table.seed,
    source: table.source,
    text,
  };
}

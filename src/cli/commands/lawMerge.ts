/**
 * `dpocheck merge` for law runs: unions the measurements of `dpocheck law --shard i/n` run
 * directories (identical settings required) into the results a single run gives, bit for bit
 * (results depend only on the records, sorted by cell and training set), written with the merged
 * state so that an unfinished grid can be resumed with `dpocheck law --resume`.
 */
import { join } from 'node:path';
import { lawResults } from '../../check/law/results.ts';
import { isLawRun, mergeLawStates, readLawState, writeLawState } from '../../check/law/state.ts';
import { writeLawReport } from '../../report/lawReport.ts';
import { timestampName } from '../../report/verifyReport.ts';
import { UsageError } from '../errors.ts';
import type { CommandContext } from '../main.ts';
import { qminTable } from './law.ts';

/** Whether the directories to merge are law runs (all of them), explore runs (none), or a mix (an error). */
export function lawRunsIn(dirs: readonly string[]): boolean {
  const law = dirs.filter(isLawRun).length;
  if (law > 0 && law < dirs.length) throw new UsageError('merge: some directories are law runs and some are not; merge law runs and explore runs separately');
  return law > 0;
}

/** Merges law run directories into `out` (default reports/<timestamp>/law). */
export async function mergeLawRuns(dirs: readonly string[], flags: { out?: string; charts: boolean; json?: boolean }, ctx: CommandContext): Promise<void> {
  const merged = mergeLawStates(dirs.map(readLawState));
  const out = flags.out ?? join('reports', timestampName(), 'law');
  writeLawState(out, merged);
  const results = lawResults(merged);
  await writeLawReport(out, results, { charts: flags.charts !== false });
  if (flags.json === true) ctx.io.out(JSON.stringify(results, null, 2) + '\n');
  else ctx.io.out(qminTable(results) + `merged ${dirs.length} law directories -> ${join(out, 'law.md')}\n`);
  if (!results.complete) ctx.io.err(`dpocheck merge: ${results.pendingCells} cells not finished; resume with: dpocheck law --resume ${out}\n`);
}

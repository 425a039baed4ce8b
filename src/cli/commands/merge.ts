/**
 * `dpocheck merge <dirs...>` (issue 5): combines the run directories of `dpocheck explore
 * --shard i/n` into the findings a single run would give (same seed and settings), written to
 * `--out` (default `reports/<timestamp>/explore`) with the merged state, so the result can be
 * resumed like any run if some shard did not finish.
 */
import type { Command } from 'commander';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { findingsOf, mergeStates, readState, writeState } from '../../check/explore.ts';
import { findingsTable, writeExploreReport } from '../../report/exploreReport.ts';
import { timestampName } from '../../report/verifyReport.ts';
import type { CommandContext } from '../main.ts';
import { SCHEMA_VERSION } from '../../report/schemaVersion.ts';

export function registerMerge(program: Command, ctx: CommandContext): void {
  program
    .command('merge')
    .description('combine the run directories of dpocheck explore --shard i/n into one set of findings')
    .argument('<dirs...>', 'explore run directories (each with a state.json)')
    .option('--out <dir>', 'merged run directory (default reports/<timestamp>/explore)')
    .option('--no-charts', 'skip the SVG charts')
    .option('--json', 'print findings.json to stdout instead of the table')
    .action(async (dirs: string[], flags: { out?: string; charts: boolean; json?: boolean }) => {
      const states = dirs.map((d) => readState(d));
      const merged = mergeStates(states);
      const out = flags.out ?? join('reports', timestampName(), 'explore');
      writeState(out, merged);
      for (const d of dirs) {
        const cx = join(d, 'counterexamples');
        if (existsSync(cx)) cpSync(cx, join(out, 'counterexamples'), { recursive: true });
      }
      const findings = findingsOf(merged);
      await writeExploreReport(out, findings, { charts: flags.charts !== false });
      if (flags.json === true) ctx.io.out(JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...findings }, null, 2) + '\n');
      else ctx.io.out(findingsTable(findings) + `\nmerged ${dirs.length} directories -> ${join(out, 'findings.md')}\n`);
      if (!findings.complete) ctx.io.err(`dpocheck merge: ${findings.pending.length} work items not finished; resume with: dpocheck explore --resume ${out}\n`);
    });
}

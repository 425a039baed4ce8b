/**
 * `dpocheck merge <dirs...>`: combines the run directories of `dpocheck explore
 * --shard i/n` into the findings a single run would give (same seed and settings), written to
 * `--out` (default `reports/<timestamp>/explore`) with the merged state, so the result can be
 * resumed like any run if some shard did not finish.
 */
import type { Command } from 'commander';
import { cpSync, existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STATE_FILE, findingsOf, mergeStates, missingShards, readState, writeState } from '../../check/explore/index.ts';
import { ERRORS_DIR } from '../../check/explore/errors.ts';
import { UsageError } from '../errors.ts';
import { findingsTable, writeExploreReport } from '../../report/exploreReport.ts';
import { timestampName } from '../../report/verifyReport.ts';
import type { CommandContext } from '../main.ts';
import { lawRunsIn, mergeLawRuns } from './lawMerge.ts';
import { SCHEMA_VERSION } from '../../report/schemaVersion.ts';

export function registerMerge(program: Command, ctx: CommandContext): void {
  program
    .command('merge')
    .description('combine the run directories of dpocheck explore --shard i/n (or dpocheck law --shard i/n) into one set of findings')
    .argument('<dirs...>', 'explore run directories (each with a state.json), or law run directories (each with a law-state.json)')
    .option('--out <dir>', 'merged run directory (default reports/<timestamp>/explore)')
    .option('--no-charts', 'skip the SVG charts')
    .option('--json', 'print findings.json to stdout instead of the table')
    .option('--force', 'replace the explore run already in --out (never one of the inputs)')
    .action(async (dirs: string[], flags: { out?: string; charts: boolean; json?: boolean; force?: boolean }) => {
      if (lawRunsIn(dirs)) return mergeLawRuns(dirs, flags, ctx);
      const out = flags.out ?? join('reports', timestampName(), 'explore');
      // Output location first, before reading or writing anything.
      const input = dirs.find((d) => resolve(d) === resolve(out));
      if (input !== undefined) throw new UsageError(`--out ${out}: is one of the inputs (${input}); merging into it would overwrite that shard`);
      if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${out}: is a file, not a directory`);
      if (existsSync(join(out, STATE_FILE)) && flags.force !== true) throw new UsageError(`--out ${out}: holds an explore run; replace it with --force`);
      const states = dirs.map((d) => readState(d));
      const merged = mergeStates(states, dirs);
      const missing = missingShards(states);
      if (missing.length > 0) {
        ctx.io.err(`dpocheck merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${states[0]!.shard.count}`).join(', ')} not given; their items stay pending\n`);
      }
      writeState(out, merged);
      for (const d of dirs) {
        for (const sub of ['counterexamples', ERRORS_DIR]) {
          const from = join(d, sub);
          if (existsSync(from)) cpSync(from, join(out, sub), { recursive: true });
        }
      }
      const findings = findingsOf(merged);
      await writeExploreReport(out, findings, { charts: flags.charts !== false });
      if (flags.json === true) ctx.io.out(JSON.stringify(findings, null, 2) + '\n');
      else ctx.io.out(findingsTable(findings) + `\nmerged ${dirs.length} directories -> ${join(out, 'findings.md')}\n`);
      if (!findings.complete) ctx.io.err(`dpocheck merge: ${findings.pending.length} work items not finished; resume with: dpocheck explore --resume ${out}\n`);
    });
}

/**
 * `dpocheck replay <file>`: reruns one saved counterexample exactly and prints the same numbers.
 * Exit 0 when the replay reproduces the file (same numbers, expected outcome), 1 otherwise.
 */
import type { Command } from 'commander';
import { loadCounterexample } from '../../check/counterexampleStore.ts';
import { mustBeIdentical, replayCounterexample } from '../../check/replay.ts';
import { claimById } from '../../../properties/index.ts';
import { loadClaimsModule } from '../../check/claimsModule.ts';
import { SCHEMA_VERSION } from '../../report/schemaVersion.ts';
import type { CommandContext } from '../main.ts';
import { UsageError, EXIT_FAILURE } from '../errors.ts';
import { fmt, table } from '../../report/format.ts';

export function registerReplay(program: Command, ctx: CommandContext): void {
  program
    .command('replay')
    .description('rerun a saved counterexample exactly and print its numbers')
    .argument('<file>', 'counterexample JSON (fixtures/counterexamples/<claim>/<hash>.json or from a report)')
    .option('--claims-module <file>', "also look the claim up in this module's claims (as given to verify --claims-module)")
    .option('--json', 'print one JSON object')
    .action(async (file: string, flags: { json?: boolean; claimsModule?: string }) => {
      const saved = loadCounterexample(file);
      const own = flags.claimsModule === undefined ? [] : await loadClaimsModule(flags.claimsModule);
      const claim = claimById(saved.claim) ?? own.find((c) => c.id === saved.claim);
      if (claim === undefined) throw new UsageError(`${file}: unknown claim '${saved.claim}'`);
      const outcome = await replayCounterexample(saved, claim);
      const t = outcome.trial;
      if (flags.json === true) {
        ctx.io.out(
          JSON.stringify({
            schemaVersion: SCHEMA_VERSION,
            claim: saved.claim,
            input: saved.input,
            violated: t.violated,
            observed: t.observed ?? null,
            bound: t.bound ?? null,
            slack: t.slack ?? null,
            detail: t.detail ?? null,
            identical: outcome.identical,
            asExpected: outcome.asExpected,
          }, null, 2) + '\n',
        );
      } else {
        ctx.io.out(`${saved.claim} (${claim.section}, edition ${saved.edition})\ninput ${JSON.stringify(saved.input)}\n`);
        ctx.io.out(
          table(['', 'observed', 'bound', 'slack', 'violated'], [
            ['saved', fmt(saved.observed), fmt(saved.bound), fmt(saved.slack), saved.expect === 'violated' ? 'yes' : saved.expect === 'holds' ? 'no (fixed)' : saved.expect === 'throws' ? `threw: ${String(saved.detail?.['error'])}` : 'no (conclusion fails outside the assumptions)'],
            ['replay', fmt(t.observed), fmt(t.bound), fmt(t.slack), t.detail?.['error'] !== undefined ? `threw: ${String(t.detail['error'])}` : t.violated ? 'yes' : 'no'],
          ]) + '\n',
        );
        ctx.io.out(outcome.identical ? 'replay reproduces the saved numbers exactly\n' : 'replay DIFFERS from the saved numbers\n');
      }
      if (!outcome.asExpected || (mustBeIdentical(saved) && !outcome.identical)) ctx.exitCode = EXIT_FAILURE;
    });
}

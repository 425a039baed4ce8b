/**
 * `dpocheck scaling`: the scaling law of Theorem 4.3 — for each K, the smallest integer Q whose
 * generalisation bound is below η (THEORY §4, §7), found by exact integer search.
 */
import type { Command } from 'commander';
import { qMin } from '../../theory/index.ts';
import { EDITIONS, type Edition } from '../../theory/edition.ts';
import type { CommandContext } from '../main.ts';
import { parseChoice, parseIntegerList, parseNumber } from '../parse.ts';
import { table } from '../../report/format.ts';
import { UsageError } from '../errors.ts';
import { SCHEMA_VERSION } from '../../report/schemaVersion.ts';

export function registerScaling(program: Command, ctx: CommandContext): void {
  program
    .command('scaling')
    .description('smallest Q per concept count K with generalisation bound < η (Theorem 4.3 scaling law)')
    .requiredOption('--K <list>', 'comma-separated concept counts, e.g. 1,2,4,8')
    .option('--eta <num>', 'target error level η in (0, 1)', '0.05')
    .option('--edition <name>', `edition of the paper (${EDITIONS.join('|')})`, 'v5-main')
    .option('--json', 'print JSON {schemaVersion, edition, eta, rows: [{K, Qmin}]}')
    .action((flags: { K: string; eta: string; edition: string; json?: boolean }) => {
      const edition: Edition = parseChoice('--edition', flags.edition, EDITIONS);
      const Ks = parseIntegerList('--K', flags.K);
      const eta = parseNumber('--eta', flags.eta);
      if (!(eta > 0 && eta < 1)) throw new UsageError(`--eta: must be in (0, 1), got ${eta}`);
      const rows = Ks.map((K) => ({ K, Qmin: qMin(K, eta, edition) }));
      if (flags.json === true) {
        ctx.io.out(JSON.stringify({ schemaVersion: SCHEMA_VERSION, edition, eta, rows }) + '\n');
        return;
      }
      ctx.io.out(`edition ${edition}, η = ${eta}\n`);
      ctx.io.out(table(['K', 'Q_min'], rows.map((r) => [String(r.K), String(r.Qmin)])) + '\n');
    });
}

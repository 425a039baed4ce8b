/**
 * `dpocheck bounds`: every condition and bound of THEORY §3–§5 for one configuration, as a
 * table or as JSON (`--json`).
 */
import type { Command } from 'commander';
import { boundsReport } from '../../theory/index.ts';
import { EDITIONS, type Edition } from '../../theory/edition.ts';
import type { CommandContext } from '../main.ts';
import { parseChoice, parseInteger, parseNumber, parsePositive } from '../parse.ts';
import { fmt, fmtFromLog, table } from '../../report/format.ts';
import { UsageError } from '../errors.ts';
import { SCHEMA_VERSION } from '../../report/schemaVersion.ts';

interface BoundsFlags {
  K?: string; Q?: string; d?: string; v?: string; lb?: string; Z?: string;
  beta?: string; tau?: string; c?: string; delta?: string; edition: string; json?: boolean;
}

function required(flags: BoundsFlags, key: 'K' | 'Q' | 'd' | 'v' | 'lb'): string {
  const raw = flags[key];
  if (raw === undefined) throw new UsageError(`--${key}: required`);
  return raw;
}

export function registerBounds(program: Command, ctx: CommandContext): void {
  program
    .command('bounds')
    .description('conditions of the theorems and every bound for one configuration (THEORY §3–§5)')
    .option('--K <int>', 'number of concepts K')
    .option('--Q <int>', 'samples per cluster Q')
    .option('--d <int>', 'feature dimension d')
    .option('--v <num>', 'noise scale v (>= 0)')
    .option('--lb <num>', 'length of the shared component l_b (> 0)')
    .option('--Z <int>', 'token-sharing number Z', '1')
    .option('--beta <num>', 'DPO temperature β', '1')
    .option('--tau <num>', 'inverse learning rate τ', '1')
    .option('--c <num>', "Bernstein constant c of Theorem 4.2's probability", '1')
    .option('--delta <num>', 'Appendix C: concepts δ-approximately orthogonal')
    .option('--edition <name>', `edition of the paper (${EDITIONS.join('|')})`, 'v5-main')
    .option('--json', 'print one JSON object')
    .action((flags: BoundsFlags) => {
      const edition: Edition = parseChoice('--edition', flags.edition, EDITIONS);
      const v = parseNumber('--v', required(flags, 'v'));
      if (v < 0) throw new UsageError(`--v: must be >= 0, got ${v}`);
      const delta = flags.delta === undefined ? undefined : parseNumber('--delta', flags.delta);
      if (delta !== undefined && !(delta >= 0 && delta < 1)) throw new UsageError(`--delta: must be in [0, 1), got ${delta}`);
      const report = boundsReport({
        K: parseInteger('--K', required(flags, 'K')),
        Q: parseInteger('--Q', required(flags, 'Q')),
        d: parseInteger('--d', required(flags, 'd')),
        v,
        lb: parsePositive('--lb', required(flags, 'lb')),
        Z: parseInteger('--Z', flags.Z ?? '1'),
        beta: parsePositive('--beta', flags.beta ?? '1'),
        tau: parsePositive('--tau', flags.tau ?? '1'),
        c: parsePositive('--c', flags.c ?? '1'),
        ...(delta !== undefined ? { delta } : {}),
        edition,
      });
      if (flags.json === true) {
        ctx.io.out(JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...report }, null, 2) + '\n');
        return;
      }
      ctx.io.out(`edition ${report.edition}\n\nConditions (slack >= 1 means the condition holds)\n`);
      ctx.io.out(
        table(
          ['condition', 'holds', 'lhs', 'rhs', 'slack'],
          report.conditions.map((c) => [c.id, c.holds ? 'yes' : 'NO', fmt(c.lhs), fmt(c.rhs), fmt(c.slack)]),
        ) + '\n\n',
      );
      const t42 = report.theorem42;
      const rows: string[][] = [
        ['Theorem 4.2 τ_1', fmt(t42.tau1), ''],
        ['Theorem 4.2 r_L slope', fmt(t42.lowerSlope), 'r_L(t) = slope·t'],
        ['Theorem 4.2 r_U slope', fmt(t42.upperSlope), 'r_U(t) = slope·t'],
        ['Theorem 4.2 window at τ_1', `[${fmt(t42.window[0])}, ${fmt(t42.window[1])}]`, ''],
        ['Theorem 4.2 probability', fmt(t42.probability), t42.vacuous ? 'VACUOUS (<= 0)' : ''],
        ['Theorem 4.3 bound on R(P)', fmtFromLog(report.theorem43.lnBound), report.theorem43.vacuous ? 'VACUOUS (>= 1)' : ''],
        ['Lemma B.1 probability', fmt(report.lemmaB1.probability), report.lemmaB1.vacuous ? 'VACUOUS (<= 0)' : ''],
        ['Theorem B.4 bound (reconstructed)', fmtFromLog(report.theoremB4.lnBound), report.theoremB4.vacuous ? 'VACUOUS (>= 1)' : ''],
      ];
      ctx.io.out(table(['quantity', 'value', 'note'], rows) + '\n');
    });
}

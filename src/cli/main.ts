/**
 * The `dpocheck` command line. Each command lives in `commands/<name>.ts` and registers itself on
 * the commander program; this file wires them together and maps every error to one line and an
 * exit code (2 for bad input, 1 for a violated claim or an internal error).
 */
import { Command, CommanderError } from 'commander';
import { describeError } from './errors.ts';
import { processIO, type CliIO } from './io.ts';
import { registerBounds } from './commands/bounds.ts';
import { registerScaling } from './commands/scaling.ts';
import { registerVerify } from './commands/verify.ts';
import { registerReplay } from './commands/replay.ts';
import { registerSimulate } from './commands/simulate.ts';
import { registerBackends } from './commands/backends.ts';
import { registerExplore } from './commands/explore.ts';
import { registerMerge } from './commands/merge.ts';
import { registerDiagnose } from './commands/diagnose.ts';
import { PACKAGE_VERSION } from './version.ts';


/** Shared state a command sets: its exit code (0 unless it says otherwise). */
export interface CommandContext {
  readonly io: CliIO;
  exitCode: number;
}

/** Builds the program with every command registered. */
export function buildProgram(ctx: CommandContext): Command {
  const program = new Command();
  program
    .name('dpocheck')
    .description(
      'Property-based verification of the DPO theory of Im & Li, "Can DPO Learn Diverse Human Values?" (arXiv 2408.03459).',
    )
    .version(PACKAGE_VERSION)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.out(s),
      writeErr: (s) => ctx.io.err(s),
      // Errors are printed by main() as one line; commander's own copy is suppressed.
      outputError: () => undefined,
    });
  registerBounds(program, ctx);
  registerScaling(program, ctx);
  registerSimulate(program, ctx);
  registerVerify(program, ctx);
  registerExplore(program, ctx);
  registerMerge(program, ctx);
  registerReplay(program, ctx);
  registerBackends(program, ctx);
  registerDiagnose(program, ctx);
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s), outputError: () => undefined });
  }
  return program;
}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const ctx: CommandContext = { io, exitCode: 0 };
  const program = buildProgram(ctx);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError && (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help')) {
      return 0;
    }
    const described = describeError(error);
    if (described === null) return 0;
    io.err(`dpocheck: ${described.message}\n`);
    if (process.env['DPOCHECK_DEBUG'] === '1' && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
    return described.code;
  }
}

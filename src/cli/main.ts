/**
 * The `dpocheck` command line. Each command lives in `commands/<name>.ts` and registers itself on
 * the commander program; this file wires them together and maps every error to one line and an
 * exit code (2 for bad input, 1 for a violated claim or an internal error).
 *
 * Command modules are imported lazily: a run imports only the command it names (the simulator,
 * tfjs and vega load only where they are used), `--version` imports none, and `--help` or an
 * unknown command imports all of them to list them.
 */
import { Command, CommanderError } from 'commander';
import { describeError } from './errors.ts';
import { processIO, type CliIO } from './io.ts';
import { PACKAGE_VERSION } from './version.ts';


/** Shared state a command sets: its exit code (0 unless it says otherwise). */
export interface CommandContext {
  readonly io: CliIO;
  exitCode: number;
}

type Register = (program: Command, ctx: CommandContext) => void;

/** Every command, in `--help` order, with the module that registers it (loaded on demand). */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['bounds', async () => (await import('./commands/bounds.ts')).registerBounds],
  ['scaling', async () => (await import('./commands/scaling.ts')).registerScaling],
  ['simulate', async () => (await import('./commands/simulate.ts')).registerSimulate],
  ['verify', async () => (await import('./commands/verify.ts')).registerVerify],
  ['explore', async () => (await import('./commands/explore.ts')).registerExplore],
  ['merge', async () => (await import('./commands/merge.ts')).registerMerge],
  ['law', async () => (await import('./commands/law.ts')).registerLaw],
  ['diagnose', async () => (await import('./commands/diagnose.ts')).registerDiagnose],
  ['replay', async () => (await import('./commands/replay.ts')).registerReplay],
  ['backends', async () => (await import('./commands/backends.ts')).registerBackends],
];

/** The commands a run of `argv` needs registered: the one it names, none for --version, else all. */
export function commandsFor(argv: readonly string[]): string[] {
  const first = argv[0];
  if (first === '-V' || first === '--version') return [];
  const named = COMMANDS.find(([name]) => name === first);
  return named !== undefined ? [named[0]] : COMMANDS.map(([name]) => name);
}

/** Builds the program with the named commands registered (default: every command). */
export async function buildProgram(ctx: CommandContext, names: readonly string[] = COMMANDS.map(([n]) => n)): Promise<Command> {
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
  const registers = await Promise.all(COMMANDS.filter(([name]) => names.includes(name)).map(([, load]) => load()));
  for (const register of registers) register(program, ctx);
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s), outputError: () => undefined });
  }
  return program;
}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const ctx: CommandContext = { io, exitCode: 0 };
  try {
    const program = await buildProgram(ctx, commandsFor(argv));
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

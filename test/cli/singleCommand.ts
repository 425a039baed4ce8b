/**
 * Runs `dpocheck <argv>` with one command registered exactly as src/cli/main.ts registers a
 * command (exitOverride, silenced commander output) and main()'s error mapping, so a command's
 * tests do not depend on the rest of the CLI.
 */
import { Command, CommanderError } from 'commander';
import { bufferIO } from '../../src/cli/io.ts';
import { describeError } from '../../src/cli/errors.ts';
import type { CommandContext } from '../../src/cli/main.ts';

export interface CliRun { code: number; stdout: string; stderr: string }

export async function runSingleCommand(register: (program: Command, ctx: CommandContext) => void, argv: readonly string[]): Promise<CliRun> {
  const io = bufferIO();
  const ctx: CommandContext = { io, exitCode: 0 };
  const quiet = { writeOut: (s: string) => io.out(s), writeErr: (s: string) => io.err(s), outputError: () => undefined };
  const program = new Command().name('dpocheck').exitOverride().configureOutput(quiet);
  register(program, ctx);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(quiet);
  let code: number;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    code = ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError && error.code === 'commander.helpDisplayed') code = 0;
    else {
      const d = describeError(error)!;
      io.err(`dpocheck: ${d.message}\n`);
      code = d.code;
    }
  }
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

/**
 * CLI error handling: every user mistake (flag, value, file) becomes one line on stderr and exit
 * code 2; nothing else escapes as a stack trace unless it is a bug in dpocheck (exit 1, with a
 * short message and a pointer to DPOCHECK_DEBUG=1 for the trace).
 */
import { CommanderError } from 'commander';
import { ZodError } from 'zod';
import { InvalidInputError } from '../theory/errors.ts';

/** Exit code for bad input (flags, values, config or data files). */
export const EXIT_USAGE = 2;
/** Exit code when a claim that should hold is violated (verify) or for an internal error. */
export const EXIT_FAILURE = 1;

/** A usage error raised by a command: printed as one line, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * One line: newlines in messages from libraries are folded, and any other control or line/paragraph
 * separator character (e.g. a `\r` inside a junk flag value) is escaped, so the contract holds.
 */
export function oneLine(text: string): string {
  return text
    .replace(/\s*\n\s*/g, '; ')
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .trim();
}

/** Formats the first zod issue with a flag-like path (e.g. `--K: must be >= 1`). */
export function zodMessage(error: ZodError, prefix = '--'): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid input';
  const path = issue.path.length > 0 ? `${prefix}${issue.path.join('.')}` : '(input)';
  return `${path}: ${issue.message}`;
}

/**
 * Maps an error to (message, exit code). Returns null for commander's own help/version exits,
 * which have already printed what they print.
 */
export function describeError(error: unknown): { message: string; code: number } | null {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return null;
    }
    return { message: oneLine(error.message.replace(/^error:\s*/, '')), code: EXIT_USAGE };
  }
  if (error instanceof UsageError) return { message: oneLine(error.message), code: EXIT_USAGE };
  if (error instanceof InvalidInputError) return { message: oneLine(error.message), code: EXIT_USAGE };
  if (error instanceof ZodError) return { message: oneLine(zodMessage(error)), code: EXIT_USAGE };
  const message = error instanceof Error ? error.message : String(error);
  return { message: `internal error: ${oneLine(message)} (set DPOCHECK_DEBUG=1 for the stack trace)`, code: EXIT_FAILURE };
}

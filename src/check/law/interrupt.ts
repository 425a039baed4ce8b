/**
 * Ctrl-C for long measurements: the first SIGINT aborts a signal that the measuring loop checks
 * between measurements (what was measured is kept and saved; the CLI exits with 130). Work runs
 * synchronously, so the loop yields to the event loop between measurements to let the signal in.
 */

/** Exit code after Ctrl-C: 128 + SIGINT (2), the shell convention. */
export const EXIT_INTERRUPTED = 130;

/**
 * Runs `work` with an AbortSignal that the first SIGINT aborts; the handler is removed afterwards.
 * @example const out = await withSigint((signal) => runLaw({ ...opts, signal }));
 */
export async function withSigint<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.on('SIGINT', onSigint);
  try {
    return await work(abort.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Lets pending events (a SIGINT) run before the next synchronous measurement. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

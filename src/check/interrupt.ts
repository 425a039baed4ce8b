/**
 * Ctrl-C for long commands (explore, and the same rule for law and verify): the first SIGINT
 * raises a stop flag that the work loop checks between measurements, so the command stops after
 * the measurement in flight, keeps what was measured and exits 130; a second SIGINT quits at once
 * (what was persisted so far stays on disk).
 *
 * A signal handler runs only when the event loop gets a turn. A simulation loop that awaits
 * promises which resolve synchronously never gives it one (microtasks run before any signal
 * callback), so long loops call {@link yieldToEventLoop} between measurements.
 *
 * @example
 *   const stop = catchInterrupt({ onFirst: () => io.err('stopping after the measurement in flight...\n') });
 *   try {
 *     for (const item of items) {
 *       if (stop.interrupted) break;
 *       await measure(item);
 *       await yieldToEventLoop();
 *     }
 *   } finally {
 *     stop.dispose();
 *   }
 *   if (stop.interrupted) exitCode = EXIT_INTERRUPTED;
 */

/** Exit status after Ctrl-C: 128 + SIGINT (2), the shell convention. */
export const EXIT_INTERRUPTED = 130;

/** A raised-once stop flag tied to SIGINT. */
export interface Interrupt {
  /** True once SIGINT arrived (or `stop()` was called). */
  readonly interrupted: boolean;
  /** Aborted together with the flag (for APIs that take an AbortSignal). */
  readonly signal: AbortSignal;
  /** Raises the flag by hand (tests, or a caller's own reason to stop). */
  stop(): void;
  /** Removes the SIGINT handler (call in `finally`). */
  dispose(): void;
}

export interface CatchInterruptOptions {
  /** Called on the first SIGINT (e.g. to say that the command stops after the measurement in flight). */
  readonly onFirst?: () => void;
  /**
   * Called on a second SIGINT. Default: exit the process with {@link EXIT_INTERRUPTED} at once
   * (a user pressing Ctrl-C twice wants out; state written so far is kept).
   */
  readonly onSecond?: () => void;
  /** The emitter to listen on (default `process`; tests may pass their own). */
  readonly emitter?: NodeJS.EventEmitter;
}

/**
 * Installs a SIGINT handler that raises a stop flag instead of killing the process.
 * @param options what to do on the first and second signal
 * @returns the flag; call `dispose()` when the command ends
 */
export function catchInterrupt(options: CatchInterruptOptions = {}): Interrupt {
  const emitter = options.emitter ?? process;
  const controller = new AbortController();
  let count = 0;
  const handler = (): void => {
    count++;
    if (count === 1) {
      controller.abort();
      options.onFirst?.();
    } else if (options.onSecond !== undefined) {
      options.onSecond();
    } else {
      process.exit(EXIT_INTERRUPTED);
    }
  };
  emitter.on('SIGINT', handler);
  return {
    get interrupted() {
      return controller.signal.aborted;
    },
    signal: controller.signal,
    stop: () => controller.abort(),
    dispose: () => {
      emitter.off('SIGINT', handler);
    },
  };
}

/**
 * Resolves on a later turn of the event loop (after pending I/O and signal callbacks), so that
 * a SIGINT arriving during a long run of synchronous or microtask-only work is noticed.
 * Costs a few microseconds: call it between measurements, not inside a numeric kernel.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A long computation written as a generator that yields between its steps (passes over the data,
 * iterations), so that one source can run both ways: {@link runSteps} to the end synchronously,
 * or {@link runStepsYielding} with a turn of the event loop between steps, so that Ctrl-C is heard
 * while it runs (a second Ctrl-C then quits at once instead of waiting for the whole computation).
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs `steps` to the end on this turn; returns its result. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/** Runs `steps` to the end with a turn of the event loop between steps; returns its result. */
export async function runStepsYielding<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
    await yieldToEventLoop();
  }
}

/**
 * Progress display for long runs (`dpocheck verify`, `dpocheck explore`): a cli-progress bar on
 * stderr when stderr is a terminal, one plain line per finished task otherwise (CI logs), and
 * nothing at all under `--json` (stdout carries the JSON; stderr stays quiet so scripts can
 * capture both). Never writes to stdout.
 *
 * @example
 *   const progress = createProgress({ enabled: !json, interactive: process.stderr.isTTY === true,
 *                                     write: (s) => process.stderr.write(s) });
 *   progress.start('thm42-sandwich (3/14)', 200);
 *   progress.update(57);
 *   progress.stop('thm42-sandwich: held');
 */
import cliProgress from 'cli-progress';

export interface ProgressOptions {
  /** False under `--json`: every call is a no-op. */
  readonly enabled: boolean;
  /** True when stderr is a terminal: draw a live bar; otherwise print one line per task. */
  readonly interactive: boolean;
  /** Where plain lines go (stderr, or a buffer in tests). */
  readonly write: (text: string) => void;
  /** The terminal stream the live bar draws on (default process.stderr). */
  readonly stream?: NodeJS.WritableStream;
}

/** A progress reporter for a sequence of tasks (claims, frontier probes, ...). */
export interface Progress {
  /** Begins a task of `total` steps, labelled e.g. 'thm42-sandwich (3/14)'. */
  start(label: string, total: number): void;
  /** Reports `done` steps of the current task finished. */
  update(done: number): void;
  /** Ends the current task; `summary` (e.g. 'thm42-sandwich: held') is printed as one line. */
  stop(summary?: string): void;
}

/** At most 10 redraws a second: smooth to the eye, negligible next to simulation work. */
const REDRAWS_PER_SECOND = 10;

const SILENT: Progress = { start() {}, update() {}, stop() {} };

/** Creates a progress reporter (see the module comment for the three modes). */
export function createProgress(options: ProgressOptions): Progress {
  if (!options.enabled) return SILENT;
  if (!options.interactive) {
    return {
      start() {},
      update() {},
      stop(summary) {
        if (summary !== undefined) options.write(`${summary}\n`);
      },
    };
  }
  let bar: cliProgress.SingleBar | null = null;
  return {
    start(label, total) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        {
          stream: options.stream ?? process.stderr,
          format: '{label} [{bar}] {value}/{total} {eta_formatted}',
          hideCursor: true,
          clearOnComplete: true,
          fps: REDRAWS_PER_SECOND,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(0, total), 0, { label });
    },
    update(done) {
      bar?.update(done);
    },
    stop(summary) {
      bar?.stop();
      bar = null;
      if (summary !== undefined) options.write(`${summary}\n`);
    },
  };
}

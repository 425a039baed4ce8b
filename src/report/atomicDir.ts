/**
 * Atomic output directories: a report is assembled in a hidden temporary directory next to its
 * destination and renamed into place, so a reader (or an interrupted run) never sees a partial
 * report.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync, cpSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/** Builds `dest` atomically: `fill` writes into a temporary directory that is then renamed. */
export function writeDirAtomic(dest: string, fill: (tmp: string) => void): void {
  const parent = dirname(dest);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dest)}.tmp-${process.pid}-${Date.now()}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    fill(tmp);
    if (existsSync(dest)) {
      // A directory cannot be renamed over a non-empty one: move the old one aside first.
      const old = `${tmp}.old`;
      renameSync(dest, old);
      renameSync(tmp, dest);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, dest);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Copies a finished directory to `dest` atomically (used for reports/latest). */
export function copyDirAtomic(src: string, dest: string): void {
  writeDirAtomic(dest, (tmp) => cpSync(src, tmp, { recursive: true }));
}

/** Writes a text file inside a directory being built (the directory itself is renamed atomically). */
export function writeText(dir: string, name: string, text: string): void {
  const file = join(dir, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

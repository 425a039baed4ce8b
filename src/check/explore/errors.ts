/**
 * Configurations on which a judged claim threw: never dropped from the counts (see
 * `judgeConfigs`), and each saved under `<run>/errors/<claim>/` in the counterexample format with
 * `expect: 'throws'`, so that `dpocheck replay <file>` re-runs exactly that case.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Edition } from '../../theory/edition.ts';
import type { GenOptions } from '../claim.ts';
import { counterexampleFile, type SavedCounterexample } from '../counterexampleStore.ts';
import type { ThrownCase } from './judge.ts';

/** Folder of the saved error cases inside a run directory. */
export const ERRORS_DIR = 'errors';

/**
 * Saves each thrown case of one batch (when a run directory is given) and returns the files,
 * relative to the run directory.
 * @param dir run directory (undefined: nothing is written, the relative names are still returned)
 * @param meta the claim, batch seed and generator options of the batch
 */
export function saveThrownCases(
  dir: string | undefined,
  thrown: readonly ThrownCase[],
  meta: { claim: string; seed: number; edition: Edition; scale: GenOptions['scale']; packageVersion: string },
): string[] {
  return thrown.map((t) => {
    const file = counterexampleFile(ERRORS_DIR, meta.claim, t.config);
    const saved: SavedCounterexample = {
      format: 'dpocheck-counterexample/1',
      claim: meta.claim,
      edition: meta.edition,
      scale: meta.scale,
      seed: meta.seed,
      path: String(t.index),
      input: t.config,
      observed: null,
      bound: null,
      slack: null,
      detail: { error: t.message },
      shrinks: 0,
      packageVersion: meta.packageVersion,
      replay: dir === undefined ? '' : `npx dpocheck replay ${join(dir, file)}`,
      expect: 'throws',
    };
    if (dir !== undefined) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileAtomic.sync(join(dir, file), JSON.stringify(saved, null, 2) + '\n');
    }
    return file;
  });
}

/**
 * Saved counterexamples: one JSON file per shrunk violation under
 * `fixtures/counterexamples/<claim>/`, written atomically, named by a hash of the input so that
 * saving the same counterexample twice writes one file. `dpocheck replay <file>` and the
 * regression test in `npm test` read them back.
 */
import { readFileSync, readdirSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { InvalidInputError } from '../theory/errors.ts';
import { fnv1a64Hex } from '../data/hash.ts';
import type { Counterexample } from './runner.ts';

/** Schema of a saved counterexample file (version 1). */
export const SavedCounterexampleSchema = z.object({
  format: z.literal('dpocheck-counterexample/1'),
  claim: z.string().min(1),
  edition: z.string(),
  scale: z.enum(['small', 'full']),
  seed: z.number().int(),
  path: z.string(),
  input: z.unknown(),
  observed: z.number().nullable(),
  bound: z.number().nullable(),
  slack: z.number().nullable(),
  detail: z.record(z.string(), z.unknown()).optional(),
  shrinks: z.number().int().min(0),
  packageVersion: z.string(),
  replay: z.string(),
  /**
   * What a replay must show: 'violated' (default) keeps a still-violating claim reported;
   * 'holds' marks a bug that was fixed, so the regression test fails if it comes back;
   * 'conclusion-fails' (explorer findings) marks a configuration outside a theorem's assumptions
   * on which its conclusion fails without contradicting it (`detail.conclusionHeld === false`);
   * 'throws' (explorer errors) marks an input on which the check threw (`detail.error`).
   */
  expect: z.enum(['violated', 'holds', 'conclusion-fails', 'throws']).default('violated'),
});
export type SavedCounterexample = z.infer<typeof SavedCounterexampleSchema>;

/** Builds the record saved for a counterexample. */
export function toSaved(
  cx: Counterexample,
  meta: { edition: string; scale: 'small' | 'full'; packageVersion: string; file: string },
): SavedCounterexample {
  const t = cx.trial;
  return {
    format: 'dpocheck-counterexample/1',
    claim: cx.claim,
    edition: meta.edition,
    scale: meta.scale,
    seed: cx.seed,
    path: cx.path,
    input: cx.input,
    observed: t.observed ?? null,
    bound: t.bound ?? null,
    slack: t.slack ?? null,
    ...(t.detail !== undefined ? { detail: { ...t.detail } } : {}),
    shrinks: cx.shrinks,
    packageVersion: meta.packageVersion,
    replay: `npx dpocheck replay ${meta.file}`,
    expect: 'violated',
  };
}

/** The file a counterexample is saved to under `root` (deterministic in claim and input). */
export function counterexampleFile(root: string, claim: string, input: unknown): string {
  return join(root, claim, `${fnv1a64Hex(JSON.stringify(input))}.json`);
}

/** Saves a counterexample atomically and returns its path. */
export function saveCounterexample(
  root: string,
  cx: Counterexample,
  meta: { edition: string; scale: 'small' | 'full'; packageVersion: string },
): string {
  const file = counterexampleFile(root, cx.claim, cx.input);
  mkdirSync(dirname(file), { recursive: true });
  const saved = toSaved(cx, { ...meta, file });
  writeFileAtomic.sync(file, JSON.stringify(saved, null, 2) + '\n');
  return file;
}

/** Reads and validates a saved counterexample; any problem is an InvalidInputError naming the file. */
export function loadCounterexample(file: string): SavedCounterexample {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InvalidInputError(file, `cannot read counterexample file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidInputError(file, 'is not valid JSON');
  }
  const parsed = SavedCounterexampleSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidInputError(file, `not a dpocheck counterexample: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`.trim());
  }
  return parsed.data;
}

/** Lists every saved counterexample file under `root` (sorted, for a stable order). */
export function listCounterexamples(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const claim of readdirSync(root).sort()) {
    const dir = join(root, claim);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.json')) out.push(join(dir, f));
  }
  return out;
}

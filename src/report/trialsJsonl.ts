/**
 * trials.jsonl: one JSON object per judged trial of a verify run, for notebooks
 * (`pandas.read_json('trials.jsonl', lines=True)`). Every line has the same keys; numbers that
 * are not finite are written as null (JSON has no NaN or Infinity).
 */
import type { VerifyRun } from '../check/verify.ts';
import { SCHEMA_VERSION } from './schemaVersion.ts';

/** Size keys copied from a trial's detail into its line (the configuration's shape). */
const SIZE_KEYS = ['K', 'Q', 'd', 'N'] as const;

/** Longest input summary kept for a non-object input (characters of its JSON). */
const MAX_INPUT_TEXT = 200;

/** One line of trials.jsonl. */
export interface TrialLine {
  readonly schemaVersion: number;
  readonly claim: string;
  /** Position of the trial in its claim's run (0-based). */
  readonly index: number;
  /** The input's scalar fields (numbers, strings, booleans; arrays and objects left out), or its JSON text, shortened. */
  readonly input: Readonly<Record<string, number | string | boolean | null>> | string | number | boolean | null;
  readonly K: number | null;
  readonly Q: number | null;
  readonly d: number | null;
  readonly N: number | null;
  readonly observed: number | null;
  readonly bound: number | null;
  /** > 0 inside the bound, < 0 violated, in units of the bound (Trial.slack). */
  readonly slack: number | null;
  readonly vacuous: boolean;
  readonly violated: boolean;
  readonly withinTolerance: boolean;
  readonly inconclusive: boolean;
}

const finite = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** The input summary of one trial: scalars of an object input, or the value itself for a scalar. */
export function inputSummary(input: unknown): TrialLine['input'] {
  if (input === null || input === undefined) return null;
  if (typeof input === 'number') return finite(input);
  if (typeof input === 'string' || typeof input === 'boolean') return input;
  if (typeof input === 'object' && !Array.isArray(input)) {
    const out: Record<string, number | string | boolean | null> = {};
    for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
      if (typeof v === 'number') out[k] = finite(v);
      else if (typeof v === 'string' || typeof v === 'boolean') out[k] = v;
    }
    return out;
  }
  const text = JSON.stringify(input) ?? '';
  return text.length > MAX_INPUT_TEXT ? `${text.slice(0, MAX_INPUT_TEXT)}…` : text;
}

/** Every trial of the run as a line object, claim by claim in report order. */
export function trialLines(run: VerifyRun): TrialLine[] {
  const lines: TrialLine[] = [];
  for (const r of run.results) {
    r.trials.forEach((t, index) => {
      const detail = t.detail ?? {};
      const sizes = Object.fromEntries(SIZE_KEYS.map((k) => [k, finite(detail[k])])) as Record<(typeof SIZE_KEYS)[number], number | null>;
      lines.push({
        schemaVersion: SCHEMA_VERSION,
        claim: r.id,
        index,
        input: inputSummary(r.inputs[index]),
        ...sizes,
        observed: finite(t.observed),
        bound: finite(t.bound),
        slack: finite(t.slack),
        vacuous: t.vacuous === true,
        violated: t.violated,
        withinTolerance: t.withinTolerance === true,
        inconclusive: t.inconclusive === true,
      });
    });
  }
  return lines;
}

/** The text of trials.jsonl (one line per trial, newline-terminated; empty for no trials). */
export function trialsJsonl(run: VerifyRun): string {
  return trialLines(run).map((l) => JSON.stringify(l) + '\n').join('');
}

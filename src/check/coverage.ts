/**
 * Generator coverage, in the spirit of QuickCheck's `checkCoverage`: every label a claim's
 * trials carry is counted, and each required label must reach its minimum fraction. A
 * requirement fails only when the data say with confidence that the fraction is below it (the
 * one-sided Clopper–Pearson upper bound of the observed fraction is under the requirement), so
 * a small run does not fail by bad luck and a generator that truly misses a region does.
 */
import type { CoverageRequirement, Trial } from './claim.ts';
import { clopperPearsonUpper } from './statistics.ts';

export interface CoverageRow {
  readonly label: string;
  readonly count: number;
  readonly fraction: number;
  /** Required minimum fraction, or null for a label that is only reported. */
  readonly required: number | null;
  /** Upper confidence bound on the true fraction. */
  readonly upper: number;
  readonly ok: boolean;
}

/** Counts labels over trials and checks the requirements at the given confidence. */
export function coverageReport(trials: readonly Trial[], required: CoverageRequirement, confidence: number): CoverageRow[] {
  const n = trials.length;
  const counts = new Map<string, number>();
  for (const label of Object.keys(required)) counts.set(label, 0);
  for (const t of trials) for (const label of new Set(t.labels ?? [])) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts.keys()].sort().map((label) => {
    const count = counts.get(label) ?? 0;
    const req = required[label] ?? null;
    const upper = n === 0 ? 1 : clopperPearsonUpper(count, n, confidence);
    return { label, count, fraction: n === 0 ? 0 : count / n, required: req, upper, ok: req === null || n === 0 || upper >= req };
  });
}

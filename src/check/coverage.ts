/**
 * Generator coverage, judged by QuickCheck's `checkCoverage` rule: every label a claim's trials
 * carry is counted, and each required label must reach its minimum fraction. The rule is
 * sequential. After each look at n inputs, a requirement "label L on at least a fraction p" is
 *
 * - satisfied when the lower end of the Wilson score interval of L's fraction (at error 1/certainty)
 *   is at least `tolerance · p` (QuickCheck's `sufficientlyCovered`),
 * - violated when the upper end is below p (QuickCheck's `insufficientlyCovered`),
 * - undecided otherwise: the runner then draws more inputs (up to a cap), as QuickCheck keeps
 *   testing until every requirement is satisfied or one is violated, with confidence.
 *
 * The certainty 10⁹ (error 10⁻⁹ per look) and tolerance 0.9 are QuickCheck's `stdConfidence`:
 * with so small an error per look, looking after every input costs no real confidence.
 */
import type { CoverageRequirement, Trial } from './claim.ts';

/** QuickCheck's default certainty: a requirement is decided with error 1/certainty. */
export const COVERAGE_CERTAINTY = 1e9;
/** QuickCheck's default tolerance: "satisfied" needs the fraction to be at least 0.9 × required. */
export const COVERAGE_TOLERANCE = 0.9;
/**
 * Φ⁻¹(1 − a/2) for a = 1/COVERAGE_CERTAINTY, the z of QuickCheck's two-sided Wilson interval
 * (= √2·erfc⁻¹(10⁻⁹); checked against scipy's norm.isf(5e-10) in the tests).
 */
export const COVERAGE_Z = 6.1094102048693975;

/** State of one coverage requirement under the sequential rule. */
export type CoverageStatus = 'satisfied' | 'violated' | 'undecided' | 'reported';

export interface CoverageRow {
  readonly label: string;
  readonly count: number;
  readonly fraction: number;
  /** Required minimum fraction, or null for a label that is only reported. */
  readonly required: number | null;
  /** Wilson score interval of the fraction at error 1/COVERAGE_CERTAINTY. */
  readonly lower: number;
  readonly upper: number;
  readonly status: CoverageStatus;
  /** True unless the requirement is violated or still undecided. */
  readonly ok: boolean;
}

/**
 * Wilson score interval of k successes in n at the given z (QuickCheck's `wilson`).
 *
 * @example wilsonInterval(50, 100, 1.96) // ≈ [0.404, 0.596]
 */
export function wilsonInterval(k: number, n: number, z: number): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const centre = p + (z * z) / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  const denom = 1 + (z * z) / n;
  return [Math.max(0, (centre - half) / denom), Math.min(1, (centre + half) / denom)];
}

/** The sequential decision on one requirement after n inputs of which k carry the label. */
export function coverageStatus(k: number, n: number, required: number): Exclude<CoverageStatus, 'reported'> {
  const [lower, upper] = wilsonInterval(k, n, COVERAGE_Z);
  if (lower >= COVERAGE_TOLERANCE * required) return 'satisfied';
  if (upper < required) return 'violated';
  return 'undecided';
}

/** Counts labels over trials and judges each requirement by the sequential rule. */
export function coverageReport(trials: readonly Trial[], required: CoverageRequirement): CoverageRow[] {
  const n = trials.length;
  const counts = new Map<string, number>();
  for (const label of Object.keys(required)) counts.set(label, 0);
  for (const t of trials) for (const label of new Set(t.labels ?? [])) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts.keys()].sort().map((label) => {
    const count = counts.get(label) ?? 0;
    const req = required[label] ?? null;
    const [lower, upper] = wilsonInterval(count, n, COVERAGE_Z);
    const status: CoverageStatus = req === null ? 'reported' : coverageStatus(count, n, req);
    return { label, count, fraction: n === 0 ? 0 : count / n, required: req, lower, upper, status, ok: status === 'satisfied' || status === 'reported' };
  });
}

/** True while some requirement is undecided and none is violated: more inputs would decide it. */
export function coverageUndecided(trials: readonly Trial[], required: CoverageRequirement): boolean {
  const rows = coverageReport(trials, required);
  return rows.some((r) => r.status === 'undecided') && !rows.some((r) => r.status === 'violated');
}

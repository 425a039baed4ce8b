/**
 * The findings of an exploration (findings.json): every frontier with its probes and coverage,
 * every diagram cell, every targeted search, computed deterministically from the state.
 */
import { departureAxis, type DepartureId } from '../../data/breaking.ts';
import { frontierRule, makeProbe, monotonicityContradictions, type FrontierStatus, type FrontierStopReason, type MonotonicityContradiction } from '../frontier.ts';
import { clopperPearson, type Interval } from '../statistics.ts';
import { EMPTY_COVERAGE, addCoverage, type CoverageTally } from './judge.ts';
import { DIAGRAMS } from './diagrams.ts';
import type { ExploreSettings } from './settings.ts';
import { planWorkItems } from './plan.ts';
import type { ExploreState, TargetRecord } from './state.ts';


/** Coverage of a probe or a row: share breaking exactly what was intended, realised magnitude. */
export interface CoverageSummary {
  readonly configs: number;
  /** Share of configurations that broke exactly `expectedBreaks(departure, m)` (null: none drawn). */
  readonly exactShare: number | null;
  readonly meanMagnitude: number | null;
  readonly minMagnitude: number | null;
  readonly maxMagnitude: number | null;
}

function coverageSummary(t: CoverageTally): CoverageSummary {
  return {
    configs: t.configs,
    exactShare: t.configs === 0 ? null : t.exact / t.configs,
    meanMagnitude: t.configs === 0 ? null : t.magnitudeSum / t.configs,
    minMagnitude: t.magnitudeMin,
    maxMagnitude: t.magnitudeMax,
  };
}

/** One probed magnitude in the findings. */
export interface ProbeFinding {
  readonly m: number;
  readonly failures: number;
  readonly runs: number;
  readonly rate: number;
  /** The probe's always-valid confidence sequence at the per-probe level (1 − (1 − level)/maxProbes). */
  readonly ci: Interval;
  readonly inconclusive: number;
  /** Configurations on which the claim threw (counted as runs and failures; saved under errors/). */
  readonly errors: number;
  readonly coverage: CoverageSummary;
  /** The oracle calls: batch seed and size (re-derive the configurations with `probeConfigs`). */
  readonly batches: ReadonlyArray<{ readonly seed: number; readonly n: number; readonly failures: number; readonly runs: number }>;
}

/** One (departure, claim) row of the findings table. */
export interface FrontierFinding {
  readonly departure: DepartureId;
  readonly kind: 'paper' | 'beyond';
  readonly condition: string | null;
  readonly claim: string;
  /** Range searched (after any widening). */
  readonly range: Interval;
  /** 'not-run' when this item has not been measured at all. */
  readonly status: FrontierStatus | 'not-run';
  readonly frontier: number | null;
  readonly ci: Interval | null;
  readonly runs: number;
  readonly done: boolean;
  readonly stopReason: FrontierStopReason | null;
  readonly nonMonotone: boolean;
  /**
   * Probe pairs whose failure rates fall with the magnitude beyond sampling error: the frontier
   * assumption (rate non-decreasing in m) is contradicted, and `status` is 'non-monotone'.
   */
  readonly contradictions: readonly MonotonicityContradiction[];
  /** The bracket of the first crossing (under monotonicity, the interval); null if none. */
  readonly firstCrossing: Interval | null;
  /** Configurations on which the claim threw, over all probes (counted as failures). */
  readonly errors: number;
  readonly coverage: CoverageSummary;
  readonly probes: readonly ProbeFinding[];
}

export interface DiagramFinding {
  readonly id: string;
  readonly title: string;
  readonly claim: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly cells: ReadonlyArray<{ readonly x: number; readonly y: number; readonly failures: number; readonly runs: number; readonly errors: number; readonly rate: number | null; readonly ci: Interval | null; readonly done: boolean }>;
}

export interface TargetFinding {
  readonly departure: DepartureId;
  readonly claim: string;
  readonly done: boolean;
  readonly result: TargetRecord | null;
}

/** Format tag of findings.json. */
export const FINDINGS_FORMAT = 'dpocheck-explore-findings/2';

/** Schema version of findings.json (2: confidence-sequence intervals, indifference zone, monotonicity, errors). */
export const FINDINGS_SCHEMA_VERSION = 2;

/** The findings of an exploration (deterministic in its state: no times, no shard). */
export interface Findings {
  readonly format: typeof FINDINGS_FORMAT;
  readonly schemaVersion: typeof FINDINGS_SCHEMA_VERSION;
  readonly settings: ExploreSettings;
  /** Every item of the plan measured to the end. */
  readonly complete: boolean;
  /** Items not finished (or, for one shard, not in it). */
  readonly pending: readonly string[];
  readonly frontiers: readonly FrontierFinding[];
  readonly diagrams: readonly DiagramFinding[];
  readonly targets: readonly TargetFinding[];
}

/** The findings of a state (the full plan; items the state lacks are reported as not run). */
export function findingsOf(state: ExploreState): Findings {
  const { settings } = state;
  const rule = frontierRule({ p: settings.p, level: settings.level, indifference: settings.indifference, maxProbes: settings.maxProbes });
  const plan = planWorkItems(settings);
  const pending = plan.filter((item) => state.items[item.key]?.done !== true).map((item) => item.key);
  const frontiers: FrontierFinding[] = [];
  const cells = new Map<string, DiagramFinding['cells'][number][]>();
  const targets: TargetFinding[] = [];
  for (const item of plan) {
    const s = state.items[item.key];
    if (item.kind === 'frontier') {
      const axis = departureAxis(item.departure);
      const f = s?.kind === 'frontier' ? s : null;
      const probes: ProbeFinding[] = (f?.probes ?? []).map((p) => {
        const coverage = p.batches.reduce((a, b) => addCoverage(a, b.coverage), EMPTY_COVERAGE);
        return {
          m: p.m,
          failures: p.failures,
          runs: p.runs,
          rate: p.runs === 0 ? 0 : p.failures / p.runs,
          ci: makeProbe(p.m, p.failures, p.runs, rule).ci,
          inconclusive: p.batches.reduce((a, b) => a + b.inconclusive, 0),
          errors: p.batches.reduce((a, b) => a + (b.errors ?? 0), 0),
          coverage: coverageSummary(coverage),
          batches: p.batches.map((b) => ({ seed: b.seed, n: b.n, failures: b.failures, runs: b.runs })),
        };
      });
      const total = (f?.probes ?? []).flatMap((p) => p.batches).reduce((a, b) => addCoverage(a, b.coverage), EMPTY_COVERAGE);
      const [lo, hi] = f === null ? axis.defaultRange : [f.lo, f.hi];
      frontiers.push({
        departure: item.departure,
        kind: axis.kind,
        condition: axis.condition,
        claim: item.claim,
        range: [lo, hi],
        status: f?.result?.status ?? 'not-run',
        frontier: f?.result?.frontier ?? null,
        ci: f?.result?.ci ?? null,
        runs: probes.reduce((a, p) => a + p.runs, 0),
        done: f?.done ?? false,
        stopReason: f?.result?.stopReason ?? null,
        nonMonotone: f?.result?.nonMonotone ?? false,
        contradictions: f?.result?.contradictions ?? monotonicityContradictions((f?.probes ?? []).map((p) => makeProbe(p.m, p.failures, p.runs, rule))),
        firstCrossing: f?.result?.firstCrossing ?? f?.result?.ci ?? null,
        errors: probes.reduce((a, p) => a + p.errors, 0),
        coverage: coverageSummary(total),
        probes,
      });
    } else if (item.kind === 'cell') {
      const c = s?.kind === 'cell' ? s : null;
      const failures = c?.batches.reduce((a, b) => a + b.failures, 0) ?? 0;
      const runs = c?.batches.reduce((a, b) => a + b.runs, 0) ?? 0;
      const list = cells.get(item.diagram) ?? [];
      const errors = c?.batches.reduce((a, b) => a + (b.errors ?? 0), 0) ?? 0;
      list.push({ x: item.x, y: item.y, failures, runs, errors, rate: runs === 0 ? null : failures / runs, ci: runs === 0 ? null : clopperPearson(failures, runs), done: c?.done ?? false });
      cells.set(item.diagram, list);
    } else {
      const t = s?.kind === 'target' ? s : null;
      targets.push({ departure: item.departure, claim: item.claim, done: t?.done ?? false, result: t?.result ?? null });
    }
  }
  const diagrams: DiagramFinding[] = settings.diagrams.map((id) => {
    const spec = DIAGRAMS[id]!;
    return { id, title: spec.title, claim: settings.diagramClaim, xLabel: spec.xLabel, yLabel: spec.yLabel, cells: cells.get(id) ?? [] };
  });
  return { format: FINDINGS_FORMAT, schemaVersion: FINDINGS_SCHEMA_VERSION, settings, complete: pending.length === 0, pending, frontiers, diagrams, targets };
}

/**
 * The three conclusions of Theorem 4.2 (THEORY §4) judged on one simulated trajectory: the
 * sandwich r_L(t) <= r_i(t) <= r_U(t) on [0, τ_1], the window [ln3/40, ln 3] at τ_1, and the
 * monotone increase of every margin. The claims thm42-sandwich, -window, -monotone and
 * -probability draw the same configurations; a full-scale non-vacuous trajectory is hundreds of
 * MB, too large to keep, so each configuration is simulated once and the three small judgements
 * are kept instead (identical results: simulations are deterministic).
 */
import type { Trial } from '../../src/check/claim.ts';
import { checkBand, ERROR_SAFETY_FACTOR, ROUNDING_RELATIVE, type Trajectory } from '../../src/check/measure.ts';
import type { ClusterConfig } from '../../src/data/config.ts';
import { trainingMarginSandwich, type Edition, type MarginSandwich } from '../../src/theory/index.ts';
import { cachedTrajectory, configLabels, configShape, theorem42Vacuous } from './inputs.ts';

/** Judges the sandwich against `s` (Theorem 4.2's slopes unless a test plants others). */
export function judgeSandwich(config: ClusterConfig, traj: Trajectory, s: MarginSandwich, edition: Edition): Trial {
  const band = checkBand(traj, traj.result.errorEstimate, () => s.lowerSlope, () => s.upperSlope);
  const { vacuous, probability } = theorem42Vacuous(config, 'theorem42', edition);
  const w = band.worst;
  return {
    violated: band.violated && !vacuous,
    vacuous,
    withinTolerance: band.withinTolerance && !band.violated,
    observed: w.r,
    bound: (w.side === 'upper' ? s.upperSlope : s.lowerSlope) * w.t,
    slack: band.slack,
    detail: {
      ...configShape(config),
      conclusionHeld: !band.violated,
      probability,
      worstT: w.t,
      worstSample: w.i,
      side: w.side,
      excess: band.worstExcess,
      tolerance: band.tolerance,
      errorEstimate: traj.result.errorEstimate,
      times: traj.times.length,
    },
    labels: configLabels(config, edition),
  };
}

function judgeWindow(config: ClusterConfig, traj: Trajectory, edition: Edition): Trial {
  const s = trainingMarginSandwich(config.K, config.beta, config.tau);
  const r = traj.result.train;
  const [lo, hi] = s.window;
  const tol = ERROR_SAFETY_FACTOR * traj.result.errorEstimate + ROUNDING_RELATIVE * hi;
  const lowSlack = (r.min - lo) / lo;
  const highSlack = (hi - r.max) / hi;
  const excess = Math.max(lo - r.min, r.max - hi, 0);
  const { vacuous, probability } = theorem42Vacuous(config, 'theorem42', edition);
  const failed = excess > tol || r.error > 0;
  return {
    violated: failed && !vacuous,
    vacuous,
    withinTolerance: excess > 0 && !failed,
    observed: lowSlack <= highSlack ? r.min : r.max,
    bound: lowSlack <= highSlack ? lo : hi,
    slack: Math.min(lowSlack, highSlack),
    detail: { ...configShape(config), conclusionHeld: !failed, probability, min: r.min, max: r.max, trainError: r.error, tolerance: tol },
    labels: configLabels(config, edition),
  };
}

function judgeMonotone(config: ClusterConfig, traj: Trajectory, edition: Edition): Trial {
  const s = trainingMarginSandwich(config.K, config.beta, config.tau);
  const tol = ERROR_SAFETY_FACTOR * traj.result.errorEstimate;
  let minQuotient = Infinity;
  let worstDrop = 0;
  let prevT = 0;
  let prev: Float64Array | null = null;
  for (let k = 0; k < traj.times.length; k++) {
    const t = traj.times[k]!;
    const r = traj.margins[k]!;
    if (t <= prevT) continue;
    for (let i = 0; i < r.length; i++) {
      const before = prev === null ? 0 : prev[i]!;
      const diff = r[i]! - before;
      minQuotient = Math.min(minQuotient, diff / (t - prevT));
      worstDrop = Math.max(worstDrop, before - r[i]! - ROUNDING_RELATIVE * Math.abs(before));
    }
    prev = r;
    prevT = t;
  }
  const { vacuous, probability } = theorem42Vacuous(config, 'theorem42', edition);
  const failed = worstDrop > tol;
  return {
    violated: failed && !vacuous,
    vacuous,
    withinTolerance: worstDrop > 0 && !failed,
    observed: minQuotient,
    bound: 0,
    slack: minQuotient / s.lowerSlope,
    detail: { ...configShape(config), conclusionHeld: !failed, probability, worstDrop, tolerance: tol },
    labels: configLabels(config, edition),
  };
}

export interface Theorem42Trials {
  readonly sandwich: Trial;
  readonly window: Trial;
  readonly monotone: Trial;
}

/** Most configurations whose judgements are kept. Ours: a few KB each; far more than one run draws. */
const MAX_KEPT = 20_000;
const kept = new Map<string, Promise<Theorem42Trials>>();

/** The three judgements of `config` in `edition`, simulated once and kept. */
export function theorem42Trials(config: ClusterConfig, edition: Edition): Promise<Theorem42Trials> {
  const key = JSON.stringify([config, edition]);
  const hit = kept.get(key);
  if (hit !== undefined) return hit;
  const value = (async () => {
    const s = trainingMarginSandwich(config.K, config.beta, config.tau);
    const traj = await cachedTrajectory(config, { tEnd: s.tau1 });
    return { sandwich: judgeSandwich(config, traj, s, edition), window: judgeWindow(config, traj, edition), monotone: judgeMonotone(config, traj, edition) };
  })();
  kept.set(key, value);
  value.catch(() => kept.delete(key));
  if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value!);
  return value;
}

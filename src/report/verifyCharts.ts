/**
 * The SVG charts of the verification report, all drawn from the run's own trials: the margin
 * trajectories of the run's WORST Theorem 4.2 trial inside the r_L/r_U band (its configuration
 * re-simulated), the exact test error (THEORY §9, on a log10 scale) against the generalisation
 * bound, the Q_min(K) curve with the configurations where the measured error stayed below η, and
 * the slack of every trial.
 */
import type { VerifyRun } from '../check/verify.ts';
import type { ClaimResult } from '../check/runner.ts';
import { flowTrajectory } from '../check/measure.ts';
import { ClusterConfigSchema } from '../data/config.ts';
import { generalizationBound, qMin, trainingMarginSandwich } from '../theory/index.ts';
import { generalizationChart, marginBandChart, qMinChart, slackChart } from './charts.ts';

/**
 * Claims whose input is one configuration trained to τ_1 and whose slack is the margin band's
 * (Theorem 4.2): the margin-band chart shows the trial with the smallest slack among them,
 * preferring counted (non-vacuous) trials, in this order of claims.
 */
export const BAND_CLAIMS = ['thm42-sandwich', 'thm42-window', 'thm42-monotone', 'certificate-implies-sandwich'] as const;
/** Trajectories drawn (more make the chart unreadable). */
const TRAJECTORIES = 8;
/** η of the Q_min chart (the paper's Figure 4). */
const ETA = 0.05;
const QMIN_KS = [1, 2, 4, 8, 10, 16, 32, 64, 100, 1000];
/**
 * −log10 drawn for an error that is exactly 0 (only with zero noise, where the margin is
 * deterministic, so ln R = −∞). Ours: 1e15 decades, above any finite exact error of these configurations.
 */
const NEGLOG10_OF_ZERO = 1e15;
/** Factor around the measured Q range over which the bound is drawn: the chart's own axis padding (QUANTITY_AXIS_PADDING in charts.ts), so a K with one Q still gets a segment inside the plot. */
const BOUND_MARGIN = 1.15;
/** Points per K at which the bound curve is sampled. */
const BOUND_GRID = 64;

/** −log10 of the bound at integer Q (it is defined for integers only), log-spaced over the measured range, per K. */
function boundSamples(points: ReadonlyArray<{ Q: number; K: number }>): Array<{ Q: number; K: number; bound: number }> {
  const out: Array<{ Q: number; K: number; bound: number }> = [];
  for (const K of [...new Set(points.map((p) => p.K))].sort((a, b) => a - b)) {
    const qs = points.filter((p) => p.K === K).map((p) => p.Q);
    // A factor BOUND_MARGIN around the measured Q, so that a K with one measured Q still gets a curve.
    const lo = Math.log(Math.max(1, Math.min(...qs) / BOUND_MARGIN));
    const hi = Math.log(Math.max(...qs) * BOUND_MARGIN);
    const grid = new Set<number>();
    for (let k = 0; k <= BOUND_GRID; k++) grid.add(Math.round(Math.exp(lo + ((hi - lo) * k) / BOUND_GRID)));
    for (const Q of [...grid].sort((a, b) => a - b)) {
      out.push({ Q, K, bound: -generalizationBound(K, Q, 'v5-main').lnBound / Math.LN10 });
    }
  }
  return out;
}

/** Renders every chart; returns file name → SVG text. */
export async function verifyCharts(run: VerifyRun): Promise<Record<string, string>> {
  const charts: Record<string, string> = {};

  const worst = worstBandTrial(run.results);
  if (worst !== null) {
    const { config, result, index } = worst;
    const trial = result.trials[index]!;
    const s = trainingMarginSandwich(config.K, config.beta, config.tau);
    const traj = await flowTrajectory(config, { tEnd: s.tau1, gridPoints: 32, solverSteps: false });
    const n = traj.dataset.train.n;
    const worstSample = typeof trial.detail?.['worstSample'] === 'number' ? (trial.detail['worstSample'] as number) : 0;
    const samples = [worstSample];
    const step = Math.max(1, Math.floor(n / TRAJECTORIES));
    for (let i = 0; i < n && samples.length < TRAJECTORIES; i += step) if (i !== worstSample) samples.push(i);
    const trajectories = samples.map((i) => ({
      id: i === worstSample ? `sample ${i} (worst)` : `sample ${i}`,
      t: [0, ...traj.times],
      r: [0, ...traj.margins.map((m) => m[i]!)],
    }));
    charts['margin-band.svg'] = await marginBandChart({
      tau1: s.tau1,
      lowerSlope: s.lowerSlope,
      upperSlope: s.upperSlope,
      trajectories,
      title:
        `Theorem 4.2, worst trial of ${result.id} (#${index}${trial.vacuous === true ? ', vacuous' : ''}, slack ${trial.slack?.toPrecision(3) ?? '—'}): ` +
        `K=${config.K}, Q=${config.Q}, d=${config.d}`,
    });
  }

  const thm43 = run.results.find((r) => r.id === 'thm43-generalization');
  const details = (thm43?.trials ?? [])
    .map((t) => t.detail)
    .filter((d): d is Record<string, unknown> => d !== undefined && typeof d['testError'] === 'number');
  // Exact errors (THEORY §9) reach e^{-10^11}: draw −log10 R(P) (decades below 1) from lnTestError
  // on a log axis, never a "0 observed" arrow.
  const points = details.map((d) => {
    const ln = typeof d['lnTestError'] === 'number' ? (d['lnTestError'] as number) : Math.log(d['testError'] as number);
    const exact = d['exactRisk'] === true;
    const lnHigh = exact ? ln : Math.log(d['ciHigh'] as number);
    // Monte Carlo (heavy tails only): 0 errors say "at most ciHigh", drawn there, not at infinity.
    const lnLow = exact ? ln : (d['ciLow'] as number) > 0 ? Math.log(d['ciLow'] as number) : lnHigh;
    const lnPoint = exact || (d['testError'] as number) > 0 ? ln : lnHigh;
    const finite = (x: number): number => (Number.isFinite(x) ? -x / Math.LN10 : NEGLOG10_OF_ZERO);
    return { Q: d['Q'] as number, K: d['K'] as number, testError: finite(lnPoint), ciHigh: finite(lnHigh), ciLow: finite(lnLow), raw: d['testError'] as number, rawHigh: d['ciHigh'] as number };
  });
  if (points.length > 0) {
    charts['generalization.svg'] = await generalizationChart({
      points,
      bound: boundSamples(points),
      valueScale: 'neglog10',
      title: 'Theorem 4.3: exact test error (THEORY §9) against 2KQ²e^{−Q/45}, in decades below 1',
    });
  }

  const curve = QMIN_KS.map((K) => ({ K, Qmin: qMin(K, ETA, 'v5-main') }));
  // Per K, the smallest Q at which the measured error (exact, or its 95% upper bound) was already
  // below η: how far below the theoretical Q_min the measured behaviour sits.
  const smallest = new Map<number, number>();
  for (const p of points) if (p.rawHigh < ETA && p.Q < (smallest.get(p.K) ?? Infinity)) smallest.set(p.K, p.Q);
  const empirical = [...smallest].sort((a, b) => a[0] - b[0]).map(([K, Q]) => ({ K, Q, label: 'measured < η' }));
  charts['qmin.svg'] = await qMinChart({
    curve,
    empirical,
    title: `Q_min(K) for η = ${ETA} (Theorem 4.3) and the smallest Q measured below η`,
  });

  const slackPoints = run.results.flatMap((r) =>
    r.trials.filter((t) => t.vacuous !== true && t.slack !== undefined && Number.isFinite(t.slack)).map((t) => ({ claim: r.id, slack: t.slack! })),
  );
  if (slackPoints.length > 0) {
    charts['slack.svg'] = await slackChart({ points: slackPoints, title: 'Slack of every counted trial (> 0 inside the bound, < 0 violated)' });
  }
  return charts;
}

/**
 * The trial the margin-band chart shows: over the {@link BAND_CLAIMS} that ran, the one with the
 * smallest finite slack among counted trials, or among all trials if none was counted; null when
 * none of those claims ran (then no band chart is drawn rather than a made-up example).
 */
export function worstBandTrial(results: ReadonlyArray<ClaimResult>): { result: ClaimResult; index: number; config: ReturnType<typeof ClusterConfigSchema.parse> } | null {
  for (const counted of [true, false]) {
    let best: { result: ClaimResult; index: number; slack: number } | null = null;
    for (const id of BAND_CLAIMS) {
      const result = results.find((r) => r.id === id);
      if (result === undefined) continue;
      result.trials.forEach((t, index) => {
        if (counted && t.vacuous === true) return;
        if (t.slack === undefined || !Number.isFinite(t.slack)) return;
        if (best === null || t.slack < best.slack) best = { result, index, slack: t.slack };
      });
    }
    if (best !== null) {
      const { result, index } = best as { result: ClaimResult; index: number };
      const parsed = ClusterConfigSchema.safeParse(result.inputs[index]);
      if (parsed.success) return { result, index, config: parsed.data };
    }
  }
  return null;
}

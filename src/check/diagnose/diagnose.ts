/**
 * `dpocheck diagnose`: where a user's embeddings sit against THEORY §3's assumption, by how much
 * each condition is missed, which of the explorer's frontiers apply, and (optionally) what DPO
 * then does on them. One function from a loaded dataset to one JSON-ready document; the CLI and
 * the report only format it.
 *
 * Flow: concepts and clusters (clusters.ts) -> an optional held-out split (split.ts) -> streaming
 * statistics (clusterStatistics.ts) -> debiased estimates with bootstrap errors (estimates.ts) ->
 * conditions and frontiers (conditions.ts) -> cosines (cosines.ts) -> training (training.ts).
 */
import type { Dataset } from '../../data/dataset.ts';
import { InvalidInputError } from '../../theory/errors.ts';
import { identifyClusters, type ClusterAssignment, type ConceptSource } from './clusters.ts';
import { clusterStatisticsSteps } from './clusterStatistics.ts';
import { runStepsYielding } from '../interrupt.ts';
import { measuredConditions, measuredDepartures, type MeasuredCondition, type MeasuredDeparture } from './conditions.ts';
import { embeddingCosines, type CosineReport } from './cosines.ts';
import { BOOTSTRAP_REPLICATES, diagnoseEstimates, type DiagnoseEstimates } from './estimates.ts';
import { heldOutSplit } from './split.ts';
import { trainingReport, type TrainingReport } from './training.ts';

/** Version of the JSON document. */
export const DIAGNOSE_SCHEMA_VERSION = 1;

/** Options of {@link diagnose}. */
export interface DiagnoseOptions {
  /** Names the data in messages and in the document. */
  readonly file: string;
  /** Seeds the bootstrap, the Lanczos start, the cosine pairs and the split. */
  readonly seed: number;
  /** Hold out this fraction of every cluster as the test set (the file must have no test arrays). */
  readonly split?: number;
  /** Run the training section (flow to τ_1 and the authors' preset). */
  readonly train: boolean;
  /** Worker threads for the Lanczos products and for training (results do not depend on it). */
  readonly workers: number;
  /** Bootstrap replicates (default {@link BOOTSTRAP_REPLICATES}). */
  readonly replicates?: number;
  /** Aborted (SIGINT): training stops at its next stage, or is skipped; the statistics are kept. */
  readonly signal?: { readonly aborted: boolean };
}

/** The document `diagnose --json` prints. */
export interface DiagnoseReport {
  readonly schemaVersion: number;
  readonly data: string;
  readonly seed: number;
  readonly conceptSource: ConceptSource;
  readonly K: number;
  readonly Q: { readonly min: number; readonly median: number; readonly max: number; readonly mean: number };
  readonly d: number;
  readonly N: number;
  /** N of the test set used in training (file arrays or the split), or 0. */
  readonly testN: number;
  /** s in feature units: every estimate is in units of it. */
  readonly scale: number;
  readonly estimates: DiagnoseEstimates['estimates'] & { readonly Z: number; readonly imbalance: number; readonly dOver5Q: number };
  readonly standardErrors: DiagnoseEstimates['standardErrors'];
  readonly standardErrorMethod: string;
  readonly noiseFloor: DiagnoseEstimates['noiseFloor'];
  readonly details: Omit<DiagnoseEstimates, 'estimates' | 'standardErrors' | 'noiseFloor' | 'standardErrorMethod'> & {
    readonly lanczosSteps: number;
    readonly tokenPairs: ReadonlyArray<readonly [number, number]>;
    readonly clusterSizes: readonly number[];
  };
  readonly conditions: readonly MeasuredCondition[];
  readonly departures: readonly MeasuredDeparture[];
  readonly cosine: CosineReport;
  readonly training: TrainingReport | { readonly skipped: string };
  /** Wall time of the statistics and of training; CPU time of the statistics (they run on this thread). */
  /** True when a SIGINT cut training short (what was measured is kept). */
  readonly interrupted: boolean;
  readonly seconds: { readonly statistics: number; readonly statisticsCpu: number; readonly phases: Readonly<Record<string, number>>; readonly training: number };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Diagnoses a dataset (module comment).
 * @throws InvalidInputError for data the model cannot describe (clusters.ts) or a bad split.
 * @example const report = await diagnose(loadDataset('d.npz'), { file: 'd.npz', seed: 0, train: false, workers: 0 });
 */
export async function diagnose(dataset: Dataset, opts: DiagnoseOptions): Promise<DiagnoseReport> {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let clusters: ClusterAssignment = identifyClusters(dataset.train, opts.file);
  let data = dataset;
  if (opts.split !== undefined) {
    if (dataset.test !== undefined) throw new InvalidInputError('--split', `${opts.file} already has test arrays; drop --split or the test_* arrays`);
    data = heldOutSplit(dataset, clusters, opts.split, opts.seed);
    clusters = identifyClusters(data.train, opts.file);
  }
  const train = data.train;
  const K = clusters.K;
  if (train.n - 2 * K < 1) throw new InvalidInputError(opts.file, 'needs more samples than clusters to estimate the noise');
  const phases: Record<string, number> = {};
  let lap = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = (now - lap) / 1000;
    lap = now;
  };
  phase('concepts');
  // With turns of the event loop between passes, so that Ctrl-C is heard: the first one lets the
  // statistics finish and skips the training, a second one quits at once (interrupt.ts).
  const st = await runStepsYielding(clusterStatisticsSteps(train, clusters, opts.seed, opts.workers));
  phase('passes and Lanczos');
  const e = diagnoseEstimates(st, opts.seed, opts.replicates ?? BOOTSTRAP_REPLICATES);
  phase('estimates and bootstrap');
  if (!(e.estimates.scale > 0)) {
    throw new InvalidInputError(
      opts.file,
      'the two clusters of every concept have the same mean within noise (debiased ‖μ₊ - μ₋‖ = 0): there is no concept direction to measure the model against',
    );
  }
  const sizes = [...clusters.sizes];
  const Qmean = train.n / (2 * K);
  let imbalance = 1;
  for (let k = 0; k < K; k++) {
    const [p, m] = [sizes[2 * k], sizes[2 * k + 1]];
    imbalance = Math.max(imbalance, Math.max(p, m) / Math.min(p, m));
  }
  const pairCounts = new Map<string, number>();
  for (const [p, q] of clusters.pairs) pairCounts.set(`${p},${q}`, (pairCounts.get(`${p},${q}`) ?? 0) + 1);
  const sharedPairConcepts = pairCounts.size === 1 ? K : 1;
  const inputs = {
    K,
    Q: Qmean,
    d: train.d,
    v: e.estimates.v,
    lb: e.estimates.lb,
    Z: clusters.Z,
    maxCos: Math.max(e.estimates.maxConceptCos, e.estimates.maxBiasCos),
    cosFloor: Math.max(e.noiseFloor.conceptCos, e.noiseFloor.biasCos),
    imbalance,
    anisotropy: e.estimates.anisotropy,
    sharedPairConcepts,
  };
  const cosine = embeddingCosines(train, opts.seed);
  phase('cosines');
  const statisticsSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const statisticsCpu = (cpu.user + cpu.system) / 1e6;

  let training: DiagnoseReport['training'] = { skipped: 'not requested (--no-train)' };
  let trainingSeconds = 0;
  let interrupted = false;
  if (opts.train && opts.signal?.aborted === true) {
    training = { skipped: 'interrupted (SIGINT) before training' };
    interrupted = true;
  } else if (opts.train) {
    const t0 = performance.now();
    const t = await trainingReport(data, clusters, st, { scale: e.estimates.scale, v: e.estimates.v }, { workers: opts.workers, ...(opts.signal ? { signal: opts.signal } : {}) });
    training = t;
    interrupted = t.interrupted;
    trainingSeconds = (performance.now() - t0) / 1000;
  }
  const { estimates, standardErrors, noiseFloor, standardErrorMethod, ...details } = e;
  return {
    schemaVersion: DIAGNOSE_SCHEMA_VERSION,
    data: opts.file,
    seed: opts.seed,
    conceptSource: clusters.source,
    K,
    Q: { min: Math.min(...sizes), median: median(sizes), max: Math.max(...sizes), mean: Qmean },
    d: train.d,
    N: train.n,
    testN: data.test?.n ?? 0,
    scale: estimates.scale,
    estimates: { ...estimates, Z: clusters.Z, imbalance, dOver5Q: train.d / (5 * Qmean) },
    standardErrors,
    standardErrorMethod,
    noiseFloor,
    details: { ...details, lanczosSteps: st.spectrum.steps, tokenPairs: clusters.pairs, clusterSizes: sizes },
    conditions: measuredConditions(inputs),
    departures: measuredDepartures(inputs),
    cosine,
    training,
    interrupted,
    seconds: { statistics: statisticsSeconds, statisticsCpu, phases, training: trainingSeconds },
  };
}

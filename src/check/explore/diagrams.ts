/**
 * Phase diagrams of the regime explorer: failure-rate grids over two
 * axes. The grid runner is generic (any two axes with a cell generator); two diagrams are
 * defined, each answering a question the frontiers alone cannot:
 *
 * - `noise-x-shared-low`: does a weak shared component (l_b below 1/4, THEORY §3 "shared") lower
 *   the noise the sandwich tolerates? x = noise magnitude m (v = m/(32√Q)), y = shared-low
 *   magnitude (l_b = 1/(4y)).
 * - `noise-x-K`: does the tolerated noise depend on the number of concepts K? x = noise
 *   magnitude, y = K.
 */
import fc from 'fast-check';
import { ClusterConfigSchema, type ClusterConfig } from '../../data/config.ts';
import { breakingConfigArb } from '../../data/breaking.ts';
import { noiseBound } from '../../data/conditionEdges.ts';
import type { GenOptions } from '../claim.ts';

/** One failure-rate grid: its axes and how a cell's configurations are drawn. */
export interface DiagramSpec {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xValues: readonly number[];
  readonly yValues: readonly number[];
  /** Configurations of cell (x, y). */
  cellArb(x: number, y: number, scale: GenOptions['scale']): fc.Arbitrary<ClusterConfig>;
}

/**
 * Noise magnitudes of both diagrams: from the v5 edge (1) through the appendix/v3 edge (8,
 * THEORY §8) to where the sandwich was seen to fail at the small scale (tens: the noise frontier
 * of thm42-sandwich lies between 32 and 64 there).
 */
const NOISE_MAGNITUDES = [1, 8, 24, 48, 96] as const;

/** Sets v = m/(32√Q) (THEORY §3 noise condition scaled by m) on a configuration. */
function withNoiseMagnitude(config: ClusterConfig, m: number): ClusterConfig {
  return ClusterConfigSchema.parse({ ...config, v: m * noiseBound(config.Q) });
}

/** The defined diagrams, by id. */
export const DIAGRAMS: Readonly<Record<string, DiagramSpec>> = {
  'noise-x-shared-low': {
    id: 'noise-x-shared-low',
    title: 'failure rate over noise and a weak shared component',
    xLabel: 'noise magnitude m (v = m/(32 sqrt Q))',
    yLabel: 'shared-low magnitude (l_b = 1/(4 m))',
    xValues: NOISE_MAGNITUDES,
    yValues: [1, 2, 4, 8],
    cellArb: (x, y, scale) => breakingConfigArb('shared-low', y, { scale }).map((c) => withNoiseMagnitude(c, x)),
  },
  'noise-x-K': {
    id: 'noise-x-K',
    title: 'failure rate over noise and the number of concepts',
    xLabel: 'noise magnitude m (v = m/(32 sqrt Q))',
    yLabel: 'concepts K',
    xValues: NOISE_MAGNITUDES,
    // With Q >= 40 the small scale (N <= 400) fits K <= 5.
    yValues: [1, 2, 3, 4, 5],
    cellArb: (x, y, scale) => breakingConfigArb('noise', x, { scale }).filter((c) => c.K === y),
  },
};

/** Ids of the defined diagrams, in report order. */
export const DIAGRAM_IDS = Object.keys(DIAGRAMS);

/** The configurations of one batch of a cell (deterministic in the seed, like a probe's). */
export function cellConfigs(spec: DiagramSpec, x: number, y: number, n: number, seed: number, scale: GenOptions['scale']): ClusterConfig[] {
  return fc.sample(spec.cellArb(x, y, scale), { seed, numRuns: n });
}

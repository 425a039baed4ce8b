/**
 * The measured scaling law (THEORY §9): the settings of one `law` run, its grid of cells
 * (regime × K × Q) and the cluster configuration of every training set. Everything a result
 * depends on is in {@link LawSettings}; a dataset's seed depends only on the run seed, its noise
 * level, K, Q and its index, so every cell is reproducible alone (shards, resume) and the
 * regimes share their features (paired comparisons: at K = 1 distinct and shared pairs coincide).
 */
import seedrandom from 'seedrandom';
import { z } from 'zod';
import { ClusterConfigSchema, type ClusterConfig, type ClusterConfigInput } from '../../data/config.ts';
import { DEPARTURE_IDS, type DepartureId } from '../../data/breaking.ts';
import { approxDeltaBound } from '../../data/conditionEdges.ts';
import { InvalidInputError } from '../../theory/errors.ts';
import { LN3 } from '../../theory/numerics.ts';
import { hubGroupSizes, noiseAt, type NoiseLevel, type TokenLayout } from '../../theory/sharedResponses.ts';

/** Version of every law JSON file (results, state). */
export const LAW_SCHEMA_VERSION = 1;

/**
 * Default grid. THEORY §9 with relative noise m = 32 (v = 1/√Q, 32 times the theorems' edge)
 * predicts Q̂_min ≈ (m z_η/32)² h = 2.7 h at η = 0.05: 2.7 K for the shared pair (3 … 173 for
 * K = 1 … 64, inside Q ≤ 256) and 2.7 for distinct pairs, so both regimes have a Q̂_min at every
 * K of the default grid, and the grid's factor-2 steps resolve it to within a factor 2.
 */
export const DEFAULT_KS = [1, 2, 4, 8, 16, 32, 64] as const;
export const DEFAULT_QS = [1, 2, 4, 8, 16, 32, 64, 128, 256] as const;
/** Default noise: m = 32 (see DEFAULT_KS). At m = 1 (the edge) Q̂_min < 1 for K < 384: nothing to measure. */
export const DEFAULT_NOISE_MULTIPLIER = 32;
/** Training sets per cell. Ours: 6 gives a t interval of ±2.6 standard errors; the spread across sets is a few %. */
export const DEFAULT_DATASETS = 6;
/** Target error η of Q̂_min (the paper's Figure 4 uses 0.05). */
export const DEFAULT_ETA = 0.05;
/** l_b (THEORY §3 allows [1/4, 1/2]; b cancels in the first-order direction, THEORY §9). */
export const DEFAULT_LB = 0.5;
/** Monte Carlo test points per training set, only for noise without a closed form (heavy tails). */
export const DEFAULT_TEST_SIZE = 4000;

/** A token regime: distinct pairs, one shared pair, or hub groups of Z concepts ('z=Z'). */
export type TokensSpec = 'distinct' | 'shared-pair' | `z=${number}`;

/** How a training set is trained. */
export type Training =
  | { readonly optimizer: 'flow'; readonly tEnd: number; readonly tEndUnit: 'tau1' | 'time' }
  | { readonly optimizer: 'adam'; readonly preset: 'authors-last-layer' };

/** One explorer departure applied to every cell (THEORY §3 departures beyond the paper, Appendix C). */
export interface LawDeparture {
  readonly id: DepartureId;
  readonly magnitude: number;
}

export interface LawSettings {
  readonly schemaVersion: number;
  readonly seed: number;
  readonly Ks: readonly number[];
  readonly Qs: readonly number[];
  readonly tokens: readonly TokensSpec[];
  readonly noises: readonly NoiseLevel[];
  readonly d: number;
  readonly lb: number;
  readonly beta: number;
  readonly tau: number;
  readonly datasets: number;
  readonly eta: number;
  readonly training: Training;
  readonly departures: readonly LawDeparture[];
  readonly testSize: number;
}

/** One regime: a token layout and a noise level. */
export interface Regime {
  readonly tokens: TokensSpec;
  readonly noise: NoiseLevel;
}

/** A cell of the grid. */
export interface Cell {
  readonly regime: Regime;
  readonly K: number;
  readonly Q: number;
}

/** Label of a noise level: `m=32` or `v=0.3`. */
export function noiseLabel(noise: NoiseLevel): string {
  return noise.kind === 'relative' ? `m=${noise.m}` : `v=${noise.v}`;
}

/** Key of a regime, e.g. `shared-pair|m=32`. */
export function regimeKey(r: Regime): string {
  return `${r.tokens}|${noiseLabel(r.noise)}`;
}

/** Key of a cell, e.g. `shared-pair|m=32|K=4|Q=16`. */
export function cellKey(c: Cell): string {
  return `${regimeKey(c.regime)}|K=${c.K}|Q=${c.Q}`;
}

/** The token layout of THEORY §9 for a tokens spec. */
export function layoutOf(tokens: TokensSpec): TokenLayout {
  if (tokens === 'distinct' || tokens === 'shared-pair') return { kind: tokens };
  return { kind: 'hub', Z: Number(tokens.slice(2)) };
}

/** Parses `distinct`, `shared-pair` or `z=<Z>` (Z a positive integer). */
export function parseTokens(text: string): TokensSpec {
  const t = text.trim();
  if (t === 'distinct' || t === 'shared-pair') return t;
  const m = /^z=(\d+)$/.exec(t);
  if (m !== null && Number(m[1]) >= 1) return `z=${Number(m[1])}`;
  throw new InvalidInputError('tokens', `expected distinct, shared-pair or z=<Z> with Z >= 1, got '${text}'`);
}

const settingsSchema = z.object({
  schemaVersion: z.literal(LAW_SCHEMA_VERSION),
  seed: z.number().int().min(0).max(0xffffffff),
  Ks: z.array(z.number().int().min(1)).min(1),
  Qs: z.array(z.number().int().min(1)).min(1),
  tokens: z.array(z.string()).min(1),
  noises: z
    .array(z.union([z.object({ kind: z.literal('absolute'), v: z.number().gt(0) }), z.object({ kind: z.literal('relative'), m: z.number().gt(0) })]))
    .min(1),
  d: z.number().int().min(2),
  lb: z.number().gt(0),
  beta: z.number().gt(0),
  tau: z.number().gt(0),
  datasets: z.number().int().min(2),
  eta: z.number().gt(0).lt(0.5),
  training: z.union([
    z.object({ optimizer: z.literal('flow'), tEnd: z.number().gt(0), tEndUnit: z.enum(['tau1', 'time']) }),
    z.object({ optimizer: z.literal('adam'), preset: z.literal('authors-last-layer') }),
  ]),
  departures: z.array(z.object({ id: z.enum(DEPARTURE_IDS), magnitude: z.number() })),
  testSize: z.number().int().min(1),
});

/** Departures the grid sets itself (the flags that set them instead). */
const GRID_DEPARTURES: Partial<Record<DepartureId, string>> = {
  Z: '--tokens z=<Z> and --lb',
  dim: '--d',
  noise: '--v or --noise-multiplier',
  'shared-high': '--lb',
  'shared-low': '--lb',
  size: '--Q',
  'shared-pair': '--tokens shared-pair',
};

/**
 * Validates settings (one InvalidInputError naming the problem): sorted, de-duplicated grids,
 * d >= K+1 for every K (plus what the concept departures need), Z <= K for every K, v > 0.
 */
export function validateSettings(input: LawSettings): LawSettings {
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(issue.path.join('.') || 'settings', issue.message);
  }
  const tokens = input.tokens.map(parseTokens);
  const Ks = [...new Set(input.Ks)].sort((a, b) => a - b);
  const Qs = [...new Set(input.Qs)].sort((a, b) => a - b);
  const kMax = Ks[Ks.length - 1]!;
  const extraDim = input.departures.some((d) => d.id === 'ortho-correlated' && d.magnitude > 0) ? 2 : 1;
  if (input.d < kMax + extraDim) throw new InvalidInputError('d', `must be >= K+${extraDim} = ${kMax + extraDim} for K = ${kMax} (concept vectors need room), got ${input.d}`);
  for (const t of tokens) {
    if (t.startsWith('z=')) {
      const Z = Number(t.slice(2));
      if (Z > Ks[0]!) throw new InvalidInputError('tokens', `${t}: Z concepts cannot share a token when K = ${Ks[0]} < Z (every K of the grid must be >= Z)`);
    }
  }
  for (const dep of input.departures) {
    const flag = GRID_DEPARTURES[dep.id];
    if (flag !== undefined) throw new InvalidInputError('condition', `'${dep.id}' is a grid axis of law: set it with ${flag}`);
  }
  const out = { ...input, Ks, Qs, tokens: [...new Set(tokens)] };
  for (const dep of input.departures) departureInput(out, dep, 1, 1); // magnitude checks
  return out;
}

/** Every regime (tokens × noise), in settings order. */
export function regimesOf(s: LawSettings): Regime[] {
  return s.tokens.flatMap((tokens) => s.noises.map((noise) => ({ tokens, noise })));
}

/** Every cell of the grid (regime, then K, then Q ascending). */
export function cellsOf(s: LawSettings): Cell[] {
  return regimesOf(s).flatMap((regime) => s.Ks.flatMap((K) => s.Qs.map((Q) => ({ regime, K, Q }))));
}

/** Token pairs of the hub layout: concept k in group g gets (hub g, leaf k) with hubs 0..G-1 and leaves G..G+K-1. */
export function hubPairs(K: number, Z: number): Array<[number, number]> {
  const groups = hubGroupSizes(K, Z).length;
  return Array.from({ length: K }, (_, k) => [Math.floor(k / Z), groups + k] as [number, number]);
}

function tokensInput(tokens: TokensSpec, K: number): ClusterConfigInput['tokens'] {
  if (tokens === 'distinct' || tokens === 'shared-pair') return { kind: tokens };
  return { kind: 'pairs', pairs: hubPairs(K, Number(tokens.slice(2))) };
}

/** The config fields one departure sets (magnitudes as in breaking.ts). */
function departureInput(s: Pick<LawSettings, 'beta'>, dep: LawDeparture, Z: number, _K: number): Partial<ClusterConfigInput> & { departures?: Record<string, unknown> } {
  const m = dep.magnitude;
  const bad = (range: string): never => {
    throw new InvalidInputError('condition', `${dep.id}=${m}: magnitude must be ${range}`);
  };
  switch (dep.id) {
    case 'imbalance':
      if (!(m >= 1)) bad('>= 1 (|C+|/|C-|)');
      return { departures: { imbalance: 1 / m } };
    case 'label-noise':
      if (!(m >= 0 && m <= 0.5)) bad('in [0, 0.5]');
      return { departures: { labelNoise: m } };
    case 'anisotropic':
      if (!(m >= 1)) bad('>= 1 (variance ratio)');
      return { departures: { noise: m > 1 ? { kind: 'anisotropic', ratio: m } : { kind: 'isotropic' } } };
    case 'heavy-tail':
      if (!(m >= 0 && m < 0.5)) bad('in [0, 0.5) (1/dof)');
      return { departures: { noise: m > 0 ? { kind: 'student-t', dof: 1 / m } : { kind: 'isotropic' } } };
    case 'ref-prefers-rejected':
      return { departures: { refLogOdds: (m * LN3) / s.beta } };
    case 'ortho': {
      const delta = m * approxDeltaBound(Z);
      if (!(delta >= 0 && delta <= 1)) bad(`in [0, ${1 / approxDeltaBound(Z)}]`);
      return { concepts: delta > 0 ? { kind: 'approx', delta } : { kind: 'basis' } };
    }
    case 'ortho-correlated': {
      const t = (m * approxDeltaBound(Z)) ** 2 / 8;
      const rho = t * (2 - t);
      if (!(rho >= 0 && rho <= 0.99)) bad('small enough that ρ <= 0.99');
      return { concepts: rho > 0 ? { kind: 'correlated', rho } : { kind: 'basis' } };
    }
    default:
      throw new InvalidInputError('condition', `'${dep.id}' is a grid axis of law`);
  }
}

/** Seed of training set `s` of a cell: depends on the run seed, the noise level, K, Q and s (not the tokens). */
export function datasetSeed(s: LawSettings, cell: Cell, index: number): number {
  return seedrandom(`law/${s.seed >>> 0}/${noiseLabel(cell.regime.noise)}/K=${cell.K}/Q=${cell.Q}/${index}`).int32() >>> 0;
}

/** Z of a cell's token layout (THEORY §3). */
export function sharingZ(tokens: TokensSpec, K: number): number {
  if (tokens === 'distinct') return 1;
  if (tokens === 'shared-pair') return K;
  return Math.min(K, Number(tokens.slice(2)));
}

/** The cluster configuration of training set `index` of a cell. */
export function cellConfig(s: LawSettings, cell: Cell, index: number): ClusterConfig {
  const merged: Record<string, unknown> = {};
  let departures: Record<string, unknown> = {};
  for (const dep of s.departures) {
    const part = departureInput(s, dep, sharingZ(cell.regime.tokens, cell.K), cell.K);
    departures = { ...departures, ...(part.departures ?? {}) };
    Object.assign(merged, { ...part, departures: undefined });
  }
  const input: ClusterConfigInput = {
    K: cell.K,
    Q: cell.Q,
    d: s.d,
    v: noiseAt(cell.regime.noise, cell.Q),
    lb: s.lb,
    beta: s.beta,
    tau: s.tau,
    seed: datasetSeed(s, cell, index),
    tokens: tokensInput(cell.regime.tokens, cell.K),
    ...(merged['concepts'] !== undefined ? { concepts: merged['concepts'] as ClusterConfigInput['concepts'] } : {}),
    departures,
  };
  return ClusterConfigSchema.parse(input);
}

/** τ_1 = Kτ ln3/(5β²) (THEORY §4, Theorem 4.2). */
export function tau1(K: number, beta: number, tau: number): number {
  return (K * tau * LN3) / (5 * beta * beta);
}

/** Relative cost of one training set of a cell (N·d; the flow's step count varies less). */
export function cellCost(s: LawSettings, cell: Cell): number {
  return 2 * cell.K * cell.Q * s.d;
}

/**
 * `ClusterConfig`: the data model of THEORY §3 (K concepts, each a pair of Gaussian clusters
 * N(l_b e_1 ± c_k, v² I_d) with opposite preferences), the training hyper-parameters, and the
 * departures the explorer uses to break one assumption at a time. Validated with zod so that
 * config files and CLI flags get one-line errors naming the field.
 */
import { z } from 'zod';

const posInt = z.number().int().min(1);
const finite = z.number().refine(Number.isFinite, 'must be finite');

/** Token assignment (THEORY §3). */
export const TokenAssignmentSchema = z.discriminatedUnion('kind', [
  /** Concept k gets its own pair (p_k, n_k) = (2k, 2k+1): Z = 1. */
  z.object({ kind: z.literal('distinct') }),
  /** Explicit pairs [p_k, n_k], one per concept; token sets must differ between concepts. */
  z.object({
    kind: z.literal('pairs'),
    pairs: z.array(z.tuple([z.number().int().min(0).max(2 ** 31 - 1), z.number().int().min(0).max(2 ** 31 - 1)])),
  }),
  /**
   * One pair (0, 1) for every concept, as in the authors' own experiment (" Yes"/" No"): breaks
   * the "no two concepts share a token set" condition. Z = K.
   */
  z.object({ kind: z.literal('shared-pair') }),
]);
export type TokenAssignment = z.infer<typeof TokenAssignmentSchema>;

/** Concept vectors c_k (THEORY §3 and Appendix C). */
export const ConceptSchema = z.discriminatedUnion('kind', [
  /** c_k = e_{1+k}: exactly orthogonal unit vectors, orthogonal to b. */
  z.object({ kind: z.literal('basis') }),
  /**
   * Appendix C: unit c_k with |<c_k, e_{1+k}>| = 1 - δ²/8 exactly, the rest of its mass on a
   * seeded random direction orthogonal to e_{1+k} and to e_1 (so b stays orthogonal to every c_k).
   */
  z.object({ kind: z.literal('approx'), delta: finite.min(0).max(1) }),
  /** Correlated concepts: unit c_k with <c_j, c_k> = rho for j != k (breaks ortho beyond Appendix C). */
  z.object({ kind: z.literal('correlated'), rho: finite.min(0).max(0.99) }),
]);
export type ConceptVectors = z.infer<typeof ConceptSchema>;

/** Feature noise around each cluster mean. */
export const NoiseSchema = z.discriminatedUnion('kind', [
  /** N(0, v² I_d): the paper's assumption. */
  z.object({ kind: z.literal('isotropic') }),
  /** N(0, v² diag(s_1..s_d)) with scales spread geometrically from 1 to `ratio`, normalised to mean variance v². */
  z.object({ kind: z.literal('anisotropic'), ratio: finite.min(1) }),
  /** Student-t with `dof` degrees of freedom, scaled to per-coordinate variance v² (dof > 2). */
  z.object({ kind: z.literal('student-t'), dof: finite.gt(2) }),
]);
export type NoiseModel = z.infer<typeof NoiseSchema>;

/** Departures from the paper's setting used by the explorer (all default to "none"). */
export const DeparturesSchema = z.object({
  /** Size of each C_{k,-} cluster relative to C_{k,+} (1 = balanced). Q is the size of C_{k,+}. */
  imbalance: finite.gt(0).default(1),
  /** Fraction of training samples whose (w, l) is swapped (label noise). */
  labelNoise: finite.min(0).max(0.5).default(0),
  noise: NoiseSchema.default({ kind: 'isotropic' }),
  /**
   * Reference log-odds ln(pi_0(l|x)/pi_0(w|x)) for every sample (0 = indifferent reference);
   * > 0 means the reference already prefers the rejected answer (THEORY §4, failure mode).
   */
  refLogOdds: finite.default(0),
});
export type Departures = z.infer<typeof DeparturesSchema>;

export const LOSSES = ['dpo', 'ipo', 'slic'] as const;
export type LossName = (typeof LOSSES)[number];

export const ClusterConfigSchema = z
  .object({
    /** Number of concepts K. */
    K: posInt,
    /** Samples per cluster Q (N = 2KQ). */
    Q: posInt,
    /** Feature dimension d (>= K+1). */
    d: posInt,
    /** Noise scale v. */
    v: finite.min(0),
    /** Length of the shared component b = l_b e_1. */
    lb: finite.gt(0),
    /** DPO temperature β. */
    beta: finite.gt(0).default(1),
    /** Inverse learning rate τ of the gradient flow. */
    tau: finite.gt(0).default(1),
    loss: z.enum(LOSSES).default('dpo'),
    /** Seed of every random choice (uint32). */
    seed: z.number().int().min(0).max(0xffffffff).default(0),
    tokens: TokenAssignmentSchema.default({ kind: 'distinct' }),
    concepts: ConceptSchema.default({ kind: 'basis' }),
    departures: DeparturesSchema.default({ imbalance: 1, labelNoise: 0, noise: { kind: 'isotropic' }, refLogOdds: 0 }),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.d < c.K + 1) {
      ctx.addIssue({ code: 'custom', path: ['d'], message: `must be >= K+1 = ${c.K + 1} (concept vectors need room)` });
    } else if (c.concepts.kind === 'correlated' && c.concepts.rho > 0 && c.d < c.K + 2) {
      ctx.addIssue({ code: 'custom', path: ['d'], message: `must be >= K+2 = ${c.K + 2} for correlated concepts (one shared direction)` });
    } else if (c.concepts.kind === 'approx' && c.concepts.delta > 0 && c.d < Math.max(c.K + 1, 3)) {
      ctx.addIssue({ code: 'custom', path: ['d'], message: 'must be >= 3 for approximately orthogonal concepts (an off-axis direction)' });
    }
    if (c.tokens.kind === 'pairs') {
      if (c.tokens.pairs.length !== c.K) {
        ctx.addIssue({ code: 'custom', path: ['tokens', 'pairs'], message: `needs exactly K = ${c.K} pairs` });
      }
      const seen = new Set<string>();
      c.tokens.pairs.forEach(([p, n], k) => {
        if (p === n) ctx.addIssue({ code: 'custom', path: ['tokens', 'pairs', k], message: 'chosen and rejected token must differ' });
        const key = `${Math.min(p, n)},${Math.max(p, n)}`;
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['tokens', 'pairs', k], message: `token set {${p},${n}} repeats an earlier concept's` });
        seen.add(key);
      });
    }
  });

/** A validated configuration (all defaults filled in). */
export type ClusterConfig = z.infer<typeof ClusterConfigSchema>;
/** What a user writes: defaults may be omitted. */
export type ClusterConfigInput = z.input<typeof ClusterConfigSchema>;

/** Token pairs (p_k, n_k) for each concept k = 0..K-1. */
export function tokenPairs(config: Pick<ClusterConfig, 'K' | 'tokens'>): Array<[number, number]> {
  switch (config.tokens.kind) {
    case 'distinct':
      return Array.from({ length: config.K }, (_, k) => [2 * k, 2 * k + 1] as [number, number]);
    case 'pairs':
      return config.tokens.pairs.map(([p, n]) => [p, n] as [number, number]);
    case 'shared-pair':
      return Array.from({ length: config.K }, () => [0, 1] as [number, number]);
  }
}

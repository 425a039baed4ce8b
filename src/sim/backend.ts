/**
 * The simulator's backend interface and registry (tfjs-core style, STYLE.md): the dynamics in
 * `src/sim` say WHAT the ODE is; a backend says HOW one evaluation of its right-hand side is
 * computed (float64 reference kernel, worker threads, tfjs wasm, WebGPU). A new backend adds an
 * implementation of `SimBackend`; it changes no dynamics.
 *
 * One evaluation is the fused pass of THEORY §1–§2 over the training features: for every
 * sample i the margin `r_i = β a_iᵀ ΔW g_i` and, in the same pass, the descent direction
 * `G = -∇_W L = (β/N) Σ_i w(r_i) a_i g_iᵀ` with the loss weight `w(r) = -f'(r)`
 * (DPO: σ(-r), IPO: 2(1-r), SLiC: [r < 1]; THEORY §2). The gradient flow is `τ dΔW/dt = G`.
 *
 * Both ΔW and G are restricted to the rows of the tokens that occur in the training set
 * (`ActiveRows`): every other row of the gradient is zero (THEORY §1), so one evaluation costs
 * O(N·d) whatever the vocabulary size.
 *
 * Evaluations are synchronous on purpose: integrators and properties (`Claim.check` is
 * synchronous) call them in tight loops. Backends that compute elsewhere block for the result
 * (worker threads via `Atomics.wait`, which Node allows on the main thread; tfjs via `dataSync`).
 * Only creation is asynchronous (starting workers, initialising a tfjs backend).
 */
import type { LossName } from '../data/config.ts';
import type { PreferenceSet } from '../data/dataset.ts';
import { InvalidInputError } from '../theory/errors.ts';

export type { LossName };

/**
 * The map from samples to the rows of ΔW: `tokens[u]` is the vocabulary id of row u (ascending,
 * each token that occurs as chosen or rejected exactly once); `chosenRow[i]`, `rejectedRow[i]`
 * are the rows of w_i and l_i. ΔW and G are `tokens.length × d`, row-major.
 */
export interface ActiveRows {
  readonly tokens: Int32Array;
  readonly chosenRow: Int32Array;
  readonly rejectedRow: Int32Array;
}

/** What a backend is created for: a training set and its row map (built by `activeRows`). */
export interface BackendProblem {
  readonly data: PreferenceSet;
  readonly rows: ActiveRows;
}

/** The loss and temperature of one evaluation. */
export interface LossSpec {
  readonly loss: LossName;
  /** DPO temperature β > 0. */
  readonly beta: number;
  /**
   * SLiC only, optional: the frozen weight per sample (1 or 0) used instead of `[r_i < 1]`.
   * The integrator freezes the weight between located switches so that each smooth segment is
   * integrated with a smooth right-hand side (see `flow.ts`). Ignored for DPO and IPO.
   */
  readonly slicMask?: Uint8Array;
}

/** Options every backend factory accepts (a backend may ignore those it has no use for). */
export interface BackendOptions {
  /**
   * Worker threads to use; 0 (default) computes on the calling thread. Results never depend on
   * this number (fixed sample blocks, partial gradients summed in block order).
   */
  readonly workers?: number;
}

/** One backend instance, bound to one `BackendProblem`. */
export interface SimBackend {
  /** Registry name, e.g. 'reference'. */
  readonly name: string;
  /** Number of samples N. */
  readonly n: number;
  /** Feature dimension d. */
  readonly d: number;
  /** Number of active rows (`rows.tokens.length`); ΔW and G have `rowCount * d` entries. */
  readonly rowCount: number;
  /**
   * The fused evaluation: writes `r_i = β a_iᵀ ΔW g_i` into `outMargins` (length N) and
   * `G = (β/N) Σ_i w(r_i) a_i g_iᵀ` (= -∇_W L, THEORY §1) into `outDirection`
   * (length rowCount·d, overwritten). `deltaW` is not modified.
   */
  evaluate(deltaW: Float64Array, spec: LossSpec, outMargins: Float64Array, outDirection: Float64Array): void;
  /** Margins only: `r_i = β a_iᵀ ΔW g_i` into `out` (length N). Half the cost of `evaluate`. */
  margins(deltaW: Float64Array, beta: number, out: Float64Array): void;
  /** Releases threads and memory; the instance must not be used afterwards. Idempotent. */
  dispose(): void;
}

/** Creates a backend for a problem. */
export type BackendFactory = (problem: BackendProblem, options: BackendOptions) => SimBackend | Promise<SimBackend>;

const registry = new Map<string, BackendFactory>();

/**
 * Registers a backend under `name` (replacing any earlier one with that name).
 * @example registerBackend('tfjs-wasm', (problem) => createTfjsBackend(problem, 'wasm'));
 */
export function registerBackend(name: string, factory: BackendFactory): void {
  registry.set(name, factory);
}

/** Names of the registered backends, in registration order. */
export function listBackends(): string[] {
  return [...registry.keys()];
}

/**
 * Creates the backend registered as `name` for `problem`.
 * @throws InvalidInputError('backend') when no such backend is registered.
 */
export async function createBackend(name: string, problem: BackendProblem, options: BackendOptions = {}): Promise<SimBackend> {
  let factory = registry.get(name);
  if (factory === undefined) {
    // The tfjs backends register themselves on first use, so library code (not only the CLI)
    // can ask for them by name; tfjs itself is loaded only then.
    const { BACKEND_CHOICES } = await import('./tensor/registry.ts');
    if ((BACKEND_CHOICES as readonly string[]).includes(name)) {
      const { registerTensorBackends } = await import('./tensor/tensorSimBackend.ts');
      registerTensorBackends();
      factory = registry.get(name);
    }
  }
  if (factory === undefined) {
    throw new InvalidInputError('backend', `unknown backend '${name}' (registered: ${listBackends().join(', ') || 'none'})`);
  }
  return factory(problem, options);
}

/**
 * Builds the row map of a training set: the sorted distinct tokens that occur as chosen or
 * rejected, and each sample's two rows.
 * @throws InvalidInputError when a sample has w_i = l_i or a negative token id.
 */
export function activeRows(data: PreferenceSet): ActiveRows {
  const { n, chosen, rejected } = data;
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const w = chosen[i]!;
    const l = rejected[i]!;
    if (w < 0 || l < 0) throw new InvalidInputError('tokens', `sample ${i} has a negative token id`);
    if (w === l) throw new InvalidInputError('tokens', `sample ${i} has chosen = rejected = ${w} (THEORY §1 needs w != l)`);
    seen.add(w);
    seen.add(l);
  }
  const tokens = Int32Array.from([...seen].sort((x, y) => x - y));
  const rowOf = new Map<number, number>();
  tokens.forEach((tok, u) => rowOf.set(tok, u));
  const chosenRow = new Int32Array(n);
  const rejectedRow = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    chosenRow[i] = rowOf.get(chosen[i]!)!;
    rejectedRow[i] = rowOf.get(rejected[i]!)!;
  }
  return { tokens, chosenRow, rejectedRow };
}

/**
 * `dpocheck simulate`: one run of the DPO-family dynamics of THEORY §1–§2 (gradient flow,
 * gradient descent or Adam on ΔW) on a configuration of THEORY §3 (flags or `--config`) or on
 * a dataset file (`--data`, e.g. real embeddings exported with `np.savez`), printed as a short
 * table or as JSON, optionally written atomically to a file.
 *
 * Flag precedence for β, τ and the loss: an explicit flag, then `--preset`, then the config file,
 * then the config schema's defaults (β = 1, τ = 1, dpo).
 */
import { existsSync, statSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { ClusterConfigSchema, LOSSES, type ClusterConfig, type LossName } from '../../data/config.ts';
import type { Dataset } from '../../data/dataset.ts';
import { loadDataset } from '../../data/datasetFile.ts';
import { sampleDataset } from '../../data/sampler.ts';
import { AUTHORS_LAST_LAYER_PRESET, DEFAULT_ATOL, DEFAULT_RTOL, SimulationError, simulate } from '../../sim/index.ts';
import type { CheckpointOutput, Optimizer, SimulateOptions, SimulationResult } from '../../sim/index.ts';
import { trainingMarginSandwich } from '../../theory/index.ts';
import { BACKEND_CHOICES } from '../../sim/tensor/registry.ts';
import { fmt, table } from '../../report/format.ts';
import type { CommandContext } from '../main.ts';
import { UsageError } from '../errors.ts';
import { parseChoice, parseInteger, parseNumber, parseNumberList, parsePositive, parseSeed } from '../parse.ts';
import { SCHEMA_VERSION } from '../../report/schemaVersion.ts';

/** Optimizers `--optimizer` accepts. */
export const OPTIMIZERS = ['flow', 'gd', 'adam'] as const satisfies readonly Optimizer[];
/** Backends `--backend` accepts: the float64 reference, the tfjs tensor backends, and `auto`. */
export const SIMULATE_BACKENDS = BACKEND_CHOICES;
/** Presets `--preset` accepts. */
export const SIMULATE_PRESETS = ['authors-last-layer'] as const;
/** Token assignments `--tokens` accepts (THEORY §3; `shared-pair` is the authors' " Yes"/" No", Z = K). */
export const TOKEN_ASSIGNMENTS = ['distinct', 'shared-pair'] as const;

interface SimulateFlags {
  K?: string; Q?: string; d?: string; v?: string; lb?: string; seed?: string; tokens?: string;
  config?: string; data?: string; testSize?: string;
  beta?: string; tau?: string; loss?: string; until?: string; tEnd?: string;
  optimizer?: string; preset?: string; lr?: string; rtol?: string; atol?: string;
  checkpoints?: string; full?: boolean; workers?: string; backend?: string;
  json?: boolean; out?: string;
}

/** Flags that describe the cluster model (THEORY §3); they conflict with --config and --data. */
const MODEL_FLAGS = ['Q', 'd', 'v', 'lb', 'seed', 'tokens'] as const;

/** Reads and validates a `--config` file: one-line errors naming the file and the field. */
export function readConfigFile(file: string, overrides: { beta?: number; tau?: number; loss?: LossName }): ClusterConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf-8');
  } catch (e) {
    throw new UsageError(`--config ${file}: cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config ${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UsageError(`--config ${file}: expected a JSON object with K, Q, d, v, lb`);
  }
  const parsed = ClusterConfigSchema.safeParse({ ...raw, ...overrides });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new UsageError(`--config ${file}: ${field}: ${issue.message}`);
  }
  return parsed.data;
}

/** Validates a configuration built from flags; schema errors name the flag. */
function configFromFlags(flags: SimulateFlags, overrides: { beta?: number; tau?: number; loss?: LossName }): ClusterConfig {
  const missing = (['K', ...MODEL_FLAGS.slice(0, 4)] as const).filter((k) => flags[k] === undefined);
  if (missing.length > 0) {
    throw new UsageError(
      `--${missing[0]}: required for a configuration run (give --K --Q --d --v --lb, or --config file.json, or --data file.npz)`,
    );
  }
  const v = parseNumber('--v', flags.v!);
  if (v < 0) throw new UsageError(`--v: must be >= 0, got ${v}`);
  const tokens = flags.tokens === undefined ? 'distinct' : parseChoice('--tokens', flags.tokens, TOKEN_ASSIGNMENTS);
  const parsed = ClusterConfigSchema.safeParse({
    K: parseInteger('--K', flags.K!),
    Q: parseInteger('--Q', flags.Q!),
    d: parseInteger('--d', flags.d!),
    v,
    lb: parsePositive('--lb', flags.lb!),
    seed: flags.seed === undefined ? 0 : parseSeed('--seed', flags.seed),
    tokens: { kind: tokens },
    ...overrides,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--${issue.path.join('.') || 'config'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Everything the flags resolve to before any work is done (so that flag errors cost nothing). */
export interface SimulatePlan {
  readonly source: 'config' | 'data';
  readonly config?: ClusterConfig;
  readonly dataFile?: string;
  readonly testSize: number;
  /** K for `--until tau1` (from the config or `--K`). */
  readonly K?: number;
  readonly until: 'tau1' | null;
  /** Theorem 4.2's τ_1 = Kτ ln3/(5β²) when `--until tau1` (THEORY §4). */
  readonly tau1?: number;
  readonly options: SimulateOptions & { readonly tau: number; readonly loss: LossName; readonly optimizer: Optimizer; readonly workers: number; readonly backend: string };
  readonly lr: number | null;
  readonly out?: string;
}

/**
 * Resolves and checks every flag of `simulate` (no file is read except `--config`): conflicts and
 * missing flags are `UsageError`s naming the flag.
 */
export function planSimulation(flags: SimulateFlags): SimulatePlan {
  // --- the source ---------------------------------------------------------------------------
  const modelFlagsGiven = MODEL_FLAGS.filter((k) => flags[k] !== undefined);
  if (flags.config !== undefined && flags.data !== undefined) throw new UsageError('--config and --data: give one of them, not both');
  if (flags.config !== undefined && flags.K !== undefined) throw new UsageError('--K: cannot be combined with --config (the file sets K)');
  for (const k of modelFlagsGiven) {
    if (flags.config !== undefined) throw new UsageError(`--${k}: cannot be combined with --config (the file sets it)`);
    if (flags.data !== undefined) throw new UsageError(`--${k}: cannot be combined with --data (it describes a configuration)`);
  }
  if (flags.data !== undefined && flags.testSize !== undefined) {
    throw new UsageError('--test-size: fresh test samples need a configuration; with --data the test set is the file\'s test_* arrays');
  }
  if (flags.config === undefined && flags.data === undefined && flags.K === undefined && modelFlagsGiven.length === 0) {
    throw new UsageError('no input: give a configuration (--K --Q --d --v --lb, or --config file.json) or --data file.npz|file.json');
  }
  const source: 'config' | 'data' = flags.data !== undefined ? 'data' : 'config';
  // A missing or wrong file is the first thing to say, before any flag that depends on it.
  if (flags.data !== undefined) checkDataFile(flags.data);

  // --- optimizer, preset, hyper-parameters ---------------------------------------------------
  const preset = flags.preset === undefined ? undefined : parseChoice('--preset', flags.preset, SIMULATE_PRESETS);
  let optimizer: Optimizer = flags.optimizer === undefined ? 'flow' : parseChoice('--optimizer', flags.optimizer, OPTIMIZERS);
  if (preset !== undefined) {
    if (flags.optimizer !== undefined && optimizer !== AUTHORS_LAST_LAYER_PRESET.optimizer) {
      throw new UsageError(`--optimizer: the preset ${preset} uses adam, got '${flags.optimizer}'`);
    }
    optimizer = AUTHORS_LAST_LAYER_PRESET.optimizer;
  }
  const overrides: { beta?: number; tau?: number; loss?: LossName } = {};
  if (flags.beta !== undefined) overrides.beta = parsePositive('--beta', flags.beta);
  else if (preset !== undefined) overrides.beta = AUTHORS_LAST_LAYER_PRESET.beta;
  if (flags.tau !== undefined) overrides.tau = parsePositive('--tau', flags.tau);
  if (flags.loss !== undefined) overrides.loss = parseChoice('--loss', flags.loss, LOSSES);

  let lr: number | null = null;
  if (flags.lr !== undefined) {
    if (optimizer === 'flow') throw new UsageError('--lr: only for --optimizer gd or adam (the flow\'s time scale is --tau)');
    lr = parsePositive('--lr', flags.lr);
    if (optimizer === 'gd') {
      if (flags.tau !== undefined) throw new UsageError('--lr and --tau: for gd the step is η = 1/τ; give one of them');
      overrides.tau = 1 / lr;
    }
  } else if (optimizer === 'adam') {
    lr = AUTHORS_LAST_LAYER_PRESET.adam.lr; // the preset's lr is PyTorch's default, 1e-3
  }
  if (optimizer !== 'flow') {
    if (flags.rtol !== undefined) throw new UsageError('--rtol: only for --optimizer flow (gd and adam are exact recurrences)');
    if (flags.atol !== undefined) throw new UsageError('--atol: only for --optimizer flow (gd and adam are exact recurrences)');
  }
  const rtol = flags.rtol === undefined ? DEFAULT_RTOL : parsePositive('--rtol', flags.rtol);
  let atol = DEFAULT_ATOL;
  if (flags.atol !== undefined) {
    atol = parseNumber('--atol', flags.atol);
    if (atol < 0) throw new UsageError(`--atol: must be >= 0, got ${atol}`);
  }

  // --- the configuration (validated now, sampled later) ----------------------------------------
  let config: ClusterConfig | undefined;
  if (source === 'config') {
    config = flags.config !== undefined ? readConfigFile(flags.config, overrides) : configFromFlags(flags, overrides);
  }
  const beta = config?.beta ?? overrides.beta ?? 1;
  const tau = config?.tau ?? overrides.tau ?? 1;
  const loss = config?.loss ?? overrides.loss ?? 'dpo';
  const testSize = flags.testSize === undefined ? 0 : parseInteger('--test-size', flags.testSize, 0);
  const K = config?.K ?? (flags.K === undefined ? undefined : parseInteger('--K', flags.K));

  // --- the end time ------------------------------------------------------------------------------
  if (flags.until !== undefined && flags.tEnd !== undefined) throw new UsageError('--until and --t-end: give one of them, not both');
  let until: 'tau1' | null = null;
  let tau1: number | undefined;
  let tEnd: number;
  if (flags.until !== undefined) {
    until = parseChoice('--until', flags.until, ['tau1'] as const);
    if (K === undefined) throw new UsageError('--until tau1: needs K (from the configuration, or --K with --data)');
    if (optimizer === 'adam') throw new UsageError('--until tau1: Theorem 4.2\'s τ_1 is a flow time; use --t-end <steps> with adam');
    tau1 = trainingMarginSandwich(K, beta, tau).tau1;
    // gd: t = steps (η = 1/τ makes one step one unit of flow time); the first step at or after τ_1.
    tEnd = optimizer === 'gd' ? Math.max(1, Math.ceil(tau1)) : tau1;
  } else if (flags.tEnd !== undefined) {
    tEnd = parseNumber('--t-end', flags.tEnd);
    if (!(tEnd > 0)) throw new UsageError(`--t-end: must be > 0, got ${tEnd}`);
    if (optimizer !== 'flow' && !Number.isInteger(tEnd)) throw new UsageError(`--t-end: must be a whole number of steps for ${optimizer}, got ${tEnd}`);
  } else if (preset !== undefined) {
    tEnd = AUTHORS_LAST_LAYER_PRESET.tEnd;
  } else {
    throw new UsageError('--t-end: required (or --until tau1, or --preset authors-last-layer)');
  }
  const checkpoints = flags.checkpoints === undefined ? [] : parseNumberList('--checkpoints', flags.checkpoints);
  for (const c of checkpoints) {
    if (!(c > 0 && c <= tEnd)) throw new UsageError(`--checkpoints: each must lie in (0, ${tEnd}], got ${c}`);
    if (optimizer !== 'flow' && !Number.isInteger(c)) throw new UsageError(`--checkpoints: must be whole numbers of steps for ${optimizer}, got ${c}`);
  }

  // --- execution --------------------------------------------------------------------------------
  // 0 = the calling thread (no worker threads); results do not depend on the number.
  const workers = flags.workers === undefined ? availableParallelism() : parseInteger('--workers', flags.workers, 0);
  const backend = flags.backend === undefined ? 'reference' : parseChoice('--backend', flags.backend, SIMULATE_BACKENDS);
  if (flags.out !== undefined) checkWritable(flags.out);

  const options = {
    beta,
    tau,
    loss,
    optimizer,
    tEnd,
    checkpoints,
    rtol,
    atol,
    full: flags.full === true,
    workers,
    backend,
    ...(optimizer === 'adam' ? { adam: { ...AUTHORS_LAST_LAYER_PRESET.adam, lr: lr! } } : {}),
  };
  return {
    source,
    ...(config !== undefined ? { config } : {}),
    ...(flags.data !== undefined ? { dataFile: flags.data } : {}),
    testSize,
    ...(K !== undefined ? { K } : {}),
    until,
    ...(tau1 !== undefined ? { tau1 } : {}),
    options,
    lr,
    ...(flags.out !== undefined ? { out: flags.out } : {}),
  };
}

/** `--data` must name an existing regular file: checked before any flag that depends on its content. */
function checkDataFile(file: string): void {
  let stats;
  try {
    stats = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--data ${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read file (${code ?? String(e)})`}`);
  }
  if (stats.isDirectory()) throw new UsageError(`--data ${file}: is a directory (expected a .npz or .json file)`);
}

/** `--out` must name a file in an existing directory: checked before the (possibly long) run. */
function checkWritable(file: string): void {
  if (file === '' || file.endsWith('/') || file.endsWith(path.sep)) throw new UsageError(`--out: expected a file name, got '${file}'`);
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--out ${file}: directory ${dir} does not exist`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new UsageError(`--out ${file}: is a directory`);
}

/** The JSON document of one run (Float64Arrays stay typed here; {@link stringifyResult} writes them as arrays). */
export function simulationJson(plan: SimulatePlan, res: SimulationResult): Record<string, unknown> {
  const last: CheckpointOutput = res.checkpoints[res.checkpoints.length - 1]!;
  const flow = res.optimizer === 'flow';
  return {
    schemaVersion: SCHEMA_VERSION,
    N: res.N,
    d: res.d,
    vocab: res.vocab,
    ...(plan.config !== undefined ? { config: plan.config } : { data: plan.dataFile }),
    backend: res.backend,
    optimizer: res.optimizer,
    loss: res.loss,
    beta: res.beta,
    tau: res.tau,
    lr: plan.lr,
    rtol: flow ? plan.options.rtol : null,
    atol: flow ? plan.options.atol : null,
    until: plan.until,
    tau1: plan.tau1 ?? null,
    tEnd: res.tEnd,
    train: res.train,
    test: res.test === undefined ? null : res.test,
    rewards: last.rewards ?? null,
    deltaWNorm: last.deltaWNorm,
    checkpoints: res.checkpoints.map((c) => ({
      t: c.t,
      train: c.train,
      test: c.test === undefined ? null : c.test,
      rewards: c.rewards ?? null,
      deltaWNorm: c.deltaWNorm,
    })),
    errorEstimate: res.errorEstimate,
    maxErrorRatio: res.maxErrorRatio,
    rhsEvaluations: res.rhsEvaluations,
    steps: res.steps,
    accepted: res.accepted,
    rejected: res.rejected,
    switches: res.switches,
    seconds: res.seconds,
  };
}

/** JSON text with typed arrays written as plain arrays (JSON.stringify would make them objects). */
export function stringifyResult(doc: unknown): string {
  return JSON.stringify(doc, (_key, value: unknown) => (ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as Float64Array) : value), 2);
}

/** The dataset a plan runs on: sampled from the configuration, or loaded from the file. */
function datasetOf(plan: SimulatePlan): Dataset {
  if (plan.config !== undefined) return sampleDataset(plan.config, { testSize: plan.testSize });
  return loadDataset(plan.dataFile!);
}

/** Short human summary: one row per checkpoint, then the cost line. */
function humanReport(plan: SimulatePlan, res: SimulationResult): string {
  const head =
    `${plan.dataFile ?? 'configuration'}: N = ${res.N}, d = ${res.d}, ${res.loss}, ${res.optimizer} on ${res.backend}, ` +
    `β = ${fmt(res.beta)}, τ = ${fmt(res.tau)}${plan.lr !== null ? `, lr = ${fmt(plan.lr)}` : ''}, ` +
    `t_end = ${fmt(res.tEnd)}${plan.until === 'tau1' ? ' (τ_1, Theorem 4.2)' : ''}\n`;
  const rows = res.checkpoints.map((c) => [
    fmt(c.t), fmt(c.train.min), fmt(c.train.mean), fmt(c.train.max), fmt(c.train.error), fmt(c.train.loss),
    c.test === undefined ? '—' : fmt(c.test.error), fmt(c.deltaWNorm),
  ]);
  // gd and adam are exact recurrences: there is no integrator, hence no error estimate.
  const error = res.optimizer === 'flow' ? `${fmt(res.errorEstimate)} (margin units)` : `n/a (${res.optimizer} has no integrator)`;
  const cost = `error estimate ${error}, ${res.rhsEvaluations} RHS evaluations, ${res.steps} steps, ${res.seconds.toFixed(3)} s\n`;
  const main = table(['t', 'train min', 'train mean', 'train max', 'train error', 'loss', 'test error', '||ΔW||_F'], rows) + '\n';
  return head + main + rewardsTable(res) + cost;
}

/** TRL's `rewards/*` metrics per checkpoint (training set, W_0 = 0; see sim/metrics.ts), or '' when none were computed. */
function rewardsTable(res: SimulationResult): string {
  const keys = ['rewards/chosen', 'rewards/rejected', 'rewards/margins', 'rewards/accuracies'] as const;
  const withRewards = res.checkpoints.filter((c) => c.rewards !== undefined);
  if (withRewards.length === 0) return '';
  const rows = withRewards.map((c) => [fmt(c.t), ...keys.map((k) => fmt(c.rewards![k]))]);
  return '\n' + table(['t', ...keys], rows) + '\n';
}

/**
 * Registers `dpocheck simulate` on the program.
 * @example registerSimulate(program, ctx); // then: dpocheck simulate --data d.npz --t-end 10 --json
 */
export function registerSimulate(program: Command, ctx: CommandContext): void {
  program
    .command('simulate')
    .description('simulate DPO/IPO/SLiC training (flow, gd or adam) on a configuration or a dataset file (THEORY §1–§3)')
    .option('--K <int>', 'number of concepts K (with --data: only for --until tau1)')
    .option('--Q <int>', 'samples per cluster Q (N = 2KQ)')
    .option('--d <int>', 'feature dimension d')
    .option('--v <num>', 'noise scale v (>= 0)')
    .option('--lb <num>', 'length l_b of the shared component (> 0)')
    .option('--seed <int>', 'seed of the sampler (default 0)')
    .option('--tokens <kind>', `token assignment (${TOKEN_ASSIGNMENTS.join('|')}; shared-pair: Z = K)`)
    .option('--config <file>', 'configuration JSON (ClusterConfig)')
    .option('--data <file>', 'dataset file (.npz or .json: features, chosen, rejected, optional test_*)')
    .option('--test-size <m>', 'fresh test samples drawn from the configuration (default 0)')
    .option('--beta <num>', 'DPO temperature β (default: config, else 1)')
    .option('--tau <num>', 'inverse learning rate τ (default: config, else 1)')
    .option('--loss <name>', `loss (${LOSSES.join('|')}; default: config, else dpo)`)
    .option('--until <event>', 'stop at Theorem 4.2\'s τ_1 = Kτ ln3/(5β²) (tau1)')
    .option('--t-end <num>', 'end time (flow time, or steps for gd/adam)')
    .option('--optimizer <name>', `${OPTIMIZERS.join('|')} (default flow)`)
    .option('--preset <name>', 'authors-last-layer: Adam, lr 1e-3, β = 0.01, 100 steps')
    .option('--lr <num>', 'learning rate (gd: η = 1/τ; adam: default 1e-3)')
    .option('--rtol <num>', `relative tolerance of the flow (default ${DEFAULT_RTOL})`)
    .option('--atol <num>', `absolute tolerance of the flow, ΔW units (default ${DEFAULT_ATOL})`)
    .option('--checkpoints <list>', 'extra output times, comma-separated, in (0, t_end]')
    .option('--full', 'include the full margin vectors')
    .option('--workers <n>', 'worker threads (default: all cores; 0 = calling thread; results identical for every n)')
    .option('--backend <name>', `${SIMULATE_BACKENDS.join('|')} (default reference; see dpocheck backends)`)
    .option('--json', 'print one JSON object')
    .option('--out <file>', 'also write the JSON to this file (atomically; nothing is written on error)')
    .action(async (flags: SimulateFlags) => {
      const plan = planSimulation(flags);
      const dataset = datasetOf(plan);
      let res: SimulationResult;
      try {
        res = await simulate(dataset, plan.options);
      } catch (e) {
        // A SLiC sliding mode or a switch storm: this input cannot be simulated; not a dpocheck bug.
        if (e instanceof SimulationError) throw new UsageError(`simulation stopped: ${e.message}`);
        throw e;
      }
      const text = stringifyResult(simulationJson(plan, res)) + '\n';
      if (plan.out !== undefined) {
        try {
          writeFileAtomic.sync(plan.out, text);
        } catch (e) {
          throw new UsageError(`--out ${plan.out}: cannot write file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
        }
      }
      ctx.io.out(flags.json === true ? text : humanReport(plan, res));
    });
}

/**
 * Which tensor backend runs the simulator, and whether it can (the "backend registry" of
 * STYLE.md's tfjs-core split: the dynamics say what is computed, a backend says how).
 *
 * Backends, fastest first:
 * - `tfjs-node-gpu`: libtensorflow with CUDA, only when the user installed
 *   `@tensorflow/tfjs-node-gpu` (never a dependency: its install script downloads libtensorflow);
 * - `webgpu`: Dawn through the `webgpu` package, when it finds an adapter;
 * - `wasm`: `@tensorflow/tfjs-backend-wasm`, offline, one thread in Node;
 * - `cpu`: tfjs's plain JavaScript kernels.
 * All of them compute in float32; the float64 `reference` simulator lives outside this folder.
 *
 * tfjs silently falls back to another backend when initialisation fails, so every load asserts
 * that `tf.getBackend()` is the backend that was asked for.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { InvalidInputError } from '../../theory/errors.ts';
import { registerTfjsGradients } from './tfjsGradients.ts';
import { ensureWebGpuAdapter, errorMessage, type AdapterDescription } from './webgpuAdapter.ts';

/** The tfjs module type (the runtime module is loaded lazily: it costs ~0.3 s to import). */
export type Tf = typeof import('@tensorflow/tfjs-core');

/** Whether a backend can run here; `adapter` for webgpu when one was found. */
export type AvailabilityProbe = () => Promise<{ readonly ok: true; readonly adapter?: AdapterDescription } | { readonly ok: false; readonly reason: string }>;

/** One row of the backend table: everything the CLI, `auto` and `dpocheck backends` know of a backend. */
export interface BackendSpec {
  readonly precision: 'float64' | 'float32';
  /** The name tfjs registers the backend under (tensor backends only). */
  readonly tfBackend?: string;
  /** npm packages it needs beyond dpocheck's own dependencies (optional or user-installed). */
  readonly packages: readonly string[];
  /**
   * Imports the module(s) that register the tfjs backend (lazy: nothing heavy is loaded until a
   * backend is asked for). Throws `InvalidInputError('backend')` with the reason when it cannot.
   */
  readonly register?: () => Promise<{ readonly adapter?: AdapterDescription }>;
  /**
   * Whether it can run here, as a function so that callers may run it anywhere (e.g. in a child
   * process to keep a native driver's noise off stderr). Never throws.
   */
  readonly probe: AvailabilityProbe;
}

/** The exact reason shown when the optional native package is absent. */
export const TFJS_NODE_GPU_MISSING =
  'package @tensorflow/tfjs-node-gpu is not installed (its install script downloads libtensorflow; install it yourself where that works)';

/** The reason shown when one of dpocheck's optionalDependencies was not installed (`npm ci --omit=optional`). */
export function optionalPackageMissing(pkg: string): string {
  return `optional package ${pkg} is not installed (reinstall dpocheck without --omit=optional, or npm install ${pkg})`;
}

/** True when `err` says that `specifier` (or a module it needs) could not be found. */
function isModuleNotFound(err: unknown, specifier: string): boolean {
  const code = (err as { code?: string }).code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && errorMessage(err).includes(specifier);
}

/**
 * Imports an optional package by a variable specifier (so TypeScript and bundlers do not require
 * it), turning "not installed" and "failed to load" into `InvalidInputError('backend')`.
 */
async function importOptional(backend: string, specifier: string, missing = optionalPackageMissing(specifier)): Promise<unknown> {
  try {
    return await import(specifier);
  } catch (err) {
    if (isModuleNotFound(err, specifier)) throw new InvalidInputError('backend', `${backend} is unavailable: ${missing}`);
    throw new InvalidInputError('backend', `${backend} is unavailable: package ${specifier} failed to load: ${errorMessage(err)}`);
  }
}

/** A probe that loads the backend (so "available" means "initialised and verified"). */
function loadProbe(name: string): AvailabilityProbe {
  return async () => {
    try {
      const rt = await loadTensorBackend(name as TensorBackendName);
      return rt.adapter === undefined ? { ok: true } : { ok: true, adapter: rt.adapter };
    } catch (err) {
      return { ok: false, reason: errorMessage(err).replace(/^backend: [^ ]+ is unavailable: /, '') };
    }
  };
}

const WEBGPU_PACKAGES = ['webgpu', '@tensorflow/tfjs-backend-webgpu'] as const;

/**
 * THE backend table, in the order `auto` prefers the tensor backends (see {@link autoOrder}):
 * the CLI's `--backend` choices, `auto` and `dpocheck backends` all derive from it.
 * - `reference`: the float64 simulator of src/sim (always available);
 * - `tfjs-node-gpu`: libtensorflow with CUDA, only when the user installed
 *   `@tensorflow/tfjs-node-gpu` (never a dependency: its install script downloads libtensorflow);
 * - `webgpu`: Dawn through the optional `webgpu` package, when it finds an adapter;
 * - `wasm`: the optional `@tensorflow/tfjs-backend-wasm`, offline, one thread in Node;
 * - `cpu`: tfjs's plain JavaScript kernels (`@tensorflow/tfjs-backend-cpu`, a dependency).
 */
export const BACKENDS = {
  reference: {
    precision: 'float64',
    packages: [],
    probe: async () => ({ ok: true }),
  },
  'tfjs-node-gpu': {
    precision: 'float32',
    tfBackend: 'tensorflow',
    packages: ['@tensorflow/tfjs-node-gpu'],
    register: async () => {
      await importOptional('tfjs-node-gpu', '@tensorflow/tfjs-node-gpu', TFJS_NODE_GPU_MISSING);
      return {};
    },
    probe: loadProbe('tfjs-node-gpu'),
  },
  webgpu: {
    precision: 'float32',
    tfBackend: 'webgpu',
    packages: WEBGPU_PACKAGES,
    register: async () => {
      // Checked first so that a missing optional package is named as such, not as a Dawn failure.
      for (const pkg of WEBGPU_PACKAGES) requireInstalled('webgpu', pkg);
      const probe = await ensureWebGpuAdapter();
      if (!probe.ok) throw new InvalidInputError('backend', `webgpu is unavailable: ${probe.reason}`);
      // Registers the 'webgpu' tfjs backend; must come after navigator.gpu exists.
      await importOptional('webgpu', '@tensorflow/tfjs-backend-webgpu');
      return { adapter: probe.adapter };
    },
    probe: loadProbe('webgpu'),
  },
  wasm: {
    precision: 'float32',
    tfBackend: 'wasm',
    packages: ['@tensorflow/tfjs-backend-wasm'],
    register: async () => {
      const wasm = (await importOptional('wasm', '@tensorflow/tfjs-backend-wasm')) as { setWasmPaths(prefix: string): void };
      // A file-system path (with trailing separator) so that the .wasm files load offline.
      wasm.setWasmPaths(wasmDistDirectory());
      return {};
    },
    probe: loadProbe('wasm'),
  },
  cpu: {
    precision: 'float32',
    tfBackend: 'cpu',
    packages: [],
    register: async () => {
      await import('@tensorflow/tfjs-backend-cpu');
      return {};
    },
    probe: loadProbe('cpu'),
  },
} as const satisfies Readonly<Record<string, BackendSpec>>;

/** Every simulator backend: the float64 reference and the tensor backends, in table order. */
export type BackendName = keyof typeof BACKENDS;
/** Every simulator backend name, in table order. */
export const BACKEND_NAMES = Object.keys(BACKENDS) as BackendName[];
/** A float32 tfjs backend (a row of the table with a `tfBackend`). */
export type TensorBackendName = Exclude<BackendName, 'reference'>;
/** The float32 tensor backends, in the order `auto` prefers them (see {@link autoOrder}). */
export const TENSOR_BACKENDS = BACKEND_NAMES.filter((n): n is TensorBackendName => n !== 'reference');
/** What a user may ask for: a backend by name, or `auto` (the fastest available tensor backend). */
export type BackendRequest = BackendName | 'auto';
/** The `--backend` choices of the CLI: every backend, then `auto`. */
export const BACKEND_CHOICES: readonly BackendRequest[] = [...BACKEND_NAMES, 'auto'];

/** Throws the "optional package missing" reason when `pkg` cannot be resolved from here. */
function requireInstalled(backend: string, pkg: string): void {
  try {
    createRequire(import.meta.url).resolve(`${pkg}/package.json`);
  } catch {
    throw new InvalidInputError('backend', `${backend} is unavailable: ${optionalPackageMissing(pkg)}`);
  }
}

/**
 * Whether `auto` may pick WebGPU on a software adapter (SwiftShader). No: measured with
 * `npx tsx scripts/bench-tensor.ts` on the 2-core dev machine, SwiftShader is 30-40× slower than
 * wasm (sparse step N=4000, d=64: 1161 vs 28 ms; dense head V=2048: 2917 vs 95 ms; batched
 * configurations: 1.8 vs 151 per s), so `auto` uses it only when nothing but the plain-JS cpu
 * backend remains.
 */
export const AUTO_PREFERS_SOFTWARE_WEBGPU = false;

/** One row of `dpocheck backends`. */
export interface BackendStatus {
  readonly name: BackendName;
  readonly available: boolean;
  /** Why it is unavailable (absent when available). */
  readonly reason?: string;
  /** The WebGPU adapter (webgpu only, when one was found). */
  readonly adapter?: AdapterDescription;
  /** Numeric precision of the backend. */
  readonly precision: 'float64' | 'float32';
}

/** A loaded tensor backend: the tfjs module plus which backend it must run on. */
export interface TensorRuntime {
  readonly tf: Tf;
  readonly name: TensorBackendName;
  /** The name tfjs knows the backend by (`tf.getBackend()` returns it while active). */
  readonly tfBackend: string;
  /** The WebGPU adapter, for `webgpu`. */
  readonly adapter?: AdapterDescription;
  /**
   * Makes this backend the active tfjs backend (tfjs has one global engine; several runtimes may
   * be loaded in one process) and asserts that tfjs did not fall back to another one.
   */
  activate(): Promise<void>;
}

let tfModule: Promise<Tf> | undefined;

/** Loads `@tensorflow/tfjs-core` once (the backends register themselves on it). */
export function loadTf(): Promise<Tf> {
  tfModule ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await registerTfjsGradients();
    return tf;
  })();
  return tfModule;
}

const loaded = new Map<TensorBackendName, Promise<TensorRuntime>>();

/**
 * Loads and initialises one tensor backend (once per process) and makes it the active tfjs
 * backend, asserting that tfjs really runs on it.
 * Throws `InvalidInputError` (field `backend`) with the reason when it is unavailable.
 *
 * @example
 * const rt = await loadTensorBackend('wasm');
 * rt.tf.tidy(() => rt.tf.ones([2, 2]).sum());
 */
export function loadTensorBackend(name: TensorBackendName): Promise<TensorRuntime> {
  if (!(TENSOR_BACKENDS as readonly string[]).includes(name)) {
    throw new InvalidInputError('backend', `unknown tensor backend '${String(name)}' (one of ${TENSOR_BACKENDS.join(', ')})`);
  }
  let p = loaded.get(name);
  if (p === undefined) {
    p = initialise(name);
    loaded.set(name, p);
    // A failed load may succeed later (e.g. after provisioning): do not memoise failures.
    p.catch(() => loaded.delete(name));
  }
  // Loaded earlier, another backend may be active since: make this one active again.
  return p.then(async (rt) => {
    await rt.activate();
    return rt;
  });
}

async function initialise(name: TensorBackendName): Promise<TensorRuntime> {
  const tf = await loadTf();
  const spec: BackendSpec = BACKENDS[name];
  const { adapter } = await spec.register!();
  if (name === 'cpu') {
    // The cpu backend prints a banner recommending tfjs-node on its first tensor write; that
    // advice cannot be followed offline, and the banner pollutes CLI output.
    await tf.setBackend('cpu');
    const cpu = tf.backend() as { firstUse?: boolean };
    if (typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
  }
  const tfBackend = BACKENDS[name].tfBackend;
  const activate = async (): Promise<void> => {
    let ok = false;
    let failure = '';
    try {
      ok = await tf.setBackend(tfBackend);
    } catch (err) {
      failure = `: ${errorMessage(err)}`;
    }
    if (!ok || tf.getBackend() !== tfBackend) {
      throw new InvalidInputError(
        'backend',
        `${name} is unavailable: tfjs could not initialise backend '${tfBackend}'${failure} (active backend: ${String(tf.getBackend())})`,
      );
    }
  };
  await activate();
  await tf.ready();
  return adapter === undefined ? { tf, name, tfBackend, activate } : { tf, name, tfBackend, adapter, activate };
}

/** The directory holding tfjs-backend-wasm's .wasm files, as a path ending in a separator. */
export function wasmDistDirectory(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}

/**
 * The order in which `auto` tries the tensor backends, given the WebGPU adapter (if any):
 * tfjs-node-gpu, WebGPU on a hardware adapter, wasm, then WebGPU on a software adapter only if
 * {@link AUTO_PREFERS_SOFTWARE_WEBGPU} (otherwise after wasm), cpu last.
 */
export function autoOrder(adapter: AdapterDescription | undefined): TensorBackendName[] {
  const hardwareGpu = adapter !== undefined && !adapter.software;
  if (hardwareGpu || AUTO_PREFERS_SOFTWARE_WEBGPU) return [...TENSOR_BACKENDS];
  // Table order, with WebGPU moved just before the plain-JS cpu backend (the slowest).
  const rest = TENSOR_BACKENDS.filter((n) => n !== 'webgpu' && n !== 'cpu');
  return [...rest, 'webgpu', 'cpu'];
}

/**
 * Resolves a request to a loaded tensor backend: a name loads exactly that backend (or throws
 * with the reason); `auto` loads the first available in {@link autoOrder}.
 */
export async function resolveTensorBackend(request: TensorBackendName | 'auto'): Promise<TensorRuntime> {
  if (request !== 'auto') return loadTensorBackend(request);
  const probe = await ensureWebGpuAdapter();
  const reasons: string[] = [];
  for (const name of autoOrder(probe.ok ? probe.adapter : undefined)) {
    try {
      return await loadTensorBackend(name);
    } catch (err) {
      reasons.push(errorMessage(err));
    }
  }
  throw new InvalidInputError('backend', `no tensor backend is available: ${reasons.join('; ')}`);
}

/**
 * Every simulator backend with its availability and, when unavailable, the reason; for
 * `dpocheck backends [--json]`. Loads each tensor backend to find out (so that "available" means
 * "initialised and verified", not merely "installed"); leaves the last loaded one active.
 *
 * @example
 * for (const b of await listBackends()) console.log(b.name, b.available ? 'yes' : b.reason);
 */
export async function listBackends(): Promise<BackendStatus[]> {
  const rows: BackendStatus[] = [];
  for (const name of BACKEND_NAMES) {
    const spec: BackendSpec = BACKENDS[name];
    const probe = await spec.probe();
    if (!probe.ok) rows.push({ name, available: false, reason: probe.reason, precision: spec.precision });
    else rows.push(probe.adapter === undefined
      ? { name, available: true, precision: spec.precision }
      : { name, available: true, adapter: probe.adapter, precision: spec.precision });
  }
  return rows;
}

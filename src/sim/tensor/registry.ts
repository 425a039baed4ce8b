/**
 * Which tensor backend runs the simulator, and whether it can (the "backend registry" of
 * STYLE.md's tfjs-core split: the dynamics say what is computed, a backend says how).
 *
 * Backends, fastest first (issue 6):
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
import { ensureWebGpuAdapter, errorMessage, type AdapterDescription } from './webgpuAdapter.ts';

/** The tfjs module type (the runtime module is loaded lazily: it costs ~0.3 s to import). */
export type Tf = typeof import('@tensorflow/tfjs');

/** The float32 tensor backends, in the order `auto` prefers them (see {@link autoOrder}). */
export const TENSOR_BACKENDS = ['tfjs-node-gpu', 'webgpu', 'wasm', 'cpu'] as const;
/** One of {@link TENSOR_BACKENDS}. */
export type TensorBackendName = (typeof TENSOR_BACKENDS)[number];
/** Every simulator backend: the float64 reference and the tensor backends. */
export const BACKEND_NAMES = ['reference', ...TENSOR_BACKENDS] as const;
/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];
/** What a user may ask for: a backend by name, or `auto` (the fastest available tensor backend). */
export type BackendRequest = BackendName | 'auto';

/** The name tfjs registers each backend under. */
const TF_BACKEND_OF: Readonly<Record<TensorBackendName, string>> = {
  'tfjs-node-gpu': 'tensorflow',
  webgpu: 'webgpu',
  wasm: 'wasm',
  cpu: 'cpu',
};

/** The exact reason shown when the optional native package is absent (issue 6). */
export const TFJS_NODE_GPU_MISSING =
  'package @tensorflow/tfjs-node-gpu is not installed (its install script downloads libtensorflow; install it yourself where that works)';

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

/** Loads `@tensorflow/tfjs` once. */
export function loadTf(): Promise<Tf> {
  tfModule ??= import('@tensorflow/tfjs');
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
  let adapter: AdapterDescription | undefined;
  switch (name) {
    case 'tfjs-node-gpu':
      await importTfjsNodeGpu();
      break;
    case 'webgpu': {
      const probe = await ensureWebGpuAdapter();
      if (!probe.ok) throw new InvalidInputError('backend', `webgpu is unavailable: ${probe.reason}`);
      adapter = probe.adapter;
      // Registers the 'webgpu' tfjs backend; must come after navigator.gpu exists.
      await import('@tensorflow/tfjs-backend-webgpu');
      break;
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // A file-system path (with trailing separator) so that the .wasm files load offline.
      wasm.setWasmPaths(wasmDistDirectory());
      break;
    }
    case 'cpu':
      break;
  }
  if (name === 'cpu') {
    // The cpu backend prints a banner recommending tfjs-node on its first tensor write; that
    // advice cannot be followed offline (issue 6), and the banner pollutes CLI output.
    await tf.setBackend('cpu');
    const cpu = tf.backend() as { firstUse?: boolean };
    if (typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
  }
  const tfBackend = TF_BACKEND_OF[name];
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

async function importTfjsNodeGpu(): Promise<void> {
  // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
  const specifier = '@tensorflow/tfjs-node-gpu';
  try {
    await import(specifier);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const msg = errorMessage(err);
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && msg.includes(specifier)) {
      throw new InvalidInputError('backend', `tfjs-node-gpu is unavailable: ${TFJS_NODE_GPU_MISSING}`);
    }
    throw new InvalidInputError('backend', `tfjs-node-gpu is unavailable: package @tensorflow/tfjs-node-gpu failed to load: ${msg}`);
  }
}

/**
 * The order in which `auto` tries the tensor backends, given the WebGPU adapter (if any):
 * tfjs-node-gpu, WebGPU on a hardware adapter, wasm, then WebGPU on a software adapter only if
 * {@link AUTO_PREFERS_SOFTWARE_WEBGPU} (otherwise after wasm), cpu last.
 */
export function autoOrder(adapter: AdapterDescription | undefined): TensorBackendName[] {
  const hardwareGpu = adapter !== undefined && !adapter.software;
  if (hardwareGpu || AUTO_PREFERS_SOFTWARE_WEBGPU) return ['tfjs-node-gpu', 'webgpu', 'wasm', 'cpu'];
  return ['tfjs-node-gpu', 'wasm', 'webgpu', 'cpu'];
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
  const rows: BackendStatus[] = [{ name: 'reference', available: true, precision: 'float64' }];
  for (const name of TENSOR_BACKENDS) {
    try {
      const rt = await loadTensorBackend(name);
      rows.push(rt.adapter === undefined
        ? { name, available: true, precision: 'float32' }
        : { name, available: true, adapter: rt.adapter, precision: 'float32' });
    } catch (err) {
      const reason = errorMessage(err).replace(/^backend: [^ ]+ is unavailable: /, '');
      rows.push({ name, available: false, reason, precision: 'float32' });
    }
  }
  return rows;
}

import { execFile } from 'node:child_process';
import { childModule } from '../../childModule.ts';
import type { ProbeAnswer } from './webgpuProbe.ts';

/**
 * WebGPU in Node: the `webgpu` npm package (Dawn, pinned at 0.6.2 because other versions fail to
 * load on these machines) provides `navigator.gpu`. Without a GPU, Dawn can run on SwiftShader,
 * a software Vulkan driver (see `.ci/provision-webgpu.sh`).
 *
 * Two facts shape this file:
 * - the object returned by `create()` must stay referenced for the life of the process, or the
 *   process crashes; it is kept on `globalThis.navigator.gpu`, where tfjs-backend-webgpu looks;
 * - tfjs-backend-webgpu registers itself only if `navigator.gpu` exists when it is imported, so
 *   it must be imported after {@link ensureWebGpuAdapter} succeeded;
 * - Dawn's native code writes driver warnings straight to file descriptor 2 ("Warning: Couldn't
 *   load Vulkan … at operator() (…)"), which no JavaScript can redirect. So a child process
 *   (webgpuProbe.ts) asks for an adapter first, with its stderr in a pipe: Dawn is loaded into
 *   this process only when the child found an adapter, and otherwise the driver's words become
 *   part of the reason (shown by `dpocheck backends`), not noise on the user's stderr.
 */

/** What Dawn says about the adapter it found. */
export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /**
   * True for a software driver (SwiftShader, llvmpipe/lavapipe, or any adapter Dawn marks as a
   * fallback adapter): the "GPU" is the CPU, and it is slower than wasm for our sizes.
   */
  readonly software: boolean;
}

/** The outcome of probing for a WebGPU adapter. */
export type WebGpuProbe =
  | { readonly ok: true; readonly adapter: AdapterDescription }
  | { readonly ok: false; readonly reason: string };

/** Minimal structural types of the Dawn objects we touch (the package's own types need @webgpu/types). */
interface DawnAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface DawnAdapter {
  info?: DawnAdapterInfo;
  isFallbackAdapter?: boolean;
}
interface DawnGpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<DawnAdapter | null>;
}
interface WebGpuModule {
  create(options: string[]): DawnGpu;
  globals: object;
}

/** Names of software rasterisers / compute drivers that Dawn may expose as an adapter. */
const SOFTWARE_DRIVER_PATTERN = /swiftshader|llvmpipe|lavapipe|software|warp/i;

let probe: Promise<WebGpuProbe> | undefined;

/** Hint printed with every "no adapter" reason. */
export const WEBGPU_PROVISION_HINT =
  'on Debian without a GPU run .ci/provision-webgpu.sh and export the VK_ICD_FILENAMES it prints';

function describeAdapter(adapter: DawnAdapter): AdapterDescription {
  const info = adapter.info ?? {};
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const device = info.device ?? '';
  const description = info.description ?? '';
  const software =
    info.isFallbackAdapter === true ||
    adapter.isFallbackAdapter === true ||
    SOFTWARE_DRIVER_PATTERN.test(`${vendor} ${architecture} ${device} ${description}`);
  return { vendor, architecture, device, description, software };
}

/**
 * Loads Dawn, installs `navigator.gpu` (kept referenced for the life of the process) and asks for
 * a high-performance adapter. Memoised: the probe runs once per process.
 *
 * @example
 * const p = await ensureWebGpuAdapter();
 * if (p.ok) console.log(p.adapter.description); else console.log(p.reason);
 */
export function ensureWebGpuAdapter(): Promise<WebGpuProbe> {
  probe ??= probeWebGpu();
  return probe;
}

/** The child's answer (webgpuProbe.ts). */
type ChildAnswer = ProbeAnswer;

/**
 * How long the child may take to load Dawn and ask for an adapter. Ours: ~0.3 s on an idle
 * 2-core machine; 60 s only catches a hung driver on a heavily loaded one.
 */
export const WEBGPU_PROBE_TIMEOUT_MS = 60_000;

/**
 * What Dawn wrote to stderr, as one line: its "Warning:"/"Error:" messages without the native
 * source locations ("at operator() (/home/runner/…/BackendVk.cpp:368)") that follow them.
 *
 * @example driverMessages("Warning: Couldn't load Vulkan: x\n    at operator() (/a.cpp:1)\n") // "Couldn't load Vulkan: x"
 */
export function driverMessages(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^at /.test(line))
    .map((line) => line.replace(/^(Warning|Error):\s*/, ''))
    .join('; ');
}

/** Runs webgpuProbe.ts in a child Node process and returns its answer and its stderr. */
function probeInChild(): Promise<{ answer: ChildAnswer | null; stderr: string; failure?: string }> {
  const child = childModule('./webgpuProbe', import.meta.url);
  return new Promise((resolve) => {
    execFile(process.execPath, [...child.execArgv, child.script], { timeout: WEBGPU_PROBE_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      let answer: ChildAnswer | null = null;
      try {
        answer = line === undefined ? null : (JSON.parse(line) as ChildAnswer);
      } catch {
        answer = null;
      }
      resolve(answer === null && err !== null ? { answer, stderr, failure: errorMessage(err) } : { answer, stderr });
    });
  });
}

async function probeWebGpu(): Promise<WebGpuProbe> {
  const child = await probeInChild();
  if (child.answer === null || !child.answer.adapter) {
    const said = driverMessages(child.stderr);
    const driver = said === '' ? '' : `; Dawn said: ${said}`;
    const a = child.answer;
    if (a === null) return { ok: false, reason: `the WebGPU probe process failed (${child.failure ?? 'no answer'})${driver}` };
    if (a.stage === 'load') return { ok: false, reason: `package webgpu (Dawn) failed to load: ${a.message ?? ''}${driver}` };
    if (a.stage === 'create') return { ok: false, reason: `Dawn failed to start: ${a.message ?? ''}${driver}` };
    if (a.stage === 'request') return { ok: false, reason: `requestAdapter failed: ${a.message ?? ''}${driver}; ${WEBGPU_PROVISION_HINT}` };
    const icd = process.env['VK_ICD_FILENAMES'];
    const where = icd ? `VK_ICD_FILENAMES=${icd} gave none` : 'VK_ICD_FILENAMES is not set';
    return { ok: false, reason: `no WebGPU adapter (no usable Vulkan driver; ${where}${driver}); ${WEBGPU_PROVISION_HINT}` };
  }
  return probeInProcess();
}

async function probeInProcess(): Promise<WebGpuProbe> {
  let mod: WebGpuModule;
  try {
    // A variable specifier: `webgpu` is an optional dependency (absent after --omit=optional).
    const specifier = 'webgpu';
    mod = (await import(specifier)) as WebGpuModule;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && errorMessage(err).includes("'webgpu'")) {
      return { ok: false, reason: 'optional package webgpu is not installed (reinstall dpocheck without --omit=optional, or npm install webgpu)' };
    }
    return { ok: false, reason: `package webgpu (Dawn) failed to load: ${errorMessage(err)}` };
  }
  let gpu: DawnGpu;
  try {
    Object.assign(globalThis, mod.globals);
    gpu = mod.create([]);
  } catch (err) {
    return { ok: false, reason: `Dawn failed to start: ${errorMessage(err)}` };
  }
  // Keep the GPU object referenced forever (the process crashes if it is collected), in the
  // place tfjs-backend-webgpu reads it from. Node 20 has no `navigator`; Node >= 21 has one
  // without `gpu`, so extend rather than replace it.
  const existing = (globalThis as { navigator?: object }).navigator;
  if (existing === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(existing, 'gpu', { value: gpu, configurable: true, writable: true });
  }
  let adapter: DawnAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { ok: false, reason: `requestAdapter failed: ${errorMessage(err)}; ${WEBGPU_PROVISION_HINT}` };
  }
  if (adapter === null) {
    const icd = process.env['VK_ICD_FILENAMES'];
    const where = icd ? `VK_ICD_FILENAMES=${icd} gave none` : 'VK_ICD_FILENAMES is not set';
    return { ok: false, reason: `no WebGPU adapter (no usable Vulkan driver; ${where}); ${WEBGPU_PROVISION_HINT}` };
  }
  return { ok: true, adapter: describeAdapter(adapter) };
}

/** The message of an unknown thrown value, on one line. */
export function errorMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}

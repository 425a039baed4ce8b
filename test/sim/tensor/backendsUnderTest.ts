/**
 * Which tensor backends the tests run on: cpu and wasm always; webgpu when Dawn finds an adapter.
 * Without one the webgpu tests are skipped with a visible message, unless
 * DPOCHECK_REQUIRE_WEBGPU=1 (set by CI after provisioning SwiftShader), in which case the
 * `webgpu is available` test fails instead.
 */
import { ensureWebGpuAdapter } from '../../../src/sim/tensor/webgpuAdapter.ts';
import { createRequire } from 'node:module';
import type { TensorBackendName } from '../../../src/sim/tensor/registry.ts';

/** True when CI demands WebGPU. */
export const REQUIRE_WEBGPU = process.env['DPOCHECK_REQUIRE_WEBGPU'] === '1';

/** The WebGPU probe, done once per test file (each vitest fork is its own process). */
export const webgpuProbe = await ensureWebGpuAdapter();

if (!webgpuProbe.ok && !REQUIRE_WEBGPU) {
  console.warn(`\n[dpocheck] SKIPPING webgpu tests: ${webgpuProbe.reason}\n`);
}

/** Whether an optional dependency of dpocheck is installed (absent after `npm ci --omit=optional`). */
export function optionalInstalled(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

/** True when the wasm backend's optional package is installed; its tests skip visibly otherwise. */
export const WASM_INSTALLED = optionalInstalled('@tensorflow/tfjs-backend-wasm');
if (!WASM_INSTALLED) console.warn('\n[dpocheck] SKIPPING wasm tests: optional package @tensorflow/tfjs-backend-wasm is not installed\n');

/** Backends every tensor test runs on. */
export const BACKENDS_UNDER_TEST: readonly TensorBackendName[] = [
  'cpu',
  ...(WASM_INSTALLED ? (['wasm'] as const) : []),
  ...(webgpuProbe.ok || REQUIRE_WEBGPU ? (['webgpu'] as const) : []),
];

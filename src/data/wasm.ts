/**
 * The parts of the WebAssembly JavaScript API dpocheck uses, typed here because TypeScript
 * declares them only in its DOM libraries, which a Node project (and a downstream project
 * type-checking dpocheck's declarations) does not load. The values are the runtime's own.
 */

/** A WebAssembly.Memory. `buffer` is a SharedArrayBuffer for a shared memory; `grow` returns the old page count. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}

/** A compiled WebAssembly.Module (can be posted to worker threads). */
export interface WasmModule {
  readonly [Symbol.toStringTag]: string;
}

/** A WebAssembly.Instance. */
export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

/** The runtime's WebAssembly namespace. */
export const wasm: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

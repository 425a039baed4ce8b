/**
 * Where large arrays live: in a shared WebAssembly.Memory, whose buffer is a SharedArrayBuffer.
 *
 * The reference simulator's kernel is WebAssembly (src/sim/assembly/kernel.ts) and can read only
 * the memory it is instantiated with, on the calling thread and on worker threads alike. So the
 * feature matrices this layer produces (read from `.npz` files, or sampled) are allocated inside
 * such a memory from the start, and the simulator finds that memory again through
 * {@link sharedMemoryOf}: the features are never copied, whatever their size (a paper-scale
 * file is 1 GB). Arrays made elsewhere (by a user, or in plain `Float64Array`s) still work: the
 * simulator copies them once into a memory of its own.
 *
 * wasm32 memories hold at most 4 GiB ({@link SHARED_MEMORY_MAX_BYTES}); a larger array is refused
 * with an input error that names what was being read. V8 reserves about 10 GB of address space
 * (not memory) per WebAssembly memory, so only large arrays that the kernel reads (training
 * features of {@link IN_PLACE_MIN_BYTES} and more) get one; smaller ones stay plain arrays and
 * are copied into the simulator's pooled memories.
 */
import { InvalidInputError } from '../theory/errors.ts';
import { wasm, type WasmMemory } from './wasm.ts';

/** Bytes per WebAssembly page. */
export const WASM_PAGE_BYTES = 65536;
/** The most pages a wasm32 memory can have (4 GiB); every memory here may grow to it. */
export const SHARED_MEMORY_MAX_PAGES = 65536;
export const SHARED_MEMORY_MAX_BYTES = SHARED_MEMORY_MAX_PAGES * WASM_PAGE_BYTES;

/**
 * Arrays of at least this many bytes that the kernel will read are given a shared memory of their
 * own (read in place, never copied); smaller ones are cheaper to copy into the simulator's pooled
 * memories than to hold a memory each (every memory reserves about 10 GB of address space).
 */
export const IN_PLACE_MIN_BYTES = 16 * 2 ** 20;

/** The memory behind each buffer handed out (a grown memory has a new buffer; old ones stay valid and mapped). */
const memories = new WeakMap<ArrayBufferLike, WasmMemory>();

/** Pages that hold `bytes` (at least one). */
export function pagesFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES));
}

/**
 * A new shared WebAssembly.Memory of at least `byteLength` bytes (whole pages, zeroed) that may
 * grow to 4 GiB. `what` names the array in the error when it cannot be had.
 */
export function newSharedMemory(byteLength: number, what: string): WasmMemory {
  if (!(byteLength <= SHARED_MEMORY_MAX_BYTES)) {
    throw new InvalidInputError(what, `needs ${byteLength} bytes, more than the 4 GiB a WebAssembly memory can hold`);
  }
  let memory: WasmMemory;
  try {
    memory = new wasm.Memory({ initial: pagesFor(byteLength), maximum: SHARED_MEMORY_MAX_PAGES, shared: true });
  } catch (e) {
    // V8 reserves about 10 GB of address space (not memory) for every WebAssembly memory, so a
    // virtual-memory limit (`ulimit -v`) is the usual cause.
    throw new InvalidInputError(what, `cannot allocate a WebAssembly memory of ${byteLength} bytes (${e instanceof Error ? e.message : String(e)}); each one reserves about 10 GB of address space, so check \`ulimit -v\``);
  }
  memories.set(memory.buffer, memory);
  return memory;
}

/**
 * The buffer of a new shared memory of at least `byteLength` bytes: view it with an explicit
 * length (`new Float64Array(buffer, 0, count)`), since it is rounded up to whole pages.
 */
export function allocateShared(byteLength: number, what: string): SharedArrayBuffer {
  return newSharedMemory(byteLength, what).buffer as unknown as SharedArrayBuffer;
}

/** A zeroed Float64Array of `length` entries in a new shared memory. */
export function sharedFloat64(length: number, what: string): Float64Array {
  return new Float64Array(allocateShared(8 * length, what), 0, length);
}

/** The shared memory `buffer` belongs to, when it was made here (on this thread); else undefined. */
export function sharedMemoryOf(buffer: ArrayBufferLike): WasmMemory | undefined {
  return memories.get(buffer);
}

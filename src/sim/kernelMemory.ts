/**
 * The memory one reference backend's kernel works in (src/sim/assembly/kernel.ts reads only the
 * WebAssembly memory it is instantiated with): the features, used in place when they already
 * live in a shared memory made by src/data/sharedMemory.ts (as `loadDataset` and the sampler
 * make them) and copied once into a new one otherwise, and a region of the same memory for the
 * backend's own buffers (ΔW, margins, block partials, row indices, scratch).
 *
 * Copies go into memories kept in a pool for the next backend (see `pool`). Several backends may
 * work over one dataset at once, so each takes its own region; a disposed
 * backend's region is reused by the next backend that fits in it, so creating backend after
 * backend over one dataset (verify, law and explore do) does not grow the memory without bound.
 * Regions are only taken and returned on the thread that made the memory; worker threads get the
 * pointers.
 */
import type { FeatureMatrix } from '../data/dataset.ts';
import { newSharedMemory, sharedMemoryOf, pagesFor, WASM_PAGE_BYTES } from '../data/sharedMemory.ts';
import { InvalidInputError } from '../theory/errors.ts';
import type { WasmMemory } from '../data/wasm.ts';

interface Region { readonly start: number; readonly bytes: number; inUse: boolean }

/** The regions handed out in each memory (on this thread). */
const regionsOf = new WeakMap<WasmMemory, Region[]>();

/** Buffers start 16-byte aligned (one v128). */
const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** Grows `memory` by `pages`, returning the old page count; past 4 GiB, an input error (`bytes` were asked for). */
function grow(memory: WasmMemory, pages: number, bytes: number): number {
  try {
    return memory.grow(pages);
  } catch {
    throw new InvalidInputError('features', `the features and the simulator's buffers (${bytes} more bytes) need more than the 4 GiB a WebAssembly memory can hold`);
  }
}

/** A memory of the pool below: the whole memory belongs to one backend while `inUse`. */
interface Pooled { readonly memory: WasmMemory; inUse: boolean }

/**
 * Memories that hold copies of features (arrays that do not live in a shared memory of their
 * own: small sampled sets, users' arrays), reused from backend to backend. V8 reserves about 10 GB
 * of address space for every WebAssembly memory, so a new memory per simulation would leave
 * reuse to the garbage collector and fail under a virtual-memory limit; with the pool the number
 * of memories is the number of backends alive at once. Memories grown past
 * {@link POOL_KEEP_BYTES} are not kept (their pages would stay committed).
 */
const pool: Pooled[] = [];
const POOL_KEEP_BYTES = 256 * 2 ** 20;

/** A pooled memory of at least `bytes`, marked in use (grown, or new, when none free fits). */
function takePooled(bytes: number): Pooled {
  const free = pool.filter((p) => !p.inUse).sort((a, b) => b.memory.buffer.byteLength - a.memory.buffer.byteLength)[0];
  if (free !== undefined) {
    const have = free.memory.buffer.byteLength / WASM_PAGE_BYTES;
    if (have * WASM_PAGE_BYTES < bytes) grow(free.memory, pagesFor(bytes) - have, bytes);
    free.inUse = true;
    return free;
  }
  const made: Pooled = { memory: newSharedMemory(bytes, 'features'), inUse: true };
  pool.push(made);
  return made;
}

function returnPooled(p: Pooled): void {
  if (!p.inUse) return;
  p.inUse = false;
  if (p.memory.buffer.byteLength > POOL_KEEP_BYTES) pool.splice(pool.indexOf(p), 1);
}

/** A backend dropped without `dispose()` returns its pooled memory when it is collected. */
const unreleased = new FinalizationRegistry<Pooled>(returnPooled);

/** A region of at least `bytes` in `memory`: a free one that fits, else new pages grown at the end. */
function takeRegion(memory: WasmMemory, bytes: number): Region {
  let list = regionsOf.get(memory);
  if (list === undefined) regionsOf.set(memory, (list = []));
  const free = list.filter((r) => !r.inUse && r.bytes >= bytes).sort((a, b) => a.bytes - b.bytes)[0];
  if (free !== undefined) {
    free.inUse = true;
    return free;
  }
  const pages = pagesFor(bytes);
  const oldPages = grow(memory, pages, bytes);
  const region: Region = { start: oldPages * WASM_PAGE_BYTES, bytes: pages * WASM_PAGE_BYTES, inUse: true };
  list.push(region);
  return region;
}

/** The kernel's memory for one backend, with its named buffers laid out in its region. */
export class KernelMemory<Name extends string> {
  readonly memory: WasmMemory;
  /** Byte offset of the features in `memory`. */
  readonly features: number;
  readonly f32: boolean;
  /** Whether the features were copied in (they did not live in a shared memory of this thread). */
  readonly copied: boolean;
  /** Byte offset of each buffer. */
  readonly at: Readonly<Record<Name, number>>;
  private readonly region: Region | null;
  private readonly pooled: Pooled | null;

  /** Lays out buffers of the given byte sizes next to `features`. */
  constructor(features: FeatureMatrix, sizes: Readonly<Record<Name, number>>) {
    this.f32 = features instanceof Float32Array;
    const total = Object.values<number>(sizes).reduce((s, b) => s + align16(b), 0);
    const home = sharedMemoryOf(features.buffer);
    let start: number;
    if (home !== undefined) {
      this.memory = home;
      this.features = features.byteOffset;
      this.copied = false;
      this.region = takeRegion(home, total);
      this.pooled = null;
      start = this.region.start;
    } else {
      start = align16(features.byteLength);
      this.pooled = takePooled(start + total);
      unreleased.register(this, this.pooled, this);
      this.memory = this.pooled.memory;
      this.features = 0;
      this.copied = true;
      this.region = null;
      const copy = this.f32 ? new Float32Array(this.memory.buffer, 0, features.length) : new Float64Array(this.memory.buffer, 0, features.length);
      copy.set(features);
    }
    const at = {} as Record<Name, number>;
    for (const name of Object.keys(sizes) as Name[]) {
      at[name] = start;
      start += align16(sizes[name]);
    }
    this.at = at;
  }

  f64(name: Name, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, this.at[name], length);
  }

  i32(name: Name, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, this.at[name], length);
  }

  u8(name: Name, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, this.at[name], length);
  }

  /** Returns the region, or the pooled memory, for reuse (the buffers must no longer be used). */
  release(): void {
    if (this.region !== null) this.region.inUse = false;
    if (this.pooled !== null) {
      unreleased.unregister(this);
      returnPooled(this.pooled);
    }
  }
}

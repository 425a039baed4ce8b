/**
 * Worker thread that inflates one deflated zip member (np.savez_compressed) from a file straight
 * into a preallocated SharedArrayBuffer (a shared WebAssembly memory's) with node:zlib's streaming inflate, computing the CRC-32
 * as it goes, so that reading a large compressed array never holds the compressed bytes and a
 * second copy of the data at once. Started synchronously by npz.ts, which blocks in
 * `Atomics.wait` on `status` until this thread sets it; an error's text goes to `port`.
 */
import { createReadStream } from 'node:fs';
import { workerData, type MessagePort } from 'node:worker_threads';
import { createInflateRaw, crc32 } from 'node:zlib';

/** What npz.ts passes. */
export interface InflateJob {
  readonly path: string;
  /** Offset and length of the compressed member in the file. */
  readonly start: number;
  readonly compSize: number;
  /** Receives exactly the member's uncompressed bytes (`size` of them; the buffer may be longer). */
  readonly out: SharedArrayBuffer;
  readonly size: number;
  /**
   * 24 bytes: Int32Array [state (0 running, 1 done, 2 failed), KiB written (progress), CRC-32,
   * unused], then a Float64 of the bytes written (set before the state).
   */
  readonly status: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** Read and inflate in 4 MiB pieces: large enough to amortise the stream machinery, small next to any member worth a worker. */
const PIECE = 1 << 22;

const job = workerData as InflateJob;
const target = new Uint8Array(job.out, 0, job.size);
const status = new Int32Array(job.status, 0, 4);
const writtenSlot = new Float64Array(job.status, 16, 1);
let written = 0;
let crc = 0;
let settled = false;

function settle(state: 1 | 2, message?: string): void {
  if (settled) return;
  settled = true;
  if (message !== undefined) job.port.postMessage(message);
  job.port.close();
  Atomics.store(status, 2, crc | 0);
  writtenSlot[0] = written;
  Atomics.store(status, 0, state);
  Atomics.notify(status, 0);
}

const input = createReadStream(job.path, { start: job.start, end: job.start + job.compSize - 1, highWaterMark: PIECE });
const inflate = createInflateRaw({ chunkSize: PIECE });
inflate.on('data', (chunk: Buffer) => {
  if (written + chunk.length > target.length) {
    settle(2, `inflated past the member's size of ${target.length} bytes`);
    input.destroy();
    inflate.destroy();
    return;
  }
  target.set(chunk, written);
  crc = crc32(chunk, crc);
  written += chunk.length;
  Atomics.store(status, 1, Math.floor(written / 1024));
});
inflate.on('end', () => settle(1));
inflate.on('error', (e) => settle(2, e.message));
input.on('error', (e) => settle(2, `cannot read file (${(e as NodeJS.ErrnoException).code ?? e.message})`));
input.pipe(inflate);

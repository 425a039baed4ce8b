/**
 * numpy `.npy` / `.npz` reading and writing: a strict `.npy` parser and writer and a strict zip
 * reader (stored and deflated members, as `np.savez` and `np.savez_compressed` write them;
 * ZIP64 fields as numpy's `force_zip64` writes them) that reads files by offset, each member
 * once, straight into its final typed array; node:zlib inflates and checks CRC-32, fflate writes
 * zips.
 *
 * Strictness is the point: every byte that decides a value is checked (CRC-32 of every member
 * read, sizes, the header dict), so a corrupted or truncated file is rejected instead of read
 * as a silently different dataset. Every failure throws InvalidInputError naming `where` (the
 * file) and the member.
 *
 * Format references: numpy `numpy/lib/format.py` (NEP 1) and PKWARE APPNOTE.TXT.
 */
import { zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { crc32, inflateRawSync } from 'node:zlib';
import { workerModule } from './workerUrl.ts';
import { allocateShared, IN_PLACE_MIN_BYTES } from './sharedMemory.ts';
import type { InflateJob } from './inflateWorker.ts';
import { InvalidInputError } from '../theory/errors.ts';

/** The .npy magic string: \x93NUMPY. */
const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** Element types we read: numpy's `descr` string -> kind and byte size (little-endian or single-byte only). */
export const NPY_DTYPES = {
  '<f8': { kind: 'f', size: 8 },
  '<f4': { kind: 'f', size: 4 },
  '<i8': { kind: 'i', size: 8 },
  '<i4': { kind: 'i', size: 4 },
  '<i2': { kind: 'i', size: 2 },
  '|i1': { kind: 'i', size: 1 },
  '<u8': { kind: 'u', size: 8 },
  '<u4': { kind: 'u', size: 4 },
  '<u2': { kind: 'u', size: 2 },
  '|u1': { kind: 'u', size: 1 },
} as const;
/** A supported numpy dtype string. */
export type NpyDescr = keyof typeof NPY_DTYPES;
/** Element kind: float, signed integer, unsigned integer. */
export type NpyKind = (typeof NPY_DTYPES)[NpyDescr]['kind'];

/** What a read array holds: float64 values, or float32 ones where the file's `<f4` is kept as is. */
export type NpyValues = Float64Array | Float32Array;

/** A parsed .npy array in C (row-major) order: values widened to float64 unless `V` allows Float32Array. */
export interface NpyArray<V extends NpyValues = Float64Array> {
  readonly descr: NpyDescr;
  readonly kind: NpyKind;
  readonly shape: readonly number[];
  /** prod(shape) values in C order (a fortran-order file is transposed on read). int64/uint64 beyond 2^53 are rounded, which keeps range checks sound. */
  readonly values: V;
}

function fail(where: string, message: string): never {
  // One line: the CLI prints the message as is. Control characters (from a corrupt member name)
  // are escaped.
  const clean = (t: string) => t.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  throw new InvalidInputError(clean(where), clean(message.replace(/\s+/g, ' ')));
}

/** A shape as numpy prints it: (6,) or (6, 4). */
function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------
// .npy header

/** A tiny strict tokenizer/parser for the header's Python dict literal. */
class HeaderParser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly where: string,
  ) {}

  private ws(): void {
    while (this.pos < this.text.length && (this.text[this.pos] === ' ' || this.text[this.pos] === '\t')) this.pos++;
  }

  private expect(ch: string): void {
    this.ws();
    if (this.text[this.pos] !== ch) fail(this.where, `malformed .npy header: expected '${ch}' at offset ${this.pos} in ${JSON.stringify(this.text.trim())}`);
    this.pos++;
  }

  private peek(): string {
    this.ws();
    return this.text[this.pos] ?? '';
  }

  private string(): string {
    this.ws();
    const q = this.text[this.pos];
    if (q !== "'" && q !== '"') fail(this.where, `malformed .npy header: expected a string at offset ${this.pos}`);
    const end = this.text.indexOf(q, this.pos + 1);
    if (end < 0) fail(this.where, 'malformed .npy header: unterminated string');
    const s = this.text.slice(this.pos + 1, end);
    if (s.includes('\\')) fail(this.where, 'malformed .npy header: escapes are not supported');
    this.pos = end + 1;
    return s;
  }

  private bool(): boolean {
    this.ws();
    for (const [word, value] of [['True', true], ['False', false]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return fail(this.where, `malformed .npy header: fortran_order must be True or False`);
  }

  private tuple(): number[] {
    this.expect('(');
    const dims: number[] = [];
    let sawComma = false;
    while (this.peek() !== ')') {
      const m = /^[0-9]+/.exec(this.text.slice(this.pos));
      if (m === null) fail(this.where, `malformed .npy header: shape must be a tuple of non-negative integers`);
      const n = Number(m[0]);
      if (!Number.isSafeInteger(n)) fail(this.where, `.npy shape dimension ${m[0]} is too large`);
      dims.push(n);
      this.pos += m[0].length;
      sawComma = false;
      if (this.peek() === ',') {
        this.pos++;
        sawComma = true;
      } else if (this.peek() !== ')') {
        fail(this.where, 'malformed .npy header: expected , or ) in shape');
      }
    }
    this.pos++;
    // Python's 1-tuple needs its trailing comma: "(3,)".
    if (dims.length === 1 && !sawComma) fail(this.where, 'malformed .npy header: a 1-tuple shape needs a trailing comma, e.g. (3,)');
    return dims;
  }

  parse(): { descr: string; fortranOrder: boolean; shape: number[] } {
    this.expect('{');
    const seen = new Map<string, unknown>();
    while (this.peek() !== '}') {
      const key = this.string();
      this.expect(':');
      if (seen.has(key)) fail(this.where, `malformed .npy header: duplicate key '${key}'`);
      if (key === 'descr') {
        if (this.peek() === '[') fail(this.where, 'structured dtypes (descr is a list) are not supported');
        seen.set(key, this.string());
      } else if (key === 'fortran_order') seen.set(key, this.bool());
      else if (key === 'shape') seen.set(key, this.tuple());
      else fail(this.where, `malformed .npy header: unexpected key '${key}'`);
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== '}') fail(this.where, 'malformed .npy header: expected , or }');
    }
    this.pos++;
    for (const key of ['descr', 'fortran_order', 'shape']) {
      if (!seen.has(key)) fail(this.where, `malformed .npy header: missing key '${key}'`);
    }
    // After the dict: only spaces, then exactly one final newline.
    const rest = this.text.slice(this.pos);
    if (!/^ *\n$/.test(rest)) fail(this.where, 'malformed .npy header: must end with spaces and one newline after the dict');
    return { descr: seen.get('descr') as string, fortranOrder: seen.get('fortran_order') as boolean, shape: seen.get('shape') as number[] };
  }
}

function describeUnsupported(descr: string): string {
  if (descr.startsWith('>')) return `dtype '${descr}' is big-endian; save with a little-endian dtype (e.g. arr.astype('<f8'))`;
  if (descr.includes('O')) return `dtype '${descr}' is an object array (pickled); save a numeric array`;
  return `dtype '${descr}' is not supported (supported: ${Object.keys(NPY_DTYPES).join(' ')})`;
}

/** A parsed .npy header: dtype, shape, and where the data starts. */
interface NpyHeader {
  readonly descr: NpyDescr;
  readonly kind: NpyKind;
  /** Bytes per element. */
  readonly size: number;
  readonly shape: number[];
  readonly fortranOrder: boolean;
  /** prod(shape). */
  readonly count: number;
  /** Offset of the first data byte. */
  readonly dataStart: number;
}

/** Checks the magic string and version of a .npy prefix (at least its first 12 bytes, or all of a shorter file); returns the offset where the data starts. */
function npyHeaderLength(bytes: Uint8Array, where: string): number {
  if (bytes.length < 10) fail(where, `not a .npy array (only ${bytes.length} bytes)`);
  for (let i = 0; i < NPY_MAGIC.length; i++) {
    if (bytes[i] !== NPY_MAGIC[i]) fail(where, 'not a .npy array (bad magic string)');
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (minor !== 0 || major < 1 || major > 3) fail(where, `unsupported .npy format version ${major}.${minor}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major === 1) return 10 + dv.getUint16(8, true);
  if (bytes.length < 12) fail(where, 'truncated .npy header');
  return 12 + dv.getUint32(8, true);
}

/**
 * Parses a .npy header strictly (see {@link parseNpy}). `bytes` holds at least the whole header;
 * `total` is the length of the whole .npy file, which must be exactly header + prod(shape) × itemsize.
 */
function parseNpyHeader(bytes: Uint8Array, total: number, where: string): NpyHeader {
  const dataStart = npyHeaderLength(bytes, where);
  if (dataStart > total || dataStart > bytes.length) fail(where, 'truncated .npy header');
  const major = bytes[6];
  const headerBytes = bytes.subarray(major === 1 ? 10 : 12, dataStart);
  let text: string;
  try {
    // Versions 1 and 2 are latin-1, version 3 is UTF-8 (numpy format.py).
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(headerBytes);
  } catch {
    return fail(where, 'malformed .npy header: invalid text encoding');
  }
  const header = new HeaderParser(text, where).parse();
  if (!Object.hasOwn(NPY_DTYPES, header.descr)) fail(where, describeUnsupported(header.descr));
  const descr = header.descr as NpyDescr;
  const { kind, size } = NPY_DTYPES[descr];
  let count = 1;
  for (const n of header.shape) count *= n;
  if (!Number.isSafeInteger(count * size)) fail(where, `shape ${pyShape(header.shape)} is too large`);
  const dataLen = total - dataStart;
  if (dataLen !== count * size) {
    fail(where, `data has ${dataLen} bytes but shape ${pyShape(header.shape)} of '${descr}' needs ${count * size}`);
  }
  return { descr, kind, size, shape: header.shape, fortranOrder: header.fortranOrder, count, dataStart };
}

/**
 * Parses one `.npy` file (format versions 1.0, 2.0, 3.0) strictly: the magic string, a header
 * dict with exactly `descr`, `fortran_order`, `shape`, a supported little-endian dtype, and a
 * data block whose length is exactly prod(shape) × itemsize (no trailing bytes). Fortran-order
 * arrays are transposed to C order. Values are widened to float64. `where` names the array in
 * error messages.
 * @throws InvalidInputError for any deviation.
 */
export function parseNpy(bytes: Uint8Array, where: string): NpyArray {
  return decodeNpy(bytes, where, 'widen', false) as NpyArray;
}

/**
 * {@link parseNpy}, keeping `<f4` data as Float32Array when `float32` is 'keep'. `owned`: the
 * caller hands `bytes` over, so float data may be viewed in place instead of copied.
 */
function decodeNpy(bytes: Uint8Array, where: string, float32: 'keep' | 'widen', owned: boolean): NpyArray<NpyValues> {
  const h = parseNpyHeader(bytes, bytes.length, where);
  const values = decodeValues(bytes.subarray(h.dataStart), h.descr, h.count, float32, owned);
  const shape = h.shape;
  return { descr: h.descr, kind: h.kind, shape, values: h.fortranOrder && shape.length > 1 ? fortranToC(values, shape) : values };
}

/**
 * The data as its final typed array: `<f8` (and `<f4` kept as float32) is viewed in place when
 * the data is aligned (numpy pads headers to 64 bytes, so it is), copied once otherwise; every
 * other dtype is widened to float64.
 */
function decodeValues(data: Uint8Array, descr: NpyDescr, count: number, float32: 'keep' | 'widen', owned: boolean): NpyValues {
  if (count === 0) return descr === '<f4' && float32 === 'keep' ? new Float32Array(0) : new Float64Array(0);
  if (LITTLE_ENDIAN_HOST && (descr === '<f8' || (descr === '<f4' && float32 === 'keep'))) {
    const width = descr === '<f8' ? 8 : 4;
    // Borrowed or unaligned data (possible only in hand-made files) is copied to an aligned buffer
    // (a copy constructor: `slice` of a Node Buffer would be a view).
    const aligned = owned && data.byteOffset % width === 0 ? data : new Uint8Array(data);
    return width === 8 ? new Float64Array(aligned.buffer, aligned.byteOffset, count) : new Float32Array(aligned.buffer, aligned.byteOffset, count);
  }
  const out = new Float64Array(count);
  if (LITTLE_ENDIAN_HOST && (descr === '<f4' || descr === '<i4' || descr === '<u4')) {
    // An aligned copy viewed as its type, widened by one typed-array copy (no DataView per element).
    const aligned = data.byteOffset % 4 === 0 ? data : new Uint8Array(data);
    const view = descr === '<f4' ? new Float32Array(aligned.buffer, aligned.byteOffset, count) : descr === '<i4' ? new Int32Array(aligned.buffer, aligned.byteOffset, count) : new Uint32Array(aligned.buffer, aligned.byteOffset, count);
    out.set(view);
    return out;
  }
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < count; i++) {
    switch (descr) {
      case '<f8': out[i] = dv.getFloat64(8 * i, true); break;
      case '<f4': out[i] = dv.getFloat32(4 * i, true); break;
      case '<i8': out[i] = Number(dv.getBigInt64(8 * i, true)); break;
      case '<u8': out[i] = Number(dv.getBigUint64(8 * i, true)); break;
      case '<i4': out[i] = dv.getInt32(4 * i, true); break;
      case '<u4': out[i] = dv.getUint32(4 * i, true); break;
      case '<i2': out[i] = dv.getInt16(2 * i, true); break;
      case '<u2': out[i] = dv.getUint16(2 * i, true); break;
      case '|i1': out[i] = dv.getInt8(i); break;
      case '|u1': out[i] = dv.getUint8(i); break;
    }
  }
  return out;
}

/** Reorders a column-major (Fortran) array of any rank into row-major (C) order. */
function fortranToC<V extends NpyValues>(values: V, shape: readonly number[]): V {
  const rank = shape.length;
  const out = (values instanceof Float32Array ? new Float32Array(values.length) : new Float64Array(values.length)) as V;
  if (rank === 2) {
    const [r, c] = shape;
    for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) out[i * c + j] = values[j * r + i];
    return out;
  }
  // General rank: walk C order, track the Fortran offset with strides.
  const fStride = new Array<number>(rank);
  let s = 1;
  for (let a = 0; a < rank; a++) {
    fStride[a] = s;
    s *= shape[a];
  }
  const idx = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < values.length; flat++) {
    let f = 0;
    for (let a = 0; a < rank; a++) f += idx[a] * fStride[a];
    out[flat] = values[f];
    for (let a = rank - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

/** Typed arrays {@link encodeNpy} writes, with the dtype each becomes. */
export type NpyWritable = Float64Array | Float32Array | Int32Array | BigInt64Array;

/**
 * Encodes a C-order array as a version 1.0 `.npy` file exactly as numpy does: header dict
 * `{'descr': ..., 'fortran_order': False, 'shape': (...), }` padded with spaces to a multiple
 * of 64 bytes and ended by a newline. dtype: Float64Array -> <f8, Float32Array -> <f4,
 * Int32Array -> <i4, BigInt64Array -> <i8.
 * @example encodeNpy(new Float64Array([1, 2, 3, 4]), [2, 2])
 */
export function encodeNpy(values: NpyWritable, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== values.length) throw new InvalidInputError('shape', `(${shape.join(', ')}) does not match ${values.length} values`);
  const descr = values instanceof Float64Array ? '<f8' : values instanceof Float32Array ? '<f4' : values instanceof Int32Array ? '<i4' : '<i8';
  const shapeText = pyShape(shape);
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + dict.length + 1;
  const padded = Math.ceil(unpadded / 64) * 64;
  const header = dict + ' '.repeat(padded - unpadded) + '\n';
  if (header.length > 0xffff) throw new InvalidInputError('shape', 'header too long for .npy version 1.0');
  const bytes = new Uint8Array(padded + values.byteLength);
  bytes.set(NPY_MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  const body = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN_HOST) bytes.set(body, padded);
  else {
    const dv = new DataView(bytes.buffer, padded);
    const w = values.BYTES_PER_ELEMENT;
    for (let i = 0; i < values.length; i++) {
      if (values instanceof Float64Array) dv.setFloat64(i * w, values[i], true);
      else if (values instanceof Float32Array) dv.setFloat32(i * w, values[i], true);
      else if (values instanceof Int32Array) dv.setInt32(i * w, values[i], true);
      else dv.setBigInt64(i * w, values[i], true);
    }
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// zip

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
/** EOCD record is 22 bytes plus a comment of at most 65535 bytes (APPNOTE 4.3.16). */
const EOCD_MIN = 22;
/**
 * Largest single read from a file. Ours: below the 2 GiB limit of one `readSync` call, and large
 * enough that a 1 GB member is read in a handful of system calls.
 */
const READ_CHUNK = 1 << 30;

/**
 * Random access to the bytes of an archive: an in-memory buffer or an open file. Reading through
 * this (instead of loading a whole file) is what lets a member be read straight into its final
 * typed array: the central directory and the headers are a few kilobytes, the data is read once.
 */
interface ByteSource {
  readonly size: number;
  /** The file behind the source, if any (large deflated members are then inflated from it by a worker). */
  readonly path?: string;
  /** Bytes [offset, offset + length) clipped to the source (a view when in memory). */
  read(offset: number, length: number): Uint8Array;
  /** Fills `target` with the bytes from `offset`; throws when the source ends first. */
  readInto(offset: number, target: Uint8Array): void;
}

function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
    readInto: (offset, target) => {
      if (offset + target.length > bytes.length) throw new RangeError('read past the end');
      target.set(bytes.subarray(offset, offset + target.length));
    },
  };
}

function fileSource(fd: number, size: number, where: string, path: string): ByteSource {
  const readInto = (offset: number, target: Uint8Array): void => {
    for (let done = 0; done < target.length; ) {
      let n: number;
      try {
        n = readSync(fd, target, done, Math.min(READ_CHUNK, target.length - done), offset + done);
      } catch (e) {
        return fail(where, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
      if (n === 0) throw new RangeError('file ended early');
      done += n;
    }
  };
  return {
    size,
    path,
    read: (offset, length) => {
      const out = new Uint8Array(Math.max(0, Math.min(size, offset + length) - offset));
      readInto(offset, out);
      return out;
    },
    readInto,
  };
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** One member of a zip archive as listed by the central directory. */
interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc: number;
  readonly compSize: number;
  readonly size: number;
  readonly localOffset: number;
}

function u64(dv: DataView, off: number, where: string): number {
  const x = dv.getBigUint64(off, true);
  if (x > BigInt(Number.MAX_SAFE_INTEGER)) fail(where, 'zip64 field out of range');
  return Number(x);
}

function listZip(src: ByteSource, where: string): ZipEntry[] {
  const len = src.size;
  if (len < EOCD_MIN) fail(where, `not a zip archive (only ${len} bytes)`);
  // The EOCD record lies in the last EOCD_MIN + U16_MAX bytes (its comment is at most U16_MAX).
  const tailStart = Math.max(0, len - EOCD_MIN - U16_MAX);
  const tail = src.read(tailStart, len - tailStart);
  const tv = viewOf(tail);
  let eocd = -1;
  for (let p = tail.length - EOCD_MIN; p >= 0; p--) {
    // The comment length must reach exactly to the end of the file.
    if (tv.getUint32(p, true) === SIG_EOCD && p + EOCD_MIN + tv.getUint16(p + 20, true) === tail.length) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) fail(where, 'not a zip archive or truncated (no end-of-central-directory record)');
  if (tv.getUint16(eocd + 4, true) !== 0 || tv.getUint16(eocd + 6, true) !== 0) fail(where, 'multi-disk zip archives are not supported');
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  const eocdAt = tailStart + eocd;
  if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
    const loc = eocdAt - 20;
    const locBytes = loc < 0 ? new Uint8Array(0) : src.read(loc, 20);
    if (locBytes.length < 20 || viewOf(locBytes).getUint32(0, true) !== SIG_ZIP64_LOCATOR) fail(where, 'corrupt zip archive (missing zip64 locator)');
    const rec = u64(viewOf(locBytes), 8, where);
    const recBytes = rec + 56 > loc ? new Uint8Array(0) : src.read(rec, 56);
    if (recBytes.length < 56 || viewOf(recBytes).getUint32(0, true) !== SIG_ZIP64_EOCD) fail(where, 'corrupt zip archive (bad zip64 end record)');
    const rv = viewOf(recBytes);
    count = u64(rv, 32, where);
    cdSize = u64(rv, 40, where);
    cdOffset = u64(rv, 48, where);
  }
  if (cdOffset + cdSize > eocdAt) fail(where, 'corrupt zip archive (central directory out of bounds)');
  const cd = src.read(cdOffset, cdSize);
  const dv = viewOf(cd);
  const entries: ZipEntry[] = [];
  let p = 0;
  const names = new Set<string>();
  for (let e = 0; e < count; e++) {
    if (p + 46 > cdSize || dv.getUint32(p, true) !== SIG_CENTRAL) fail(where, 'corrupt zip archive (bad central directory entry)');
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const crc = dv.getUint32(p + 16, true);
    let compSize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let localOffset = dv.getUint32(p + 42, true);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cdSize) fail(where, 'corrupt zip archive (central directory entry out of bounds)');
    const name = decodeName(cd.subarray(p + 46, p + 46 + nameLen), flags, where);
    // ZIP64 extended information (APPNOTE 4.5.3): present fields in the order size, compSize, offset.
    if (size === U32_MAX || compSize === U32_MAX || localOffset === U32_MAX) {
      let x = p + 46 + nameLen;
      const xEnd = x + extraLen;
      let found = false;
      while (x + 4 <= xEnd) {
        const id = dv.getUint16(x, true);
        const n = dv.getUint16(x + 2, true);
        if (x + 4 + n > xEnd) break;
        if (id === 0x0001) {
          let q = x + 4;
          const need = (size === U32_MAX ? 8 : 0) + (compSize === U32_MAX ? 8 : 0) + (localOffset === U32_MAX ? 8 : 0);
          if (n < need) fail(`${where}[${name}]`, 'corrupt zip64 extra field');
          if (size === U32_MAX) { size = u64(dv, q, where); q += 8; }
          if (compSize === U32_MAX) { compSize = u64(dv, q, where); q += 8; }
          if (localOffset === U32_MAX) { localOffset = u64(dv, q, where); q += 8; }
          found = true;
          break;
        }
        x += 4 + n;
      }
      if (!found) fail(`${where}[${name}]`, 'corrupt zip archive (missing zip64 sizes)');
    }
    if (names.has(name)) fail(`${where}[${name}]`, 'duplicate member in zip archive');
    names.add(name);
    entries.push({ name, method, flags, crc, compSize, size, localOffset });
    p = end;
  }
  if (p !== cdSize) fail(where, 'corrupt zip archive (central directory size mismatch)');
  return entries;
}

function decodeName(raw: Uint8Array, flags: number, where: string): string {
  try {
    // Bit 11: UTF-8 names; otherwise CP437, which agrees with ASCII (all numpy names are ASCII).
    return new TextDecoder((flags & 0x800) !== 0 ? 'utf-8' : 'latin1', { fatal: true }).decode(raw);
  } catch {
    return fail(where, 'corrupt zip archive (member name is not valid text)');
  }
}

/** Validates a member's local header against its central-directory entry; returns where its data starts. */
function checkLocalHeader(src: ByteSource, entry: ZipEntry, where: string): number {
  const here = `${where}[${entry.name}]`;
  if ((entry.flags & 0x1) !== 0) fail(here, 'encrypted zip members are not supported');
  const p = entry.localOffset;
  const head = src.read(p, 30);
  const dv = viewOf(head);
  if (head.length < 30 || dv.getUint32(0, true) !== SIG_LOCAL) fail(here, 'corrupt zip archive (bad local header)');
  const method = dv.getUint16(8, true);
  const nameLen = dv.getUint16(26, true);
  const extraLen = dv.getUint16(28, true);
  if (method !== entry.method) fail(here, 'corrupt zip archive (local and central compression methods differ)');
  const nameBytes = src.read(p + 30, nameLen);
  if (nameBytes.length < nameLen) fail(here, 'corrupt zip archive (truncated local header)');
  const localName = decodeName(nameBytes, dv.getUint16(6, true), where);
  if (localName !== entry.name) fail(here, 'corrupt zip archive (local and central member names differ)');
  const start = p + 30 + nameLen + extraLen;
  if (start + entry.compSize > src.size) fail(here, 'truncated zip member');
  return start;
}

/**
 * Reads a stored member's .npy header (magic, version, header dict) and its raw bytes, or
 * undefined when it does not parse (the caller then reads the whole member, so that a CRC
 * mismatch is reported before a header error, as for any other member).
 */
function readStoredHeader(src: ByteSource, start: number, entry: ZipEntry, where: string): { header: NpyHeader; bytes: Uint8Array } | undefined {
  try {
    const pre = src.read(start, Math.min(entry.size, 12));
    const bytes = src.read(start, Math.min(entry.size, npyHeaderLength(pre, where)));
    return { header: parseNpyHeader(bytes, entry.size, where), bytes };
  } catch (e) {
    if (e instanceof InvalidInputError) return undefined;
    throw e;
  }
}

/**
 * Reads one member into its final array. A stored float member (np.savez) is read from the
 * source straight into a shared WebAssembly memory (sharedMemory.ts; no intermediate buffer:
 * the reference backend's kernel and its workers use it in place) and CRC-checked incrementally; a deflated
 * member (np.savez_compressed) is inflated by zlib into one buffer of the member's size, which
 * the array then views without a copy when numpy's 64-byte header padding aligns it. Integer
 * and Fortran-order members (small, or rare) go through {@link parseNpy}'s widening path.
 */
function readMember(src: ByteSource, entry: ZipEntry, where: string, float32: 'keep' | 'widen', wasm: boolean): NpyArray<NpyValues> {
  const here = `${where}[${entry.name}]`;
  const named = `${where}[${entry.name.slice(0, -'.npy'.length)}]`;
  // A shared WebAssembly memory for the arrays the simulator's kernel reads, a plain shared buffer otherwise.
  const allocate = (bytes: number): SharedArrayBuffer => (wasm && bytes >= IN_PLACE_MIN_BYTES ? allocateShared(bytes, named) : new SharedArrayBuffer(bytes));
  const start = checkLocalHeader(src, entry, where);
  let member: Uint8Array;
  if (entry.method === 0) {
    if (entry.compSize !== entry.size) fail(here, 'corrupt zip archive (stored member sizes differ)');
    const parsed = readStoredHeader(src, start, entry, named);
    if (parsed !== undefined && parsed.header.kind === 'f' && !parsed.header.fortranOrder && LITTLE_ENDIAN_HOST && (parsed.header.size === 8 || float32 === 'keep')) {
      const { header, bytes } = parsed;
      const values = header.size === 8 ? new Float64Array(allocate(header.count * 8), 0, header.count) : new Float32Array(allocate(header.count * 4), 0, header.count);
      const raw = new Uint8Array(values.buffer, 0, values.byteLength);
      try {
        src.readInto(start + header.dataStart, raw);
      } catch {
        return fail(here, 'truncated zip member');
      }
      // Node 20's zlib.crc32 returns 0 for an empty view of a SharedArrayBuffer whatever the
      // running value, so a member with no data (a zero-row test array) is checked on its header.
      const crc = raw.length === 0 ? crc32(bytes) : crc32(raw, crc32(bytes));
      if (crc >>> 0 !== entry.crc) fail(here, 'CRC-32 mismatch (file is corrupt)');
      return { descr: header.descr, kind: header.kind, shape: header.shape, values };
    }
    member = src.read(start, entry.size);
  } else if (entry.method === 8 && src.path !== undefined && entry.size >= workerInflateMinBytes) {
    // CRC-checked by the worker as it inflates.
    return decodeNpy(inflateInWorker(src.path, start, entry, here, allocate), named, float32, true);
  } else if (entry.method === 8) {
    const raw = src.read(start, entry.compSize);
    try {
      // One output buffer one byte larger than the member: zlib then returns it as is (no
      // concatenation of chunks, no second buffer allocated when the first fills up).
      member = inflateRawSync(raw, { chunkSize: Math.max(64, entry.size + 1) });
    } catch (e) {
      return fail(here, `corrupt deflate stream (${e instanceof Error ? e.message : String(e)})`);
    }
    if (member.length !== entry.size) fail(here, `corrupt deflate stream (inflated to ${member.length} bytes, expected ${entry.size})`);
  } else {
    return fail(here, `unsupported zip compression method ${entry.method} (only stored and deflate)`);
  }
  if (crc32(member) >>> 0 !== entry.crc) fail(here, 'CRC-32 mismatch (file is corrupt)');
  return decodeNpy(member, named, float32, entry.method === 8);
}

/**
 * Smallest deflated member inflated by a worker thread streaming from the file. Ours: below
 * this the compressed bytes are small enough to hold next to the output, and the worker's
 * start-up (tens of milliseconds compiled, more from the TypeScript sources) would dominate.
 */
export const WORKER_INFLATE_MIN_BYTES = 64 * 2 ** 20;
/** The threshold in force (tests lower it to exercise the worker on small files). */
let workerInflateMinBytes = WORKER_INFLATE_MIN_BYTES;

/** Sets the smallest deflated member inflated by a worker (testing hook); returns the previous value. */
export function setWorkerInflateMinBytes(bytes: number): number {
  const previous = workerInflateMinBytes;
  workerInflateMinBytes = bytes;
  return previous;
}
/** A worker that reports no progress for this long is taken as dead (e.g. it failed to load): one 4 MiB piece takes milliseconds. */
const WORKER_STALL_MS = 30_000;

/**
 * Inflates a deflated member from the file into a shared WebAssembly memory (sharedMemory.ts), with
 * node:zlib's streaming inflate on a worker thread (inflateWorker.ts) while this thread blocks in
 * `Atomics.wait`: the compressed bytes are never held whole, and the data needs no second copy
 * (the array views it, and the reference backend's workers use it in place).
 */
function inflateInWorker(path: string, start: number, entry: ZipEntry, here: string, allocate: (bytes: number) => SharedArrayBuffer): Uint8Array {
  const out = allocate(entry.size);
  const statusBuffer = new SharedArrayBuffer(24);
  const status = new Int32Array(statusBuffer, 0, 4);
  const { port1, port2 } = new MessageChannel();
  const job: InflateJob = { path, start, compSize: entry.compSize, out, size: entry.size, status: statusBuffer, port: port2 };
  const worker = new Worker(workerModule(import.meta.url, 'inflateWorker'), { workerData: job, transferList: [port2] });
  try {
    let progress = -1;
    let lastChange = Date.now();
    while (Atomics.load(status, 0) === 0) {
      Atomics.wait(status, 0, 0, 1000);
      const now = Atomics.load(status, 1);
      if (now !== progress) {
        progress = now;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > WORKER_STALL_MS) {
        return fail(here, 'corrupt deflate stream (the inflating worker stopped making progress)');
      }
    }
    if (Atomics.load(status, 0) !== 1) {
      const message = receiveMessageOnPort(port1)?.message;
      return fail(here, `corrupt deflate stream (${String(message ?? 'inflate failed')})`);
    }
    const written = new Float64Array(statusBuffer, 16, 1)[0];
    if (written !== entry.size) fail(here, `corrupt deflate stream (inflated to ${written} bytes, expected ${entry.size})`);
    if (Atomics.load(status, 2) >>> 0 !== entry.crc) fail(here, 'CRC-32 mismatch (file is corrupt)');
    return new Uint8Array(out, 0, entry.size);
  } finally {
    port1.close();
    void worker.terminate();
  }
}

/** Reads the wanted members of an archive from any byte source (see {@link readNpz}). */
function readNpzSource(src: ByteSource, where: string, wanted: readonly string[], float32: 'keep' | 'widen', wasm: readonly string[] = []): Map<string, NpyArray<NpyValues>> {
  const out = new Map<string, NpyArray<NpyValues>>();
  const entries = listZip(src, where);
  // Check every member's local header against the central directory, even members we skip: a
  // corrupted name in one copy would otherwise silently hide an optional array.
  for (const entry of entries) checkLocalHeader(src, entry, where);
  for (const entry of entries) {
    if (!entry.name.endsWith('.npy')) continue;
    const key = entry.name.slice(0, -'.npy'.length);
    if (!wanted.includes(key)) continue;
    out.set(key, readMember(src, entry, where, float32, wasm.includes(key)));
  }
  return out;
}

/**
 * Reads the `.npy` members of an `.npz` archive (as written by `np.savez` or
 * `np.savez_compressed`) whose array names (member name without `.npy`) are in `wanted`.
 * Other members are ignored without being decompressed. Every member read is CRC-checked and
 * parsed strictly by {@link parseNpy}. `where` is the file name used in error messages.
 * Values are widened to float64 (see {@link readNpzFile} for float32 kept as float32).
 * @throws InvalidInputError on any corruption or malformed member.
 */
export function readNpz(bytes: Uint8Array, where: string, wanted: readonly string[]): Map<string, NpyArray> {
  return readNpzSource(memorySource(bytes), where, wanted, 'widen') as Map<string, NpyArray>;
}

/**
 * {@link readNpz} for bytes in memory, keeping float32 members as Float32Array (what
 * {@link readNpzFile} returns for the same archive on disk).
 */
export function readNpzBytes(bytes: Uint8Array, where: string, wanted: readonly string[]): Map<string, NpyArray<NpyValues>> {
  return readNpzSource(memorySource(bytes), where, wanted, 'keep');
}

/**
 * Reads the wanted members of an `.npz` file on disk without loading the whole file: the zip
 * directory and headers are read by offset, each float member straight into its final typed
 * array (see {@link readMember}); `<f8` members become Float64Array, `<f4` members stay
 * Float32Array (half the memory; widening float32 -> float64 is exact wherever the values are
 * used), integer members are widened to Float64Array. Same checks and messages as {@link readNpz}.
 * Float members named in `wasm` of 16 MiB and more are placed in a shared WebAssembly memory of
 * their own (sharedMemory.ts: the simulator's kernel reads them in place), other members in plain
 * shared buffers.
 * @throws InvalidInputError when the file cannot be read or on any corruption.
 * @example const arrays = readNpzFile('embeddings.npz', ['features']);
 */
export function readNpzFile(path: string, wanted: readonly string[], where = path, wasm: readonly string[] = []): Map<string, NpyArray<NpyValues>> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return fail(where, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    let size: number;
    try {
      size = fstatSync(fd).size;
    } catch (e) {
      return fail(where, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    return readNpzSource(fileSource(fd, size, where, path), where, wanted, 'keep', wasm);
  } finally {
    closeSync(fd);
  }
}

/**
 * A fixed member timestamp (2000-01-01 local time), so that writing the same arrays twice gives
 * byte-identical archives.
 */
const FIXED_MTIME = new Date(2000, 0, 1);
/** Deflate level of compressed archives: zlib's default, which np.savez_compressed also uses. */
const DEFLATE_LEVEL = 6;

/**
 * Writes named `.npy` blobs (from {@link encodeNpy}) as an `.npz` archive: stored like
 * `np.savez`, or deflated like `np.savez_compressed`. Deterministic bytes.
 */
export function writeNpz(arrays: ReadonlyMap<string, Uint8Array>, compressed: boolean): Uint8Array {
  const files: Zippable = {};
  for (const [name, npy] of arrays) files[`${name}.npy`] = [npy, { level: compressed ? DEFLATE_LEVEL : 0 }];
  return zipSync(files, { mtime: FIXED_MTIME });
}

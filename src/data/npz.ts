/**
 * numpy `.npy` / `.npz` reading and writing: a strict `.npy` parser and writer and a strict zip
 * reader (stored and deflated members, as `np.savez` and `np.savez_compressed` write them;
 * ZIP64 fields as numpy's `force_zip64` writes them), with fflate for deflate and zip writing.
 *
 * Strictness is the point: every byte that decides a value is checked (CRC-32 of every member
 * read, sizes, the header dict), so a corrupted or truncated file is rejected instead of read
 * as a silently different dataset. Every failure throws InvalidInputError naming `where` (the
 * file) and the member.
 *
 * Format references: numpy `numpy/lib/format.py` (NEP 1) and PKWARE APPNOTE.TXT.
 */
import { inflateSync, zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import { crc32 } from 'node:zlib';
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

/** A parsed .npy array, values widened to float64 in C (row-major) order. */
export interface NpyArray {
  readonly descr: NpyDescr;
  readonly kind: NpyKind;
  readonly shape: readonly number[];
  /** prod(shape) values in C order (a fortran-order file is transposed on read). int64/uint64 beyond 2^53 are rounded, which keeps range checks sound. */
  readonly values: Float64Array;
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

/**
 * Parses one `.npy` file (format versions 1.0, 2.0, 3.0) strictly: the magic string, a header
 * dict with exactly `descr`, `fortran_order`, `shape`, a supported little-endian dtype, and a
 * data block whose length is exactly prod(shape) × itemsize (no trailing bytes). Fortran-order
 * arrays are transposed to C order. `where` names the array in error messages.
 * @throws InvalidInputError for any deviation.
 */
export function parseNpy(bytes: Uint8Array, where: string): NpyArray {
  if (bytes.length < 10) fail(where, `not a .npy array (only ${bytes.length} bytes)`);
  for (let i = 0; i < NPY_MAGIC.length; i++) {
    if (bytes[i] !== NPY_MAGIC[i]) fail(where, 'not a .npy array (bad magic string)');
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (minor !== 0 || major < 1 || major > 3) fail(where, `unsupported .npy format version ${major}.${minor}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    start = 10;
  } else {
    if (bytes.length < 12) fail(where, 'truncated .npy header');
    headerLen = dv.getUint32(8, true);
    start = 12;
  }
  const dataStart = start + headerLen;
  if (dataStart > bytes.length) fail(where, 'truncated .npy header');
  const headerBytes = bytes.subarray(start, dataStart);
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
  const dataLen = bytes.length - dataStart;
  if (dataLen !== count * size) {
    fail(where, `data has ${dataLen} bytes but shape ${pyShape(header.shape)} of '${descr}' needs ${count * size}`);
  }
  const values = decodeValues(bytes.subarray(dataStart), descr, count);
  const shape = header.shape;
  return { descr, kind, shape, values: header.fortranOrder && shape.length > 1 ? fortranToC(values, shape) : values };
}

/** Widens raw little-endian elements to float64. */
function decodeValues(data: Uint8Array, descr: NpyDescr, count: number): Float64Array {
  const out = new Float64Array(count);
  if (count === 0) return out;
  if (LITTLE_ENDIAN_HOST && (descr === '<f8' || descr === '<f4' || descr === '<i4' || descr === '<u4')) {
    // Copy into an aligned buffer and view it: a memcpy instead of count DataView reads
    // (this is the path of a 1 GB feature matrix).
    const aligned = new Uint8Array(data.length);
    aligned.set(data);
    const view =
      descr === '<f8' ? new Float64Array(aligned.buffer) : descr === '<f4' ? new Float32Array(aligned.buffer) : descr === '<i4' ? new Int32Array(aligned.buffer) : new Uint32Array(aligned.buffer);
    if (descr === '<f8') return view as Float64Array;
    for (let i = 0; i < count; i++) out[i] = view[i];
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
function fortranToC(values: Float64Array, shape: readonly number[]): Float64Array {
  const rank = shape.length;
  const out = new Float64Array(values.length);
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

function listZip(bytes: Uint8Array, where: string): ZipEntry[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = bytes.length;
  if (len < EOCD_MIN) fail(where, `not a zip archive (only ${len} bytes)`);
  let eocd = -1;
  for (let p = len - EOCD_MIN; p >= Math.max(0, len - EOCD_MIN - U16_MAX); p--) {
    // The comment length must reach exactly to the end of the file.
    if (dv.getUint32(p, true) === SIG_EOCD && p + EOCD_MIN + dv.getUint16(p + 20, true) === len) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) fail(where, 'not a zip archive or truncated (no end-of-central-directory record)');
  if (dv.getUint16(eocd + 4, true) !== 0 || dv.getUint16(eocd + 6, true) !== 0) fail(where, 'multi-disk zip archives are not supported');
  let count = dv.getUint16(eocd + 10, true);
  let cdSize = dv.getUint32(eocd + 12, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
    const loc = eocd - 20;
    if (loc < 0 || dv.getUint32(loc, true) !== SIG_ZIP64_LOCATOR) fail(where, 'corrupt zip archive (missing zip64 locator)');
    const rec = u64(dv, loc + 8, where);
    if (rec + 56 > loc || dv.getUint32(rec, true) !== SIG_ZIP64_EOCD) fail(where, 'corrupt zip archive (bad zip64 end record)');
    count = u64(dv, rec + 32, where);
    cdSize = u64(dv, rec + 40, where);
    cdOffset = u64(dv, rec + 48, where);
  }
  if (cdOffset + cdSize > eocd) fail(where, 'corrupt zip archive (central directory out of bounds)');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  const names = new Set<string>();
  for (let e = 0; e < count; e++) {
    if (p + 46 > cdOffset + cdSize || dv.getUint32(p, true) !== SIG_CENTRAL) fail(where, 'corrupt zip archive (bad central directory entry)');
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
    if (end > cdOffset + cdSize) fail(where, 'corrupt zip archive (central directory entry out of bounds)');
    const name = decodeName(bytes.subarray(p + 46, p + 46 + nameLen), flags, where);
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
  if (p !== cdOffset + cdSize) fail(where, 'corrupt zip archive (central directory size mismatch)');
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
function checkLocalHeader(bytes: Uint8Array, entry: ZipEntry, where: string): number {
  const here = `${where}[${entry.name}]`;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if ((entry.flags & 0x1) !== 0) fail(here, 'encrypted zip members are not supported');
  const p = entry.localOffset;
  if (p + 30 > bytes.length || dv.getUint32(p, true) !== SIG_LOCAL) fail(here, 'corrupt zip archive (bad local header)');
  const method = dv.getUint16(p + 8, true);
  const nameLen = dv.getUint16(p + 26, true);
  const extraLen = dv.getUint16(p + 28, true);
  if (method !== entry.method) fail(here, 'corrupt zip archive (local and central compression methods differ)');
  if (p + 30 + nameLen > bytes.length) fail(here, 'corrupt zip archive (truncated local header)');
  const localName = decodeName(bytes.subarray(p + 30, p + 30 + nameLen), dv.getUint16(p + 6, true), where);
  if (localName !== entry.name) fail(here, 'corrupt zip archive (local and central member names differ)');
  const start = p + 30 + nameLen + extraLen;
  if (start + entry.compSize > bytes.length) fail(here, 'truncated zip member');
  return start;
}

function extract(bytes: Uint8Array, entry: ZipEntry, where: string): Uint8Array {
  const here = `${where}[${entry.name}]`;
  const start = checkLocalHeader(bytes, entry, where);
  const end = start + entry.compSize;
  if (end > bytes.length) fail(here, 'truncated zip member');
  const raw = bytes.subarray(start, end);
  let data: Uint8Array;
  if (entry.method === 0) {
    if (entry.compSize !== entry.size) fail(here, 'corrupt zip archive (stored member sizes differ)');
    data = raw;
  } else if (entry.method === 8) {
    try {
      data = inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch (e) {
      return fail(here, `corrupt deflate stream (${e instanceof Error ? e.message : String(e)})`);
    }
    if (data.length !== entry.size) fail(here, `corrupt deflate stream (inflated to ${data.length} bytes, expected ${entry.size})`);
  } else {
    return fail(here, `unsupported zip compression method ${entry.method} (only stored and deflate)`);
  }
  if (crc32(data) >>> 0 !== entry.crc) fail(here, 'CRC-32 mismatch (file is corrupt)');
  return data;
}

/**
 * Reads the `.npy` members of an `.npz` archive (as written by `np.savez` or
 * `np.savez_compressed`) whose array names (member name without `.npy`) are in `wanted`.
 * Other members are ignored without being decompressed. Every member read is CRC-checked and
 * parsed strictly by {@link parseNpy}. `where` is the file name used in error messages.
 * @throws InvalidInputError on any corruption or malformed member.
 */
export function readNpz(bytes: Uint8Array, where: string, wanted: readonly string[]): Map<string, NpyArray> {
  const out = new Map<string, NpyArray>();
  const entries = listZip(bytes, where);
  // Check every member's local header against the central directory, even members we skip: a
  // corrupted name in one copy would otherwise silently hide an optional array.
  for (const entry of entries) checkLocalHeader(bytes, entry, where);
  for (const entry of entries) {
    if (!entry.name.endsWith('.npy')) continue;
    const key = entry.name.slice(0, -'.npy'.length);
    if (!wanted.includes(key)) continue;
    out.set(key, parseNpy(extract(bytes, entry, where), `${where}[${key}]`));
  }
  return out;
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

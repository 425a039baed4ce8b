/**
 * Datasets in and out of files: numpy `.npz` (how a PyTorch user brings real embeddings, e.g.
 * `np.savez('d.npz', features=X, chosen=w, rejected=l)`) and JSON.
 *
 * Arrays (npz member names = JSON keys):
 * - required: `features` (N×d, float64 or float32), `chosen`, `rejected` (length N, integer);
 * - optional, both or neither: `ref_chosen_logp`, `ref_rejected_logp` (length N, float);
 * - optional, all three or none: `test_features` (M×d, same d), `test_chosen`, `test_rejected`;
 *   all three empty (zero values, any shape) means no test set, as numpy users write it;
 * - optional, both or neither: `test_ref_chosen_logp`, `test_ref_rejected_logp` (length M, float);
 * - optional: `cluster` (length N), `test_cluster` (length M), integer cluster ids as written
 *   by the sampler (2k for C_{k,+}, 2k+1 for C_{k,-}).
 * - optional: `concept` (length N), `test_concept` (length M), integer concept ids (which value
 *   or topic each prompt belongs to; `dpocheck diagnose` needs them when every concept has the
 *   same response pair).
 * Any other npz member or JSON key is ignored without error: exports often carry extra arrays
 * (labels, ids, metadata), and a typo in an optional name shows up as that array being absent.
 *
 * Validation: N >= 1, d >= 1, M >= 1; all values finite; token ids integers in [0, 2^31);
 * chosen != rejected per sample (THEORY §1: w_i != l_i). Every failure, including
 * unreadable files and corrupt archives, throws InvalidInputError with a one-line message
 * naming the file and the array (`file.npz[features]: ...`); the CLI maps it to exit code 2.
 */
import { readFileSync, statSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { Dataset, PreferenceSet } from './dataset.ts';
import { InvalidInputError } from '../theory/errors.ts';
import { encodeNpy, readNpzBytes, readNpzFile, writeNpz } from './npz.ts';
import type { NpyArray, NpyKind, NpyValues } from './npz.ts';

/** File formats {@link saveDataset} writes: npz stored (np.savez), npz deflated (np.savez_compressed), JSON. */
export type DatasetFormat = 'npz' | 'npz-compressed' | 'json';

/** Token ids must be below 2^31 (they are stored as Int32Array). */
const TOKEN_LIMIT = 2 ** 31;

/** Every array name the reader looks at. */
export const DATASET_ARRAY_NAMES = [
  'features',
  'chosen',
  'rejected',
  'ref_chosen_logp',
  'ref_rejected_logp',
  'cluster',
  'concept',
  'test_features',
  'test_chosen',
  'test_rejected',
  'test_cluster',
  'test_concept',
  'test_ref_chosen_logp',
  'test_ref_rejected_logp',
] as const;
type ArrayName = (typeof DATASET_ARRAY_NAMES)[number];

/** An array as both readers hand it to validation: values in C order, its shape and element kind ('json' numbers carry no kind). */
interface RawArray {
  readonly shape: readonly number[];
  /** Float32Array for a float32 file (kept as is for features; widened for the short vectors). */
  readonly values: NpyValues;
  readonly kind: NpyKind | 'json';
}

const finiteNumber = z.number().refine(Number.isFinite, 'must be finite');
const numberArray = z.array(finiteNumber);
const matrix = z.array(numberArray);

/**
 * The JSON dataset format: an object with the arrays above as keys, matrices as arrays of rows.
 * Unknown keys are ignored. Shapes and token ranges are checked after parsing.
 * @example {"features": [[1, 0], [0, 1]], "chosen": [0, 1], "rejected": [1, 0]}
 */
export const DatasetJsonSchema = z.object({
  features: matrix,
  chosen: numberArray,
  rejected: numberArray,
  ref_chosen_logp: numberArray.optional(),
  ref_rejected_logp: numberArray.optional(),
  cluster: numberArray.optional(),
  concept: numberArray.optional(),
  test_features: matrix.optional(),
  test_chosen: numberArray.optional(),
  test_rejected: numberArray.optional(),
  test_cluster: numberArray.optional(),
  test_concept: numberArray.optional(),
  test_ref_chosen_logp: numberArray.optional(),
  test_ref_rejected_logp: numberArray.optional(),
});
/** The parsed JSON dataset. */
export type DatasetJson = z.infer<typeof DatasetJsonSchema>;

/** Control characters (a newline in a file name) would break the one-line message: escape them. */
function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A shape as numpy prints it: (6,) or (6, 4). */
function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function fail(field: string, message: string): never {
  throw new InvalidInputError(oneLine(field), oneLine(message.replace(/\s+/g, ' ')));
}

/**
 * Index of the first NaN or ±∞, or -1. One loop per storage type (monomorphic element loads:
 * this scan touches every feature of a 1 GB file once); x - x is 0 exactly for finite x.
 */
function firstNonFinite(v: NpyValues): number {
  return v instanceof Float32Array ? firstNonFinite32(v) : firstNonFinite64(v);
}
function firstNonFinite64(v: Float64Array): number {
  for (let i = 0; i < v.length; i++) if (v[i] - v[i] !== 0) return i;
  return -1;
}
function firstNonFinite32(v: Float32Array): number {
  for (let i = 0; i < v.length; i++) if (v[i] - v[i] !== 0) return i;
  return -1;
}

/** Builds and validates a Dataset from raw arrays; `file` names the source in errors. */
function assemble(get: (name: ArrayName) => RawArray | undefined, file: string): Dataset {
  const where = (name: string) => `${file}[${name}]`;
  const need = (name: ArrayName): RawArray => get(name) ?? fail(where(name), 'required array is missing');

  const matrixOf = (name: ArrayName, d?: number): { n: number; d: number; values: NpyValues } => {
    const a = need(name);
    if (a.kind !== 'f' && a.kind !== 'json') fail(where(name), `must be float64 or float32, got an integer array`);
    if (a.shape.length !== 2) fail(where(name), `must be 2-dimensional (N×d), got shape ${pyShape(a.shape)}`);
    const [n, cols] = a.shape;
    if (n < 1) fail(where(name), 'has no rows');
    if (cols < 1) fail(where(name), 'has no columns');
    if (d !== undefined && cols !== d) fail(where(name), `has ${cols} columns but features has d = ${d}`);
    const v = a.values;
    const i = firstNonFinite(v);
    if (i >= 0) fail(where(name), `value ${v[i]} at row ${Math.floor(i / cols)}, column ${i % cols} is not finite`);
    return { n, d: cols, values: v };
  };

  const vectorOf = (name: ArrayName, n: number, kind: 'int' | 'float'): Float64Array => {
    const a = need(name);
    if (kind === 'int' && a.kind === 'f') fail(where(name), 'must be an integer array, got floats');
    if (kind === 'float' && (a.kind === 'i' || a.kind === 'u')) fail(where(name), 'must be a float array, got integers');
    if (a.shape.length !== 1) fail(where(name), `must be 1-dimensional, got shape ${pyShape(a.shape)}`);
    if (a.shape[0] !== n) fail(where(name), `has length ${a.shape[0]} but there are ${n} samples`);
    const v = a.values instanceof Float64Array ? a.values : Float64Array.from(a.values);
    for (let i = 0; i < n; i++) {
      const x = v[i];
      if (!Number.isFinite(x)) fail(where(name), `value ${x} at index ${i} is not finite`);
      if (kind === 'int' && !(Number.isInteger(x) && x >= 0 && x < TOKEN_LIMIT)) {
        fail(where(name), `value ${x} at index ${i} is not an integer in [0, 2^31)`);
      }
    }
    return v;
  };

  const toInt32 = (v: Float64Array) => Int32Array.from(v);

  const tokens = (cName: ArrayName, rName: ArrayName, n: number) => {
    const chosen = toInt32(vectorOf(cName, n, 'int'));
    const rejected = toInt32(vectorOf(rName, n, 'int'));
    for (let i = 0; i < n; i++) {
      if (chosen[i] === rejected[i]) fail(where(rName), `sample ${i} has chosen == rejected == ${chosen[i]} (THEORY §1 needs w != l)`);
    }
    return { chosen, rejected };
  };

  const present = (names: readonly ArrayName[]) => {
    const have = names.filter((x) => get(x) !== undefined);
    if (have.length > 0 && have.length < names.length) {
      const missing = names.find((x) => get(x) === undefined)!;
      fail(where(missing), `required when ${have.join(', ')} ${have.length === 1 ? 'is' : 'are'} present`);
    }
    return have.length === names.length;
  };

  const f = matrixOf('features');
  const train: PreferenceSet = {
    n: f.n,
    d: f.d,
    features: f.values,
    ...tokens('chosen', 'rejected', f.n),
    ...(get('cluster') !== undefined ? { cluster: toInt32(vectorOf('cluster', f.n, 'int')) } : {}),
    ...(get('concept') !== undefined ? { concept: toInt32(vectorOf('concept', f.n, 'int')) } : {}),
    ...(present(['ref_chosen_logp', 'ref_rejected_logp'])
      ? { refChosenLogp: vectorOf('ref_chosen_logp', f.n, 'float'), refRejectedLogp: vectorOf('ref_rejected_logp', f.n, 'float') }
      : {}),
  };
  let test: PreferenceSet | undefined;
  // numpy users write empty arrays (np.zeros((0, d)), np.array([])) for "no test set": when all
  // three test arrays hold no values, so must every other test_* array, and there is no test set.
  const TEST_ARRAYS = ['test_features', 'test_chosen', 'test_rejected'] as const;
  const isEmpty = (name: ArrayName) => get(name) !== undefined && get(name)!.values.length === 0;
  if (TEST_ARRAYS.every(isEmpty)) {
    for (const name of ['test_cluster', 'test_ref_chosen_logp', 'test_ref_rejected_logp'] as const) {
      const a = get(name);
      if (a !== undefined && a.values.length > 0) fail(where(name), `has ${a.values.length} values but the test set is empty`);
    }
  } else if (present(TEST_ARRAYS)) {
    const t = matrixOf('test_features', f.d);
    test = {
      n: t.n,
      d: t.d,
      features: t.values,
      ...tokens('test_chosen', 'test_rejected', t.n),
      ...(get('test_cluster') !== undefined ? { cluster: toInt32(vectorOf('test_cluster', t.n, 'int')) } : {}),
      ...(get('test_concept') !== undefined ? { concept: toInt32(vectorOf('test_concept', t.n, 'int')) } : {}),
      ...(present(['test_ref_chosen_logp', 'test_ref_rejected_logp'])
        ? { refChosenLogp: vectorOf('test_ref_chosen_logp', t.n, 'float'), refRejectedLogp: vectorOf('test_ref_rejected_logp', t.n, 'float') }
        : {}),
    };
  } else {
    for (const name of ['test_cluster', 'test_concept', 'test_ref_chosen_logp', 'test_ref_rejected_logp'] as const) {
      if (get(name) !== undefined) fail(where(name), 'present without test_features');
    }
  }
  let maxToken = 0;
  for (const set of test === undefined ? [train] : [train, test]) {
    for (let i = 0; i < set.n; i++) maxToken = Math.max(maxToken, set.chosen[i], set.rejected[i]);
  }
  return test === undefined ? { train, vocab: maxToken + 1 } : { train, test, vocab: maxToken + 1 };
}

/**
 * Reads a dataset from `.npz` bytes (np.savez or np.savez_compressed). `file` names the
 * source in error messages.
 * @throws InvalidInputError on any corrupt, malformed or invalid content.
 */
export function parseNpzDataset(bytes: Uint8Array, file: string): Dataset {
  return assembleNpz(readNpzBytes(bytes, file, DATASET_ARRAY_NAMES), file);
}

function assembleNpz(arrays: Map<string, NpyArray<NpyValues>>, file: string): Dataset {
  return assemble((name) => arrays.get(name), file);
}

/**
 * Reads a dataset from JSON text in the {@link DatasetJsonSchema} format. `file` names the
 * source in error messages.
 * @throws InvalidInputError on invalid JSON, a schema mismatch, or invalid content.
 */
export function parseJsonDataset(text: string, file: string): Dataset {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(file, `invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = DatasetJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [head, ...rest] = issue.path.map(String);
    const field = head === undefined ? file : `${file}[${head}]`;
    return fail(field, `${rest.length > 0 ? `at ${rest.join('.')}: ` : ''}${issue.message}`);
  }
  const json = parsed.data;
  const toRaw = (x: number[] | number[][] | undefined, name: string): RawArray | undefined => {
    if (x === undefined) return undefined;
    if (name === 'features' || name === 'test_features') {
      const rows = x as number[][];
      const d = rows.length > 0 ? rows[0].length : 0;
      const values = new Float64Array(rows.length * d);
      rows.forEach((row, i) => {
        if (row.length !== d) fail(`${file}[${name}]`, `row ${i} has ${row.length} entries but row 0 has ${d}`);
        values.set(row, i * d);
      });
      return { shape: [rows.length, d], values, kind: 'json' };
    }
    const v = x as number[];
    return { shape: [v.length], values: Float64Array.from(v), kind: 'json' };
  };
  const arrays = new Map<ArrayName, RawArray>();
  for (const name of DATASET_ARRAY_NAMES) {
    const a = toRaw(json[name], name);
    if (a !== undefined) arrays.set(name, a);
  }
  return assemble((name) => arrays.get(name), file);
}

/** Encodes a dataset as `.npz` bytes (features <f8, token and cluster ids <i8 like numpy's default int). Deterministic bytes. */
export function encodeNpzDataset(dataset: Dataset, compressed: boolean): Uint8Array {
  const arrays = new Map<string, Uint8Array>();
  const ints = (v: Int32Array) => encodeNpy(BigInt64Array.from(v, (x) => BigInt(x)), [v.length]);
  const put = (prefix: '' | 'test_', s: PreferenceSet) => {
    arrays.set(`${prefix}features`, encodeNpy(s.features, [s.n, s.d]));
    arrays.set(`${prefix}chosen`, ints(s.chosen));
    arrays.set(`${prefix}rejected`, ints(s.rejected));
    if (s.cluster !== undefined) arrays.set(`${prefix}cluster`, ints(s.cluster));
    if (s.concept !== undefined) arrays.set(`${prefix}concept`, ints(s.concept));
    if (s.refChosenLogp !== undefined && s.refRejectedLogp !== undefined) {
      arrays.set(`${prefix}ref_chosen_logp`, encodeNpy(s.refChosenLogp, [s.n]));
      arrays.set(`${prefix}ref_rejected_logp`, encodeNpy(s.refRejectedLogp, [s.n]));
    }
  };
  put('', dataset.train);
  if (dataset.test !== undefined) put('test_', dataset.test);
  return writeNpz(arrays, compressed);
}

/** Encodes a dataset as JSON text in the {@link DatasetJsonSchema} format (doubles round-trip exactly; -0 is written as 0). */
export function encodeJsonDataset(dataset: Dataset): string {
  const rows = (s: PreferenceSet) => Array.from({ length: s.n }, (_, i) => Array.from(s.features.subarray(i * s.d, (i + 1) * s.d)));
  const out: Record<string, unknown> = {};
  const put = (prefix: '' | 'test_', s: PreferenceSet) => {
    out[`${prefix}features`] = rows(s);
    out[`${prefix}chosen`] = Array.from(s.chosen);
    out[`${prefix}rejected`] = Array.from(s.rejected);
    if (s.cluster !== undefined) out[`${prefix}cluster`] = Array.from(s.cluster);
    if (s.concept !== undefined) out[`${prefix}concept`] = Array.from(s.concept);
    if (s.refChosenLogp !== undefined && s.refRejectedLogp !== undefined) {
      out[`${prefix}ref_chosen_logp`] = Array.from(s.refChosenLogp);
      out[`${prefix}ref_rejected_logp`] = Array.from(s.refRejectedLogp);
    }
  };
  put('', dataset.train);
  if (dataset.test !== undefined) put('test_', dataset.test);
  return JSON.stringify(out);
}

function formatOf(path: string): 'npz' | 'json' | undefined {
  const lower = path.toLowerCase();
  return lower.endsWith('.npz') ? 'npz' : lower.endsWith('.json') ? 'json' : undefined;
}

/**
 * Loads a dataset from a `.npz` or `.json` file (chosen by extension, case-insensitive).
 * @throws InvalidInputError for a missing file or a directory, an unknown extension, an unreadable
 * file, or any invalid content (in that order).
 * @example const ds = loadDataset('embeddings.npz');
 */
export function loadDataset(path: string): Dataset {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(path, `cannot read file (${code ?? String(e)})`);
  }
  if (isDirectory) fail(path, 'is a directory (expected a .npz or .json file)');
  const format = formatOf(path);
  if (format === undefined) fail(path, 'unknown dataset extension (expected .npz or .json)');
  // An .npz is read by offset, each array once into its final typed array (never the whole file).
  // The training features in WebAssembly memory, where the simulator's kernel reads them in place.
  if (format === 'npz') return assembleNpz(readNpzFile(path, DATASET_ARRAY_NAMES, path, ['features']), path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    return fail(path, `cannot read file (${code})`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(path, 'is not valid UTF-8 text');
  }
  return parseJsonDataset(text, path);
}

/**
 * Writes a dataset atomically (write-file-atomic: a temporary file renamed into place, so a
 * reader never sees half a file). `format` defaults to the extension: `.npz` -> 'npz' (stored,
 * like np.savez), `.json` -> 'json'. Byte-identical output for identical datasets.
 * @throws InvalidInputError when the format cannot be inferred or the file cannot be written.
 */
export function saveDataset(path: string, dataset: Dataset, format?: DatasetFormat): void {
  const fmt = format ?? formatOf(path);
  if (fmt === undefined) fail(path, 'unknown dataset extension (expected .npz or .json), or pass a format');
  const data = fmt === 'json' ? Buffer.from(encodeJsonDataset(dataset), 'utf-8') : Buffer.from(encodeNpzDataset(dataset, fmt === 'npz-compressed'));
  try {
    writeFileAtomic.sync(path, data);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    fail(path, `cannot write file (${code})`);
  }
}

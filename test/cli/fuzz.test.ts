/**
 * Fuzzing the CLI's error contract (fuzzed bad data files and flags all get
 * one-line errors with exit 2). Every case below is invalid by construction: a junk value for one
 * flag, an unknown flag, a missing required flag, a corrupted or truncated copy of a dataset
 * fixture, or random JSON where a file is expected. For each, `dpocheck` must exit 2 with exactly
 * one line on stderr starting with `dpocheck: `, nothing on stdout, and no output file.
 *
 * Runs in-process through `main(argv, bufferIO())`.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { bufferIO, type CliIO } from '../../src/cli/io.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'dpocheck-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Files a run must never create (each case points its outputs here). */
const SIM_OUT = path.join(tmp, 'simulate-out.json');
const VERIFY_OUT = path.join(tmp, 'reports');
const VERIFY_STORE = path.join(tmp, 'store');
const DIAGNOSE_OUT = path.join(tmp, 'diagnose-out');

/**
 * Runs fuzz properties deterministically. Budget: each property is bounded in runs so that the
 * whole file stays under ~10 s on the 2-core machines (each case is one in-process CLI call that
 * fails during flag or file validation, well under a millisecond to a few milliseconds).
 */
const FUZZ = { seed: 20240806, numRuns: 3000 } as const;

// --- running the CLI ------------------------------------------------------------------------------

/** The CLI exactly as the binary runs it, in-process. */
function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  return main(argv, io);
}

/** Runs one invalid case and checks the whole error contract. */
async function expectUsageError(argv: readonly string[]): Promise<void> {
  const io = bufferIO();
  const code = await runCli(argv, io);
  const stderr = io.stderr.join('');
  const context = `argv ${JSON.stringify(argv)} -> exit ${code}, stderr ${JSON.stringify(stderr)}`;
  expect(code, context).toBe(2);
  expect(io.stdout.join(''), context).toBe('');
  expect(stderr.startsWith('dpocheck: '), context).toBe(true);
  expect(stderr.endsWith('\n'), context).toBe(true);
  // Exactly one line: no line break of any kind before the final newline.
  expect(/[\n\r\u2028\u2029]/.test(stderr.slice(0, -1)), context).toBe(false);
  expect(existsSync(SIM_OUT), context).toBe(false);
  expect(existsSync(VERIFY_OUT), context).toBe(false);
  expect(existsSync(VERIFY_STORE), context).toBe(false);
  expect(existsSync(DIAGNOSE_OUT), context).toBe(false);
}

// --- junk values ----------------------------------------------------------------------------------

/** Same grammar as src/cli/parse.ts accepts; strings it rejects are junk for every numeric flag. */
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Any string at all, including control characters, quotes, and non-BMP code points. */
const anyString = fc.string({ unit: 'binary', maxLength: 12 });
const notANumber = fc.oneof(
  anyString.filter((s) => !NUMBER_RE.test(s.trim())),
  fc.constantFrom('', ' ', 'NaN', 'Infinity', '-Infinity', '0x10', '1,5', '1_000', '2e', '1..2', '1e999', '-1e999', 'ten'),
);
const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 });

/** Invalid values, by the kind of flag. */
const junk = {
  /** integer flags with minimum 1 */
  int1: fc.oneof(notANumber, finiteDouble.filter((x) => !Number.isInteger(x)).map(String), fc.integer({ min: -1e6, max: 0 }).map(String)),
  /** integer flags with minimum 0 */
  int0: fc.oneof(notANumber, finiteDouble.filter((x) => !Number.isInteger(x)).map(String), fc.integer({ min: -1e6, max: -1 }).map(String)),
  /** seeds: integers in [0, 2^32) */
  seed: fc.oneof(notANumber, fc.integer({ min: -1e6, max: -1 }).map(String), fc.constantFrom('4294967296', '1e10', '0.5')),
  /** numbers > 0 */
  positive: fc.oneof(notANumber, finiteDouble.filter((x) => x <= 0).map(String), fc.constantFrom('0', '-0', '0.0', '-1e-300')),
  /** numbers >= 0 */
  nonNegative: fc.oneof(notANumber, finiteDouble.filter((x) => x < 0).map(String)),
  /** a number in (0, 1) */
  unit: fc.oneof(notANumber, finiteDouble.filter((x) => !(x > 0 && x < 1)).map(String)),
  /** a number in [0, 1) */
  delta: fc.oneof(notANumber, finiteDouble.filter((x) => !(x >= 0 && x < 1)).map(String)),
  /** a word from a fixed set (any word that is not one: the set's words are long, random strings are short) */
  choice: (choices: readonly string[]) => anyString.filter((s) => !choices.includes(s)),
  /** a comma-separated list of integers >= 1 */
  intList: fc.oneof(
    anyString.filter((s) => s.trim() === '' || /[^0-9eE+\-.,\s]/.test(s)), // a character no number has
    fc.constantFrom('1,', ',1', '1,,2', '1,0', '2,-3', '1.5,2', '1e999', 'NaN,1'),
  ),
  /** a duration such as 90s: junk never starts with a digit */
  duration: anyString.filter((s) => !/^\s*\d/.test(s)),
} as const;

type Junk = fc.Arbitrary<string>;

// --- commands, their valid base arguments, and the junk each flag gets -----------------------------

interface CommandSpec {
  /** A valid invocation (never run as is, except bounds/scaling which are instant). */
  readonly base: readonly string[];
  /** Flags whose value may be replaced by junk. */
  readonly flags: Readonly<Record<string, Junk>>;
  /** Flags that must be present (dropping one is an error). */
  readonly required: readonly string[];
  /** Every option name the command knows (unknown-flag cases avoid them). */
  readonly known: readonly string[];
}

const EDITIONS = ['v5-main', 'v5-appendix', 'v3'];
const SIM_BASE = ['--K', '2', '--Q', '3', '--d', '4', '--v', '0.1', '--lb', '1', '--t-end', '1', '--workers', '0', '--out', SIM_OUT];

const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  bounds: {
    base: ['bounds', '--K', '2', '--Q', '10', '--d', '5', '--v', '0.1', '--lb', '1'],
    flags: {
      '--K': junk.int1, '--Q': junk.int1, '--d': junk.int1, '--v': junk.nonNegative, '--lb': junk.positive, '--Z': junk.int1,
      '--beta': junk.positive, '--tau': junk.positive, '--c': junk.positive, '--delta': junk.delta, '--edition': junk.choice(EDITIONS),
    },
    required: ['--K', '--Q', '--d', '--v', '--lb'],
    known: ['K', 'Q', 'd', 'v', 'lb', 'Z', 'beta', 'tau', 'c', 'delta', 'edition', 'json'],
  },
  scaling: {
    base: ['scaling', '--K', '1,2'],
    flags: { '--K': junk.intList, '--eta': junk.unit, '--edition': junk.choice(EDITIONS) },
    required: ['--K'],
    known: ['K', 'eta', 'edition', 'json'],
  },
  verify: {
    // Never run without an injected error: a valid verify runs the whole suite.
    base: ['verify', '--runs', '1', '--out', VERIFY_OUT, '--store', VERIFY_STORE],
    flags: {
      '--runs': junk.int1, '--seed': junk.seed, '--edition': junk.choice(EDITIONS), '--scale': junk.choice(['small', 'full']),
      '--claims': anyString.map((s) => `no-such-claim-${s}`), '--budget': junk.duration,
    },
    required: [],
    known: ['budget', 'runs', 'seed', 'claims', 'edition', 'scale', 'out', 'store', 'no-store', 'charts', 'no-charts', 'list', 'json'],
  },
  backends: { base: ['backends'], flags: {}, required: [], known: ['json'] },
  law: {
    // Never run without an injected error: a valid law measures a grid.
    base: ['law', '--K', '1,2', '--Q', '2', '--datasets', '2', '--out', VERIFY_OUT],
    flags: {
      '--K': junk.intList, '--Q': junk.intList, '--d': junk.int1, '--v': junk.positive, '--noise-multiplier': junk.positive,
      '--lb': junk.positive, '--beta': junk.positive, '--tau': junk.positive, '--datasets': junk.int1, '--eta': junk.unit,
      '--seed': junk.seed, '--budget': junk.duration, '--test-size': junk.int1, '--optimizer': junk.choice(['flow', 'adam']),
      '--preset': junk.choice(['authors-last-layer']), '--tokens': fc.constantFrom('z=0', 'z=', 'z=1.5', 'z=-1', 'shared', 'pairs', 'z=9'),
      '--condition': fc.constantFrom('noise=2', 'bogus=1', 'label-noise', 'label-noise=0.9', 'imbalance=0.5', 'heavy-tail=0.5'),
      '--t-end': fc.oneof(notANumber, fc.constantFrom('0', '-1', '0tau1', 'tau1', '-2tau1')),
    },
    required: [],
    known: [
      'K', 'Q', 'tokens', 'v', 'noise-multiplier', 'd', 'lb', 'beta', 'tau', 'datasets', 'eta', 't-end', 'optimizer', 'preset',
      'condition', 'test-size', 'seed', 'shard', 'resume', 'budget', 'out', 'dir', 'charts', 'no-charts', 'paper-tables', 'json',
    ],
  },

  diagnose: {
    base: ['diagnose', '--data', path.join(ROOT, 'fixtures', 'datasets', 'llm_like.npz'), '--no-train', '--bootstrap', '0', '--out', DIAGNOSE_OUT],
    flags: { '--seed': junk.seed, '--split': junk.unit, '--workers': junk.int0, '--bootstrap': junk.int0 },
    required: ['--data'],
    known: ['data', 'seed', 'split', 'train', 'no-train', 'workers', 'bootstrap', 'json', 'out'],
  },
  simulate: {
    base: ['simulate', ...SIM_BASE],
    flags: {
      '--K': junk.int1, '--Q': junk.int1, '--d': junk.int1, '--v': junk.nonNegative, '--lb': junk.positive,
      '--seed': junk.seed, '--tokens': junk.choice(['distinct', 'shared-pair']), '--test-size': junk.int0,
      '--beta': junk.positive, '--tau': junk.positive, '--loss': junk.choice(['dpo', 'ipo', 'slic']),
      '--until': junk.choice(['tau1']), '--t-end': junk.positive, '--optimizer': junk.choice(['flow', 'gd', 'adam']),
      '--preset': junk.choice(['authors-last-layer']), '--rtol': junk.positive, '--atol': junk.nonNegative,
      '--checkpoints': fc.oneof(notANumber, fc.constantFrom('0', '-1', '2', '0.5,', '1,1.5')), '--workers': junk.int0,
      '--backend': junk.choice(['reference', 'tfjs-node-gpu', 'webgpu', 'wasm', 'cpu', 'auto']),
    },
    required: ['--K', '--Q', '--d', '--v', '--lb', '--t-end'],
    known: [
      'K', 'Q', 'd', 'v', 'lb', 'seed', 'tokens', 'config', 'data', 'test-size', 'beta', 'tau', 'loss', 'until', 't-end',
      'optimizer', 'preset', 'lr', 'rtol', 'atol', 'checkpoints', 'full', 'workers', 'backend', 'json', 'out',
    ],
  },
};

/** Replaces (or adds) `flag value` in `args`. */
function withFlag(args: readonly string[], flag: string, value: string): string[] {
  const i = args.indexOf(flag);
  if (i < 0) return [...args, flag, value];
  const out = [...args];
  out[i + 1] = value;
  return out;
}

/** Removes `flag` and its value. */
function withoutFlag(args: readonly string[], flag: string): string[] {
  const i = args.indexOf(flag);
  return i < 0 ? [...args] : [...args.slice(0, i), ...args.slice(i + 2)];
}

const junkFlagCase = fc.constantFrom(...Object.keys(COMMANDS).filter((cmd) => Object.keys(COMMANDS[cmd]!.flags).length > 0)).chain((cmd) => {
  const spec = COMMANDS[cmd]!;
  return fc.constantFrom(...Object.keys(spec.flags)).chain((flag) =>
    spec.flags[flag]!.map((value) => withFlag(spec.base, flag, value)));
});

const unknownFlagCase = fc
  .tuple(fc.constantFrom(...Object.keys(COMMANDS)), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,14}$/), fc.nat())
  .filter(([cmd, name]) => !COMMANDS[cmd]!.known.includes(name) && !['help', 'version'].includes(name) && !name.startsWith('no-'))
  .map(([cmd, name, at]) => {
    const base = [...COMMANDS[cmd]!.base];
    base.splice(1 + (at % base.length), 0, `--${name}`); // anywhere after the command name
    return base;
  });

const missingFlagCase = fc
  .constantFrom(...Object.entries(COMMANDS).flatMap(([cmd, spec]) => spec.required.map((flag) => [cmd, flag] as const)))
  .map(([cmd, flag]) => withoutFlag(COMMANDS[cmd]!.base, flag));

// --- bad files --------------------------------------------------------------------------------------

const DATASET_FIXTURES = [
  ...readdirSync(path.join(ROOT, 'fixtures', 'data')).filter((f) => f.endsWith('.npz') && !f.startsWith('bad_')).map((f) => path.join(ROOT, 'fixtures', 'data', f)),
  ...readdirSync(path.join(ROOT, 'fixtures', 'simulate')).filter((f) => f.endsWith('.npz')).map((f) => path.join(ROOT, 'fixtures', 'simulate', f)),
];
const BYTES = new Map(DATASET_FIXTURES.map((f) => [f, new Uint8Array(readFileSync(f))]));

/**
 * Offset of the first data byte of the stored `features.npy` member (its local header is 30
 * bytes, then the name and the extra field, PKWARE APPNOTE 4.3.7), or -1 when it is compressed.
 * Any change there is caught by the member's CRC-32; elsewhere (timestamps, unread members) a
 * changed byte may leave a perfectly valid file, which is not a bad input.
 */
function featuresDataOffset(bytes: Uint8Array): number {
  const name = new TextEncoder().encode('features.npy');
  for (let i = 30; i + name.length <= bytes.length; i++) {
    if (name.every((b, k) => bytes[i + k] === b) && bytes[i - 30] === 0x50 && bytes[i - 29] === 0x4b && bytes[i - 28] === 3 && bytes[i - 27] === 4) {
      const dv = new DataView(bytes.buffer, bytes.byteOffset);
      if (dv.getUint16(i - 30 + 8, true) !== 0) return -1; // deflated
      return i + dv.getUint16(i - 30 + 26, true) + dv.getUint16(i - 30 + 28, true);
    }
  }
  return -1;
}

const STORED = DATASET_FIXTURES.filter((f) => featuresDataOffset(BYTES.get(f)!) >= 0);

/** A corrupted copy of a fixture: a strict prefix, or a changed byte inside `features.npy`'s data. */
const corruptDataset = fc.oneof(
  fc.tuple(fc.constantFrom(...DATASET_FIXTURES), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })).map(([file, frac]) => {
    const bytes = BYTES.get(file)!;
    return { from: file, bytes: bytes.slice(0, Math.floor(frac * bytes.length)) };
  }),
  fc.tuple(fc.constantFrom(...STORED), fc.nat({ max: 63 }), fc.integer({ min: 1, max: 255 })).map(([file, at, xor]) => {
    const bytes = BYTES.get(file)!.slice();
    bytes[featuresDataOffset(bytes) + at]! ^= xor;
    return { from: file, bytes };
  }),
);

/** Random JSON that is not a dataset, a configuration or a counterexample (no required key). */
const randomJson = fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('features' in v || 'K' in v || 'claim' in v)).map((v) => JSON.stringify(v));

let fileCounter = 0;
function writeCase(ext: string, content: Uint8Array | string): string {
  const file = path.join(tmp, `case-${fileCounter++}${ext}`);
  writeFileSync(file, content);
  return file;
}

// --- the properties -----------------------------------------------------------------------------------

describe('fuzzed bad input: exit 2, one line on stderr, nothing on stdout, no output file', () => {
  it('sanity: the base invocations of bounds and scaling are valid (so each case\'s error is the injected one)', async () => {
    for (const cmd of ['bounds', 'scaling']) {
      const io = bufferIO();
      expect(await runCli(COMMANDS[cmd]!.base, io), io.stderr.join('')).toBe(0);
    }
    expect(DATASET_FIXTURES.length).toBeGreaterThanOrEqual(6);
    expect(STORED.length).toBeGreaterThanOrEqual(3);
  });

  it('junk values for one flag', async () => {
    await fc.assert(fc.asyncProperty(junkFlagCase, expectUsageError), FUZZ);
  });

  it('unknown flags', async () => {
    await fc.assert(fc.asyncProperty(unknownFlagCase, expectUsageError), { ...FUZZ, numRuns: 150 });
  });

  it('missing required flags and arguments', async () => {
    await fc.assert(fc.asyncProperty(missingFlagCase, expectUsageError), { ...FUZZ, numRuns: 20 });
    await expectUsageError(['replay']);
    await expectUsageError(['simulate', '--t-end', '1']);
    await expectUsageError(['no-such-command']);
  });

  it('corrupted and truncated dataset files (simulate --data, replay)', async () => {
    await fc.assert(
      fc.asyncProperty(corruptDataset, fc.boolean(), async ({ bytes }, viaReplay) => {
        const file = writeCase('.npz', bytes);
        await expectUsageError(viaReplay ? ['replay', file] : ['simulate', '--data', file, '--t-end', '1', '--workers', '0', '--out', SIM_OUT]);
      }),
      { ...FUZZ, numRuns: 200 },
    );
  });

  it('random JSON as a dataset, a configuration, or a counterexample', async () => {
    const datasetJson = readFileSync(path.join(ROOT, 'fixtures', 'data', 'random_f64.json'), 'utf-8').trimEnd();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          randomJson,
          // A strict prefix of a valid dataset's JSON (an unclosed object is never valid JSON).
          fc.nat({ max: datasetJson.length - 1 }).map((n) => datasetJson.slice(0, n)),
        ),
        fc.constantFrom('data', 'config', 'replay'),
        async (text, as) => {
          const file = writeCase('.json', text);
          const argv =
            as === 'data' ? ['simulate', '--data', file, '--t-end', '1', '--workers', '0', '--out', SIM_OUT]
            : as === 'config' ? ['simulate', '--config', file, '--t-end', '1', '--workers', '0', '--out', SIM_OUT]
            : ['replay', file];
          await expectUsageError(argv);
        },
      ),
      { ...FUZZ, numRuns: 200 },
    );
  });
});

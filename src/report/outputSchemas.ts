/**
 * The shapes of dpocheck's JSON outputs, as zod schemas: `verify --json` / results.json, one line
 * of trials.jsonl, `backends --json`, `scaling --json`, and the top level of `bounds`, `simulate`,
 * `replay`, `explore`/`merge --json`. `npm run schemas` writes them as JSON Schemas (draft
 * 2020-12) to `schemas/*.schema.json`, which ship with the package; a test validates real outputs
 * against them and checks that the files are current.
 *
 * Objects are open (extra fields allowed): adding a field keeps `schemaVersion`; removing or
 * changing one raises it (see schemaVersion.ts). Numbers a run measures may be null (JSON has no
 * NaN or Infinity; JSON.stringify writes them as null).
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from './schemaVersion.ts';

const version = z.literal(SCHEMA_VERSION).describe('schemaVersion: raised when a field is removed or changes meaning');
const measured = z.number().nullable();
const VERDICT = z.enum(['held', 'violated', 'vacuous', 'inconclusive', 'measured']);

const spread = z.looseObject({ min: z.number(), median: z.number(), max: z.number() });

/** One claim of results.json. */
export const ClaimResultJsonSchema = z.looseObject({
  id: z.string(),
  title: z.string(),
  section: z.string(),
  edition: z.string(),
  expectation: z.enum(['holds', 'measured']),
  verdict: VERDICT,
  reason: z.string(),
  seed: z.number().int(),
  runs: z.number().int().min(0),
  effectiveRuns: z.number().int().min(0),
  vacuousRuns: z.number().int().min(0),
  inconclusiveRuns: z.number().int().min(0),
  withinToleranceRuns: z.number().int().min(0),
  worstSlack: measured,
  upperConfidence: measured,
  observed: z.looseObject({ min: measured, max: measured, mean: measured }).nullable(),
  worst: z.looseObject({ observed: measured, bound: measured, detail: z.record(z.string(), z.unknown()).nullable() }).nullable(),
  coverage: z.array(z.looseObject({ label: z.string(), count: z.number().int(), fraction: z.number(), required: z.number().nullable(), ok: z.boolean() })),
  coverageOk: z.boolean(),
  spread: z.record(z.string(), spread),
  interrupted: z.boolean(),
  counterexample: z
    .looseObject({ file: z.string().nullable(), input: z.unknown(), observed: measured, bound: measured, slack: measured, shrinks: z.number().int(), path: z.string() })
    .nullable(),
  durationMs: z.number(),
});

/** results.json of a verify report, and `dpocheck verify --json`. */
export const ResultsJsonSchema = z
  .looseObject({
    schemaVersion: version,
    tool: z.literal('dpocheck'),
    version: z.string(),
    seed: z.number().int(),
    edition: z.string(),
    scale: z.enum(['small', 'full']),
    runsPerClaim: z.number().int().nullable(),
    budgetMs: z.number().nullable(),
    startedAt: z.string(),
    durationMs: z.number(),
    failed: z.boolean(),
    claims: z.array(ClaimResultJsonSchema),
  })
  .describe('dpocheck verify: results.json and --json');

/** One line of trials.jsonl. */
export const TrialLineSchema = z
  .looseObject({
    schemaVersion: version,
    claim: z.string(),
    index: z.number().int().min(0),
    input: z.union([z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])), z.string(), z.number(), z.boolean(), z.null()]),
    K: measured,
    Q: measured,
    d: measured,
    N: measured,
    observed: measured,
    bound: measured,
    slack: measured,
    vacuous: z.boolean(),
    violated: z.boolean(),
    withinTolerance: z.boolean(),
    inconclusive: z.boolean(),
  })
  .describe('dpocheck verify: one line of trials.jsonl');

/** `dpocheck backends --json`. */
export const BackendsJsonSchema = z
  .looseObject({
    schemaVersion: version,
    backends: z.array(
      z.looseObject({
        name: z.string(),
        available: z.boolean(),
        precision: z.enum(['float64', 'float32']),
        reason: z.string().optional(),
        resolves: z.string().optional(),
      }),
    ),
  })
  .describe('dpocheck backends --json');

/** `dpocheck scaling --json`. */
export const ScalingJsonSchema = z
  .looseObject({
    schemaVersion: version,
    edition: z.string(),
    eta: z.number(),
    rows: z.array(z.looseObject({ K: z.number().int(), Qmin: z.number().int().nullable() })),
  })
  .describe('dpocheck scaling --json');

/** `dpocheck bounds --json` (top level; the sections follow THEORY §3–§5). */
export const BoundsJsonSchema = z
  .looseObject({
    schemaVersion: version,
    edition: z.string(),
    inputs: z.record(z.string(), z.unknown()),
    conditions: z.unknown(),
    theorem42: z.unknown(),
    theorem43: z.unknown(),
  })
  .describe('dpocheck bounds --json');

/** `dpocheck simulate --json` (top level). */
export const SimulateJsonSchema = z
  .looseObject({
    schemaVersion: version,
    N: z.number().int(),
    d: z.number().int(),
    backend: z.string(),
    optimizer: z.string(),
    loss: z.string(),
    train: z.record(z.string(), z.unknown()),
  })
  .describe('dpocheck simulate --json');

/** `dpocheck replay --json`. */
export const ReplayJsonSchema = z
  .looseObject({
    schemaVersion: version,
    claim: z.string(),
    input: z.unknown(),
    violated: z.boolean(),
    observed: measured,
    bound: measured,
    slack: measured,
    identical: z.boolean(),
    asExpected: z.boolean(),
  })
  .describe('dpocheck replay --json');

/** `dpocheck explore --json` and `dpocheck merge --json` (top level). */
export const FindingsJsonSchema = z
  .looseObject({
    schemaVersion: version,
    format: z.string(),
    complete: z.boolean(),
    pending: z.array(z.string()),
    frontiers: z.array(z.unknown()),
    diagrams: z.array(z.unknown()),
    targets: z.array(z.unknown()),
  })
  .describe('dpocheck explore --json, dpocheck merge --json');

/** Every output schema by the file name it is written to under `schemas/`. */
export const OUTPUT_SCHEMAS = {
  'results.schema.json': ResultsJsonSchema,
  'trial-line.schema.json': TrialLineSchema,
  'backends.schema.json': BackendsJsonSchema,
  'scaling.schema.json': ScalingJsonSchema,
  'bounds.schema.json': BoundsJsonSchema,
  'simulate.schema.json': SimulateJsonSchema,
  'replay.schema.json': ReplayJsonSchema,
  'findings.schema.json': FindingsJsonSchema,
} as const;

/** The JSON Schema text of one output (what `schemas/<name>` holds). */
export function jsonSchemaText(name: keyof typeof OUTPUT_SCHEMAS): string {
  const schema = z.toJSONSchema(OUTPUT_SCHEMAS[name], { target: 'draft-2020-12', unrepresentable: 'any' });
  return JSON.stringify({ $id: `dpocheck/schemas/${name}`, ...schema }, null, 2) + '\n';
}

/**
 * The JSON Schemas shipped under schemas/ are current (equal to what `npm run schemas` writes
 * from src/report/outputSchemas.ts), and real outputs of every --json command validate against
 * the zod schemas they are generated from.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { bufferIO } from '../../src/cli/io.ts';
import { OUTPUT_SCHEMAS, jsonSchemaText, BoundsJsonSchema, ScalingJsonSchema, SimulateJsonSchema, BackendsJsonSchema, ResultsJsonSchema } from '../../src/report/outputSchemas.ts';
import { SCHEMA_VERSION } from '../../src/report/schemaVersion.ts';

async function json(argv: string[]): Promise<unknown> {
  const io = bufferIO();
  const code = await main(argv, io);
  expect(code, io.stderr.join('')).toBe(0);
  return JSON.parse(io.stdout.join(''));
}

describe('JSON Schemas of the outputs', () => {
  it.each(Object.keys(OUTPUT_SCHEMAS) as Array<keyof typeof OUTPUT_SCHEMAS>)('schemas/%s is current (run npm run schemas)', (name) => {
    expect(readFileSync(`schemas/${name}`, 'utf8')).toBe(jsonSchemaText(name));
  });

  it('bounds, scaling, simulate and backends --json carry schemaVersion and match their schemas', async () => {
    const cases: Array<[string[], (typeof OUTPUT_SCHEMAS)[keyof typeof OUTPUT_SCHEMAS]]> = [
      [['bounds', '--K', '10', '--Q', '880', '--d', '100', '--v', '0.001', '--lb', '0.5', '--json'], BoundsJsonSchema],
      [['scaling', '--K', '1,2', '--json'], ScalingJsonSchema],
      [['simulate', '--K', '1', '--Q', '40', '--d', '5', '--v', '0.001', '--lb', '0.3', '--until', 'tau1', '--workers', '0', '--json'], SimulateJsonSchema],
      [['backends', '--json'], BackendsJsonSchema],
    ];
    for (const [argv, schema] of cases) {
      const doc = await json(argv);
      expect((doc as { schemaVersion: number }).schemaVersion, argv[0]).toBe(SCHEMA_VERSION);
      const parsed = schema.safeParse(doc);
      expect(parsed.success, `${argv[0]}: ${parsed.error?.message ?? ''}`).toBe(true);
    }
  });

  it('a schema rejects a document of the wrong version or shape (the check can fail)', () => {
    expect(ScalingJsonSchema.safeParse({ schemaVersion: SCHEMA_VERSION + 1, edition: 'v5-main', eta: 0.05, rows: [] }).success).toBe(false);
    expect(ResultsJsonSchema.safeParse({ schemaVersion: SCHEMA_VERSION, tool: 'dpocheck' }).success).toBe(false);
  });
});

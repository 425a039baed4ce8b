/**
 * `npm run schemas`: writes the JSON Schemas of dpocheck's JSON outputs (src/report/outputSchemas.ts)
 * to schemas/*.schema.json, which ship with the package. test/report/outputSchemas.test.ts fails
 * when the committed files differ from what this writes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUTPUT_SCHEMAS, jsonSchemaText } from '../src/report/outputSchemas.ts';

mkdirSync('schemas', { recursive: true });
for (const name of Object.keys(OUTPUT_SCHEMAS) as Array<keyof typeof OUTPUT_SCHEMAS>) {
  writeFileSync(join('schemas', name), jsonSchemaText(name));
  console.log(`schemas/${name}`);
}

/**
 * The version of every JSON document dpocheck writes (`--json` outputs, results.json, the lines
 * of trials.jsonl). Raised when a field is removed or changes meaning; adding a field keeps it.
 * The JSON Schemas under `schemas/` (generated from `outputSchemas.ts`) describe this version.
 */
export const SCHEMA_VERSION = 1;

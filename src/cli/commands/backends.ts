/**
 * `dpocheck backends`: every simulator backend (the float64 reference and the float32 tfjs
 * tensor backends) with whether it is available here and, when not, why; plus what `auto`
 * resolves to. Each tensor backend is actually loaded and checked (`listBackends`), so
 * "available" means "initialised and verified", not merely "installed".
 */
import type { Command } from 'commander';
import { autoOrder, listBackends, type BackendStatus } from '../../sim/tensor/registry.ts';
import { table } from '../../report/format.ts';
import type { CommandContext } from '../main.ts';
import { SCHEMA_VERSION } from '../../report/schemaVersion.ts';

/** One row of the listing: a backend from the registry, or `auto` with the backend it picks. */
export type BackendListing =
  | BackendStatus
  | {
      readonly name: 'auto';
      readonly available: boolean;
      /** The tensor backend `auto` picks here (absent when none is available). */
      readonly resolves?: string;
      readonly reason?: string;
      readonly precision: 'float32';
    };

/**
 * Every backend's status, then `auto`: the first available tensor backend in the order `auto`
 * tries them (`autoOrder`, given the WebGPU adapter found, if any).
 * @example (await backendListing()).find((b) => b.name === 'wasm')?.available // true
 */
export async function backendListing(): Promise<BackendListing[]> {
  const rows = await listBackends();
  const adapter = rows.find((r) => r.name === 'webgpu')?.adapter;
  const picked = autoOrder(adapter).find((name) => rows.some((r) => r.name === name && r.available));
  const auto: BackendListing = picked !== undefined
    ? { name: 'auto', available: true, resolves: picked, precision: 'float32' }
    : { name: 'auto', available: false, reason: 'no tensor backend is available', precision: 'float32' };
  return [...rows, auto];
}

/**
 * Registers `dpocheck backends [--json]` on the program.
 * @example registerBackends(program, ctx); // then: dpocheck backends --json
 */
export function registerBackends(program: Command, ctx: CommandContext): void {
  program
    .command('backends')
    .description('list the simulator backends (reference, tfjs-node-gpu, webgpu, wasm, cpu, auto) and whether each is available')
    .option('--json', 'print JSON {schemaVersion, backends: [{name, available, reason?, precision, ...}]}')
    .action(async (flags: { json?: boolean }) => {
      const rows = await backendListing();
      if (flags.json === true) {
        ctx.io.out(JSON.stringify({ schemaVersion: SCHEMA_VERSION, backends: rows }, null, 2) + '\n');
        return;
      }
      ctx.io.out(
        table(
          ['backend', 'available', 'precision', 'note'],
          rows.map((r) => {
            let note = r.reason ?? '';
            if ('resolves' in r && r.resolves !== undefined) note = `picks ${r.resolves}`;
            if ('adapter' in r && r.adapter !== undefined) note = `${r.adapter.description || r.adapter.device}${r.adapter.software ? ' (software)' : ''}`;
            return [r.name, r.available ? 'yes' : 'no', r.precision, note];
          }),
        ) + '\n',
      );
    });
}

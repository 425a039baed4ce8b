/**
 * The registry of every claim under properties/: `dpocheck verify`, `dpocheck replay` and the
 * vitest suite all load claims from here, so a claim is written once and checked everywhere.
 */
import type { Claim } from '../src/check/claim.ts';

/** Every claim, in report order. */
export const CLAIMS: ReadonlyArray<Claim<any>> = [];

/** Looks a claim up by id. */
export function claimById(id: string): Claim<any> | undefined {
  return CLAIMS.find((c) => c.id === id);
}

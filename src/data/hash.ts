/**
 * The one non-cryptographic string hash of the code base: 32-bit FNV-1a over UTF-16 code units.
 * Used for per-claim seeds (check/runner.ts) and counterexample file names
 * (check/counterexampleStore.ts), both of which must stay stable across versions: changing this
 * changes which inputs `verify` draws and where counterexamples are saved.
 */

/** FNV-1a's 32-bit offset basis and prime. */
export const FNV32_BASIS = 0x811c9dc5;
export const FNV32_PRIME = 0x01000193;

/**
 * 32-bit FNV-1a of `text` (unsigned). `basis` and `prime` default to FNV's; other values give
 * independent lanes for a wider hash.
 * @example fnv1a32('a') // 0xe40c292c
 */
export function fnv1a32(text: string, basis = FNV32_BASIS, prime = FNV32_PRIME): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), prime) >>> 0;
  return h;
}

/** Second lane of {@link fnv1a64Hex}: another basis and prime, so the two lanes are independent. */
const LANE2_BASIS = 0x01000193 ^ 0x5bd1e995;
const LANE2_PRIME = 0x01000193 + 2;

/**
 * A 64-bit hash as 16 hex digits: two 32-bit FNV-1a lanes (a short, stable file name, not a
 * security hash).
 */
export function fnv1a64Hex(text: string): string {
  const hex = (x: number) => x.toString(16).padStart(8, '0');
  return hex(fnv1a32(text)) + hex(fnv1a32(text, LANE2_BASIS, LANE2_PRIME));
}

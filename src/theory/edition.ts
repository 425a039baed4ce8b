/**
 * Editions of the paper whose statements differ (THEORY §8). Every function whose formula
 * depends on the edition takes it explicitly; the default everywhere is `v5-main`.
 */
export const EDITIONS = ['v5-main', 'v5-appendix', 'v3'] as const;
export type Edition = (typeof EDITIONS)[number];
export const DEFAULT_EDITION: Edition = 'v5-main';

export function isEdition(x: unknown): x is Edition {
  return typeof x === 'string' && (EDITIONS as readonly string[]).includes(x);
}

// Compiled by `tsc --noEmit` (npm test): dpocheck's declarations type these imports.
import { qMin, generalizationBound, type GeneralizationBound } from 'dpocheck';
import { validConfigArb } from 'dpocheck/data';
import type { Claim } from 'dpocheck/check';

const q: number | null = qMin(10, 0.05, 'v5-main');
const b: GeneralizationBound = generalizationBound(10, 880, 'v5-main');
const arb = validConfigArb({ scale: 'small' });
export const checked: [number | null, number, typeof arb, Claim<unknown> | null] = [q, b.bound, arb, null];

/**
 * The claims about the bound library itself (properties/bounds-*.ts) and the paper's numbers, in
 * report order. Kept apart from properties/index.ts so that the theory tests (and Stryker, which
 * runs only those) load them without the simulator.
 */
import type { Claim } from '../../src/check/claim.ts';
import { boundsQminScaling } from '../bounds-qmin-scaling.ts';
import { boundsQminMinimal } from '../bounds-qmin-minimal.ts';
import { boundsSandwichWindow } from '../bounds-sandwich-window.ts';
import { boundsV3Agreement } from '../bounds-v3-agreement.ts';
import { boundsGeneralizationShape } from '../bounds-generalization-shape.ts';
import { boundsAppendixCHalf } from '../bounds-appendixC-half.ts';
import { boundsCertificateSlopes } from '../bounds-certificate-slopes.ts';
import { boundsFailureMode } from '../bounds-failure-mode.ts';
import { boundsReportFinite } from '../bounds-report-finite.ts';
import { paperNumberClaims } from '../bounds-paper-numbers.ts';

export const BOUND_CLAIMS: ReadonlyArray<Claim<any>> = [
  boundsQminScaling,
  boundsQminMinimal,
  boundsSandwichWindow,
  boundsV3Agreement,
  boundsGeneralizationShape,
  boundsAppendixCHalf,
  boundsCertificateSlopes,
  boundsFailureMode,
  boundsReportFinite,
  ...paperNumberClaims,
];

/**
 * How loose Theorem 4.2's constants are: on valid configurations, the
 * data-dependent certificate slopes of THEORY §5 against the constants they must beat:
 * min_j λ_j · 8K (how many times the lower slope exceeds 1/(8K)) and max_j Λ_j · K/5 (what
 * fraction of 5/K the upper slope uses).
 */
import fc from 'fast-check';
import { validConfigArb } from '../../data/arbitraries.ts';
import { sampleDataset } from '../../data/sampler.ts';
import { trainingSetCertificate } from '../../theory/certificate.ts';
import { kernelRowSummaries } from '../measure.ts';
import { quantile } from '../statistics.ts';
import type { GenOptions } from '../claim.ts';

/** Distribution of one ratio over configurations. */
export interface RatioSummary {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** The looseness of 1/(8K) and 5/K over `configs` valid configurations. */
export interface CertificateLooseness {
  readonly configs: number;
  /** min_j λ_j · 8K: > 1 where the certificate's lower slope beats Theorem 4.2's. */
  readonly lowerRatio: RatioSummary;
  /** max_j Λ_j · K/5: < 1 where the certificate's upper slope is inside Theorem 4.2's. */
  readonly upperRatio: RatioSummary;
  /** Share of configurations whose certificate holds (min λ >= 1/(8K) and max Λ <= 5/K). */
  readonly holdsShare: number;
}

function summary(xs: number[]): RatioSummary {
  return { min: Math.min(...xs), median: quantile(xs, 0.5), max: Math.max(...xs) };
}

/**
 * Draws `configs` configurations meeting every v5 condition (validConfigArb) and measures the
 * certificate slopes of each training set.
 * @example certificateLooseness({ configs: 50, seed: 1, scale: 'small' }).lowerRatio.min // e.g. 1.7
 */
export function certificateLooseness(options: { configs: number; seed: number; scale: GenOptions['scale'] }): CertificateLooseness {
  const lower: number[] = [];
  const upper: number[] = [];
  let holds = 0;
  for (const config of fc.sample(validConfigArb({ scale: options.scale }), { seed: options.seed, numRuns: options.configs })) {
    const train = sampleDataset(config).train;
    const cert = trainingSetCertificate(kernelRowSummaries(train), train.n, config.K);
    lower.push(cert.minLambda * 8 * config.K);
    upper.push((cert.maxLambda * config.K) / 5);
    if (cert.holds) holds++;
  }
  return { configs: lower.length, lowerRatio: summary(lower), upperRatio: summary(upper), holdsShare: holds / lower.length };
}

/**
 * The certificate of THEORY §5: λ >= 1/(8K) and Λ <= 5/K imply that the certified slopes
 * β²λ/τ and β²Λ/τ lie inside Theorem 4.2's β²/(8Kτ) and 5β²/(Kτ).
 *
 * An implication says nothing where its premise fails: a row whose certificate fails is a
 * vacuous trial (with the reason), never evidence that the claim held.
 */
import * as fc from 'fast-check';
import { logUniform, logUniformInt, uniform } from './bounds-arbitraries.ts';
import { defineClaim, type Trial } from '../src/check/claim.ts';
import { certifiedSlopes, rowCertificate, trainingMarginSandwich } from '../src/theory/index.ts';

/**
 * Relative tolerance: 8 ulps. Ours: the two sides of each comparison are computed along
 * different paths of ≤ 5 correctly rounded operations each.
 */
const CERT_ULPS = 8;

export interface CertificateInput {
  readonly K: number;
  readonly Q: number;
  readonly Pfrac: number;
  readonly Mfrac: number;
  readonly beta: number;
  readonly tau: number;
}

export const boundsCertificateSlopes = defineClaim<CertificateInput>({
  id: 'bounds-certificate-slopes',
  title: 'a row certificate that holds gives slopes inside Theorem 4.2\'s (to 8 ulps)',
  section: 'docs/theory.md §5; §4 Theorem 4.2',
  edition: 'all',
  expectation: 'holds',
  generator: 'K in [1, 1000], Q in [1, 1000], N = 2KQ, P in [0, 12N/K], M in [0, N/K], β, τ log-uniform in [1e-2, 1e2]',
  measures: 'certified slopes relative to Theorem 4.2\'s, for rows whose certificate holds (rows whose certificate fails are vacuous)',
  bound: 'lower >= β²/(8Kτ), upper <= 5β²/(Kτ)',
  runs: { small: 200, full: 10000 },
  coverage: { 'certificate-holds': 0.2 },
  arbitrary: () =>
    fc.record({
      K: logUniformInt(1, 1000),
      Q: logUniformInt(1, 1000),
      Pfrac: uniform(0, 12),
      Mfrac: uniform(0, 1),
      beta: logUniform(1e-2, 1e2),
      tau: logUniform(1e-2, 1e2),
    }),
  check: ({ K, Q, Pfrac, Mfrac, beta, tau }): Trial => {
    const N = 2 * K * Q;
    const cert = rowCertificate({ P: (Pfrac * N) / K, M: (Mfrac * N) / K }, N, K);
    if (!cert.holds) {
      const reason =
        cert.lambda < cert.lambdaRequired
          ? `certificate fails: λ = ${cert.lambda.toPrecision(4)} < 1/(8K) = ${cert.lambdaRequired.toPrecision(4)}`
          : `certificate fails: Λ = ${cert.Lambda.toPrecision(4)} > 5/K = ${cert.LambdaAllowed.toPrecision(4)}`;
      return { violated: false, vacuous: true, detail: { reason }, labels: ['certificate-fails'] };
    }
    const slopes = certifiedSlopes(cert.lambda, cert.Lambda, beta, tau);
    const s = trainingMarginSandwich(K, beta, tau);
    const tol = CERT_ULPS * Number.EPSILON;
    const lowSlack = (slopes.lowerSlope - s.lowerSlope) / s.lowerSlope;
    const highSlack = (s.upperSlope - slopes.upperSlope) / s.upperSlope;
    const slack = Math.min(lowSlack, highSlack);
    return { violated: slack < -tol, withinTolerance: slack < 0 && slack >= -tol, observed: slack, bound: 0, slack, labels: ['certificate-holds'] };
  },
});

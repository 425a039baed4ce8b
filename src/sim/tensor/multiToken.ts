/**
 * Multi-token responses (THEORY §6), in float64, written by hand (so that the identity can be
 * checked against central finite differences at float64 precision; tfjs has no float64).
 *
 * A response y = (y^1..y^L) is read at fixed hidden states h_1..h_L (h_j = g(x, y^1..y^{j-1})).
 * Token reward `r(y^j) = β [ln softmax(W h_j) - ln softmax(W_0 h_j)]_{y^j}`; the sequence margin
 * `r_i = Σ_j r(y^j_{w,i}) - Σ_j r(y^j_{l,i})` (the normaliser no longer cancels). DPO loss
 * `L = (1/N) Σ_i softplus(-r_i)`. Under gradient flow `τ dW/dt = -∇_W L`, for a token y read at
 * state h* (THEORY §6, derived identity):
 *
 *   τ dr(y)/dt = (β²/N) Σ_i σ(-r_i) Σ_j [ (h_{i,j,w}ᵀh*) (e_y - s*)ᵀ(e_{y^j_{w,i}} - s_{i,j,w})
 *                                        - (h_{i,j,l}ᵀh*) (e_y - s*)ᵀ(e_{y^j_{l,i}} - s_{i,j,l}) ]
 *
 * with s = softmax(W h) at the respective state. Plain JSON shapes, so that a claim's inputs can
 * be saved and replayed.
 */
import { InvalidInputError } from '../../theory/errors.ts';

/** One response: its tokens and the hidden state each is read at (length L, each of length d). */
export interface TokenSequence {
  readonly tokens: readonly number[];
  readonly states: readonly (readonly number[])[];
}

/** A preference between two responses to one prompt. */
export interface SequencePreference {
  readonly chosen: TokenSequence;
  readonly rejected: TokenSequence;
}

/** A multi-token DPO problem at a point W of training, with one probe token (y, h*). */
export interface MultiTokenProblem {
  readonly vocab: number;
  readonly d: number;
  /** DPO temperature β (THEORY §1). */
  readonly beta: number;
  /** Current head W, V × d row-major. */
  readonly head: readonly number[];
  /** Frozen reference head W_0, V × d row-major. */
  readonly initialHead: readonly number[];
  readonly samples: readonly SequencePreference[];
  /** The token y and state h* whose reward rate is predicted. */
  readonly probe: { readonly token: number; readonly state: readonly number[] };
}

/** Throws `InvalidInputError` unless the problem's shapes and token ids are consistent. */
export function validateMultiTokenProblem(p: MultiTokenProblem): void {
  const { vocab: V, d } = p;
  if (!Number.isInteger(V) || V < 2) throw new InvalidInputError('vocab', `must be an integer >= 2, got ${V}`);
  if (!Number.isInteger(d) || d < 1) throw new InvalidInputError('d', `must be an integer >= 1, got ${d}`);
  if (!(p.beta > 0)) throw new InvalidInputError('beta', `must be > 0, got ${p.beta}`);
  if (p.head.length !== V * d) throw new InvalidInputError('head', `length must be V·d = ${V * d}`);
  if (p.initialHead.length !== V * d) throw new InvalidInputError('initialHead', `length must be V·d = ${V * d}`);
  if (p.samples.length === 0) throw new InvalidInputError('samples', 'needs at least one preference');
  const checkSeq = (s: TokenSequence, where: string): void => {
    if (s.tokens.length === 0 || s.tokens.length !== s.states.length) throw new InvalidInputError(where, 'needs L >= 1 tokens and one state per token');
    s.tokens.forEach((t) => { if (!Number.isInteger(t) || t < 0 || t >= V) throw new InvalidInputError(where, `token ${t} not in [0, ${V})`); });
    s.states.forEach((h) => { if (h.length !== d) throw new InvalidInputError(where, `every state needs length d = ${d}`); });
  };
  p.samples.forEach((s, i) => { checkSeq(s.chosen, `samples[${i}].chosen`); checkSeq(s.rejected, `samples[${i}].rejected`); });
  checkSeq({ tokens: [p.probe.token], states: [p.probe.state] }, 'probe');
}

/** softmax(W h) in float64 (max-shifted). */
export function softmaxAt(head: ArrayLike<number>, V: number, d: number, h: readonly number[]): Float64Array {
  const z = new Float64Array(V);
  let max = -Infinity;
  for (let y = 0; y < V; y++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += head[y * d + k]! * h[k]!;
    z[y] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let y = 0; y < V; y++) sum += (z[y] = Math.exp(z[y]! - max));
  for (let y = 0; y < V; y++) z[y]! /= sum;
  return z;
}

/** ln softmax(W h)_y in float64 (log-sum-exp form). */
export function logProbAt(head: ArrayLike<number>, V: number, d: number, h: readonly number[], y: number): number {
  let max = -Infinity;
  const z = new Float64Array(V);
  for (let t = 0; t < V; t++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += head[t * d + k]! * h[k]!;
    z[t] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let t = 0; t < V; t++) sum += Math.exp(z[t]! - max);
  return z[y]! - max - Math.log(sum);
}

/** Token reward r(y) = β [ln softmax(W h) - ln softmax(W_0 h)]_y (THEORY §6). */
export function tokenReward(p: MultiTokenProblem, head: ArrayLike<number>, y: number, h: readonly number[]): number {
  return p.beta * (logProbAt(head, p.vocab, p.d, h, y) - logProbAt(p.initialHead, p.vocab, p.d, h, y));
}

/** Sequence reward Σ_j r(y^j). */
export function sequenceReward(p: MultiTokenProblem, head: ArrayLike<number>, s: TokenSequence): number {
  let r = 0;
  s.tokens.forEach((y, j) => { r += tokenReward(p, head, y, s.states[j]!); });
  return r;
}

/** Sequence margins r_i = Σ_j r(y^j_w) - Σ_j r(y^j_l) (THEORY §6). */
export function sequenceMargins(p: MultiTokenProblem, head: ArrayLike<number> = p.head): Float64Array {
  return Float64Array.from(p.samples, (s) => sequenceReward(p, head, s.chosen) - sequenceReward(p, head, s.rejected));
}

/** DPO loss L(W) = (1/N) Σ_i softplus(-r_i) = -(1/N) Σ ln σ(r_i) (THEORY §1, Eq. 1). */
export function multiTokenLoss(p: MultiTokenProblem, head: ArrayLike<number> = p.head): number {
  const r = sequenceMargins(p, head);
  let s = 0;
  for (const ri of r) s += ri > 0 ? Math.log1p(Math.exp(-ri)) : -ri + Math.log1p(Math.exp(ri));
  return s / r.length;
}

/** The identity's prediction of τ dr(y)/dt (τ = 1), and the sum of the absolute values of its terms. */
export interface RewardRate {
  readonly rate: number;
  /** Σ over all terms of |term|: the magnitude rounding errors scale with. */
  readonly scale: number;
}

/**
 * The right-hand side of THEORY §6's identity at W = `p.head`, τ = 1.
 *
 * @example
 * const { rate } = tokenRewardRate(problem); // ≈ d r(probe)/dt under gradient flow
 */
export function tokenRewardRate(p: MultiTokenProblem): RewardRate {
  const { vocab: V, d, beta } = p;
  const N = p.samples.length;
  const hStar = p.probe.state;
  const sStar = softmaxAt(p.head, V, d, hStar);
  const margins = sequenceMargins(p);
  let rate = 0;
  let scale = 0;
  p.samples.forEach((s, i) => {
    const weight = 1 / (1 + Math.exp(margins[i]!)); // σ(-r_i)
    for (const [seq, sign] of [[s.chosen, 1], [s.rejected, -1]] as const) {
      seq.tokens.forEach((yj, j) => {
        const h = seq.states[j]!;
        const sj = softmaxAt(p.head, V, d, h);
        let hh = 0;
        for (let k = 0; k < d; k++) hh += h[k]! * hStar[k]!;
        // (e_y - s*)ᵀ (e_{yj} - s_j) = [y = yj] - s_j[y] - s*[yj] + s*ᵀ s_j
        let ss = 0;
        for (let t = 0; t < V; t++) ss += sStar[t]! * sj[t]!;
        const prob = (p.probe.token === yj ? 1 : 0) - sj[p.probe.token]! - sStar[yj]! + ss;
        const term = ((beta * beta) / N) * weight * sign * hh * prob;
        rate += term;
        // Expanded into its four products, each of them is summed in floating point.
        scale += ((beta * beta) / N) * weight * Math.abs(hh) * ((p.probe.token === yj ? 1 : 0) + sj[p.probe.token]! + sStar[yj]! + ss);
      });
    }
  });
  return { rate, scale };
}

/**
 * The same rate by central finite differences in float64, independent of the identity: the
 * gradient-flow direction D = -∇_W L entry by entry, then d/ds r(y; W + sD) at s = 0.
 * Costs 2·V·d + 2 loss evaluations.
 */
export function tokenRewardRateByFiniteDifferences(p: MultiTokenProblem, step: number): number {
  const n = p.vocab * p.d;
  const w = Float64Array.from(p.head);
  const direction = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const orig = w[k]!;
    w[k] = orig + step;
    const up = multiTokenLoss(p, w);
    w[k] = orig - step;
    const down = multiTokenLoss(p, w);
    w[k] = orig;
    direction[k] = -(up - down) / (2 * step);
  }
  const plus = Float64Array.from(w, (x, k) => x + step * direction[k]!);
  const minus = Float64Array.from(w, (x, k) => x - step * direction[k]!);
  const { token, state } = p.probe;
  return (tokenReward(p, plus, token, state) - tokenReward(p, minus, token, state)) / (2 * step);
}

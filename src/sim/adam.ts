/**
 * Adam exactly as PyTorch's `torch.optim.Adam` computes it (single-tensor path, the default
 * `amsgrad=False, maximize=False, weight_decay=0, foreach/fused off`), in float64. For step t
 * (counted from 1), gradient g, parameter p:
 *
 *     m  = m.lerp(g, 1 - β1)            // m + (1-β1)·(g - m)
 *     v  = v·β2 + (1 - β2)·g·g          // v.mul_(β2).addcmul_(g, g, value=1-β2)
 *     bias_correction1 = 1 - β1^t
 *     bias_correction2 = 1 - β2^t
 *     step_size = lr / bias_correction1
 *     denom = sqrt(v) / sqrt(bias_correction2) + eps      // eps added AFTER bias correction
 *     p = p - step_size · (m / denom)   // p.addcdiv_(m, denom, value=-step_size)
 *
 * (`1 - β1` and `1 - β2` are rounded once, as Python does before passing them to the kernel.)
 */

/** Adam hyper-parameters (PyTorch names: lr, betas = (beta1, beta2), eps). */
export interface AdamOptions {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

/** `torch.optim.Adam` defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8. */
export const TORCH_ADAM_DEFAULTS: AdamOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** Adam's moment estimates and step counter. */
export interface AdamState {
  step: number;
  readonly m: Float64Array;
  readonly v: Float64Array;
}

/** Zero moments for a parameter of `size` entries. */
export function createAdamState(size: number): AdamState {
  return { step: 0, m: new Float64Array(size), v: new Float64Array(size) };
}

/** One Adam update of `param` in place with gradient `grad` (see the module comment). */
export function adamStep(param: Float64Array, grad: Float64Array, state: AdamState, opts: AdamOptions): void {
  state.step += 1;
  const { lr, beta1, beta2, eps } = opts;
  const w1 = 1 - beta1;
  const w2 = 1 - beta2;
  const bc1 = 1 - beta1 ** state.step;
  const bc2Sqrt = Math.sqrt(1 - beta2 ** state.step);
  const stepSize = lr / bc1;
  const { m, v } = state;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i]!;
    // torch.lerp with weight < 0.5: self + weight * (end - self)
    m[i] = m[i]! + w1 * (g - m[i]!);
    v[i] = v[i]! * beta2 + w2 * g * g;
    const denom = Math.sqrt(v[i]!) / bc2Sqrt + eps;
    param[i] = param[i]! + -stepSize * (m[i]! / denom);
  }
}

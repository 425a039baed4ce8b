#!/usr/bin/env python3
"""Writes fixtures/datasets/llm_like.npz: a small dataset that looks like last-token hidden states
of a language model, for `dpocheck diagnose` (README, docs/diagnose/).

What makes it look like LLM features (the paper's §3 motivation):
- a large common mean (every prompt's state shares it), so raw cosines between embeddings are
  about 0.9, while after subtracting the mean they cluster by concept;
- THEORY §3's clusters b ± c_k underneath, with unit concept vectors and l_b = LB;
- anisotropic noise: variances falling like a power law over the directions (a few dominate),
  total variance V² d;
- one response pair for all concepts (the authors' " Yes"/" No": token ids 9454 / 2360 here), so
  concepts can only be told apart by the `concept` array, which the file carries;
- everything in a random rotation, scaled so ‖x‖ ≈ √d (RMS-normalised states), stored float32.
A 10% test set per cluster is included (test_* arrays), as the authors held out 10%.

Parameters are printed and stored in llm_like.json beside it, so a reader can compare them with
what `dpocheck diagnose` recovers (the estimates are in units of the concept scale, so l_b and v
should come back close to LB and V; the common mean is part of b).

Usage: python3 scripts/make-llm-like-npz.py   (numpy; deterministic for a given numpy version)
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "datasets")
SEED = 20240806
K, Q, Q_TEST, D = 4, 64, 8, 96
LB = 0.35          # shared component of the model, in concept units
V = 0.12           # noise level: trace = V^2 d (in concept units)
POWER = 1.0        # noise variances ∝ 1/j^POWER
COMMON = 4.5       # extra common mean along its own direction (concept units): raw cos ≈ 0.9
YES, NO = 9454, 2360


def main():
    rng = np.random.default_rng(SEED)
    # Orthonormal directions: common mean, b, c_1..c_K, then the rest; all in a random rotation.
    rot, _ = np.linalg.qr(rng.standard_normal((D, D)))
    common_dir, b_dir, concept_dirs = rot[:, 0], rot[:, 1], rot[:, 2:2 + K].T
    var = 1.0 / np.arange(1, D + 1) ** POWER
    var *= D / var.sum()                         # mean variance 1 -> trace V^2 d below
    noise_basis, _ = np.linalg.qr(rng.standard_normal((D, D)))

    def draw(n_per_cluster):
        xs, chosen, rejected, concept = [], [], [], []
        for k in range(K):
            for sign in (1, -1):
                mean = COMMON * common_dir + LB * b_dir + sign * concept_dirs[k]
                eps = (rng.standard_normal((n_per_cluster, D)) * (V * np.sqrt(var))) @ noise_basis.T
                xs.append(mean + eps)
                chosen += [YES if sign > 0 else NO] * n_per_cluster
                rejected += [NO if sign > 0 else YES] * n_per_cluster
                concept += [k] * n_per_cluster
        return np.vstack(xs), np.array(chosen), np.array(rejected), np.array(concept)

    x, w, l, c = draw(Q)
    tx, tw, tl, tc = draw(Q_TEST)
    scale = np.sqrt(D) / np.sqrt((x ** 2).sum(axis=1).mean())   # RMS-normalised: ‖x‖ ≈ √d
    x, tx = (x * scale).astype(np.float32), (tx * scale).astype(np.float32)
    os.makedirs(OUT, exist_ok=True)
    np.savez(os.path.join(OUT, "llm_like.npz"), features=x, chosen=w, rejected=l, concept=c,
             test_features=tx, test_chosen=tw, test_rejected=tl, test_concept=tc)
    params = {"seed": SEED, "K": K, "Q": Q, "Q_test": Q_TEST, "d": D, "lb": LB, "v": V,
              "noise": f"variances ∝ 1/j^{POWER} in a random basis", "common_mean": COMMON,
              "tokens": [YES, NO], "scale": float(scale),
              "raw_cosine_mean": float(np.mean((x / np.linalg.norm(x, axis=1, keepdims=True)) @
                                                (x / np.linalg.norm(x, axis=1, keepdims=True)).T))}
    with open(os.path.join(OUT, "llm_like.json"), "w") as f:
        json.dump(params, f, indent=2)
        f.write("\n")
    print(json.dumps(params, indent=2))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the numpy-made .npz fixtures of test/data/datasetFile.test.ts into fixtures/data/.

The files are committed: tests read them without python. Values follow simple formulas that
are exact in float32 (so the TypeScript test can recompute them), and one random fixture has a
JSON twin written by Python's json (exact double round trip) to compare against.

Usage: python3 scripts/make-npz-fixtures.py   (numpy >= 1.17; deterministic output modulo zip timestamps)
"""
import io
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "data")
N, D, M = 6, 4, 3


def features(n, d, offset=0.0):
    # features[i, j] = (i*d + j)/8 - 1 + offset: multiples of 1/8, exact in float32.
    return (np.arange(n * d, dtype=np.float64).reshape(n, d) / 8.0 - 1.0 + offset)


CHOSEN = np.array([0, 2, 4, 0, 2, 4])
REJECTED = CHOSEN + 1
TEST_CHOSEN = np.array([1, 3, 5])
TEST_REJECTED = TEST_CHOSEN - 1
REF_C = np.array([-0.5, -0.25, -1.0, -2.0, -0.125, -3.0])
REF_R = REF_C - 1.0


def save(name, compressed=False, **arrays):
    path = os.path.join(OUT, name)
    (np.savez_compressed if compressed else np.savez)(path, **arrays)
    assert os.path.getsize(path) < 50_000, name


def main():
    os.makedirs(OUT, exist_ok=True)
    f = features(N, D)
    tf = features(M, D, offset=0.5)
    # --- valid -----------------------------------------------------------------------------
    save("f64_savez.npz", features=f, chosen=CHOSEN, rejected=REJECTED)
    save("f32_savez_compressed.npz", compressed=True, features=f.astype(np.float32),
         chosen=CHOSEN.astype(np.int32), rejected=REJECTED.astype(np.int32),
         ref_chosen_logp=REF_C, ref_rejected_logp=REF_R.astype(np.float32))
    save("f64_test_savez.npz", features=f, chosen=CHOSEN, rejected=REJECTED,
         test_features=tf, test_chosen=TEST_CHOSEN, test_rejected=TEST_REJECTED,
         labels=np.array(["a", "b"]))  # an extra array the reader must ignore
    save("f32_test_savez_compressed.npz", compressed=True, features=f.astype(np.float32),
         chosen=CHOSEN.astype(np.uint8), rejected=REJECTED.astype(np.int16),
         test_features=tf.astype(np.float32), test_chosen=TEST_CHOSEN.astype(np.uint32),
         test_rejected=TEST_REJECTED.astype(np.int8))
    # Empty test arrays, as numpy users write "no test set" (read as no test set).
    save("empty_test_savez.npz", features=f, chosen=CHOSEN, rejected=REJECTED,
         test_features=np.zeros((0, D)), test_chosen=np.array([], dtype=np.int64),
         test_rejected=np.array([]))
    # A transposed (Fortran-contiguous) matrix is saved with fortran_order True.
    save("fortran_savez.npz", features=np.asfortranarray(f), chosen=CHOSEN, rejected=REJECTED)
    rng = np.random.default_rng(20240806)
    rf = rng.standard_normal((20, 5))
    rc = rng.integers(0, 50, size=20)
    rr = (rc + 1 + rng.integers(0, 10, size=20)) % 60
    save("random_f64.npz", compressed=True, features=rf, chosen=rc, rejected=rr)
    with open(os.path.join(OUT, "random_f64.json"), "w") as fh:
        json.dump({"features": rf.tolist(), "chosen": rc.tolist(), "rejected": rr.tolist()}, fh)
    # --- broken ----------------------------------------------------------------------------
    save("bad_bigendian.npz", features=f.astype(">f8"), chosen=CHOSEN, rejected=REJECTED)
    nan = f.copy(); nan[2, 3] = np.nan
    save("bad_nan.npz", features=nan, chosen=CHOSEN, rejected=REJECTED)
    inf = tf.copy(); inf[1, 0] = np.inf
    save("bad_inf_test.npz", features=f, chosen=CHOSEN, rejected=REJECTED,
         test_features=inf, test_chosen=TEST_CHOSEN, test_rejected=TEST_REJECTED)
    save("bad_shape_chosen.npz", features=f, chosen=CHOSEN[:-1], rejected=REJECTED)
    save("bad_features_1d.npz", features=f.ravel(), chosen=CHOSEN, rejected=REJECTED)
    save("bad_features_3d.npz", features=f.reshape(N, 2, 2), chosen=CHOSEN, rejected=REJECTED)
    same = REJECTED.copy(); same[4] = CHOSEN[4]
    save("bad_same_token.npz", features=f, chosen=CHOSEN, rejected=same)
    neg = CHOSEN.copy(); neg[1] = -3
    save("bad_negative_token.npz", features=f, chosen=neg, rejected=REJECTED)
    big = REJECTED.astype(np.int64); big[0] = 2 ** 31
    save("bad_token_too_large.npz", features=f, chosen=CHOSEN, rejected=big)
    save("bad_float_tokens.npz", features=f, chosen=CHOSEN.astype(np.float64), rejected=REJECTED)
    save("bad_missing_rejected.npz", features=f, chosen=CHOSEN)
    save("bad_object.npz", features=f, chosen=np.array([0, "x", 4, 0, 2, 4], dtype=object), rejected=REJECTED)
    save("bad_complex.npz", features=f.astype(np.complex128), chosen=CHOSEN, rejected=REJECTED)
    save("bad_test_dim.npz", features=f, chosen=CHOSEN, rejected=REJECTED,
         test_features=features(M, D + 1), test_chosen=TEST_CHOSEN, test_rejected=TEST_REJECTED)
    save("bad_partial_test.npz", features=f, chosen=CHOSEN, rejected=REJECTED, test_features=tf)
    save("bad_ref_length.npz", features=f, chosen=CHOSEN, rejected=REJECTED,
         ref_chosen_logp=REF_C[:3], ref_rejected_logp=REF_R)
    buf = io.BytesIO()
    np.savez(buf, features=f, chosen=CHOSEN, rejected=REJECTED)
    whole = buf.getvalue()
    with open(os.path.join(OUT, "bad_truncated.npz"), "wb") as fh:
        fh.write(whole[: len(whole) // 2])
    with open(os.path.join(OUT, "bad_not_zip.npz"), "wb") as fh:
        fh.write(b"features,chosen,rejected\n1,0,1\n")


if __name__ == "__main__":
    main()

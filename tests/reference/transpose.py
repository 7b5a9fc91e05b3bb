"""References for training/ops/transpose.py (naive loop)."""
import numpy as np

from . import BadCase, Case, rng

x = rng(20).standard_normal((2, 3, 4)).astype(np.float32)


def transpose_ref(v, perm):
    perm = tuple(range(v.ndim - 1, -1, -1)) if perm is None else perm
    out = np.empty(tuple(v.shape[p] for p in perm), v.dtype)
    for idx in np.ndindex(*out.shape):
        src = [0] * v.ndim
        for k, p in enumerate(perm):
            src[p] = idx[k]
        out[idx] = v[tuple(src)]
    return out


CASES = [
    Case("transpose", [x], transpose_ref, attrs={"perm": (1, 2, 0)}),
    Case("transpose", [x], transpose_ref, attrs={"perm": None}, name="reverse"),
    Case("transpose", [(x * 10).astype(np.int32)], transpose_ref, attrs={"perm": (0, 2, 1)}, name="int32"),
]
BAD = [BadCase("transpose", [x], ValueError, ("permutation of [0, 1, 2]", "[0, 0, 1]"),
               attrs={"perm": (0, 0, 1)})]

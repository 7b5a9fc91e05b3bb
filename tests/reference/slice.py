"""References for training/ops/slice.py (naive loop)."""
import numpy as np

from . import BadCase, Case, rng

x = rng(24).standard_normal((3, 4, 5)).astype(np.float32)


def slice_ref(v, begin, size):
    sizes = [d - b if s == -1 else s for d, b, s in zip(v.shape, begin, size, strict=True)]
    out = np.empty(sizes, v.dtype)
    for idx in np.ndindex(*sizes):
        out[idx] = v[tuple(b + i for b, i in zip(begin, idx, strict=True))]
    return out


CASES = [
    Case("slice", [x], slice_ref, attrs={"begin": (1, 0, 2), "size": (2, 3, -1)}),
    Case("slice", [x], slice_ref, attrs={"begin": (0, 4, 0), "size": (-1, 0, 5)}, name="empty"),
    Case("slice", [(x * 9).astype(np.int64)], slice_ref, attrs={"begin": (2, 1, 1), "size": (1, -1, 3)},
         name="int64"),
]
BAD = [
    BadCase("slice", [x], ValueError, ("runs past dimension 1", "[3, 4, 5]"),
            attrs={"begin": (0, 2, 0), "size": (1, 3, 1)}),
    BadCase("slice", [x], ValueError, ("3 entries", "[0, 0]"), attrs={"begin": (0, 0), "size": (1, 1)}),
]

"""References for training/ops/split.py (explicit index ranges)."""
import numpy as np

from . import BadCase, Case, rng

x = rng(22).standard_normal((3, 6, 4)).astype(np.float32)


def split_ref(v, num_or_size_splits, axis):
    dim = v.shape[axis]
    if isinstance(num_or_size_splits, int):
        sizes = [dim // num_or_size_splits] * num_or_size_splits
    else:
        known = sum(s for s in num_or_size_splits if s != -1)
        sizes = [dim - known if s == -1 else s for s in num_or_size_splits]
    parts, start = [], 0
    for s in sizes:
        parts.append(np.take(v, np.arange(start, start + s), axis=axis))
        start += s
    return tuple(parts)


CASES = [
    Case("split", [x], split_ref, attrs={"num_or_size_splits": 3, "axis": 1}),
    Case("split", [x], split_ref, attrs={"num_or_size_splits": (1, -1, 2), "axis": -1}, name="sizes"),
    Case("split", [x], split_ref, attrs={"num_or_size_splits": (3, 0), "axis": 0}, name="empty_part"),
    Case("split", [x], split_ref, attrs={"num_or_size_splits": 1, "axis": 0}, name="one_part"),
]
BAD = [
    BadCase("split", [x], ValueError, ("size 4", "num_or_size_splits=3"),
            attrs={"num_or_size_splits": 3, "axis": 2}),
    BadCase("split", [x], ValueError, ("must sum to", "[2, 2]", "got 4"),
            attrs={"num_or_size_splits": (2, 2), "axis": 1}),
]

"""References for training/ops/concat.py."""
import numpy as np

from . import BadCase, Case, rng

r = rng(21)
a = r.standard_normal((2, 1, 3)).astype(np.float32)
b = r.standard_normal((2, 4, 3)).astype(np.float32)
c = r.standard_normal((2, 2, 3)).astype(np.float32)
i = r.integers(-5, 5, (2, 3)).astype(np.int32)


def concat_ref(*vs, axis):
    return np.concatenate(vs, axis=axis)


CASES = [
    Case("concat", [a, b, c], concat_ref, attrs={"axis": 1}),
    Case("concat", [b, b], concat_ref, attrs={"axis": -1}, name="last_axis"),
    Case("concat", [a], concat_ref, attrs={"axis": 0}, name="single"),
    Case("concat", [i, i, i], concat_ref, attrs={"axis": 0}, name="int32"),
]
BAD = [
    BadCase("concat", [a, b], ValueError, ("dimension 1 of input 1", "must be 1", "[2, 4, 3]"),
            attrs={"axis": 0}),
    BadCase("concat", [a, a.astype(np.float64)], TypeError, ("same dtype", "float32", "float64"),
            attrs={"axis": 0}),
]

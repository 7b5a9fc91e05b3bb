"""References for training/ops/reduce.py."""
import numpy as np
from tensorlite.training.dtypes import int32, int64

from . import BadCase, Case, rng

r = rng(16)
x = r.standard_normal((3, 4, 5)).astype(np.float32)
ints = r.integers(-5, 5, (3, 4)).astype(np.int32)


def npred(fn):
    def ref(v, axis, keepdims):
        return fn(v.astype(np.float64) if v.dtype.kind == "f" else v, axis=axis, keepdims=keepdims)
    return ref


CASES = [
    Case("reduce_sum", [x], npred(np.sum), attrs={"axis": (1,), "keepdims": False}),
    Case("reduce_sum", [x], npred(np.sum), attrs={"axis": None, "keepdims": False}, name="all"),
    Case("reduce_sum", [ints], lambda v, axis, keepdims: v.sum(axis=axis, keepdims=keepdims).astype(np.int32),
         attrs={"axis": (0,), "keepdims": True}, name="int32"),
    Case("reduce_mean", [x], npred(np.mean), attrs={"axis": (0, 2), "keepdims": True}),
    Case("reduce_max", [x], npred(np.max), attrs={"axis": (-1,), "keepdims": False}),
    Case("reduce_min", [x], npred(np.min), attrs={"axis": (1,), "keepdims": True}),
    Case("argmax", [x], lambda v, axis, output_type: np.argmax(v, axis), attrs={"axis": 1, "output_type": int64}),
    Case("argmin", [x], lambda v, axis, output_type: np.argmin(v, axis).astype(np.int32),
         attrs={"axis": -1, "output_type": int32}),
]

BAD = [BadCase("reduce_sum", [x], ValueError, ("axis 3", "rank 3"), attrs={"axis": (3,), "keepdims": False})]

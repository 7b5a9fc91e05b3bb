"""References for training/ops/one_hot.py (naive loop)."""
import numpy as np
from tensorlite.training.dtypes import float32, int32

from . import BadCase, Case

ind = np.array([[0, 2, 5], [1, -1, 3]], np.int32)  # 5 and -1 are out of range: all off_value


def one_hot_ref(i, depth, on_value, off_value, axis, dtype):
    a = i.ndim if axis == -1 else axis
    out = np.full(i.shape[:a] + (depth,) + i.shape[a:], off_value, dtype.as_numpy_dtype)
    for idx in np.ndindex(*i.shape):
        if 0 <= i[idx] < depth:
            out[idx[:a] + (i[idx],) + idx[a:]] = on_value
    return out


def attrs(depth=4, on_value=1, off_value=0, axis=-1, dtype=float32):
    return {"depth": depth, "on_value": on_value, "off_value": off_value, "axis": axis, "dtype": dtype}


CASES = [
    Case("one_hot", [ind], one_hot_ref, attrs=attrs()),
    Case("one_hot", [ind.astype(np.int64)], one_hot_ref, attrs=attrs(axis=0, on_value=2.5, off_value=-1.0),
         name="axis0"),
    Case("one_hot", [ind.astype(np.uint8) % 4], one_hot_ref,
         attrs=attrs(axis=1, on_value=7, off_value=3, dtype=int32), name="axis1_int32"),
]
BAD = [
    BadCase("one_hot", [ind.astype(np.float32)], TypeError, ("indices", "int32", "float32"), attrs=attrs()),
    BadCase("one_hot", [ind], ValueError, ("axis", "[0, 2]", "got 3"), attrs=attrs(axis=3)),
]

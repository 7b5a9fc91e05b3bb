"""References for training/ops/shape_ops.py."""
import numpy as np
from tensorlite.training.dtypes import int32, int64

from . import BadCase, Case, rng

r = rng(29)
x = r.standard_normal((2, 1, 3)).astype(np.float32)
v = r.standard_normal((3, 1)).astype(np.float32)


def expand_dims_ref(a, axis):
    axis = axis % (a.ndim + 1)
    return a.reshape(a.shape[:axis] + (1,) + a.shape[axis:])


def squeeze_ref(a, axis):
    axes = [i for i, d in enumerate(a.shape) if d == 1] if axis is None else [i % a.ndim for i in axis]
    return a.reshape(tuple(d for i, d in enumerate(a.shape) if i not in axes))


def tile_ref(a, multiples):
    out = np.empty(tuple(d * m for d, m in zip(a.shape, multiples, strict=True)), a.dtype)
    for idx in np.ndindex(*out.shape):
        out[idx] = a[tuple(i % d for i, d in zip(idx, a.shape, strict=True))]
    return out


def broadcast_to_ref(a, shape):
    out = np.empty(shape, a.dtype)
    lead = len(shape) - a.ndim
    for idx in np.ndindex(*shape):
        out[idx] = a[tuple(0 if d == 1 else i for i, d in zip(idx[lead:], a.shape, strict=True))]
    return out


CASES = [
    Case("expand_dims", [x], expand_dims_ref, attrs={"axis": 1}),
    Case("expand_dims", [x], expand_dims_ref, attrs={"axis": -1}, name="last"),
    Case("squeeze", [x], squeeze_ref, attrs={"axis": None}),
    Case("squeeze", [x[:1]], squeeze_ref, attrs={"axis": (-2,)}, name="one_axis"),
    Case("tile", [v], tile_ref, attrs={"multiples": (2, 3)}),
    Case("tile", [x], tile_ref, attrs={"multiples": (1, 2, 0)}, name="zero"),
    Case("broadcast_to", [v], broadcast_to_ref, attrs={"shape": (2, 3, 4)}),
    Case("broadcast_to", [x.astype(np.int32)], broadcast_to_ref, attrs={"shape": (2, 4, 3)}, name="int32"),
    Case("shape", [x], lambda a, out_type: np.array(a.shape, np.int32), attrs={"out_type": int32}),
    Case("shape", [np.zeros((0, 7), np.int8)], lambda a, out_type: np.array(a.shape, np.int64),
         attrs={"out_type": int64}, name="int64"),
]
BAD = [
    BadCase("expand_dims", [x], ValueError, ("[-4, 3]", "got 4"), attrs={"axis": 4}),
    BadCase("squeeze", [x], ValueError, ("dimension 2", "[2, 1, 3]", "size 3"), attrs={"axis": (2,)}),
    BadCase("tile", [x], ValueError, ("multiples", "[2, 1, 3]", "[2, 2]"), attrs={"multiples": (2, 2)}),
    BadCase("broadcast_to", [v], ValueError, ("[3, 1]", "[2, 4]"), attrs={"shape": (2, 4)}),
    BadCase("shape", [x], TypeError, ("out_type", "float32"), attrs={"out_type": "float32"}),
]

"""References for training/ops/stack.py (stack and unstack)."""
import numpy as np

from . import BadCase, Case, rng

r = rng(23)
a, b, c = (r.standard_normal((2, 3)).astype(np.float32) for _ in range(3))
x = r.standard_normal((2, 3, 4)).astype(np.float32)


def stack_ref(*vs, axis):
    axis = axis % (vs[0].ndim + 1)
    out = np.empty(vs[0].shape[:axis] + (len(vs),) + vs[0].shape[axis:], vs[0].dtype)
    for k, v in enumerate(vs):
        out[(slice(None),) * axis + (k,)] = v
    return out


def unstack_ref(v, num, axis):
    return tuple(np.take(v, k, axis=axis) for k in range(v.shape[axis]))


CASES = [
    Case("stack", [a, b, c], stack_ref, attrs={"axis": 0}),
    Case("stack", [a, b], stack_ref, attrs={"axis": -1}, name="last_axis"),
    Case("stack", [a, b, c], stack_ref, attrs={"axis": 1}, name="middle"),
    Case("unstack", [x], unstack_ref, attrs={"num": None, "axis": 1}),
    Case("unstack", [x], unstack_ref, attrs={"num": 4, "axis": -1}, name="last_axis"),
    Case("unstack", [x[:1]], unstack_ref, attrs={"num": None, "axis": 0}, name="one_output"),
]
BAD = [
    BadCase("stack", [a, x], ValueError, ("shape [2, 3]", "[2, 3, 4]"), attrs={"axis": 0}),
    BadCase("unstack", [x], ValueError, ("num=5", "size 3"), attrs={"num": 5, "axis": 1}),
]

"""References for training/ops/softmax.py."""
import numpy as np

from . import BadCase, Case, rng

r = rng(31)
x = r.standard_normal((3, 5)).astype(np.float32) * 3


def softmax(v, axis):
    v = v.astype(np.float64)
    e = np.exp(v - v.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


CASES = [
    Case("softmax", [x], softmax, attrs={"axis": -1}),
    Case("softmax", [x], softmax, attrs={"axis": 0}, name="axis0"),
    Case("log_softmax", [x], lambda v, axis: np.log(softmax(v, axis)), attrs={"axis": -1}),
]
BAD = [
    BadCase("softmax", [x], ValueError, ("axis 2", "rank 2"), attrs={"axis": 2}),
    BadCase("log_softmax", [x], ValueError, ("axis -3", "rank 2"), attrs={"axis": -3}),
    BadCase("log_softmax", [x.astype(np.int32)], TypeError, ("logits", "int32", "float32"), attrs={"axis": -1}),
]

"""References for training/ops/binary.py."""
import numpy as np

from . import BadCase, Case, rng

r = rng(10)
a = r.standard_normal((3, 4)).astype(np.float32)
b = r.standard_normal((4,)).astype(np.float32)
pos = r.uniform(0.5, 2.0, (3, 4)).astype(np.float32)
ia = r.integers(-9, 9, (3, 4)).astype(np.int32)
ib = r.integers(1, 5, (3, 4)).astype(np.int32) * np.where(r.random((3, 4)) > 0.5, 1, -1).astype(np.int32)
sep = (a + np.sign(a - b) * 0.3).astype(np.float32)  # keeps |a - b| away from 0 (kinks of max/min)

CASES = [
    Case("add", [a, b], np.add, name="broadcast"),
    Case("add", [ia, ia], np.add, name="int32"),
    Case("sub", [a, b], np.subtract, name="broadcast"),
    Case("mul", [a, b], np.multiply, name="broadcast"),
    Case("div", [a, pos], np.divide),
    Case("div", [ia, ib], lambda x, y: np.trunc(x / y).astype(np.int32), name="int_truncates"),
    Case("pow", [pos, a], np.power),
    Case("maximum", [sep, b], np.maximum),
    Case("minimum", [sep, b], np.minimum),
    Case("squared_difference", [a, b], lambda x, y: (x - y) ** 2),
    Case("floor_mod", [a * 5, pos], np.mod),
    Case("floor_mod", [ia * 7, ib], lambda x, y: np.mod(x, y).astype(np.int32), name="int32_signs"),
    Case("equal", [ia, ia.T.copy().reshape(3, 4)], np.equal),
    Case("not_equal", [ia, ib], np.not_equal),
    Case("less", [a, b], np.less),
    Case("less_equal", [ia, ib], np.less_equal),
    Case("greater", [a, b], np.greater),
    Case("greater_equal", [ia, ib], np.greater_equal),
    Case("logical_and", [a > 0, b > 0], np.logical_and),
    Case("logical_or", [a > 0, b > 0], np.logical_or),
]

BAD = [
    BadCase("add", [a, ia], TypeError, ("same dtype", "float32", "int32")),
    BadCase("mul", [a, r.standard_normal((5,)).astype(np.float32)], ValueError, ("[3, 4]", "[1, 5]")),
    BadCase("pow", [ia, ia], TypeError, ("int32",)),
]

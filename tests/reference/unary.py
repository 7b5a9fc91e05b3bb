"""References for training/ops/unary.py."""
import numpy as np

from . import BadCase, Case, rng

r = rng(11)
x = r.standard_normal((2, 5)).astype(np.float32)
away = (x + np.sign(x) * 0.2).astype(np.float32)  # no values near 0 (the kink of abs)
pos = r.uniform(0.3, 3.0, (2, 5)).astype(np.float32)

CASES = [
    Case("neg", [x], np.negative),
    Case("square", [x], np.square),
    Case("sqrt", [pos], np.sqrt),
    Case("rsqrt", [pos], lambda v: 1 / np.sqrt(v)),
    Case("exp", [x], np.exp),
    Case("log", [pos], np.log),
    Case("abs", [away], np.abs),
    Case("abs", [np.array([-3, 0, 4], np.int32)], np.abs, name="int32"),
    Case("sign", [away], np.sign),
    Case("floor", [(3 * away).astype(np.float32)], np.floor),  # no values at an integer (floor's steps)
    Case("sin", [x], lambda v: np.sin(v.astype(np.float64))),
    Case("cos", [x], lambda v: np.cos(v.astype(np.float64))),
]

BAD = [BadCase("sqrt", [np.array([1, 2], np.int32)], TypeError, ("int32", "float32"))]

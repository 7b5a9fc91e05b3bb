"""References for training/ops/activations.py (SciPy's erf for gelu)."""
import math

import numpy as np
from scipy.special import erf

from . import BadCase, Case, rng

r = rng(30)
# values away from the kinks at 0, 6, -3 and 3
x = np.concatenate([r.uniform(-8, -3.2, 4), r.uniform(-2.8, -0.2, 4), r.uniform(0.2, 2.8, 4),
                    r.uniform(3.2, 5.8, 4), r.uniform(6.2, 8, 4)]).astype(np.float32).reshape(4, 5)
small = r.standard_normal((3, 4)).astype(np.float32)


def gelu(v, approximate):
    v = v.astype(np.float64)
    if approximate:
        return 0.5 * v * (1 + np.tanh(np.sqrt(2 / np.pi) * (v + 0.044715 * v ** 3)))
    return 0.5 * v * (1 + erf(v / np.sqrt(2)))


CASES = [
    Case("relu", [x], lambda v: np.maximum(v, 0)),
    Case("relu6", [x], lambda v: np.minimum(np.maximum(v, 0), 6)),
    Case("leaky_relu", [x], lambda v, alpha: np.where(v > 0, v, alpha * v.astype(np.float64)), attrs={"alpha": 0.1}),
    Case("sigmoid", [x], lambda v: 1 / (1 + np.exp(-v.astype(np.float64)))),
    Case("tanh", [small], lambda v: np.tanh(v.astype(np.float64))),
    # the kernel uses SciPy's erf when installed, so erf itself is checked against math.erf, element by element
    Case("erf", [small], lambda v: np.array([math.erf(float(e)) for e in v.ravel()]).reshape(v.shape)),
    Case("gelu", [small], gelu, attrs={"approximate": False}, name="exact"),
    Case("gelu", [small], gelu, attrs={"approximate": True}, name="tanh_approx"),
    Case("hard_swish", [x], lambda v: v * np.clip(v + 3, 0, 6) / 6),
]
ints = np.array([1, 2], np.int32)
BAD = [BadCase(op, [ints], TypeError, ("int32", "float32"), attrs=attrs) for op, attrs in [
    ("relu", {}), ("relu6", {}), ("leaky_relu", {"alpha": 0.1}), ("sigmoid", {}), ("tanh", {}), ("erf", {}),
    ("gelu", {"approximate": False}), ("hard_swish", {})]]

# relu_grad (TensorFlow's ReluGrad): dy where x > 0, else 0
dy = rng(31).standard_normal(x.shape).astype(np.float32)
CASES.append(Case("relu_grad", [dy, x], lambda g, v: np.where(v > 0, g, 0.0)))
BAD += [BadCase("relu_grad", [dy, x[:2]], ValueError, ("relu_grad", "one shape")),
        BadCase("relu_grad", [ints, ints], TypeError, ("int32", "float32"))]

"""References for training/ops/batch_norm.py."""
import numpy as np

from . import BadCase, Case, rng

r = rng(32)
x = r.standard_normal((4, 3)).astype(np.float32)
mean, offset = r.standard_normal(3).astype(np.float32), r.standard_normal(3).astype(np.float32)
var, scale = r.uniform(0.5, 2, 3).astype(np.float32), r.uniform(0.5, 2, 3).astype(np.float32)


def batch_norm(x, m, v, o, s, variance_epsilon):
    return (x - m) / np.sqrt(v.astype(np.float64) + variance_epsilon) * s + o


# NHWC activations with per-channel statistics, as the converter sees it after a conv
x4 = r.standard_normal((2, 2, 2, 3)).astype(np.float32)
stats4 = [mean.reshape(1, 1, 1, 3), var.reshape(1, 1, 1, 3), offset, scale]
CASES = [Case("batch_norm", [x, mean, var, offset, scale], batch_norm, attrs={"variance_epsilon": 1e-3}),
         Case("batch_norm", [x4, *stats4], batch_norm, attrs={"variance_epsilon": 1e-2}, name="nhwc")]
BAD = [BadCase("batch_norm", [x, mean[:2], var, offset, scale], ValueError, ("[4, 3]", "[1, 2]"),
               attrs={"variance_epsilon": 1e-3}),
       BadCase("batch_norm", [x, mean.astype(np.float64), var, offset, scale], TypeError, ("float32", "float64"),
               attrs={"variance_epsilon": 1e-3})]

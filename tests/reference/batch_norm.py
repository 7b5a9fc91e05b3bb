"""References for training/ops/batch_norm.py."""
import numpy as np

from . import BadCase, Case, rng

r = rng(32)
x = r.standard_normal((4, 3)).astype(np.float32)
mean, offset = r.standard_normal(3).astype(np.float32), r.standard_normal(3).astype(np.float32)
var, scale = r.uniform(0.5, 2, 3).astype(np.float32), r.uniform(0.5, 2, 3).astype(np.float32)



def batch_norm(x, m, v, o, s, variance_epsilon):
    return (x - m) / np.sqrt(v.astype(np.float64) + variance_epsilon) * s + o


CASES = [Case("batch_norm", [x, mean, var, offset, scale], batch_norm, attrs={"variance_epsilon": 1e-3})]
BAD = [BadCase("batch_norm", [x, mean[:2], var, offset, scale], ValueError, ("[4, 3]", "[1, 2]"),
               attrs={"variance_epsilon": 1e-3})]

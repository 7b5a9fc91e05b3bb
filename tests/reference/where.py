"""References for training/ops/where.py."""
import numpy as np

from . import BadCase, Case, rng

r = rng(13)
cond = r.random((3, 4)) > 0.5
x = r.standard_normal((3, 4)).astype(np.float32)
y = r.standard_normal((4,)).astype(np.float32)

CASES = [Case("where", [cond, x, y], np.where)]
BAD = [BadCase("where", [x, x, x], TypeError, ("condition", "bool", "float32"))]

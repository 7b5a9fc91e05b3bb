"""References for training/ops/reshape.py."""
import numpy as np

from . import BadCase, Case, rng

x = rng(15).standard_normal((2, 3, 4)).astype(np.float32)

CASES = [
    Case("reshape", [x], lambda v, shape: v.reshape(shape), attrs={"shape": (6, -1)}),
    Case("reshape", [x], lambda v, shape: v.reshape(shape), attrs={"shape": (24,)}, name="flat"),
]
BAD = [BadCase("reshape", [x], ValueError, ("24 elements", "[5, 5]"), attrs={"shape": (5, 5)})]

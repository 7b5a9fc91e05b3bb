"""References for training/ops/creation.py."""
import numpy as np
from tensorlite.training.dtypes import float64, int32

from . import BadCase, Case, rng

r = rng(12)
x = r.standard_normal((3, 2)).astype(np.float32)

CASES = [
    Case("identity", [x], lambda v: v),
    Case("stop_gradient", [x], lambda v: v),
    Case("zeros_like", [x], np.zeros_like),
    Case("ones_like", [x], np.ones_like),
    Case("cast", [x], lambda v, dtype: v.astype(np.float64), attrs={"dtype": float64}, name="to_float64"),
    Case("cast", [x * 3], lambda v, dtype: np.trunc(v).astype(np.int32), attrs={"dtype": int32},
         name="to_int32_truncates", grad=False),  # integer output: no gradient
]

BAD = [BadCase("cast", [x], TypeError, ("target dtype",), attrs={"dtype": "complex64"})]

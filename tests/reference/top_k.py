"""References for training/ops/top_k.py: each row ranked by a Python sort on (-value, index)."""
import numpy as np

from . import BadCase, Case, rng

r = rng(61)
x = r.standard_normal((3, 2, 7)).astype(np.float32)
ties = np.array([[3, 1, 3, 2, 1, 3], [0, 0, 0, 5, 5, -1]], np.int32)


def top_k_ref(v, k, **_):
    values, indices = np.zeros(v.shape[:-1] + (k,), v.dtype), np.zeros(v.shape[:-1] + (k,), np.int32)
    for row in np.ndindex(*v.shape[:-1]):
        order = [i for _, i in sorted((-float(e), i) for i, e in enumerate(v[row]))]
        indices[row] = order[:k]
        values[row] = [v[row][i] for i in order[:k]]
    return values, indices


CASES = [
    Case("top_k", [x], top_k_ref, attrs={"k": 3, "sorted": True}),
    Case("top_k", [x], top_k_ref, attrs={"k": 7, "sorted": True}, name="all"),
    Case("top_k", [ties], top_k_ref, attrs={"k": 4, "sorted": True}, name="int32_ties"),
]
BAD = [
    BadCase("top_k", [x], ValueError, ("k must be in [0, 7]", "got 8"), attrs={"k": 8, "sorted": True}),
    BadCase("top_k", [x.astype(bool)], TypeError, ("top_k", "bool"), attrs={"k": 1, "sorted": True}),
]

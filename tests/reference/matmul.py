"""References for training/ops/matmul.py (a naive triple loop, not np.matmul)."""
import numpy as np

from . import BadCase, Case, rng


def naive_matmul(a, b, transpose_a=False, transpose_b=False):
    a = np.swapaxes(a, -1, -2) if transpose_a else a
    b = np.swapaxes(b, -1, -2) if transpose_b else b
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(b, batch + b.shape[-2:])
    m, k, n = a.shape[-2], a.shape[-1], b.shape[-1]
    out = np.zeros(batch + (m, n), np.float64)
    for idx in np.ndindex(*batch) if batch else [()]:
        for i in range(m):
            for j in range(n):
                out[idx + (i, j)] = sum(float(a[idx + (i, t)]) * float(b[idx + (t, j)]) for t in range(k))
    return out


r = rng(14)
A = r.standard_normal((3, 4)).astype(np.float32)
B = r.standard_normal((4, 5)).astype(np.float32)
BA = r.standard_normal((2, 3, 4)).astype(np.float32)

CASES = [
    Case("matmul", [A, B], naive_matmul, name="2d"),
    Case("matmul", [BA, B], naive_matmul, name="batched_broadcast"),
    Case("matmul", [A.T.copy(), B], naive_matmul, attrs={"transpose_a": True}, name="ta"),
    Case("matmul", [A, B.T.copy()], naive_matmul, attrs={"transpose_b": True}, name="tb"),
    Case("matmul", [A.T.copy(), B.T.copy()], naive_matmul, attrs={"transpose_a": True, "transpose_b": True},
         name="ta_tb"),
]

BAD = [
    BadCase("matmul", [A, A], ValueError, ("inner dimensions", "[3, 4]")),
    BadCase("matmul", [A, B.astype(np.float64)], TypeError, ("float32", "float64")),
]

"""BATCH_MATMUL in the C runtime against LiteRT (BUILTIN_REF) on one-op float32 models: adj_x and
adj_y, equal and broadcast batch dims (ranks 2 to 5, different ranks), rtol 1e-5."""
import numpy as np
import pytest

from .tflite_graph import one_op, refused, run_both

# (lhs batch, rhs batch, m, k, n)
CASES = [((), (), 3, 4, 5), ((2,), (2,), 3, 4, 5), ((2, 3), (1, 3), 2, 7, 3), ((4,), (), 5, 3, 2),
         ((), (3,), 4, 6, 1), ((2, 1, 3), (4, 1), 1, 5, 4), ((1, 2, 1), (2, 1, 2), 3, 3, 3), ((3,), (2, 1), 16, 33, 9)]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("adj_x", [False, True])
@pytest.mark.parametrize("adj_y", [False, True])
def test_matches_litert(case, adj_x, adj_y):
    lb, rb, m, k, n = case
    ls = lb + ((k, m) if adj_x else (m, k))
    rs = rb + ((n, k) if adj_y else (k, n))
    out = np.broadcast_shapes(lb, rb) + (m, n)
    rng = np.random.default_rng(m * k * n)
    a, b = rng.standard_normal(ls).astype(np.float32), rng.standard_normal(rs).astype(np.float32)
    content = one_op("BATCH_MATMUL", [(ls, "float32"), (rs, "float32")], [(out, "float32")], adj_x=adj_x, adj_y=adj_y)
    ours, ref = run_both(content, [a, b])
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-5, atol=1e-6)
    want = np.matmul(np.swapaxes(a, -1, -2) if adj_x else a, np.swapaxes(b, -1, -2) if adj_y else b)
    np.testing.assert_allclose(ours[0], want, rtol=1e-4, atol=1e-5)


def test_refusals():
    bad = one_op("BATCH_MATMUL", [((2, 3), "float32"), ((4, 5), "float32")], [((2, 5), "float32")])
    refused(bad, "BATCH_MATMUL", "inner dimensions differ")
    q = {"scale": [0.1], "zero_point": [0]}
    ints = one_op("BATCH_MATMUL", [((2, 3), "int8", q), ((3, 5), "int8", q)], [((2, 5), "int8", q)])
    refused(ints, "BATCH_MATMUL", "float32 only")
    bad_batch = one_op("BATCH_MATMUL", [((2, 2, 3), "float32"), ((3, 3, 5), "float32")], [((3, 2, 5), "float32")])
    refused(bad_batch, "BATCH_MATMUL", "broadcast")

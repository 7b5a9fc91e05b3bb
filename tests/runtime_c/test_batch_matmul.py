"""BATCH_MATMUL in the C runtime against LiteRT (BUILTIN_REF) on one-op models: float32 with adj_x and adj_y,
equal and broadcast batch dims (ranks 2 to 5, different ranks), rtol 1e-5; int8 (any zero points) and int16
(zero points 0) over the same shapes, several scales, a constant rhs and saturating outputs, bit-exact; refusals."""
import numpy as np
import pytest

from .tflite_graph import one_op, quant, random_values, refused, run_both

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
    ints = one_op("BATCH_MATMUL", [((2, 3), "int32"), ((3, 5), "int32")], [((2, 5), "int32")])
    refused(ints, "BATCH_MATMUL", "supports float32, int8 and int16")
    mixed = one_op("BATCH_MATMUL", [((2, 3), "int8", q), ((3, 5), "int8", q)], [((2, 5), "int16", q)])
    refused(mixed, "BATCH_MATMUL", "supports float32, int8 and int16")
    q16 = {"scale": [0.1], "zero_point": [1]}
    refused(one_op("BATCH_MATMUL", [((2, 3), "int16", q16), ((3, 5), "int16", q)], [((2, 5), "int16", q)]),
            "BATCH_MATMUL", "int16 zero points must be 0")
    refused(one_op("BATCH_MATMUL", [((2, 3), "int8", q), ((3, 5), "int8")], [((2, 5), "int8", q)]),
            "BATCH_MATMUL", "without scale")
    per_channel = {"scale": [0.1] * 5, "zero_point": [0] * 5, "quantized_dimension": 1}
    refused(one_op("BATCH_MATMUL", [((2, 3), "int8", q), ((3, 5), "int8", per_channel)], [((2, 5), "int8", q)]),
            "BATCH_MATMUL", "per-channel")
    bad_batch = one_op("BATCH_MATMUL", [((2, 2, 3), "float32"), ((3, 3, 5), "float32")], [((3, 2, 5), "float32")])
    refused(bad_batch, "BATCH_MATMUL", "broadcast")


# (lhs scale, lhs zp, rhs scale, rhs zp, output scale, output zp) per type; int16 inputs span the whole range
QUANTS = {"int8": [(0.05, 3, 0.04, -2, 0.2, 5), (0.01, -128, 0.02, 127, 0.3, -10), (0.5, 0, 0.5, 0, 20.0, 0),
                   (0.05, 10, 0.05, -10, 0.02, -100)],
          "int16": [(1e-3, 0, 1e-3, 0, 0.03, 0), (1e-3, 0, 2e-3, 0, 0.2, 0), (3e-4, 0, 1e-4, 0, 1e-4, 0)]}
QPARAMS = [(t, q) for t in QUANTS for q in QUANTS[t]]


@pytest.mark.parametrize("dtype,quants", QPARAMS)
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("adj", [(False, False), (True, True), (False, True)])
def test_integer_bit_exact(dtype, quants, case, adj):
    lb, rb, m, k, n = case
    adj_x, adj_y = adj
    sl, zl, sr, zr, so, zo = quants
    ls = lb + ((k, m) if adj_x else (m, k))
    rs = rb + ((n, k) if adj_y else (k, n))
    out = np.broadcast_shapes(lb, rb) + (m, n)
    rng = np.random.default_rng(m * k * n)
    a, b = random_values(rng, dtype, ls), random_values(rng, dtype, rs)
    content = one_op("BATCH_MATMUL", [(ls, dtype, quant(sl, zl)), (rs, dtype, quant(sr, zr))],
                     [(out, dtype, quant(so, zo))], adj_x=adj_x, adj_y=adj_y)
    ours, ref = run_both(content, [a, b])
    np.testing.assert_array_equal(ours[0], ref[0])


@pytest.mark.parametrize("dtype,quants", [("int8", QUANTS["int8"][0]), ("int16", QUANTS["int16"][0])])
def test_integer_constant_rhs_bit_exact(dtype, quants):
    sl, zl, sr, zr, so, zo = quants
    rng = np.random.default_rng(1)
    a, b = random_values(rng, dtype, (3, 4, 16)), random_values(rng, dtype, (16, 6))
    content = one_op("BATCH_MATMUL", [((3, 4, 16), dtype, quant(sl, zl)), ((16, 6), dtype, quant(sr, zr))],
                     [((3, 4, 6), dtype, quant(so, zo))], consts={1: (b, quant(sr, zr))})
    ours, ref = run_both(content, [a])
    np.testing.assert_array_equal(ours[0], ref[0])
    assert len(np.unique(ref[0])) > 10

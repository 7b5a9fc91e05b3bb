"""MUL in the C runtime against LiteRT (BUILTIN_REF) on single-op models: float32, int8 (asymmetric),
int16 (zero points 0) and int32 (wrapping), with broadcasting and each fused activation;
integers bit-exact."""
import numpy as np
import pytest

from .tflite_graph import Model, refused, run_both

QUANT = {"int8": ({"scale": [0.05], "zero_point": [3]}, {"scale": [0.02], "zero_point": [-7]},
                  {"scale": [0.01], "zero_point": [5]}),
         "int16": ({"scale": [0.001], "zero_point": [0]}, {"scale": [0.002], "zero_point": [0]},
                   {"scale": [0.0005], "zero_point": [0]})}
SHAPES = [((2, 3, 4), (2, 3, 4)), ((2, 3, 4), (4,)), ((1, 3, 1), (2, 1, 5)), ((3,), ())]


def mul_model(dtype, sa, sb, act):
    qa, qb, qo = QUANT.get(dtype, (None, None, None))
    out = np.broadcast_shapes(sa, sb)
    m = Model()
    g = m.subgraph()
    a, b = g.input("a", sa, dtype, qa), g.input("b", sb, dtype, qb)
    y = g.tensor("y", out, dtype, qo)
    g.op("MUL", [a, b], [y], fusedActivationFunction=act)
    g.output(y)
    return m.build()


def _data(rng, dtype, shape):
    if dtype == "float32":
        return rng.standard_normal(shape).astype(np.float32) * 3
    info = np.iinfo(dtype)
    if dtype == "int32":
        return rng.integers(-100000, 100000, shape).astype(np.int32)  # products overflow: wrapping is compared
    return rng.integers(info.min, info.max, shape, endpoint=True).astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "int8", "int16", "int32"])
@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("act", [0, 1, 3])  # NONE, RELU, RELU6
def test_mul_matches_litert(dtype, shapes, act):
    rng = np.random.default_rng(len(dtype) + act)
    content = mul_model(dtype, *shapes, act)
    feeds = [_data(rng, dtype, s) for s in shapes]
    (ours,), (ref,) = run_both(content, feeds)
    if dtype == "float32":
        np.testing.assert_allclose(ours, ref, rtol=1e-6)
    else:
        np.testing.assert_array_equal(ours, ref)


def test_int16_nonzero_zero_point_refused():
    m = Model()
    g = m.subgraph()
    q = {"scale": [0.01], "zero_point": [1]}
    a, b = g.input("a", [4], "int16", q), g.input("b", [4], "int16", q)
    y = g.tensor("y", [4], "int16", q)
    g.op("MUL", [a, b], [y])
    g.output(y)
    refused(m.build(), "MUL", "zero points 0")

"""DIV (with each fused activation) and SQUARED_DIFFERENCE in the C runtime against LiteRT
(BUILTIN_REF) on one-op float32 models with broadcasting; division by zero and NaN included
(rtol 1e-6, NaN where LiteRT has NaN). int32 DIV bit-exact against LiteRT (nonzero divisors)."""
import numpy as np
import pytest

from .tflite_graph import one_op, refused, run_both

SHAPES = [((2, 3, 4), (2, 3, 4)), ((2, 3, 4), (4,)), ((1, 3, 1), (2, 1, 5)), ((3,), ()), ((2, 1, 3, 1, 2), (3, 4, 1))]


def _feeds(sa, sb, seed):
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal(sa) * 5).astype(np.float32)
    b = (rng.standard_normal(sb) * 2).astype(np.float32)
    if b.size > 2:
        b.flat[:2] = [0.0, -0.0]
    if a.size > 1:
        a.flat[:2] = [np.nan, np.inf]
    return a, b


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("act", [0, 1, 2, 3])
def test_div_matches_litert(shapes, act):
    sa, sb = shapes
    content = one_op("DIV", [(sa, "float32"), (sb, "float32")], [(np.broadcast_shapes(sa, sb), "float32")],
                     fused_activation_function=act)
    ours, ref = run_both(content, _feeds(sa, sb, act))
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-6)


@pytest.mark.parametrize("shapes", SHAPES)
def test_squared_difference_matches_litert(shapes):
    sa, sb = shapes
    content = one_op("SQUARED_DIFFERENCE", [(sa, "float32"), (sb, "float32")],
                     [(np.broadcast_shapes(sa, sb), "float32")])
    ours, ref = run_both(content, _feeds(sa, sb, 9))
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-6)


@pytest.mark.parametrize("op", ["DIV", "SQUARED_DIFFERENCE"])
def test_refusals(op):
    bad = one_op(op, [((2, 3), "float32"), ((4,), "float32")], [((2, 3), "float32")])
    refused(bad, op, "broadcast")
    dtype = "int16" if op == "DIV" else "int32"  # DIV runs int32 (tests/runtime_c/test_int_ops.py)
    ints = one_op(op, [((2,), dtype), ((2,), dtype)], [((2,), dtype)])
    refused(ints, op, "(float32 only|supports float32 and int32)")


@pytest.mark.parametrize("shapes", SHAPES[:4])
@pytest.mark.parametrize("act", [0, 1, 3])
def test_div_int32_matches_litert(shapes, act):
    """int32 DIV (TFLM's audio preprocessor uses it): C division, truncating toward zero, then the clamp."""
    sa, sb = shapes
    rng = np.random.default_rng(act + 40)
    a = rng.integers(-100000, 100000, sa).astype(np.int32)
    b = rng.integers(1, 300, sb).astype(np.int32) * rng.choice(np.array([-1, 1], np.int32), sb)
    content = one_op("DIV", [(sa, "int32"), (sb, "int32")], [(np.broadcast_shapes(sa, sb), "int32")],
                     fused_activation_function=act)
    ours, ref = run_both(content, [a, b])
    np.testing.assert_array_equal(ours[0], ref[0])

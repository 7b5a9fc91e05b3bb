"""DIV (with each fused activation) and SQUARED_DIFFERENCE in the C runtime against LiteRT
(BUILTIN_REF) on one-op float32 models with broadcasting; division by zero and NaN included
(rtol 1e-6, NaN where LiteRT has NaN). int32 DIV bit-exact against LiteRT (nonzero divisors). int8
SQUARED_DIFFERENCE bit-exact against LiteRT over every pair of input values, for several scales and zero points
(saturating ones included), with broadcasting; and its refusals."""
import numpy as np
import pytest

import tensorlite as tl

from .tflite_graph import litert_interpreter, one_op, quant, random_values, refused, run, run_both

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
    # DIV runs int32 (tests/runtime_c/test_int_ops.py) and quantized types (test_div_quantized.py)
    ints = one_op(op, [((2,), "int64"), ((2,), "int64")], [((2,), "int64")])
    refused(ints, op, "(float32 only|supports float32, int32, int8, uint8 and int16|supports float32, int8 and int32)")


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



def test_div_int32_by_zero_fails_the_invoke_as_litert():
    """A 0 divisor fails the invoke in both runtimes (LiteRT: "data[i] != zero_point"); the next invoke with
    nonzero divisors answers again."""
    content = one_op("DIV", [((4,), "int32"), ((4,), "int32")], [((4,), "int32")])
    a, zero, ok = np.array([5, 6, 7, -8], np.int32), np.array([1, 0, 2, 3], np.int32), np.array([1, 4, 2, 3], np.int32)
    with pytest.raises(RuntimeError):
        run(litert_interpreter(content), [a, zero])
    it = tl.lite.Interpreter(model_content=content)
    with pytest.raises(RuntimeError, match="DIV.*division by zero"):
        run(it, [a, zero])
    np.testing.assert_array_equal(run(it, [a, ok])[0], [5, 1, 3, -2])

EVERY_INT8 = np.arange(-128, 128, dtype=np.int8)
# (a scale, a zp, b scale, b zp, output scale, output zp)
SQD_QUANTS = [(0.05, 0, 0.05, 0, 0.01, -128), (0.1, -10, 0.03, 20, 0.5, -128), (0.02, 5, 0.02, -5, 0.002, -100),
              (0.5, 100, 0.7, -60, 2.0, -128), (0.01, 0, 0.1, 0, 0.05, 0), (0.03, -128, 0.03, 127, 0.001, 10)]


@pytest.mark.parametrize("quants", SQD_QUANTS)
def test_squared_difference_int8_every_pair_bit_exact(quants):
    sa, za, sb, zb, so, zo = quants
    content = one_op("SQUARED_DIFFERENCE", [((256, 1), "int8", quant(sa, za)), ((1, 256), "int8", quant(sb, zb))],
                     [((256, 256), "int8", quant(so, zo))])
    ours, ref = run_both(content, [EVERY_INT8.reshape(256, 1), EVERY_INT8.reshape(1, 256)])
    np.testing.assert_array_equal(ours[0], ref[0])
    assert len(np.unique(ref[0])) > 10


@pytest.mark.parametrize("shapes", SHAPES)
def test_squared_difference_int8_broadcasts_bit_exact(shapes):
    sa, sb = shapes
    rng = np.random.default_rng(5)
    content = one_op("SQUARED_DIFFERENCE", [(sa, "int8", quant(0.04, 3)), (sb, "int8", quant(0.06, -7))],
                     [(np.broadcast_shapes(sa, sb), "int8", quant(0.1, -120))])
    ours, ref = run_both(content, [random_values(rng, "int8", sa), random_values(rng, "int8", sb)])
    np.testing.assert_array_equal(ours[0], ref[0])


def test_squared_difference_int8_refusals():
    x = ((2, 3), "int8", quant(0.05, 0))
    refused(one_op("SQUARED_DIFFERENCE", [x, x], [((2, 3), "int8", quant(1e-7, 0))]), "SQUARED_DIFFERENCE",
            "output scale too small")
    refused(one_op("SQUARED_DIFFERENCE", [x, ((2, 3), "int8")], [((2, 3), "int8", quant(0.1, 0))]),
            "SQUARED_DIFFERENCE", "without scale")
    refused(one_op("SQUARED_DIFFERENCE", [x, x], [((2, 3), "int16", quant(0.1, 0))]), "SQUARED_DIFFERENCE",
            "supports float32, int8 and int32")

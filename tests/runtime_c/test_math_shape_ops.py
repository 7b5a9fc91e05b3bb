"""Edge cases and refusals of the elementwise, math and simple shape builtins whose main cases are
op_cases_math.py's (run by test_op_coverage.py): ATAN2 (float64 too), RIGHT_SHIFT and BITWISE_XOR (uint16 and
uint32 too, every shift amount), ADD_N (int32 wrapping), RANGE and BROADCAST_ARGS (values known only at invoke),
BUCKETIZE (float64, NaN, integers compared as floats), BITCAST, MATRIX_DIAG / MATRIX_SET_DIAG (uint32; the types
LiteRT's reference misreads are refused), REVERSE_SEQUENCE and DYNAMIC_UPDATE_SLICE (clamped starts, more types),
L2_POOL_2D and LOCAL_RESPONSE_NORMALIZATION, STABLEHLO_ADD / MULTIPLY / MAXIMUM / MINIMUM / PAD (float64, uint16,
uint32, NaN), uint8 LOGISTIC / TANH / GELU / HARD_SWISH / LOG_SOFTMAX and int8 EXP / LOG on every input byte, int64
MUL, int8/int16
FLOOR_MOD and int32 SQUARED_DIFFERENCE, and shape rules after a resize, each bit-exact against LiteRT's
reference kernels (BUILTIN_REF; LRN within 2 ulp), and the models prepare must refuse, with a message naming the op."""
import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter, run
from tests.runtime_c import (
    op_cases_math,  # noqa: F401 (registers the options tables of its builtins)
    tflite_graph,
)
from tests.runtime_c.test_resize import _batch_model
from tests.runtime_c.tflite_graph import Model, check_against_litert, one_op, quant, random_values, refused

tflite_graph.OPTIONS.setdefault("RIGHT_SHIFT", "RightShiftOptions")
tflite_graph.OPTIONS.setdefault("BITWISE_XOR", "BitwiseXorOptions")
tflite_graph.OPTIONS.setdefault("ADD_N", "AddNOptions")
tflite_graph.OPTIONS.setdefault("STRIDED_SLICE", "StridedSliceOptions")


def test_atan2_float64():
    rng = np.random.default_rng(1)
    y, x = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    check_against_litert(one_op("ATAN2", [((3, 5), "float64")] * 2, [((3, 5), "float64")]), [y, x])


def test_atan2_refuses_broadcasting_and_integers():
    refused(one_op("ATAN2", [((2, 3), "float32"), ((3,), "float32")], [((2, 3), "float32")]), "ATAN2",
            "one shape")
    refused(one_op("ATAN2", [((3,), "int32")] * 2, [((3,), "int32")]), "ATAN2", "supports float32 and float64")


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "uint16", "int32", "uint32"])
def test_right_shift_every_amount(dtype):
    """Shift amounts below 0 and of the type's width or more (LiteRT clamps them), on the type's extremes."""
    info = np.iinfo(dtype)
    xs = np.array([info.min, info.min + 1, -7 if info.min else 7, 0, 1, 100, info.max], dtype)
    ys = np.unique(np.clip(np.array([-128, -3, -1, 0, 1, 3, 7, 8, 15, 16, 31, 32, 33, 127, 300]), info.min,
                           info.max)).astype(dtype)
    x, y = (a.ravel() for a in np.meshgrid(xs, ys))
    n = x.size
    check_against_litert(one_op("RIGHT_SHIFT", [((n,), dtype)] * 2, [((n,), dtype)]), [x, y])


@pytest.mark.parametrize("dtype", ["uint16", "uint32"])
@pytest.mark.parametrize("op", ["RIGHT_SHIFT", "BITWISE_XOR"])
def test_bitwise_unsigned_wide_types_broadcast(op, dtype):
    rng = np.random.default_rng(2)
    a, b = random_values(rng, dtype, (2, 3, 4)), random_values(rng, dtype, (3, 1))
    check_against_litert(one_op(op, [((2, 3, 4), dtype), ((3, 1), dtype)], [((2, 3, 4), dtype)]), [a, b])


@pytest.mark.parametrize("op", ["RIGHT_SHIFT", "BITWISE_XOR"])
def test_bitwise_refusals(op):
    refused(one_op(op, [((3,), "int64")] * 2, [((3,), "int64")]), op, "supports int8, int16, int32")
    refused(one_op(op, [((3,), "int32"), ((3,), "int16")], [((3,), "int32")]), op, "types differ")
    refused(one_op(op, [((3,), "int32"), ((4,), "int32")], [((3,), "int32")]), op, "do not broadcast")


def test_add_n_int32_wraps():
    big = np.array([2**31 - 1, -(2**31), 2**30, -5], np.int32)
    check_against_litert(one_op("ADD_N", [((4,), "int32")] * 3, [((4,), "int32")]), [big, big, big])


def test_add_n_refusals():
    refused(one_op("ADD_N", [((3,), "float32")], [((3,), "float32")]), "ADD_N", "at least 2 inputs")
    refused(one_op("ADD_N", [((3,), "float32"), ((1,), "float32")], [((3,), "float32")]), "ADD_N", "one shape")
    refused(one_op("ADD_N", [((3,), "int64")] * 2, [((3,), "int64")]), "ADD_N", "supports float32 and int32")


def _invoke(model, feeds):
    it = tl.lite.Interpreter(model_content=model)
    it.allocate_tensors()
    for d, x in zip(it.get_input_details(), feeds):
        it.set_tensor(d["index"], x)
    it.invoke()
    return it


def test_range_values_known_at_invoke_must_give_the_planned_length():
    """A length computed at invoke is not supported: the invoke fails naming both lengths (LiteRT would resize)."""
    model = one_op("RANGE", [([], "int32")] * 3, [([3], "int32")])
    _invoke(model, [np.array(0, np.int32), np.array(9, np.int32), np.array(3, np.int32)])
    with pytest.raises((RuntimeError, ValueError), match=r"RANGE.*give 5 elements, the output holds 3"):
        _invoke(model, [np.array(0, np.int32), np.array(9, np.int32), np.array(2, np.int32)])


def test_range_refusals():
    c = {0: np.array(0, np.int32), 1: np.array(5, np.int32), 2: np.array(0, np.int32)}
    refused(one_op("RANGE", [([], "int32")] * 3, [([5], "int32")], consts=c), "RANGE", "delta is 0")
    c[2] = np.array(2, np.int32)
    refused(one_op("RANGE", [([], "int32")] * 3, [([4], "int32")], consts=c), "RANGE", "give 3 elements")
    refused(one_op("RANGE", [([], "float64")] * 3, [([4], "float64")]), "RANGE", "supports int32, int64 and float32")


def test_range_from_a_folded_shape_follows_a_resize():
    """RANGE(0, SHAPE(x)[0], 1), folded at allocation, has the resized batch's length."""
    m = Model()
    g = m.subgraph()
    x = g.input("x", [2, 3], "float32")
    g.g.tensors[x].shapeSignature = [-1, 3]
    shape, n, r = g.tensor("shape", [2], "int32"), g.tensor("n", [], "int32"), g.tensor("r", [2], "int32")
    g.op("SHAPE", [x], [shape], out_type=2)  # int32
    g.op("STRIDED_SLICE", [shape, g.const("b", np.array([0], np.int32)), g.const("e", np.array([1], np.int32)),
                           g.const("s", np.array([1], np.int32))], [n], shrink_axis_mask=1)
    g.op("RANGE", [g.const("zero", np.array(0, np.int32)), n, g.const("one", np.array(1, np.int32))], [r])
    g.output(r)
    data = m.build()
    for it in (tl.lite.Interpreter(model_content=data), litert_interpreter(data)):
        it.resize_tensor_input(it.get_input_details()[0]["index"], [5, 3], strict=True)
        got = run(it, [np.zeros((5, 3), np.float32)])[0]
        np.testing.assert_array_equal(got, np.arange(5, dtype=np.int32))


def test_broadcast_args_shapes_that_do_not_broadcast():
    model = one_op("BROADCAST_ARGS", [([2], "int32"), ([2], "int32")], [([2], "int32")])
    with pytest.raises((RuntimeError, ValueError), match="BROADCAST_ARGS.*do not broadcast"):
        _invoke(model, [np.array([2, 3], np.int32), np.array([4, 3], np.int32)])
    consts = {0: np.array([2, 3], np.int64), 1: np.array([4, 3], np.int64)}
    refused(one_op("BROADCAST_ARGS", [([2], "int64")] * 2, [([2], "int64")], consts=consts), "BROADCAST_ARGS",
            "do not broadcast")
    refused(one_op("BROADCAST_ARGS", [([2], "int32"), ([3], "int32")], [([2], "int32")]), "BROADCAST_ARGS",
            "longer shape")


def test_bucketize_float64_and_nan():
    x = np.array([-np.inf, -1.0, -0.5, 0.0, np.nan, 2.5, 2.50001, np.inf, 1e300], np.float64)
    check_against_litert(one_op("BUCKETIZE", [((9,), "float64")], [((9,), "int32")], boundaries=[-1.0, 0.0, 2.5]),
                         [x])
    xf = x.astype(np.float32)
    check_against_litert(one_op("BUCKETIZE", [((9,), "float32")], [((9,), "int32")], boundaries=[-1.0, 0.0, 2.5]),
                         [xf])


def test_bucketize_int_compared_as_float():
    """2^24 + 1 converts to 2^24 as a float: it lands with 2^24, as in LiteRT."""
    x = np.array([2**24, 2**24 + 1, 2**24 + 2, -(2**31)], np.int32)
    check_against_litert(one_op("BUCKETIZE", [((4,), "int32")], [((4,), "int32")],
                                boundaries=[16777216.0, 16777218.0]), [x])


def test_bucketize_refusals():
    refused(one_op("BUCKETIZE", [((3,), "float32")], [((3,), "int32")], boundaries=[1.0, 0.0]), "BUCKETIZE",
            "ascending")
    refused(one_op("BUCKETIZE", [((3,), "int8")], [((3,), "int32")], boundaries=[1.0]), "BUCKETIZE",
            "supports float32, float64")


def test_bitcast_refusals():
    refused(one_op("BITCAST", [((2, 3), "float32")], [((2, 3), "uint8")]), "BITCAST", "tf.bitcast")
    refused(one_op("BITCAST", [((2, 3), "int8")], [((2,), "int32")]), "BITCAST", "tf.bitcast")


@pytest.mark.parametrize("dtype", ["uint32"])
def test_matrix_diag_uint32(dtype):
    rng = np.random.default_rng(3)
    check_against_litert(one_op("MATRIX_DIAG", [((2, 3), dtype)], [((2, 3, 3), dtype)]),
                         [random_values(rng, dtype, (2, 3))])
    check_against_litert(one_op("MATRIX_SET_DIAG", [((3, 5), dtype), ((3,), dtype)], [((3, 5), dtype)]),
                         [random_values(rng, dtype, (3, 5)), random_values(rng, dtype, (3,))])


@pytest.mark.parametrize("dtype", ["float64", "uint16", "bool"])
def test_matrix_diag_types_litert_misreads_are_refused(dtype):
    refused(one_op("MATRIX_DIAG", [((3,), dtype)], [((3, 3), dtype)]), "MATRIX_DIAG", "supports float32")
    refused(one_op("MATRIX_SET_DIAG", [((3, 3), dtype), ((3,), dtype)], [((3, 3), dtype)]), "MATRIX_SET_DIAG",
            "supports float32")


def test_matrix_set_diag_shape_refused():
    refused(one_op("MATRIX_SET_DIAG", [((3, 4), "float32"), ((4,), "float32")], [((3, 4), "float32")]),
            "MATRIX_SET_DIAG", "min")


def test_reverse_sequence_bad_lengths():
    refused(one_op("REVERSE_SEQUENCE", [((2, 3), "float32"), None], [((2, 3), "float32")],
                   consts={1: np.array([1, 4], np.int32)}, seq_dim=1, batch_dim=0), "REVERSE_SEQUENCE",
            "above the sequence dimension")
    refused(one_op("REVERSE_SEQUENCE", [((2, 3), "float32"), ((2,), "int32")], [((2, 3), "float32")],
                   seq_dim=1, batch_dim=1), "REVERSE_SEQUENCE", "two different dimensions")
    model = one_op("REVERSE_SEQUENCE", [((2, 3), "float32"), ((2,), "int32")], [((2, 3), "float32")],
                   seq_dim=1, batch_dim=0)
    with pytest.raises((RuntimeError, ValueError), match="REVERSE_SEQUENCE.*below 0 or above"):
        _invoke(model, [np.zeros((2, 3), np.float32), np.array([-1, 2], np.int32)])


@pytest.mark.parametrize("dtype", ["float64", "uint16", "uint32"])
def test_dynamic_update_slice_more_types(dtype):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((4, 5)) if dtype == "float64" else random_values(rng, dtype, (4, 5))
    u = rng.standard_normal((2, 2)) if dtype == "float64" else random_values(rng, dtype, (2, 2))
    for start in ([-3, 4], [1, 1], [7, -1]):
        check_against_litert(one_op("DYNAMIC_UPDATE_SLICE", [((4, 5), dtype), ((2, 2), dtype), ((2,), "int32")],
                                    [((4, 5), dtype)]), [x.astype(dtype), u.astype(dtype), np.array(start, np.int32)])


def test_dynamic_update_slice_refusals():
    refused(one_op("DYNAMIC_UPDATE_SLICE", [((2, 2), "float32"), ((3, 1), "float32"), ((2,), "int32")],
                   [((2, 2), "float32")]), "DYNAMIC_UPDATE_SLICE", "larger than the operand")
    refused(one_op("DYNAMIC_UPDATE_SLICE", [((2, 2), "float32"), ((1, 1), "float32"), ((3,), "int32")],
                   [((2, 2), "float32")]), "DYNAMIC_UPDATE_SLICE", "one per operand dimension")


RESIZED = {  # builtin: (model with a -1 batch, batch to resize to)
    "MATRIX_DIAG": (_batch_model("MATRIX_DIAG", [([1, 4], "float32")], [1, 4, 4]), 3),
    "MATRIX_SET_DIAG": (_batch_model("MATRIX_SET_DIAG", [([1, 3, 4], "float32"), ([1, 3], "float32")], [1, 3, 4]), 2),
    "BUCKETIZE": (_batch_model("BUCKETIZE", [([1, 5], "float32")], [1, 5], "int32", boundaries=[0.0, 1.0]), 3),
    "BITCAST": (_batch_model("BITCAST", [([1, 3], "float32")], [1, 3, 4], "uint8"), 2),
    "DYNAMIC_UPDATE_SLICE": (_batch_model("DYNAMIC_UPDATE_SLICE", [([1, 5], "float32"), None, None], [1, 5],
                                          consts={1: np.ones((1, 2), np.float32), 2: np.array([0, 2], np.int32)}), 3),
    "ATAN2": (_batch_model("ATAN2", [([1, 3], "float32"), ([1, 3], "float32")], [1, 3]), 4),
    "ADD_N": (_batch_model("ADD_N", [([1, 3], "float32"), ([1, 3], "float32")], [1, 3]), 4),
}


@pytest.mark.parametrize("op", sorted(RESIZED))
def test_shape_rules_after_a_resize(op):
    data, batch = RESIZED[op]
    results = []
    for it in (tl.lite.Interpreter(model_content=data), litert_interpreter(data)):
        feeds = []
        for d in it.get_input_details():
            shape = [batch, *d["shape"][1:]]
            it.resize_tensor_input(d["index"], shape, strict=True)
            feeds.append(np.random.default_rng(5).standard_normal(shape).astype(np.float32))
        results.append(run(it, feeds))
    (got,), (want,) = results
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_l2_pool_refuses_integers():
    refused(one_op("L2_POOL_2D", [((1, 4, 4, 1), "int8", {"scale": [0.1], "zero_point": [0]})],
                   [((1, 2, 2, 1), "int8", {"scale": [0.1], "zero_point": [0]})], filter_height=2, filter_width=2,
                   stride_h=2, stride_w=2, padding=1), "L2_POOL_2D", "supports float32")


@pytest.mark.parametrize("radius", [0, 1, 7])
def test_local_response_normalization_radius(radius):
    """Radius 0 (an empty window: x * bias^-beta) and one wider than the depth; float32 within 2 ulp of LiteRT."""
    x = np.random.default_rng(radius).standard_normal((2, 3, 2, 5)).astype(np.float32)
    model = one_op("LOCAL_RESPONSE_NORMALIZATION", [((2, 3, 2, 5), "float32")], [((2, 3, 2, 5), "float32")],
                   radius=radius, bias=2.0, alpha=0.3, beta=0.6)
    check_against_litert(model, [x], rtol=3e-7, atol=1e-30)


def test_local_response_normalization_refusals():
    refused(one_op("LOCAL_RESPONSE_NORMALIZATION", [((3, 5), "float32")], [((3, 5), "float32")], radius=1),
            "LOCAL_RESPONSE_NORMALIZATION", "4-D")
    refused(one_op("LOCAL_RESPONSE_NORMALIZATION", [((1, 1, 3, 5), "float32")], [((1, 1, 3, 5), "float32")],
                   radius=-1), "LOCAL_RESPONSE_NORMALIZATION", "radius")


SHLO = ["STABLEHLO_ADD", "STABLEHLO_MULTIPLY", "STABLEHLO_MAXIMUM", "STABLEHLO_MINIMUM"]


@pytest.mark.parametrize("dtype", ["float64", "uint16", "uint32"])
@pytest.mark.parametrize("op", SHLO)
def test_stablehlo_binary_more_types(op, dtype):
    rng = np.random.default_rng(6)
    a, b = ((rng.standard_normal((3, 4)), rng.standard_normal((3, 4))) if dtype == "float64"
            else (random_values(rng, dtype, (3, 4)), random_values(rng, dtype, (3, 4))))
    check_against_litert(one_op(op, [((3, 4), dtype)] * 2, [((3, 4), dtype)]), [a, b])


@pytest.mark.parametrize("op", SHLO)
def test_stablehlo_binary_nan_inf_and_signed_zero(op):
    a = np.array([np.nan, 1.0, np.nan, np.inf, -np.inf, 0.0, -0.0, 3.0], np.float32)
    b = np.array([2.0, np.nan, np.nan, -np.inf, 5.0, -0.0, 0.0, -3.0], np.float32)
    check_against_litert(one_op(op, [((8,), "float32")] * 2, [((8,), "float32")]), [a, b])


@pytest.mark.parametrize("op", SHLO)
def test_stablehlo_binary_refusals(op):
    refused(one_op(op, [((2, 3), "float32"), ((3,), "float32")], [((2, 3), "float32")]), op, "one shape")
    refused(one_op(op, [((3,), "float16")] * 2, [((3,), "float16")]), op, "float16: not implemented")


@pytest.mark.parametrize("dtype", ["float64", "uint16", "uint32"])
def test_stablehlo_pad_more_types(dtype):
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 3)) if dtype == "float64" else random_values(rng, dtype, (2, 3))
    v = np.array(7, dtype)
    check_against_litert(one_op("STABLEHLO_PAD", [((2, 3), dtype), ((), dtype)], [((5, 6), dtype)],
                                edge_padding_low=[1, -1], edge_padding_high=[2, 2], interior_padding=[0, 1]),
                         [x.astype(dtype), v])


def test_stablehlo_pad_refusals():
    spec = [((2, 3), "float32"), ((), "float32")]
    refused(one_op("STABLEHLO_PAD", spec, [((2, 4), "float32")], edge_padding_low=[0, 0], edge_padding_high=[0, 0],
                   interior_padding=[0, 0]), "STABLEHLO_PAD", "padded operand")
    refused(one_op("STABLEHLO_PAD", spec, [((2, 1), "float32")], edge_padding_low=[0, 0], edge_padding_high=[0, 0],
                   interior_padding=[0, -1]), "STABLEHLO_PAD", "interior_padding must be >= 0")
    refused(one_op("STABLEHLO_PAD", spec, [((2, 3), "float32")], edge_padding_low=[0], edge_padding_high=[0, 0],
                   interior_padding=[0, 0]), "STABLEHLO_PAD", "one value per dimension")


U8_FIXED = {"LOGISTIC": quant(1 / 256, 0), "TANH": quant(1 / 128, 128), "LOG_SOFTMAX": quant(16 / 256, 255)}


@pytest.mark.parametrize("in_q", [quant(0.05, 125), quant(0.02, 0), quant(0.1, 255)])
@pytest.mark.parametrize("op", ["LOGISTIC", "TANH", "GELU", "HARD_SWISH", "LOG_SOFTMAX"])
def test_uint8_activations_every_input_byte(op, in_q):
    """Every uint8 input byte, both tiers (the optimized one looks the bytes up in a table), equal to LiteRT."""
    x = np.arange(256, dtype=np.uint8).reshape(8, 32)
    out_q = U8_FIXED.get(op, quant(0.04, 60))
    model = one_op(op, [((8, 32), "uint8", in_q)], [((8, 32), "uint8", out_q)])
    want = run(litert_interpreter(model), [x])[0]
    for tier in (tl.lite.OpResolverType.BUILTIN_REF, tl.lite.OpResolverType.AUTO):
        got = run(tl.lite.Interpreter(model_content=model, experimental_op_resolver_type=tier), [x])[0]
        np.testing.assert_array_equal(got, want)


def test_mul_int64_wraps_then_clamps():
    a = np.array([2**62, -(2**63), 3, -7, 2**40], np.int64)
    b = np.array([4, -1, -5, 9, 2**30], np.int64)
    for act in (0, 1):  # none, RELU
        check_against_litert(one_op("MUL", [((5,), "int64")] * 2, [((5,), "int64")], fused_activation_function=act),
                             [a, b])


@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_floor_mod_small_ints_signs(dtype):
    info = np.iinfo(dtype)
    a = np.array([info.min, info.min, info.max, -7, 7, -7, 0, -1], dtype)
    b = np.array([-1, 3, -2, 3, -3, -3, 5, info.min], dtype)
    check_against_litert(one_op("FLOOR_MOD", [((8,), dtype)] * 2, [((8,), dtype)]), [a, b])


def test_squared_difference_int32_wraps():
    a = np.array([2**31 - 1, -(2**31), 70000, -3], np.int32)
    b = np.array([-(2**31), 2**31 - 1, -70000, 3], np.int32)
    check_against_litert(one_op("SQUARED_DIFFERENCE", [((4,), "int32")] * 2, [((4,), "int32")]), [a, b])


@pytest.mark.parametrize("in_q", [quant(0.05, -3), quant(0.02, -128), quant(0.1, 100)])
@pytest.mark.parametrize("op", ["EXP", "LOG"])
def test_int8_exp_log_every_input_byte(op, in_q):
    """Every int8 byte, both tiers; LOG of values <= 0 (infinite or NaN) lands on -128 as in LiteRT's table."""
    x = np.arange(-128, 128, dtype=np.int8).reshape(8, 32)
    model = one_op(op, [((8, 32), "int8", in_q)], [((8, 32), "int8", quant(0.07, -20))])
    want = run(litert_interpreter(model), [x])[0]
    for tier in (tl.lite.OpResolverType.BUILTIN_REF, tl.lite.OpResolverType.AUTO):
        got = run(tl.lite.Interpreter(model_content=model, experimental_op_resolver_type=tier), [x])[0]
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype,in_q,out_q", [
    ("int8", quant(0.05, -3), quant(0.06, 2)), ("int8", quant(0.05, 10), quant(0.05, -128)),
    ("int8", quant(0.02, -128), quant(0.01, -128)), ("int16", quant(0.001, 0), quant(0.0012, 0)),
    ("int16", quant(0.002, 0), quant(0.002, 0)), ("int16", quant(0.003, 0), quant(0.0007, 0))])
def test_quantized_abs_every_value(dtype, in_q, out_q):
    """int8: every byte; int16: every 7th value; equal scales (no rescale) and rescales up and down."""
    info = np.iinfo(dtype)
    x = np.arange(info.min, info.max + 1, 1 if dtype == "int8" else 7).astype(dtype)
    check_against_litert(one_op("ABS", [((x.size,), dtype, in_q)], [((x.size,), dtype, out_q)]), [x])

"""EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL and LOGICAL_AND / OR / NOT in the C
runtime against LiteRT (BUILTIN_REF), on single-op models over each type, with and without
broadcasting. Quantized int8/uint8 inputs (and int16 with quantization for EQUAL/NOT_EQUAL) compare
LiteRT's rescaled values bit for bit, including values whose rescaled forms round together; the
orderings compare quantized int16 inputs' stored values, as LiteRT does.
Where LiteRT takes no such type (or leaves the output unwritten: unquantized int16 NOT_EQUAL) the
reference is NumPy."""
import numpy as np
import pytest
from tensorlite.runtime import Interpreter

from tests.litert import run

from .tflite_graph import Model, one_op, run_both

COMPARISONS = {"EQUAL": np.equal, "NOT_EQUAL": np.not_equal, "LESS": np.less, "LESS_EQUAL": np.less_equal,
               "GREATER": np.greater, "GREATER_EQUAL": np.greater_equal}
SHAPES = {"same": ([2, 3, 4], [2, 3, 4]), "broadcast": ([2, 1, 4], [3, 1]), "scalar": ([5], [])}
QUANT = {"int8": {"scale": [0.05], "zero_point": [3]}, "uint8": {"scale": [0.04], "zero_point": [128]},
         "int16": {"scale": [0.001], "zero_point": [0]}}
QUANT_B = {"int8": {"scale": [0.07], "zero_point": [-5]}, "uint8": {"scale": [0.04], "zero_point": [120]},
           "int16": {"scale": [0.0015], "zero_point": [0]}}


def _model(op, a_shape, b_shape, dtype, quant=None, quant_b=None, out_dtype="bool", n_inputs=2):
    out_shape = list(np.broadcast_shapes(tuple(a_shape), tuple(b_shape)))
    m = Model()
    g = m.subgraph()
    a = g.input("a", a_shape, dtype, quant)
    ins = [a] if n_inputs == 1 else [a, g.input("b", b_shape, dtype, quant_b)]
    y = g.tensor("y", out_shape, out_dtype)
    g.op(op, ins, [y])
    g.output(y)
    return m.build()


def _values(rng, dtype, shape):
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype == "float32":
        return rng.integers(-4, 5, shape).astype(np.float32) / 2  # many ties
    info = np.iinfo(dtype)
    lo, hi = max(info.min, -6), min(info.max, 6)
    if dtype == "uint8":
        lo, hi = 118, 132
    return rng.integers(lo, hi, shape, endpoint=True).astype(dtype)


@pytest.mark.parametrize("shapes", sorted(SHAPES))
@pytest.mark.parametrize("dtype", ["float32", "int32", "int64", "int16", "int8", "uint8", "bool"])
@pytest.mark.parametrize("op", sorted(COMPARISONS))
def test_comparison_matches_litert(op, dtype, shapes):
    if dtype == "bool" and op not in ("EQUAL", "NOT_EQUAL"):
        content = _model(op, [2], [2], dtype)
        with pytest.raises(ValueError, match="supports float32"):
            Interpreter(model_content=content).allocate_tensors()
        return
    a_shape, b_shape = SHAPES[shapes]
    quant = QUANT.get(dtype) if dtype in ("int8", "uint8") else None
    quant_b = QUANT_B.get(dtype) if dtype in ("int8", "uint8") else None
    rng = np.random.default_rng(len(op) * 7 + len(dtype))
    a, b = _values(rng, dtype, a_shape), _values(rng, dtype, b_shape)
    content = _model(op, a_shape, b_shape, dtype, quant, quant_b)
    if op == "NOT_EQUAL" and dtype == "int16":  # LiteRT computes nothing for unquantized int16
        (got,), want = run(Interpreter(model_content=content), [a, b]), None
    else:
        (got,), (want,) = run_both(content, [a, b])
    assert got.dtype == np.bool_ and got.shape == tuple(np.broadcast_shapes(a.shape, b.shape))
    if want is not None:
        np.testing.assert_array_equal(got, want)
    if quant is None:
        np.testing.assert_array_equal(got, COMPARISONS[op](a, b))


@pytest.mark.parametrize("op", ["EQUAL", "NOT_EQUAL"])
def test_quantized_int16_equality_rescales_like_litert(op):
    rng = np.random.default_rng(5)
    a = rng.integers(-3000, 3000, (64,)).astype(np.int16)
    b = (a * 2 // 3 + rng.integers(-1, 2, a.shape)).astype(np.int16)  # near-equal real values
    content = _model(op, [64], [64], "int16", QUANT["int16"], QUANT_B["int16"])
    (got,), (want,) = run_both(content, [a, b])
    np.testing.assert_array_equal(got, want)
    assert 0 < np.count_nonzero(got) < got.size



@pytest.mark.parametrize("op", ["LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL"])
def test_quantized_int16_ordering_compares_stored_values_like_litert(op):
    """LiteRT orders quantized int16 inputs by their stored values, whatever their scales and zero points
    (only EQUAL and NOT_EQUAL rescale); the runtime gives LiteRT's answer, which here is not the real values'."""
    rng = np.random.default_rng(6)
    a = rng.integers(-3000, 3000, (64,)).astype(np.int16)
    b = (a * 2 // 3 + rng.integers(-1, 2, a.shape)).astype(np.int16)
    quant_b = {"scale": [0.0015], "zero_point": [4]}
    (got,), (want,) = run_both(_model(op, [64], [64], "int16", QUANT["int16"], quant_b), [a, b])
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, COMPARISONS[op](a, b))
    real = COMPARISONS[op](a * 0.001, (b.astype(np.int32) - 4) * 0.0015)
    assert np.count_nonzero(got != real) > 0


def test_quantized_comparison_rounds_close_values_together_like_litert():
    # scale 1e-4: (q - zp) * 256 * scale rounds neighbours to the same integer, so LiteRT's EQUAL
    # says true where the real values differ; the runtime must say the same.
    q = {"scale": [1e-4], "zero_point": [0]}
    a = np.arange(-128, 128, dtype=np.int8)
    b = np.roll(a, 1)
    for op in ("EQUAL", "LESS", "GREATER_EQUAL"):
        (got,), (want,) = run_both(_model(op, [256], [256], "int8", q, q), [a, b])
        np.testing.assert_array_equal(got, want)
    (got,), _ = run_both(_model("EQUAL", [256], [256], "int8", q, q), [a, b])
    assert np.count_nonzero(got) > 0.8 * got.size  # most neighbours compare equal after rescaling


@pytest.mark.parametrize("case,message", [
    ("types differ", "types differ"), ("float output", "output must be bool"),
    ("scale >= 1", "scale >= 1"), ("no quantization", "without quantization parameters"),
    ("does not broadcast", "do not broadcast")])
def test_bad_comparisons_are_refused(case, message):
    if case == "types differ":
        content = one_op("LESS", [((2,), "float32"), ((2,), "int32")], [((2,), "bool")])
    elif case == "float output":
        content = _model("LESS", [2], [2], "float32", out_dtype="float32")
    elif case == "scale >= 1":
        content = _model("LESS", [2], [2], "int8", {"scale": [2.0], "zero_point": [0]}, QUANT_B["int8"])
    elif case == "no quantization":
        content = _model("LESS", [2], [2], "int8")
    else:
        content = one_op("LESS", [((3,), "float32"), ((4,), "float32")], [((4,), "bool")])
    with pytest.raises(ValueError, match=message) as exc:
        Interpreter(model_content=content).allocate_tensors()
    assert exc.value.op_name == "LESS"


@pytest.mark.parametrize("shapes", sorted(SHAPES))
@pytest.mark.parametrize("op,fn", [("LOGICAL_AND", np.logical_and), ("LOGICAL_OR", np.logical_or)])
def test_logical_binary_matches_litert(op, fn, shapes):
    a_shape, b_shape = SHAPES[shapes]
    rng = np.random.default_rng(2)
    a, b = _values(rng, "bool", a_shape), _values(rng, "bool", b_shape)
    (got,), (want,) = run_both(_model(op, a_shape, b_shape, "bool"), [a, b])
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, fn(a, b))


def test_logical_not_matches_litert():
    a = _values(np.random.default_rng(4), "bool", [3, 5])
    (got,), (want,) = run_both(_model("LOGICAL_NOT", [3, 5], [3, 5], "bool", n_inputs=1), [a])
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, ~a)


def test_logical_ops_refuse_non_bool():
    with pytest.raises(ValueError, match="must be bool"):
        Interpreter(model_content=_model("LOGICAL_AND", [2], [2], "float32")).allocate_tensors()
    with pytest.raises(ValueError, match="must be bool"):
        Interpreter(model_content=_model("LOGICAL_NOT", [2], [2], "int8", n_inputs=1)).allocate_tensors()

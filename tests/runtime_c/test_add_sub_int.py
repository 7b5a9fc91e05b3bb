"""ADD and SUB on int32 and int64 (loop counters and index arithmetic in control flow) in the C
runtime against LiteRT (BUILTIN_REF) and NumPy: broadcasting, every fused activation, and
wraparound on overflow (LiteRT's compiled arithmetic wraps; the runtime wraps without undefined
behaviour)."""
import numpy as np
import pytest

from .tflite_graph import Model, run_both

ACTIVATIONS = {0: (None, None), 1: (0, None), 2: (-1, 1), 3: (0, 6)}  # NONE, RELU, RELU_N1_TO_1, RELU6


def _model(op, dtype, a_shape, b_shape, activation):
    m = Model()
    g = m.subgraph()
    a, b = g.input("a", a_shape, dtype), g.input("b", b_shape, dtype)
    y = g.tensor("y", list(np.broadcast_shapes(tuple(a_shape), tuple(b_shape))), dtype)
    g.op(op, [a, b], [y], fused_activation_function=activation)
    g.output(y)
    return m.build()


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("op", ["ADD", "SUB"])
def test_integer_add_sub_match_litert(op, dtype, activation):
    rng = np.random.default_rng(activation)
    info = np.iinfo(dtype)
    a = rng.integers(-20, 20, (2, 3, 4)).astype(dtype)
    b = rng.integers(-20, 20, (3, 1)).astype(dtype)
    a[0, 0, :2] = [info.max, info.min]  # overflow wraps
    b[0, 0] = 5
    (got,), (want,) = run_both(_model(op, dtype, [2, 3, 4], [3, 1], activation), [a, b])
    np.testing.assert_array_equal(got, want)
    with np.errstate(over="ignore"):
        ref = a + b if op == "ADD" else a - b
    lo, hi = ACTIVATIONS[activation]
    np.testing.assert_array_equal(got, np.clip(ref, lo, hi) if lo is not None else ref)

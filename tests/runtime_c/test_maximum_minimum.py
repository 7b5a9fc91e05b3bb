"""MAXIMUM and MINIMUM in the C runtime against LiteRT (BUILTIN_REF) and NumPy: every type,
broadcasting, equal values; quantized inputs compare stored values as LiteRT does."""
import numpy as np
import pytest

from .tflite_graph import Model, run_both

TYPES = ["float32", "int8", "uint8", "int16", "int32", "int64"]


@pytest.mark.parametrize("op,ref", [("MAXIMUM", np.maximum), ("MINIMUM", np.minimum)])
@pytest.mark.parametrize("dtype", TYPES)
@pytest.mark.parametrize("sa,sb", [((2, 3, 4), (2, 3, 4)), ((2, 3, 4), (1, 4)), ((3, 1), (1, 5))])
def test_matches_litert_and_numpy(op, ref, dtype, sa, sb):
    rng = np.random.default_rng(7)
    q = {"scale": [0.1], "zero_point": [0]} if dtype in ("int8", "uint8", "int16") else None
    m = Model()
    g = m.subgraph()
    a, b = g.input("a", sa, dtype, q), g.input("b", sb, dtype, q)
    y = g.tensor("y", np.broadcast_shapes(sa, sb), dtype, q)
    g.op(op, [a, b], [y])
    g.output(y)
    content = m.build()
    if dtype == "float32":
        xa, xb = (rng.integers(-3, 4, s).astype(np.float32) for s in (sa, sb))  # small ints: many ties
    else:
        xa, xb = (rng.integers(-3 if dtype != "uint8" else 0, 4, s).astype(dtype) for s in (sa, sb))
    (ours,), (litert,) = run_both(content, [xa, xb])
    np.testing.assert_array_equal(ours, litert)
    np.testing.assert_array_equal(ours, ref(xa, xb))

"""MAXIMUM and MINIMUM in the C runtime against LiteRT (BUILTIN_REF) and NumPy: every type,
broadcasting, equal values; quantized inputs compare stored values as LiteRT does."""
import numpy as np
import pytest
from tensorlite.runtime import Interpreter

from .test_unidirectional_sequence_lstm import _litert
from .tflite_graph import Model

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
    outs = []
    for it in (Interpreter(model_content=content), _litert(content)):
        it.allocate_tensors()
        it.set_tensor(it.get_input_details()[0]["index"], xa)
        it.set_tensor(it.get_input_details()[1]["index"], xb)
        it.invoke()
        outs.append(it.get_tensor(it.get_output_details()[0]["index"]))
    np.testing.assert_array_equal(outs[0], outs[1])
    np.testing.assert_array_equal(outs[0], ref(xa, xb))

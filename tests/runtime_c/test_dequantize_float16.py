"""DEQUANTIZE from float16 to float32 in the C runtime against LiteRT (BUILTIN_REF) and NumPy:
every one of the 65,536 half-precision bit patterns (normals, subnormals, zeros, infinities, NaN),
as a graph input and as a constant (the converter's float16 weights); bit-exact."""
import numpy as np

from .tflite_graph import Model, one_op, run_both

ALL_HALF = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16).reshape(256, 256)


def test_every_half_value_as_input():
    ours, ref = run_both(one_op("DEQUANTIZE", [(ALL_HALF.shape, "float16")], [(ALL_HALF.shape, "float32")]),
                         [ALL_HALF])
    np.testing.assert_array_equal(ours[0].view(np.uint32), ref[0].view(np.uint32))
    np.testing.assert_array_equal(ours[0].view(np.uint32), ALL_HALF.astype(np.float32).view(np.uint32))


def test_constant_weights_feed_an_add():
    m = Model()
    g = m.subgraph()
    w = g.const("w", ALL_HALF[:4])
    wf = g.tensor("wf", (4, 256), "float32")
    x = g.input("x", (4, 256), "float32")
    y = g.tensor("y", (4, 256), "float32")
    g.op("DEQUANTIZE", [w], [wf])
    g.op("ADD", [x, wf], [y])
    g.output(y)
    feed = np.zeros((4, 256), np.float32)
    ours, ref = run_both(m.build(), [feed])
    np.testing.assert_array_equal(ours[0], ref[0])

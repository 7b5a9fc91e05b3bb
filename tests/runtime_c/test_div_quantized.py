"""Quantized DIV (int8, uint8, int16) in the C runtime against LiteRT's reference kernels (BUILTIN_REF), bit for
bit: every pair of int8 / uint8 values (a column against a row, broadcast), a spread of int16 values, several
scales and zero points (int16 ones too), each fused activation, and scales whose fixed-point shifts leave
[0, 31] (tiny and huge quotients: LiteRT's x86 shifts, which div.c repeats). A divisor equal to its zero point
fails the invoke in both; a constant one is refused at allocation; mixed types are refused."""
import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter

from .tflite_graph import one_op, quant, refused, run_both

# (type, (a scale, a zp, b scale, b zp, output scale, output zp), fused activation)
PARAMS = [("int8", (0.05, -3, 0.05, -3, 0.06, 2), 0), ("uint8", (0.05, 125, 0.05, 125, 0.06, 130), 0),
          ("int8", (0.1, 10, 0.02, -50, 0.5, -100), 1), ("uint8", (0.3, 0, 0.01, 200, 1.5, 0), 3),
          ("int8", (0.02, 0, 0.5, 0, 0.001, 0), 2), ("int16", (0.001, 0, 0.001, 0, 0.0012, 0), 0),
          ("int16", (0.001, 0, 0.0003, 0, 0.05, 0), 3), ("int16", (0.001, 10, 0.0003, -7, 0.05, 3), 1),
          ("int8", (2.0, 0, 0.001, 0, 0.0001, 0), 0), ("uint8", (0.0001, 0, 3.0, 0, 100.0, 0), 0),
          ("int16", (1e-5, 0, 1.0, 0, 50.0, 0), 0), ("int16", (1e-6, 0, 10.0, 0, 1000.0, 0), 0),
          ("int8", (1e-3, 0, 1.0, 0, 4e6, 0), 0)]


def _values(dtype):
    info = np.iinfo(dtype)
    if dtype != "int16":
        return np.arange(info.min, info.max + 1)
    return np.unique(np.concatenate([np.linspace(info.min, info.max, 129).astype(int), np.arange(-150, 150)]))


@pytest.mark.parametrize("dtype,q,act", PARAMS)
def test_every_pair_bit_exact(dtype, q, act):
    sa, za, sb, zb, so, zo = q
    a = _values(dtype)
    b = np.where(a == zb, zb + 1, a)  # a divisor at its zero point fails the invoke (below)
    n = a.size
    content = one_op("DIV", [((n, 1), dtype, quant(sa, za)), ((1, n), dtype, quant(sb, zb))],
                     [((n, n), dtype, quant(so, zo))], fused_activation_function=act)
    ours, ref = run_both(content, [a.astype(dtype).reshape(n, 1), b.astype(dtype).reshape(1, n)])
    np.testing.assert_array_equal(ours[0], ref[0])
    assert len(np.unique(ref[0])) >= 2  # the extreme scales give few distinct values


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16"])
@pytest.mark.parametrize("shapes", [((2, 3, 4), (2, 3, 4)), ((2, 1, 4), (3, 1)), ((5,), ()), ((), (2, 3))])
def test_broadcast_shapes(dtype, shapes):
    sa, sb = shapes
    zp, out_zp = {"int8": (-7, 7), "uint8": (100, 150), "int16": (4, -4)}[dtype]
    rng = np.random.default_rng(len(sa) * 10 + len(sb))
    info = np.iinfo(dtype)
    a = rng.integers(info.min, info.max, sa, endpoint=True).astype(dtype)
    b = rng.integers(info.min, info.max, sb, endpoint=True)
    b = np.where(b == zp, zp + 1, b).astype(dtype)
    content = one_op("DIV", [(sa, dtype, quant(0.04, zp)), (sb, dtype, quant(0.03, zp))],
                     [(np.broadcast_shapes(sa, sb), dtype, quant(0.05, out_zp))])
    ours, ref = run_both(content, [a, b])
    np.testing.assert_array_equal(ours[0], ref[0])


@pytest.mark.parametrize("dtype,zp", [("int8", -3), ("uint8", 125), ("int16", 0)])
def test_divisor_at_zero_point_fails_invoke(dtype, zp):
    content = one_op("DIV", [((4,), dtype, quant(0.05, zp)), ((4,), dtype, quant(0.05, zp))],
                     [((4,), dtype, quant(0.06, zp))])
    feeds = [np.array([zp + 5, zp - 5, zp, zp + 1], dtype), np.array([zp + 1, zp + 2, zp, zp + 1], dtype)]
    ours, ref = tl.lite.Interpreter(model_content=content), litert_interpreter(content)
    for interpreter, kind in ((ours, "ours"), (ref, "LiteRT")):
        interpreter.allocate_tensors()
        for d, x in zip(interpreter.get_input_details(), feeds):
            interpreter.set_tensor(d["index"], x)
        with pytest.raises(RuntimeError, match="divisor equals its zero point" if kind == "ours" else None):
            interpreter.invoke()


def test_refusals():
    const = one_op("DIV", [((3,), "int8", quant(0.05, 2)), None], [((3,), "int8", quant(0.05, 0))],
                   consts={1: (np.array([1, 2, 3], np.int8), quant(0.1, 2))})
    refused(const, "DIV", "constant divisor holds its zero point")
    mixed = one_op("DIV", [((3,), "int8", quant(0.05, 0)), ((3,), "int16", quant(0.05, 0))],
                   [((3,), "int8", quant(0.05, 0))])
    refused(mixed, "DIV", "supports float32, int32, int8, uint8 and int16")
    unquantized = one_op("DIV", [((3,), "int8"), ((3,), "int8")], [((3,), "int8")])
    refused(unquantized, "DIV", "quantized tensor without scale")
    refused(one_op("DIV", [((3,), "int8", quant(0.05, 0)), ((3,), "int8", quant(0.05, 0))],
                   [((3,), "int8", quant(0.05, 0))], fused_activation_function=5), "DIV", "fused activation")

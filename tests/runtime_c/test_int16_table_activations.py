"""EXP, LOG and GELU (exact and approximate) on int16 in the C runtime against LiteRT's reference kernels
(BUILTIN_REF), bit for bit on every int16 value, in both tiers: LiteRT's 513-entry interpolated table over
quantizations where it saturates, where EXP overflows float (LiteRT's table then holds NaN-made entries its x86
build stores as 0), where LOG's entries next to 0 lie more than 32767 apart (LiteRT's int16 slope wraps) and where
LOG of a value just below the output range meets a negative input's NaN, and GELU with the zero points LiteRT takes
(the input's moves the table, the output's is not added). EXP and LOG refuse nonzero zero points as LiteRT does."""
import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter, run

from .tflite_graph import one_op, quant, refused

X = np.arange(-32768, 32768, dtype=np.int16).reshape(256, 256)
CASES = [  # (op, input (scale, zero point), output (scale, zero point), options)
    ("EXP", (0.0001, 0), (0.001, 0), {}), ("EXP", (0.0003, 0), (0.0005, 0), {}), ("EXP", (0.01, 0), (0.001, 0), {}),
    ("EXP", (0.001, 0), (1e-6, 0), {}),
    ("LOG", (0.001, 0), (0.0003, 0), {}), ("LOG", (0.01, 0), (1e-5, 0), {}), ("LOG", (4.16e-7, 0), (0.0003, 0), {}),
    ("LOG", (0.5, 0), (0.001, 0), {}),
    ("GELU", (0.0002, 0), (0.0002, 0), {}), ("GELU", (0.001, 0), (3e-5, 0), {}), ("GELU", (0.0003, 5), (0.0002, 7), {}),
    ("GELU", (0.0003, 0), (1e-6, 0), {}), ("GELU", (0.0003, 0), (0.0002, 0), {"approximate": True}),
    ("GELU", (0.001, -300), (1e-5, 0), {"approximate": True})]


@pytest.mark.parametrize("op,q_in,q_out,options", CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}-{len(c[3])}" for c in CASES])
def test_every_int16_value(op, q_in, q_out, options):
    model = one_op(op, [(X.shape, "int16", quant(*q_in))], [(X.shape, "int16", quant(*q_out))], **options)
    want = run(litert_interpreter(model), [X])[0]
    for tier in (tl.lite.OpResolverType.BUILTIN_REF, tl.lite.OpResolverType.AUTO):
        got = run(tl.lite.Interpreter(model_content=model, experimental_op_resolver_type=tier), [X])[0]
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("op", ["EXP", "LOG"])
def test_nonzero_zero_points_are_refused(op):
    for q_in, q_out in (((0.001, 3), (0.001, 0)), ((0.001, 0), (0.001, -4))):
        refused(one_op(op, [((4,), "int16", quant(*q_in))], [((4,), "int16", quant(*q_out))]), op, "zero point 0")


@pytest.mark.parametrize("op", ["EXP", "LOG", "GELU"])
def test_unquantized_int16_is_refused(op):
    refused(one_op(op, [((4,), "int16")], [((4,), "int16")]), op, "quantiz")

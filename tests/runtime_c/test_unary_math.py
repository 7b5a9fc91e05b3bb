"""RSQRT, SQRT, EXP, LOG, NEG and ABS (one shared float32 kernel) in the C runtime against LiteRT
(BUILTIN_REF) on one-op models: several shapes, values spanning zero, negatives (NaN results),
infinities and NaN; rtol 1e-6."""
import numpy as np
import pytest

from .tflite_graph import one_op, refused, run_both

OPS = ["RSQRT", "SQRT", "EXP", "LOG", "NEG", "ABS"]
SPECIAL = [0.0, -0.0, -1.0, 1.0, np.inf, -np.inf, np.nan, 1e-30, 88.0, 89.0, -104.0, 1e30]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("shape", [(12,), (3, 4, 5), (1, 2, 3, 4, 5)])
def test_matches_litert(op, shape):
    rng = np.random.default_rng(OPS.index(op))
    x = (rng.standard_normal(shape) * 4).astype(np.float32)
    if op in ("RSQRT", "SQRT", "LOG"):
        x = np.abs(x) * 10
    x.flat[:len(SPECIAL)] = SPECIAL
    ours, ref = run_both(one_op(op, [(shape, "float32")], [(shape, "float32")]), [x])
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-6)


@pytest.mark.parametrize("op", OPS)
def test_refusals(op):
    # NEG runs int8-int64, ABS int8/int16/int32, EXP and LOG int8 and int16 (test_op_coverage.py)
    dtype = "uint8" if op in ("NEG", "ABS", "EXP", "LOG") else "int8"
    refused(one_op(op, [((4,), dtype)], [((4,), dtype)]), op,
            "(float32 only|supports float32 and int32|supports float32, int8|supports float32 and int8)")
    refused(one_op(op, [((4,), "float32")], [((2, 2), "float32")]), op, "shapes differ")

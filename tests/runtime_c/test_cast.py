"""CAST in the C runtime against LiteRT (BUILTIN_REF) on one-op models: every pair of float32,
int8, uint8, int16, int32, int64 and bool, with values that truncate, saturate (inf, huge, NaN ->
the type's maximum), wrap on integer narrowing and turn to bool. Outputs bit-exact (float ones too:
a conversion has one right answer)."""
import numpy as np
import pytest

import tensorlite as tl

from .tflite_graph import one_op, refused, run_both

TYPES = ["float32", "int8", "uint8", "int16", "int32", "int64", "bool"]

SPECIAL = {
    "float32": [np.nan, np.inf, -np.inf, 1e10, -1e10, 2.7, -2.7, 127.5, 128.0, -128.9, -129.0, 255.9, 256.0,
                -0.9, -1.0, -0.0, 0.5, 32767.9, 32768.0, -32769.0, 2147483520.0, 2147483648.0, -2147483648.0,
                -2147483904.0, 9.2e18, 9.3e18, -9.2e18, -9.3e18, 16777217.0, 1e-30],
    "int32": [-2**31, -129, -128, -1, 0, 1, 127, 128, 255, 256, 70000, 2**31 - 1, 16777217, -16777217],
    "int64": [-2**63, -2**40, 2**40 + 3, 2**63 - 1, 16777217, 2**53 + 1, -1, 255, 65535, 2**32 + 5],
}


def _data(rng, dtype, n=60):
    if dtype == "bool":
        return rng.integers(0, 2, n).astype(bool)
    if dtype == "float32":
        extra = rng.standard_normal(n).astype(np.float32) * 300
        return np.concatenate([np.array(SPECIAL["float32"], np.float32), extra])
    info = np.iinfo(dtype)
    extra = rng.integers(info.min, info.max, n, endpoint=True).astype(dtype)
    return np.concatenate([np.array(SPECIAL.get(dtype, [info.min, info.max, 0, -1 if info.min else 1]), dtype), extra])


@pytest.mark.parametrize("src", TYPES)
@pytest.mark.parametrize("dst", TYPES)
def test_cast_matches_litert(src, dst):
    x = _data(np.random.default_rng(TYPES.index(src) * 7 + TYPES.index(dst)), src)
    shape = (2, x.size // 2) if x.size % 2 == 0 else (x.size,)
    x = x.reshape(shape)
    ours, ref = run_both(one_op("CAST", [(shape, src)], [(shape, dst)]), [x])
    assert ours[0].dtype == ref[0].dtype == np.dtype(dst)
    np.testing.assert_array_equal(ours[0], ref[0])  # bit-exact, NaN == NaN
    if src == "float32" and dst not in ("float32", "bool"):
        info = np.iinfo(dst)
        assert ours[0].flat[0] == info.max  # NaN saturates to the maximum (LiteRT 2.3)


def test_cast_unsupported_type_refused():
    content = one_op("CAST", [((4,), "float32")], [((4,), "float16")])
    with pytest.raises(ValueError,
                       match=r"node 0 \(CAST\): .*float32, int8, uint8, int16, int32, uint32, int64 and bool"):
        tl.lite.Interpreter(model_content=content).allocate_tensors()


def test_cast_size_mismatch_refused():
    content = one_op("CAST", [((4,), "float32")], [((5,), "int32")])
    refused(content, "CAST", "sizes differ")


@pytest.mark.parametrize("other", ["int8", "int16", "int32", "int64", "uint8"])
def test_cast_uint32_integers_match_litert(other):
    """uint32 (TFLM's signal ops produce it) to and from the integer types: wrap and widen as LiteRT."""
    rng = np.random.default_rng(32)
    u = np.concatenate([np.array([0, 1, 255, 256, 32767, 32768, 2**31 - 1, 2**31, 2**32 - 1], np.uint32),
                        rng.integers(0, 2**32 - 1, 40, endpoint=True, dtype=np.uint64).astype(np.uint32)])
    for src, dst, x in (("uint32", other, u), (other, "uint32", _data(rng, other))):
        ours, ref = run_both(one_op("CAST", [(x.shape, src)], [(x.shape, dst)]), [x])
        assert ours[0].dtype == ref[0].dtype == np.dtype(dst)
        np.testing.assert_array_equal(ours[0], ref[0])

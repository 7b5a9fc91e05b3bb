"""MIRROR_PAD (REFLECT and SYMMETRIC) and PADV2 in the C runtime against LiteRT (BUILTIN_REF) on
one-op models, bit-exact: several shapes, paddings up to LiteRT's limits (dim - 1 for REFLECT, dim
for SYMMETRIC), element types (quantized int8 with its zero point; PADV2's value as a constant and
as a graph input, or absent), and models prepare must refuse."""
import numpy as np
import pytest

from .tflite_graph import check_against_litert, one_op, random_values, refused


def _out(shape, pads):
    return tuple(d + lo + hi for d, (lo, hi) in zip(shape, pads))


MIRROR_CASES = [((5,), [[2, 3]]), ((3, 4), [[1, 2], [3, 0]]), ((2, 3, 4), [[1, 1], [0, 2], [3, 3]]),
                ((1, 4, 4, 2), [[0, 0], [2, 2], [1, 3], [0, 1]]), ((4, 4), [[0, 0], [0, 0]])]


@pytest.mark.parametrize("mode", [0, 1])
@pytest.mark.parametrize("shape,pads", MIRROR_CASES)
@pytest.mark.parametrize("dtype", ["float32", "int8", "int32", "int64"])
@pytest.mark.parametrize("pad_type", ["int32", "int64"])
def test_mirror_pad(mode, shape, pads, dtype, pad_type):
    if mode == 0:  # REFLECT: at most dim - 1 on each side
        pads = [[min(lo, d - 1), min(hi, d - 1)] for d, (lo, hi) in zip(shape, pads)]
    x = random_values(np.random.default_rng(len(shape)), dtype, shape, -100, 99)
    content = one_op("MIRROR_PAD", [(shape, dtype), None], [(_out(shape, pads), dtype)],
                     consts={1: np.array(pads, pad_type)}, mode=mode)
    check_against_litert(content, [x])


def test_mirror_pad_full_width():
    """SYMMETRIC pads up to the whole dim, REFLECT up to dim - 1."""
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    for mode, pads in ((1, [[3, 3], [4, 4]]), (0, [[2, 2], [3, 3]])):
        content = one_op("MIRROR_PAD", [((3, 4), "float32"), None], [(_out((3, 4), pads), "float32")],
                         consts={1: np.array(pads, np.int32)}, mode=mode)
        check_against_litert(content, [x])


PAD_CASES = [((5,), [[2, 3]]), ((3, 4), [[1, 2], [3, 0]]), ((2, 3, 4), [[1, 0], [0, 2], [2, 1]]),
             ((1, 2, 3, 2), [[0, 1], [2, 2], [1, 0], [0, 3]])]


@pytest.mark.parametrize("shape,pads", PAD_CASES)
@pytest.mark.parametrize("dtype", ["float32", "int32", "int64", "int8", "bool"])
@pytest.mark.parametrize("value_kind", ["const", "input", "absent"])
def test_padv2(shape, pads, dtype, value_kind):
    rng = np.random.default_rng(len(shape) + 10)
    x = random_values(rng, dtype, shape, -100, 99)
    value = np.array(True if dtype == "bool" else 7, dtype)
    q = {"scale": [0.5], "zero_point": [-4]} if dtype == "int8" else None
    spec = (shape, dtype, q) if q else (shape, dtype)
    out = (_out(shape, pads), dtype, q) if q else (_out(shape, pads), dtype)
    consts = {1: np.array(pads, np.int32)}
    if value_kind == "const":
        consts[2] = (value, q) if q else value
        inputs, feeds = [spec, None, None], [x]
    elif value_kind == "input":
        inputs, feeds = [spec, None, ((), dtype, q) if q else ((), dtype)], [x, value]
    else:
        inputs, feeds = [spec, None], [x]
    check_against_litert(one_op("PADV2", inputs, [out], consts=consts), feeds)


def test_bad_models_refused():
    pads = {1: np.array([[2, 2]], np.int32)}
    refused(one_op("MIRROR_PAD", [((2,), "float32"), None], [((6,), "float32")], consts=pads, mode=0), "MIRROR_PAD",
            "exceed the input dim")
    refused(one_op("MIRROR_PAD", [((1,), "float32"), None], [((5,), "float32")], consts=pads, mode=1), "MIRROR_PAD",
            "exceed the input dim")
    refused(one_op("MIRROR_PAD", [((3,), "float32"), None], [((7,), "float32")], consts=pads, mode=2), "MIRROR_PAD",
            "REFLECT or SYMMETRIC")
    refused(one_op("MIRROR_PAD", [((3,), "float32"), ((1, 2), "int32")], [((7,), "float32")]), "MIRROR_PAD",
            "constant")
    refused(one_op("MIRROR_PAD", [((3,), "float32"), None], [((8,), "float32")], consts=pads), "MIRROR_PAD",
            "output shape")
    refused(one_op("PADV2", [((3,), "float32"), None, None], [((7,), "float32")],
                   consts={**pads, 2: np.array(1, np.int32)}), "PADV2", "constant_values type")
    refused(one_op("PADV2", [((3,), "float32"), None, None], [((7,), "float32")],
                   consts={**pads, 2: np.array([1, 2], np.float32)}), "PADV2", "one value")
    q, q2 = {"scale": [0.5], "zero_point": [1]}, {"scale": [0.25], "zero_point": [1]}
    refused(one_op("PADV2", [((3,), "int8", q), None, None], [((7,), "int8", q)],
                   consts={**pads, 2: (np.array(1, np.int8), q2)}), "PADV2", "quantization")


# Runs copied whole: NHWC padded in H and W (channels 1..8, as id_model's 98x98xC PADs), batch > 1, only the
# first or only the last axis padded, no padding at all, and a middle axis alone.
RUN_CASES = [((1, 6, 5, 1), [[0, 0], [1, 1], [1, 1], [0, 0]]), ((2, 5, 7, 3), [[0, 0], [1, 2], [2, 1], [0, 0]]),
             ((3, 4, 4, 8), [[1, 0], [0, 0], [0, 0], [0, 0]]), ((2, 3, 4, 5), [[0, 0], [0, 0], [0, 0], [2, 1]]),
             ((2, 3, 4, 5), [[0, 0], [0, 0], [0, 0], [0, 0]]), ((2, 3, 4, 6), [[0, 0], [0, 0], [3, 1], [0, 0]]),
             ((2, 4, 3, 2), [[1, 1], [2, 0], [0, 0], [1, 1]])]


@pytest.mark.parametrize("shape,pads", RUN_CASES)
@pytest.mark.parametrize("dtype", ["float32", "int8", "int16"])
def test_pad_runs(shape, pads, dtype):
    x = random_values(np.random.default_rng(sum(shape)), dtype, shape, -100, 99)
    q = {"scale": [0.5], "zero_point": [0 if dtype == "int16" else -3]} if dtype != "float32" else None
    spec = (shape, dtype, q) if q else (shape, dtype)
    out = (_out(shape, pads), dtype, q) if q else (_out(shape, pads), dtype)
    check_against_litert(one_op("PAD", [spec, None], [out], consts={1: np.array(pads, np.int32)}), [x])
    value = (np.array(5, dtype), q) if q else np.array(2.5, dtype)
    check_against_litert(one_op("PADV2", [spec, None, None], [out],
                                consts={1: np.array(pads, np.int32), 2: value}), [x])


@pytest.mark.parametrize("mode", [0, 1])
@pytest.mark.parametrize("shape,pads", RUN_CASES)
def test_mirror_pad_runs(mode, shape, pads):
    """MIRROR_PAD fills each padded axis from slabs already written: every axis alone and together, batch > 1."""
    pads = [[min(lo, d - 1 + mode), min(hi, d - 1 + mode)] for d, (lo, hi) in zip(shape, pads)]
    x = random_values(np.random.default_rng(sum(shape) + mode), "int8", shape, -100, 99)
    content = one_op("MIRROR_PAD", [(shape, "int8"), None], [(_out(shape, pads), "int8")],
                     consts={1: np.array(pads, np.int32)}, mode=mode)
    check_against_litert(content, [x])

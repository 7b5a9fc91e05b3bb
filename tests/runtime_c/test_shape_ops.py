"""SLICE, UNPACK, SQUEEZE, SELECT_V2, ARG_MAX and ARG_MIN in the C runtime against LiteRT (BUILTIN_REF) on
one-op models, over several shapes, parameters and element types; all outputs bit-exact (they move
or compare values). ARG_MAX: ties (first index wins), NaN (never the maximum, as LiteRT 2.3),
int32 and int64 outputs."""
import numpy as np
import pytest

import tensorlite as tl

from .tflite_graph import check_against_litert, one_op, random_values, refused, run_both

TYPES = ["float32", "int8", "int32", "int64", "bool"]
UNPACK_TYPES = ["float32", "int8", "int32", "bool"]  # LiteRT's UNPACK has no int64


@pytest.mark.parametrize("dtype", TYPES)
@pytest.mark.parametrize("shape,begin,size", [((5,), [1], [3]), ((4, 6), [1, 2], [2, -1]),
                                              ((3, 4, 5), [0, 1, 2], [3, 2, 3]),
                                              ((2, 3, 4, 5), [1, 0, 3, 0], [1, 3, 1, -1]),
                                              ((2, 2, 3, 2, 3), [0, 1, 1, 0, 2], [2, 1, 2, 2, 1])])
@pytest.mark.parametrize("itype", [np.int32, np.int64])
def test_slice(dtype, shape, begin, size, itype):
    out = [s if z == -1 else z for s, z in zip(np.array(shape) - np.array(begin), size)]
    content = one_op("SLICE", [(shape, dtype), None, None], [(out, dtype)],
                     consts={1: np.array(begin, itype), 2: np.array(size, itype)})
    check_against_litert(content, [random_values(np.random.default_rng(0), dtype, shape, -100, 99)])


@pytest.mark.parametrize("dtype", UNPACK_TYPES)
@pytest.mark.parametrize("shape,axis", [((3,), 0), ((2, 3), 0), ((2, 3), 1), ((2, 3, 4), -1), ((2, 3, 4), 1),
                                        ((4, 1, 2, 3), 0)])
def test_unpack(dtype, shape, axis):
    num = shape[axis]
    outs = [(tuple(d for i, d in enumerate(shape) if i != axis % len(shape)), dtype)] * num
    content = one_op("UNPACK", [(shape, dtype)], outs, num=num, axis=axis)
    check_against_litert(content, [random_values(np.random.default_rng(1), dtype, shape, -100, 99)])


@pytest.mark.parametrize("dtype", ["float32", "int8", "int32"])
@pytest.mark.parametrize("shape,dims", [((1, 3, 1, 4), []), ((1, 3, 1, 4), [0]), ((1, 3, 1, 4), [2, 0]),
                                        ((1, 3, 1, 4), [-2]), ((5, 1), [1]), ((1, 1, 1), [])])
def test_squeeze(dtype, shape, dims):
    red = {d % len(shape) for d in dims} if dims else {i for i, d in enumerate(shape) if d == 1}
    out = tuple(d for i, d in enumerate(shape) if i not in red)
    content = one_op("SQUEEZE", [(shape, dtype)], [(out, dtype)], squeeze_dims=dims)
    check_against_litert(content, [random_values(np.random.default_rng(2), dtype, shape, -100, 99)])


@pytest.mark.parametrize("dtype", ["float32", "int8", "int16", "int32", "int64", "uint8"])
@pytest.mark.parametrize("sc,sx,sy", [((2, 3), (2, 3), (2, 3)), ((2, 1), (1, 3), (2, 3)), ((), (2, 3), (3,)),
                                      ((3, 1, 4), (1, 2, 1), (2, 4)), ((2, 1, 1, 1, 3), (1, 4, 1, 1), (4, 1, 3))])
def test_select_v2(dtype, sc, sx, sy):
    rng = np.random.default_rng(3)
    out = np.broadcast_shapes(sc, sx, sy)
    content = one_op("SELECT_V2", [(sc, "bool"), (sx, dtype), (sy, dtype)], [(out, dtype)])
    x, y = (random_values(rng, dtype, s, -100, 99) for s in (sx, sy))
    check_against_litert(content, [random_values(rng, "bool", sc), x, y])


@pytest.mark.parametrize("dtype", ["float32", "int8", "uint8", "int32"])
@pytest.mark.parametrize("shape,axis", [((7,), 0), ((3, 5), 1), ((3, 5), 0), ((2, 3, 4), -1), ((2, 3, 4), 1),
                                        ((1, 4, 4, 6), 3)])
@pytest.mark.parametrize("out_type", ["int32", "int64"])
@pytest.mark.parametrize("axis_type", [np.int32, np.int64])
@pytest.mark.parametrize("op", ["ARG_MAX", "ARG_MIN"])
def test_arg_max(dtype, shape, axis, out_type, axis_type, op):
    rng = np.random.default_rng(4)
    x = rng.integers(0, 5, shape).astype(dtype)  # few values: many ties
    out = tuple(d for i, d in enumerate(shape) if i != axis % len(shape))
    code = {"int32": 2, "int64": 4}[out_type]
    content = one_op(op, [(shape, dtype), None], [(out, out_type)],
                     consts={1: np.array([axis], axis_type)}, output_type=code)
    check_against_litert(content, [x])


def _reference_arg_max(x, axis):
    """LiteRT's reference ArgMax over the last axis of a 2-D array, NaN rule included."""
    out = []
    for row in np.moveaxis(x, axis, -1).reshape(-1, x.shape[axis]):
        best, index = row[0], 0
        for k, v in enumerate(row[1:], 1):
            if not np.isnan(v) and (np.isnan(best) or v > best):
                best, index = v, k
        out.append(index)
    return np.array(out).reshape(np.delete(x.shape, axis % x.ndim))


@pytest.mark.parametrize("shape,axis", [((6, 7), 1), ((5, 4, 3), 0), ((2, 9), 1)])
def test_arg_max_nan_reference_rule(shape, axis):
    rng = np.random.default_rng(5)
    x = rng.integers(0, 5, shape).astype(np.float32)
    x.flat[::4] = np.nan
    x.reshape(-1, shape[-1])[-1] = np.nan  # one all-NaN row: index 0
    out = tuple(d for i, d in enumerate(shape) if i != axis % len(shape))
    content = one_op("ARG_MAX", [(shape, "float32"), None], [(out, "int32")],
                     consts={1: np.array([axis], np.int32)}, output_type=2)
    it = tl.lite.Interpreter(model_content=content)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    np.testing.assert_array_equal(it.get_tensor(it.get_output_details()[0]["index"]), _reference_arg_max(x, axis))


@pytest.mark.parametrize("shape,axis", [((6, 7), 1), ((5, 4, 3), 0), ((2, 9), 1), ((4, 6, 2), 1)])
def test_arg_min_nan_rule(shape, axis):
    """ARG_MIN's NaN rule (a NaN never wins, a number replaces a NaN; all NaN: index 0), against the
    rule written in NumPy and, where the axis is not the last, LiteRT (its last-axis x86 path lets a
    NaN take the running minimum)."""
    rng = np.random.default_rng(6)
    x = rng.integers(0, 5, shape).astype(np.float32)
    x.flat[::4] = np.nan
    x.reshape(-1, shape[-1])[-1] = np.nan
    out = tuple(d for i, d in enumerate(shape) if i != axis % len(shape))
    content = one_op("ARG_MIN", [(shape, "float32"), None], [(out, "int32")],
                     consts={1: np.array([axis], np.int32)}, output_type=2)
    ours, ref = run_both(content, [x])
    np.testing.assert_array_equal(ours[0], _reference_arg_max(-x, axis))
    if axis != len(shape) - 1:
        np.testing.assert_array_equal(ours[0], ref[0])


def test_refusals():
    c = {1: np.array([0, 0], np.int32), 2: np.array([2, 5], np.int32)}
    refused(one_op("SLICE", [((2, 4), "float32"), None, None], [((2, 5), "float32")], consts=c), "SLICE",
            "size out of range")
    refused(one_op("SLICE", [((2, 4), "float32"), ((2,), "int32"), ((2,), "int32")], [((2, 4), "float32")]), "SLICE",
            "must be constant")
    refused(one_op("UNPACK", [((2, 3), "float32")], [((3,), "float32")] * 3, num=3, axis=0), "UNPACK",
            "num must equal")
    refused(one_op("SQUEEZE", [((2, 1), "float32")], [((2,), "float32")], squeeze_dims=[0]), "SQUEEZE",
            "squeezed dim is not 1")
    refused(one_op("SELECT_V2", [((2,), "int8"), ((2,), "float32"), ((2,), "float32")], [((2,), "float32")]),
            "SELECT_V2", "condition must be bool")
    refused(one_op("ARG_MAX", [((2, 3), "float32"), None], [((2,), "int32")], consts={1: np.array([1], np.int32)},
                   output_type=4), "ARG_MAX", "as output_type says")
    refused(one_op("ARG_MAX", [((2, 3), "float32"), None], [((2,), "int32")], consts={1: np.array([2], np.int32)},
                   output_type=2), "ARG_MAX", "axis out of range")

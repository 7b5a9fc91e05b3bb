"""Coverage cases (see op_coverage.py) of elementwise, math and simple shape builtins: ATAN2, ADD_N, ...
`CASES[name](dtype)` gives (model bytes, feeds) for several shapes and parameters, the first being the table's
probe; [] for a type not probed. op_coverage.cases() dispatches here."""
from __future__ import annotations

import numpy as np

from tests.runtime_c import tflite_graph
from tests.runtime_c.op_coverage import Q_IN, _rng, _spec
from tests.runtime_c.tflite_graph import one_op, random_values

SAME_SHAPES = [[2, 3, 4, 5], [7], [1, 1, 1, 1], [3, 1, 6], []]


def _atan2(dtype):
    out = []
    for k, s in enumerate(SAME_SHAPES):
        rng = _rng("ATAN2", dtype, k)
        y, x = random_values(rng, dtype, s), random_values(rng, dtype, s)
        if k == 1 and dtype == "float32":  # the signed zeros and infinities of the quadrants
            y = np.array([0.0, -0.0, 0.0, -0.0, np.inf, -np.inf, 1.0], np.float32)
            x = np.array([0.0, 0.0, -0.0, -0.0, np.inf, -np.inf, -np.inf], np.float32)
        out.append((one_op("ATAN2", [(s, dtype), (s, dtype)], [(s, dtype)]), [y, x]))
    return out


# ADD_N: (shape, number of inputs)
ADD_N_CASES = [([2, 3, 4], 3), ([7], 2), ([5, 6], 2), ([2, 2, 3, 5], 5), ([], 4)]


def _add_n(dtype):
    out = []
    for k, (s, n) in enumerate(ADD_N_CASES):
        rng = _rng("ADD_N", dtype, k)
        feeds = [random_values(rng, dtype, s) for _ in range(n)]
        if k == 1 and dtype == "float32":  # -0 + -0 summed from +0 gives +0
            feeds = [np.array([-0.0, -0.0, 1e30, -1e30, np.inf, np.nan, 1.5], np.float32),
                     np.array([-0.0, 0.0, 1e30, 1e30, -np.inf, 1.0, -1.5], np.float32)]
        spec = _spec(s, dtype, Q_IN.get(dtype))
        out.append((one_op("ADD_N", [spec] * n, [spec]), feeds))
    return out


CASES = {"ATAN2": _atan2, "ADD_N": _add_n}


for _name, _table in {"RANGE": "RangeOptions", "BUCKETIZE": "BucketizeOptions", "BITCAST": "BitcastOptions",
                      "MATRIX_DIAG": "MatrixDiagOptions", "MATRIX_SET_DIAG": "MatrixSetDiagOptions",
                      "REVERSE_SEQUENCE": "ReverseSequenceOptions",
                      "DYNAMIC_UPDATE_SLICE": "DynamicUpdateSliceOptions"}.items():
    tflite_graph.OPTIONS.setdefault(_name, _table)

# RANGE: (start, limit, delta); even cases as constants, odd ones as graph inputs.
RANGE_INT = [(1, 10, 3), (10, 1, -2), (0, 5, 1), (-7, 8, 4), (5, 6, 10)]
RANGE_FLOAT = [(0.5, 3.7, 0.3), (2.0, -1.1, -0.7), (0.0, 1.0, 0.1), (-3.0, 4.0, 1.75), (1e6, 1e6 + 3, 0.37)]


def _range(dtype):
    out = []
    found = RANGE_FLOAT if dtype == "float32" else RANGE_INT if dtype in ("int32", "int64") else RANGE_INT[:1]
    for k, v in enumerate(found):
        start, limit, delta = (np.array(x, dtype) for x in v)
        if dtype == "float32":
            n = int(np.ceil(abs((limit - start) / delta)))
        else:
            n = (abs(int(limit) - int(start)) + abs(int(delta)) - 1) // abs(int(delta))
        spec = _spec([], dtype, Q_IN.get(dtype))
        consts = {0: start, 1: limit, 2: delta} if k % 2 == 0 else {}
        model = one_op("RANGE", [spec] * 3, [_spec([n], dtype, Q_IN.get(dtype))], consts=consts)
        out.append((model, [] if consts else [start, limit, delta]))
    return out


BROADCAST_ARGS_CASES = [([2, 1, 4], [3, 1]), ([1], [5, 6]), ([4, 1, 1], [1, 7, 1]), ([2, 3], [2, 3]),
                        ([6], [1, 1, 1, 1])]


def _broadcast_args(dtype):
    out = []
    for a, b in BROADCAST_ARGS_CASES:
        n = max(len(a), len(b))
        q = Q_IN.get(dtype)
        model = one_op("BROADCAST_ARGS", [_spec([len(a)], dtype, q), _spec([len(b)], dtype, q)], [_spec([n], dtype, q)])
        out.append((model, [np.array(a).astype(dtype), np.array(b).astype(dtype)]))
    return out


BUCKETIZE_CASES = [([2, 3, 4], [-1.0, 0.0, 2.5]), ([7], [0.5]), ([3, 5], [-100.0, -3.5, 0.0, 0.0, 7.0, 1e9]),
                   ([4], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])]


def _bucketize(dtype):
    out = []
    for k, (shape, bounds) in enumerate(BUCKETIZE_CASES):
        rng = _rng("BUCKETIZE", dtype, k)
        x = random_values(rng, dtype, shape, -10, 10)
        if dtype == "float32":
            x = (3 * x).astype(np.float32)
            x.flat[0] = bounds[0]  # a value on a boundary goes to the bucket above it
        model = one_op("BUCKETIZE", [_spec(shape, dtype, Q_IN.get(dtype))], [(shape, "int32")], boundaries=bounds)
        out.append((model, [x]))
    return out


# BITCAST: per input type, output types (equal, narrower, wider element)
BITCAST_TO = {"float32": ["int32", "uint8", "int64"], "int8": ["uint8", "int32", "bool"], "uint8": ["int8", "int16"],
              "int16": ["uint8", "int64"], "int32": ["float32", "int16", "int64"], "int64": ["float32", "int32"],
              "bool": ["int8", "uint8"]}


def _bitcast(dtype):
    out = []
    for k, to in enumerate(BITCAST_TO.get(dtype, ["int32"])):
        si, so = np.dtype(dtype).itemsize, np.dtype(to).itemsize
        if si == so:
            shape = out_shape = [2, 3, 4]
        elif si > so:
            shape, out_shape = [2, 3], [2, 3, si // so]
        else:
            shape, out_shape = [3, 2, so // si], [3, 2]
        x = random_values(_rng("BITCAST", dtype, k), dtype, shape)
        if to in ("float32",):  # keep the float bit patterns clear of NaNs, whose payloads need not survive a copy
            x = np.where(np.isnan(x.view(np.float32)) if x.dtype.itemsize == 4 else False, 0, x).astype(dtype)
        q_in = Q_IN.get(dtype)
        model = one_op("BITCAST", [_spec(shape, dtype, q_in)], [_spec(out_shape, to, Q_IN.get(to))])
        out.append((model, [x]))
    return out


MATRIX_DIAG_SHAPES = [[2, 3], [5], [2, 2, 4], [1, 1]]
MATRIX_SET_DIAG_SHAPES = [[2, 3, 4], [4, 3], [2, 2, 2, 5], [1, 1]]


# LiteRT's reference writes bool (and float64, uint16) diagonals with another element size and corrupts its own
# heap (the process aborts): the table does not probe bool for MATRIX_DIAG and MATRIX_SET_DIAG.
MISREAD = ("bool",)


def _matrix_diag(dtype):
    out = []
    if dtype in MISREAD:
        return out
    for k, s in enumerate(MATRIX_DIAG_SHAPES):
        q = Q_IN.get(dtype)
        model = one_op("MATRIX_DIAG", [_spec(s, dtype, q)], [_spec(s + [s[-1]], dtype, q)])
        out.append((model, [random_values(_rng("MATRIX_DIAG", dtype, k), dtype, s)]))
    return out


def _matrix_set_diag(dtype):
    out = []
    if dtype in MISREAD:
        return out
    for k, s in enumerate(MATRIX_SET_DIAG_SHAPES):
        rng = _rng("MATRIX_SET_DIAG", dtype, k)
        ds = s[:-2] + [min(s[-2:])]
        q = Q_IN.get(dtype)
        model = one_op("MATRIX_SET_DIAG", [_spec(s, dtype, q), _spec(ds, dtype, q)], [_spec(s, dtype, q)])
        out.append((model, [random_values(rng, dtype, s), random_values(rng, dtype, ds)]))
    return out


# REVERSE_SEQUENCE: (shape, seq_dim, batch_dim, lengths); lengths int32 (the last int64), constant in even cases
REVERSE_SEQUENCE_CASES = [([3, 4], 1, 0, [1, 4, 2]), ([4, 3, 2], 0, 1, [4, 0, 2]), ([2, 5, 3], 1, 2, [5, 3, 1]),
                          ([2, 3, 4, 2], 2, 0, [4, 1]), ([3, 6], 1, 0, [6, 2, 5])]


def _reverse_sequence(dtype):
    out = []
    for k, (s, seq, batch, lengths) in enumerate(REVERSE_SEQUENCE_CASES):
        lens = np.array(lengths, np.int64 if k == len(REVERSE_SEQUENCE_CASES) - 1 else np.int32)
        q = Q_IN.get(dtype)
        consts = {1: lens} if k % 2 == 0 else {}
        model = one_op("REVERSE_SEQUENCE", [_spec(s, dtype, q), ([len(lengths)], lens.dtype.name)],
                       [_spec(s, dtype, q)], consts=consts, seq_dim=seq, batch_dim=batch)
        x = random_values(_rng("REVERSE_SEQUENCE", dtype, k), dtype, s)
        out.append((model, [x] if consts else [x, lens]))
    return out


# DYNAMIC_UPDATE_SLICE: (operand, update, start indices); starts outside the range are clamped; the last int64
DUS_CASES = [([4, 4], [2, 2], [1, 3]), ([5], [2], [-1]), ([3, 4, 5], [1, 2, 5], [2, 1, 0]), ([2, 3], [2, 3], [0, 0]),
             ([6, 2], [3, 1], [10, 1])]


def _dynamic_update_slice(dtype):
    out = []
    for k, (s, us, start) in enumerate(DUS_CASES):
        rng = _rng("DYNAMIC_UPDATE_SLICE", dtype, k)
        idx = np.array(start, np.int64 if k == len(DUS_CASES) - 1 else np.int32)
        q = Q_IN.get(dtype)
        model = one_op("DYNAMIC_UPDATE_SLICE", [_spec(s, dtype, q), _spec(us, dtype, q), ([len(s)], idx.dtype.name)],
                       [_spec(s, dtype, q)])
        out.append((model, [random_values(rng, dtype, s), random_values(rng, dtype, us), idx]))
    return out


CASES.update({"RANGE": _range, "BROADCAST_ARGS": _broadcast_args, "BUCKETIZE": _bucketize, "BITCAST": _bitcast,
              "MATRIX_DIAG": _matrix_diag, "MATRIX_SET_DIAG": _matrix_set_diag,
              "REVERSE_SEQUENCE": _reverse_sequence, "DYNAMIC_UPDATE_SLICE": _dynamic_update_slice})


# L2_POOL_2D: (input shape, filter h, w, stride h, w, padding (0 SAME, 1 VALID), fused activation)
L2_POOL_CASES = [([1, 6, 6, 3], 2, 2, 2, 2, 1, 0), ([2, 5, 7, 4], 3, 3, 1, 1, 0, 0), ([1, 4, 4, 1], 2, 3, 1, 2, 0, 3),
                 ([1, 3, 3, 2], 3, 3, 1, 1, 1, 1)]


def _window_out(n, f, s, padding):
    return (n + s - 1) // s if padding == 0 else (n - f + s) // s


def _l2_pool(dtype):
    out = []
    for k, (s, fh, fw, sh, sw, pad, act) in enumerate(L2_POOL_CASES):
        o = [s[0], _window_out(s[1], fh, sh, pad), _window_out(s[2], fw, sw, pad), s[3]]
        q = Q_IN.get(dtype)
        model = one_op("L2_POOL_2D", [_spec(s, dtype, q)], [_spec(o, dtype, q)], padding=pad, filter_height=fh,
                       filter_width=fw, stride_h=sh, stride_w=sw, fused_activation_function=act)
        out.append((model, [random_values(_rng("L2_POOL_2D", dtype, k), dtype, s)]))
    return out


CASES["L2_POOL_2D"] = _l2_pool


tflite_graph.OPTIONS_2.setdefault("STABLEHLO_PAD", "StablehloPadOptions")
STABLEHLO_BINARY = ["STABLEHLO_ADD", "STABLEHLO_MULTIPLY", "STABLEHLO_MAXIMUM", "STABLEHLO_MINIMUM"]


def _stablehlo_binary(name):
    def build(dtype):  # plain integers: StableHLO's integer ops do not requantize
        out = []
        for k, s in enumerate(SAME_SHAPES):
            rng = _rng(name, dtype, k)
            a, b = random_values(rng, dtype, s), random_values(rng, dtype, s)
            out.append((one_op(name, [(s, dtype), (s, dtype)], [(s, dtype)]), [a, b]))
        return out
    return build


# STABLEHLO_PAD: (shape, edge_padding_low, edge_padding_high, interior_padding); negative edges crop
STABLEHLO_PAD_CASES = [([2, 3], [1, 2], [1, -1], [0, 1]), ([4], [0], [0], [2]),
                       ([2, 3, 4], [-1, 0, 1], [0, 2, -2], [1, 0, 1]), ([1, 1], [2, 0], [0, 3], [0, 0]),
                       ([3, 2], [0, 0], [0, 0], [0, 0])]


def _stablehlo_pad(dtype):
    out = []
    for k, (s, lo, hi, interior) in enumerate(STABLEHLO_PAD_CASES):
        rng = _rng("STABLEHLO_PAD", dtype, k)
        o = [a + b + d + (d - 1) * i for d, a, b, i in zip(s, lo, hi, interior)]
        model = one_op("STABLEHLO_PAD", [(s, dtype), ([], dtype)], [(o, dtype)], edge_padding_low=lo,
                       edge_padding_high=hi, interior_padding=interior)
        out.append((model, [random_values(rng, dtype, s), random_values(rng, dtype, [])]))
    return out


CASES.update({name: _stablehlo_binary(name) for name in STABLEHLO_BINARY})
CASES["STABLEHLO_PAD"] = _stablehlo_pad

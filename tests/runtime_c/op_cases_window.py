"""Coverage cases (see op_coverage.py) of DILATE, REDUCE_WINDOW and STABLEHLO_REDUCE_WINDOW.
`CASES[name](dtype)` gives (model bytes, feeds) for several shapes and parameters, the first being the table's
probe. op_coverage.cases() dispatches here."""
from __future__ import annotations

import numpy as np

from tests.runtime_c.op_coverage import Q_IN, _rng, _spec
from tests.runtime_c.tflite_graph import one_op, random_values

# DILATE: (input shape, dilations, dilations constant?, padding value constant?)
DILATE_CASES = [([2, 3], [2, 3], True, True), ([2, 3, 4], [1, 2, 3], True, False), ([5], [4], False, True),
                ([1, 4, 1, 3], [3, 1, 2, 2], False, False), ([3, 2], [1, 1], True, True)]


def _dilate(dtype):
    out = []
    for k, (shape, dil, dil_const, pad_const) in enumerate(DILATE_CASES):
        rng = _rng("DILATE", dtype, k)
        x, pad = random_values(rng, dtype, shape), random_values(rng, dtype, [])
        oshape = [(d - 1) * m + 1 for d, m in zip(shape, dil)]
        q = Q_IN.get(dtype)
        consts = {}
        if dil_const:
            consts[1] = np.array(dil, np.int32)
        if pad_const:
            consts[2] = (pad, q) if q else pad
        model = one_op("DILATE", [_spec(shape, dtype, q), ([len(shape)], "int32"), _spec([], dtype, q)],
                       [_spec(oshape, dtype, q)], consts=consts)
        feeds = [x] + ([] if dil_const else [np.array(dil, np.int32)]) + ([] if pad_const else [pad])
        out.append((model, feeds))
    return out


# REDUCE_WINDOW: (shape, window_shape, window_strides, window_dilations, reduce_function)
RW_CASES = [([1, 4, 5, 2], [1, 2, 2, 1], [1, 1, 2, 1], [1, 1, 1, 1], 1), ([3, 6], [2, 3], [1, 2], [1, 1], 4),
            ([2, 5, 4], [1, 2, 2], [1, 1, 1], [1, 2, 1], 3), ([7], [3], [2], [1], 2), ([2, 3, 4], [2, 2, 2], [1, 1, 1],
            [1, 1, 1], 5), ([2, 3, 4], [1, 3, 2], [1, 1, 2], [1, 1, 1], 6)]


def _window_out(shape, window, strides, base, wdil, pads):
    out = []
    for d, w, s, b, wd, (lo, hi) in zip(shape, window, strides, base, wdil, pads):
        padded = ((d - 1) * b + 1 if d else 0) + lo + hi
        span = (w - 1) * wd + 1
        out.append(0 if padded < span else (padded - span) // s + 1)
    return out


def _init(rng, dtype):
    return random_values(rng, dtype, []) if dtype in ("float32", "bool") else random_values(rng, dtype, [], -3, 3)


def _reduce_window(dtype):
    out = []
    for k, (shape, window, strides, wdil, fn) in enumerate(RW_CASES):
        rng = _rng("REDUCE_WINDOW", dtype, k)
        q = Q_IN.get(dtype)
        x, init = random_values(rng, dtype, shape), _init(rng, dtype)
        oshape = _window_out(shape, window, strides, [1] * len(shape), wdil, [(0, 0)] * len(shape))
        consts = {2: np.array(window, np.int64), 3: np.array(strides, np.int64), 4: np.array(wdil, np.int64)}
        if k % 2 == 0:
            consts[1] = (init, q) if q else init
        model = one_op("REDUCE_WINDOW", [_spec(shape, dtype, q), _spec([], dtype, q), None, None, None],
                       [_spec(oshape, dtype, q)], consts=consts, reduce_function=fn)
        out.append((model, [x] if k % 2 == 0 else [x, init]))
    return out


# STABLEHLO_REDUCE_WINDOW: (shape, window_dimensions, window_strides, base_dilations, window_dilations,
# padding [lo, hi] per dim, the body's op)
SRW_CASES = [([4, 5], [2, 2], [1, 1], [1, 1], [1, 1], [0, 0, 0, 0], "ADD"),
             ([1, 4, 4, 2], [1, 3, 3, 1], [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], [0, 0, 1, 1, 1, 1, 0, 0],
              "MAXIMUM"),
             ([3, 4], [2, 2], [1, 1], [2, 1], [1, 2], [1, 0, -1, 2], "STABLEHLO_MINIMUM"),
             ([6], [3], [2], [1], [1], [2, 2], "STABLEHLO_MULTIPLY"),
             ([2, 3, 4], [2, 1, 2], [1, 1, 1], [1, 2, 1], [1, 1, 1], [0, 0, 0, 0, 0, 1], "LOGICAL_OR"),
             ([2, 5], [1, 2], [1, 2], [1, 1], [1, 1], [0, 0, 0, 0], "LOGICAL_AND")]


def _stablehlo_reduce_window(dtype):
    from tests.runtime_c.tflite_graph import Model
    out = []
    for k, (shape, window, strides, base, wdil, padding, body_op) in enumerate(SRW_CASES):
        rng = _rng("STABLEHLO_REDUCE_WINDOW", dtype, k)
        q = Q_IN.get(dtype)
        x, init = random_values(rng, dtype, shape), _init(rng, dtype)
        pads = list(zip(padding[::2], padding[1::2]))
        m = Model()
        g, body = m.subgraph(), m.subgraph()
        xi = g.input("x", shape, dtype, q)
        ii = g.const("init", init, q) if k % 2 == 0 else g.input("init", [], dtype, q)
        y = g.tensor("y", _window_out(shape, window, strides, base, wdil, pads), dtype, q)
        g.op("STABLEHLO_REDUCE_WINDOW", [xi, ii], [y], window_dimensions=window, window_strides=strides,
             base_dilations=base, window_dilations=wdil, padding=padding, body_subgraph_index=1)
        g.output(y)
        a, b, c = body.input("a", [], dtype, q), body.input("b", [], dtype, q), body.tensor("c", [], dtype, q)
        body.op(body_op, [a, b], [c])
        body.output(c)
        out.append((m.build(), [x] if k % 2 == 0 else [x, init]))
    return out


CASES = {"DILATE": _dilate, "REDUCE_WINDOW": _reduce_window, "STABLEHLO_REDUCE_WINDOW": _stablehlo_reduce_window}

"""Single-op models for every (builtin, tensor type) pair the coverage table probes: `cases(name, dtype)` gives
(model bytes, feeds) for several shapes, broadcasts and parameters; the first is the probe. The table
(scripts/make_kernel_coverage.py -> runtimes/c/KERNELS.md) asks LiteRT's reference kernels and ours whether each
probe runs; test_op_coverage.py runs every case both supports on both and compares them.

Models are written with tflite_graph (LiteRT's schema module), inputs drawn by random_values from a seed
fixed per case, so the table and the tests are reproducible."""
from __future__ import annotations

import zlib

import numpy as np

from tests.runtime_c.tflite_graph import one_op, quant, random_values

TYPES = ["float32", "int8", "uint8", "int16", "int32", "int64", "bool", "string"]
QUANTIZED = ("int8", "uint8", "int16")
# Input and output quantization of quantized types; int16 is symmetric (LiteRT requires zero point 0).
Q_IN = {"int8": quant(0.05, -3), "uint8": quant(0.05, 125), "int16": quant(0.001, 0)}
Q_OUT = {"int8": quant(0.06, 2), "uint8": quant(0.06, 130), "int16": quant(0.0012, 0)}
# Ops whose quantized output has fixed parameters in LiteRT (the [0, 1) or [-1, 1) range of the type).
_UNIT = {"int8": quant(1 / 256, -128), "uint8": quant(1 / 256, 0), "int16": quant(1 / 32768, 0)}
_SIGNED_UNIT = {"int8": quant(1 / 128, 0), "uint8": quant(1 / 128, 128), "int16": quant(1 / 32768, 0)}
FIXED_OUT = {"LOGISTIC": _UNIT, "SOFTMAX": _UNIT, "TANH": _SIGNED_UNIT, "L2_NORMALIZATION": _SIGNED_UNIT,
             "LOG_SOFTMAX": {"int8": quant(16 / 256, 127), "uint8": quant(16 / 256, 255)}}

# Elementwise families: name -> options.
UNARY = {"ABS": {}, "CEIL": {}, "COS": {}, "ELU": {}, "EXP": {}, "FLOOR": {}, "HARD_SWISH": {}, "LOG": {},
         "LOGISTIC": {}, "NEG": {}, "RELU": {}, "RELU6": {}, "RELU_N1_TO_1": {}, "RELU_0_TO_1": {}, "ROUND": {},
         "RSQRT": {}, "SIN": {}, "SQRT": {}, "SQUARE": {}, "TANH": {}, "GELU": {}, "SIGN": {},
         "LEAKY_RELU": {"alpha": 0.2}, "LOG_SOFTMAX": {}, "SOFTMAX": {"beta": 1.0}, "L2_NORMALIZATION": {},
         "ZEROS_LIKE": {}, "LOCAL_RESPONSE_NORMALIZATION": {"radius": 2, "bias": 1.0, "alpha": 0.5, "beta": 0.75}}
BINARY = {"ADD": {}, "SUB": {}, "MUL": {}, "DIV": {}, "MAXIMUM": {}, "MINIMUM": {}, "POW": {},
          "SQUARED_DIFFERENCE": {}, "FLOOR_DIV": {}, "FLOOR_MOD": {}, "RIGHT_SHIFT": {},
          "BITWISE_XOR": {}}
COMPARISON = ["LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL", "EQUAL", "NOT_EQUAL"]
LOGICAL = ["LOGICAL_AND", "LOGICAL_OR"]

UNARY_SHAPES = [[2, 3, 4, 5], [7], [1, 1, 1, 1], [3, 1, 6]]
BINARY_SHAPES = [([2, 3, 4, 5], [2, 3, 4, 5]), ([2, 3, 4, 5], [5]), ([2, 1, 4, 1], [1, 3, 1, 5]), ([6], []),
                 ([], [3, 2])]
PRELU_SHAPES = [([1, 4, 4, 6], [1, 1, 6]), ([1, 4, 4, 6], [6]), ([2, 3, 4, 5], [2, 3, 4, 5]), ([2, 3, 4, 5], [3, 1, 5]),
                ([5, 7], [7])]
# Ops whose second input must stay away from zero, or in a small range.
_NONZERO_RHS = {"DIV", "FLOOR_DIV", "FLOOR_MOD"}
_INT_RANGES = {"POW": ((-4, 4), (0, 4)), "RIGHT_SHIFT": (None, (0, 7))}


def _rng(*key) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _q(table, name, dtype):
    return table.get(name, {}).get(dtype) if isinstance(table, dict) and name in table else None


def _spec(shape, dtype, q):
    return (shape, dtype, q) if dtype in QUANTIZED else (shape, dtype)


# More (input, output) quantizations of some quantized unary pairs, each over the first two shapes (None: as usual).
UNARY_MORE_Q = {("EXP", "int16"): [(quant(0.0003, 0), quant(0.0005, 0)), (quant(0.01, 0), quant(0.001, 0))],
                ("LOG", "int16"): [(quant(0.01, 0), quant(1e-5, 0)), (quant(0.0001, 0), quant(0.0003, 0))],
                ("GELU", "int16"): [(quant(0.0003, 5), quant(0.0002, 7)), (quant(0.003, 0), quant(3e-5, 0))],
                ("L2_NORMALIZATION", "int8"): [(quant(0.02, 100), None), (quant(0.3, -128), None)],
                ("L2_NORMALIZATION", "uint8"): [(quant(0.02, 0), None), (quant(0.3, 255), None)]}


def _unary(name, dtype, k, shape, more=None):
    if name == "LOCAL_RESPONSE_NORMALIZATION" and len(shape) != 4:
        return None
    rng = _rng(name, dtype, k, *([] if more is None else ["more", more]))
    q_in, q_out = UNARY_MORE_Q[(name, dtype)][more] if more is not None else (None, None)
    out_q = q_out or _q(FIXED_OUT, name, dtype) or Q_OUT.get(dtype)
    x = random_values(rng, dtype, shape)
    return one_op(name, [_spec(shape, dtype, q_in or Q_IN.get(dtype))], [_spec(shape, dtype, out_q)],
                  **UNARY[name]), [x]


def _broadcast_shape(a, b):
    return list(np.broadcast_shapes(tuple(a), tuple(b)))


def _binary(name, dtype, k, sa, sb, out_dtype=None, options=None):
    rng = _rng(name, dtype, k)
    integer = dtype in ("int32", "int64") or name == "RIGHT_SHIFT"
    ranges = _INT_RANGES.get(name, (None, None)) if integer else (None, None)
    a = random_values(rng, dtype, sa, *(ranges[0] or (None, None)))
    b = random_values(rng, dtype, sb, *(ranges[1] or (None, None)))
    if name in _NONZERO_RHS:
        b = np.where(b == 0, np.ones_like(b), b) if dtype != "float32" else np.where(np.abs(b) < 0.1, 0.5, b)
        b = b.astype(dtype)
        if dtype in QUANTIZED:  # the zero point is the real zero
            zp = Q_IN[dtype]["zero_point"][0]
            b = np.where(b == zp, zp + 1, b).astype(dtype)
    out = out_dtype or dtype
    q_out = Q_OUT.get(out) if out == dtype else None
    model = one_op(name, [_spec(sa, dtype, Q_IN.get(dtype)), _spec(sb, dtype, Q_IN.get(dtype))],
                   [_spec(_broadcast_shape(sa, sb), out, q_out)], **(options or {}))
    return model, [a, b]


def _prelu(dtype, k, shape, alpha_shape):
    rng = _rng("PRELU", dtype, k)
    x = random_values(rng, dtype, shape)
    alpha_dtype = "int8" if dtype == "int16" else dtype  # LiteRT's int16 PRELU takes an int8 alpha
    alpha = random_values(rng, alpha_dtype, alpha_shape)
    if dtype == "float32":
        alpha = (0.25 * alpha).astype(np.float32)
    q_alpha = {"int8": quant(0.01, 7), "uint8": quant(0.004, 60), "int16": quant(0.002, 3)}.get(dtype)
    inputs = [_spec(shape, dtype, Q_IN.get(dtype)), _spec(alpha_shape, alpha_dtype, q_alpha)]
    # alpha as a constant (what converters write) in even cases, as a graph input in odd ones
    consts = {1: (alpha, q_alpha) if q_alpha else alpha} if k % 2 == 0 else {}
    model = one_op("PRELU", inputs, [_spec(shape, dtype, Q_OUT.get(dtype))], consts=consts)
    return model, [x] if consts else [x, alpha]


# Quantized comparisons whose inputs differ in scale and zero point: (a shape, b shape); b's quantization per case.
COMPARISON_REQUANT = [([2, 3, 4, 5], [2, 3, 4, 5]), ([2, 1, 4, 1], [1, 3, 1, 5]), ([6], [])]
_Q_B = {"int8": [quant(0.07, 5), quant(0.02, -20)], "uint8": [quant(0.04, 120), quant(0.09, 131)],
        "int16": [quant(0.0015, 0), quant(0.0004, 3)]}


def _comparison_requantized(name, dtype, k, sa, sb):
    rng = _rng(name, dtype, "requantized", k)
    q_b = _Q_B[dtype][k % 2]
    model = one_op(name, [_spec(sa, dtype, Q_IN[dtype]), _spec(sb, dtype, q_b)], [(_broadcast_shape(sa, sb), "bool")])
    a = random_values(rng, dtype, sa)
    b = a.copy() if k == 0 else random_values(rng, dtype, sb)  # case 0: equal raw values, unequal reals
    return model, [a, b]


# DEPTH_TO_SPACE / SPACE_TO_DEPTH: (input shape, block size).
D2S_SHAPES = [([1, 2, 3, 8], 2), ([2, 3, 2, 18], 3), ([1, 1, 1, 4], 2), ([1, 4, 5, 3], 1)]
S2D_SHAPES = [([1, 4, 6, 2], 2), ([2, 6, 3, 5], 3), ([1, 2, 2, 1], 2), ([1, 3, 3, 4], 1)]


def _depth_space(name, dtype, k, shape, bs):
    b, h, w, c = shape
    out = [b, h * bs, w * bs, c // (bs * bs)] if name == "DEPTH_TO_SPACE" else [b, h // bs, w // bs, c * bs * bs]
    q = Q_IN.get(dtype)
    return one_op(name, [_spec(shape, dtype, q)], [_spec(out, dtype, q)], block_size=bs), \
        [random_values(_rng(name, dtype, k), dtype, shape)]


SELECT_SHAPES = [([2, 3, 4], [2, 3, 4]), ([3], [3, 5]), ([5], [5]), ([2], [2, 2, 3])]  # (condition, x and y)
REVERSE_CASES = [([2, 3, 4], [1]), ([2, 3, 4], [1, 2]), ([7], [0]), ([2, 3, 4, 5], [-1]), ([3, 4], [0, 1])]


def _select(dtype, k, cond_shape, shape):
    rng = _rng("SELECT", dtype, k)
    q = Q_IN.get(dtype)
    model = one_op("SELECT", [(cond_shape, "bool"), _spec(shape, dtype, q), _spec(shape, dtype, q)],
                   [_spec(shape, dtype, q)])
    return model, [random_values(rng, "bool", cond_shape), random_values(rng, dtype, shape),
                   random_values(rng, dtype, shape)]


def _reverse(dtype, k, shape, axes):
    q = Q_IN.get(dtype)
    model = one_op("REVERSE_V2", [_spec(shape, dtype, q), None], [_spec(shape, dtype, q)],
                   consts={1: np.array(axes, np.int32)})
    return model, [random_values(_rng("REVERSE_V2", dtype, k), dtype, shape)]


def _rank(dtype, k, shape):
    model = one_op("RANK", [_spec(shape, dtype, Q_IN.get(dtype))], [([], "int32")])
    return model, [random_values(_rng("RANK", dtype, k), dtype, shape)]


# CUMSUM: (shape, axis, exclusive, reverse).
CUMSUM_CASES = [([2, 3, 4], 1, False, False), ([2, 3, 4], -1, True, False), ([7], 0, False, True),
                ([2, 3, 4], 0, True, True)]


def _cumsum(dtype, k, shape, axis, exclusive, reverse):
    rng = _rng("CUMSUM", dtype, k)
    model = one_op("CUMSUM", [_spec(shape, dtype, Q_IN.get(dtype)), None], [_spec(shape, dtype, Q_OUT.get(dtype))],
                   consts={1: np.array(axis, np.int32)}, exclusive=exclusive, reverse=reverse)
    return model, [random_values(rng, dtype, shape, -1000, 1000)]


# GATHER_ND: (params shape, indices shape); indices drawn in range, int32 (the last case int64).
GATHER_ND_CASES = [([4, 5, 3], [2, 1]), ([4, 5, 3], [3, 2]), ([4, 5, 3], [2, 2, 3]), ([6], [4, 1]), ([3, 4], [5, 2])]


def _gather_nd(dtype, k, shape, idx_shape):
    rng = _rng("GATHER_ND", dtype, k)
    depth = idx_shape[-1]
    idx = np.stack([rng.integers(0, shape[j], idx_shape[:-1]) for j in range(depth)], axis=-1)
    idx = idx.astype(np.int64 if k == len(GATHER_ND_CASES) - 1 else np.int32)
    out = list(idx_shape[:-1]) + list(shape[depth:])
    q = Q_IN.get(dtype)
    model = one_op("GATHER_ND", [_spec(shape, dtype, q), None], [_spec(out, dtype, q)], consts={1: idx})
    return model, [random_values(rng, dtype, shape)]


# SPACE_TO_BATCH_ND (input, block, paddings) and BATCH_TO_SPACE_ND (input, block, crops), 4-D.
S2B_CASES = [([1, 4, 4, 2], [2, 2], [[0, 0], [0, 0]]), ([2, 5, 3, 3], [2, 2], [[1, 0], [0, 1]]),
             ([1, 6, 6, 1], [3, 2], [[0, 0], [1, 1]])]
B2S_CASES = [([4, 2, 2, 2], [2, 2], [[0, 0], [0, 0]]), ([8, 3, 2, 3], [2, 2], [[1, 0], [0, 1]]),
             ([6, 2, 4, 1], [3, 2], [[0, 0], [1, 1]])]


def _batch_space(name, dtype, k, shape, block, pads):
    b, h, w, c = shape
    if name == "SPACE_TO_BATCH_ND":
        out = [b * block[0] * block[1], (h + sum(pads[0])) // block[0], (w + sum(pads[1])) // block[1], c]
    else:
        out = [b // (block[0] * block[1]), h * block[0] - sum(pads[0]), w * block[1] - sum(pads[1]), c]
    q = Q_IN.get(dtype)
    model = one_op(name, [_spec(shape, dtype, q), None, None], [_spec(out, dtype, q)],
                   consts={1: np.array(block, np.int32), 2: np.array(pads, np.int32)})
    return model, [random_values(_rng(name, dtype, k), dtype, shape)]


# REDUCE_PROD / REDUCE_ANY / REDUCE_ALL: (shape, constant axes, keep_dims).
REDUCE_CASES = [([2, 3, 4], [1], False), ([2, 3, 4], [0, 2], True), ([5], [0], False), ([2, 3, 4], [-1], False)]


# Quantized REDUCE_PROD: (input, output quantization, value range): factors within [-2, 2], so that products
# neither vanish nor all clamp.
_PROD_Q = {"int8": (quant(1 / 32, 0), quant(0.1, 3), (-64, 64)),
           "int16": (quant(1 / 8192, 0), quant(1 / 2048, 0), (-16384, 16384))}


def _reduce(name, dtype, k, shape, axes, keep):
    rng = _rng(name, dtype, k)
    out = [1 if (i in axes or i - len(shape) in axes) else d for i, d in enumerate(shape)]
    if not keep:
        out = [d for i, d in enumerate(shape) if not (i in axes or i - len(shape) in axes)]
    q_in, q_out, (low, high) = Q_IN.get(dtype), Q_IN.get(dtype), (-5, 5)
    if name == "REDUCE_PROD" and dtype in _PROD_Q:
        q_in, q_out, (low, high) = _PROD_Q[dtype]
    model = one_op(name, [_spec(shape, dtype, q_in), None], [_spec(out, dtype, q_out)],
                   consts={1: np.array(axes, np.int32)}, keep_dims=keep)
    if name == "REDUCE_PROD" and dtype == "bool":  # mostly true, so that some rows' AND is true
        return model, [rng.random(shape) < 0.85]
    return model, [random_values(rng, dtype, shape, low, high)]


def cases(name: str, dtype: str) -> list[tuple[bytes, list]]:
    """Every case of (builtin `name`, tensor type `dtype`); [] when the table does not probe this builtin."""
    if dtype == "string":  # STRING tensors: the text builtins' cases (op_cases_text.py) only
        from tests.runtime_c.op_cases_text import STRING_CASES
        return STRING_CASES[name](dtype) if name in STRING_CASES else []
    from tests.runtime_c.op_cases_recurrent import CASES as RNN_CASES
    if name in RNN_CASES:
        return RNN_CASES[name](dtype)
    from tests.runtime_c.op_cases_conv3d import CASES as CONV3D_CASES
    if name in CONV3D_CASES:
        return CONV3D_CASES[name](dtype)
    from tests.runtime_c.op_cases_math import CASES as MATH_CASES
    if name in MATH_CASES:
        return MATH_CASES[name](dtype)
    # the indexing, selection and scatter builtins' cases
    from tests.runtime_c.op_cases_indexing import CASES as INDEXING_CASES
    if name in INDEXING_CASES:
        return INDEXING_CASES[name](dtype)
    from tests.runtime_c.op_cases_window import CASES as WINDOW_CASES  # DILATE, REDUCE_WINDOW, STABLEHLO_REDUCE_WINDOW
    if name in WINDOW_CASES:
        return WINDOW_CASES[name](dtype)
    # op_cases_random_lookup.py: RANDOM_UNIFORM, RANDOM_STANDARD_NORMAL, MULTINOMIAL, STABLEHLO_RNG_BIT_GENERATOR,
    # HASHTABLE_LOOKUP, EMBEDDING_LOOKUP_SPARSE
    from tests.runtime_c.op_cases_random_lookup import CASES as RANDOM_LOOKUP_CASES
    if name in RANDOM_LOOKUP_CASES:
        return RANDOM_LOOKUP_CASES[name](dtype)
    from tests.runtime_c.op_cases_text import CASES as TEXT_CASES  # LSH_PROJECTION, SKIP_GRAM
    if name in TEXT_CASES:
        return TEXT_CASES[name](dtype)
    if name in UNARY:
        return [c for k, s in enumerate(UNARY_SHAPES) if (c := _unary(name, dtype, k, s)) is not None] + \
            [_unary(name, dtype, k, s, j) for j in range(len(UNARY_MORE_Q.get((name, dtype), [])))
             for k, s in enumerate(UNARY_SHAPES[:2])]
    if name in BINARY:
        return [_binary(name, dtype, k, sa, sb, options=BINARY[name]) for k, (sa, sb) in enumerate(BINARY_SHAPES)]
    if name in COMPARISON:
        return [_binary(name, dtype, k, sa, sb, out_dtype="bool") for k, (sa, sb) in enumerate(BINARY_SHAPES)] + \
            [_comparison_requantized(name, dtype, k, sa, sb) for k, (sa, sb) in enumerate(COMPARISON_REQUANT)
             if dtype in QUANTIZED]
    if name in LOGICAL:
        return [_binary(name, dtype, k, sa, sb) for k, (sa, sb) in enumerate(BINARY_SHAPES)]
    if name == "LOGICAL_NOT":
        return [_unary_plain(name, dtype, k, s) for k, s in enumerate(UNARY_SHAPES)]
    if name in ("DEPTH_TO_SPACE", "SPACE_TO_DEPTH"):
        shapes = D2S_SHAPES if name == "DEPTH_TO_SPACE" else S2D_SHAPES
        return [_depth_space(name, dtype, k, s, bs) for k, (s, bs) in enumerate(shapes)]
    if name == "SELECT":
        return [_select(dtype, k, c, x) for k, (c, x) in enumerate(SELECT_SHAPES)]
    if name == "REVERSE_V2":
        return [_reverse(dtype, k, x, a) for k, (x, a) in enumerate(REVERSE_CASES)]
    if name == "CUMSUM":
        return [_cumsum(dtype, k, *c) for k, c in enumerate(CUMSUM_CASES)]
    if name == "GATHER_ND":
        return [_gather_nd(dtype, k, *c) for k, c in enumerate(GATHER_ND_CASES)]
    if name in ("SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND"):
        found = S2B_CASES if name == "SPACE_TO_BATCH_ND" else B2S_CASES
        return [_batch_space(name, dtype, k, *c) for k, c in enumerate(found)]
    if name in ("REDUCE_PROD", "REDUCE_ANY", "REDUCE_ALL"):
        return [_reduce(name, dtype, k, *c) for k, c in enumerate(REDUCE_CASES)]
    if name == "RANK":
        return [_rank(dtype, k, x) for k, x in enumerate(UNARY_SHAPES)]
    if name == "PRELU":
        return [_prelu(dtype, k, s, a) for k, (s, a) in enumerate(PRELU_SHAPES)]
    return []


def _unary_plain(name, dtype, k, shape):
    rng = _rng(name, dtype, k)
    return one_op(name, [_spec(shape, dtype, Q_IN.get(dtype))], [_spec(shape, dtype, Q_OUT.get(dtype))]), \
        [random_values(rng, dtype, shape)]


def probed() -> list[str]:
    """The builtins the table probes type by type."""
    from tests.runtime_c.op_cases_conv3d import CASES as CONV_3D_OPS
    from tests.runtime_c.op_cases_indexing import CASES as INDEXING_CASES
    from tests.runtime_c.op_cases_math import CASES as MATH_CASES
    from tests.runtime_c.op_cases_random_lookup import CASES as RANDOM_LOOKUP_CASES
    from tests.runtime_c.op_cases_recurrent import CASES as RECURRENT
    from tests.runtime_c.op_cases_text import CASES as TEXT_CASES
    from tests.runtime_c.op_cases_window import CASES as WINDOW_CASES
    return sorted([*MATH_CASES, *INDEXING_CASES, *WINDOW_CASES, *RANDOM_LOOKUP_CASES, *TEXT_CASES,
                   *RECURRENT, *CONV_3D_OPS,
                   *UNARY, *BINARY, *COMPARISON, *LOGICAL, "LOGICAL_NOT", "PRELU", "DEPTH_TO_SPACE",
                   "SPACE_TO_DEPTH", "SELECT", "REVERSE_V2", "RANK", "CUMSUM", "GATHER_ND",
                   "SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND", "REDUCE_PROD", "REDUCE_ANY", "REDUCE_ALL"])

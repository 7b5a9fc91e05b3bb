"""op_coverage.py's cases for the indexing, selection and scatter builtins (TOPK_V2, EMBEDDING_LOOKUP, SCATTER_ND,
SPARSE_TO_DENSE, the UNSORTED_SEGMENT reductions, NON_MAX_SUPPRESSION_V4/V5): CASES maps a builtin to a function of
the tensor type giving its (model bytes, feeds) cases, the first one the table's probe. Indices and segment ids are
drawn in range (out-of-range ones are test_indexing_ops.py's); integers in small ranges so that ties and repeats
occur."""
from __future__ import annotations

import numpy as np

from tests.runtime_c.op_coverage import Q_IN, _rng, _spec
from tests.runtime_c.tflite_graph import one_op, random_values

# TOPK_V2: (input shape, k, k and positions int16).
TOPK_CASES = [([2, 3, 10], 3, False), ([7], 7, False), ([4, 16], 1, True), ([3, 5], 0, False), ([2, 9], 4, True)]


def _topk(dtype, k, shape, top, small):
    rng = _rng("TOPK_V2", dtype, k)
    q = Q_IN.get(dtype)
    out = list(shape[:-1]) + [top]
    pos = "int16" if small else "int32"
    model = one_op("TOPK_V2", [_spec(shape, dtype, q), None], [_spec(out, dtype, q), (out, pos)],
                   consts={1: np.array(top, np.int16 if small else np.int32)})
    return model, [random_values(rng, dtype, shape, -6, 6)]


# EMBEDDING_LOOKUP: (value shape, number of lookups, value a constant).
EMBEDDING_CASES = [([10, 4], 5, False), ([6, 3, 2], 8, True), ([1, 7], 3, False), ([4, 2, 2, 3], 4, True)]


def _embedding(dtype, k, shape, n, const):
    rng = _rng("EMBEDDING_LOOKUP", dtype, k)
    q = Q_IN.get(dtype)
    ids = rng.integers(0, shape[0], n).astype(np.int32)
    value = random_values(rng, dtype, shape)
    out = [n, *shape[1:]]
    consts = {1: (value, q) if q else value} if const else {}
    model = one_op("EMBEDDING_LOOKUP", [([n], "int32"), _spec(shape, dtype, q)], [_spec(out, dtype, q)], consts=consts)
    return model, [ids] if const else [ids, value]


CASES = {
    "EMBEDDING_LOOKUP": lambda dtype: [_embedding(dtype, k, *c) for k, c in enumerate(EMBEDDING_CASES)],
    "TOPK_V2": lambda dtype: [_topk(dtype, k, *c) for k, c in enumerate(TOPK_CASES)],
}

"""op_coverage.py's cases for the indexing, selection and scatter builtins (TOPK_V2, EMBEDDING_LOOKUP, SCATTER_ND,
SPARSE_TO_DENSE, the UNSORTED_SEGMENT reductions, NON_MAX_SUPPRESSION_V4/V5): CASES maps a builtin to a function of
the tensor type giving its (model bytes, feeds) cases, the first one the table's probe. Indices and segment ids are
drawn in range (out-of-range ones are test_indexing_ops.py's); integers in small ranges so that ties and repeats
occur."""
from __future__ import annotations

import numpy as np

from tests.runtime_c.op_coverage import Q_IN, _rng, _spec
from tests.runtime_c.tflite_graph import Model, one_op, random_values

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


# SCATTER_ND: (indices shape [..., K], output shape); tuples drawn with repeats (their updates add up).
SCATTER_CASES = [([4, 1], [8]), ([3, 2], [4, 5, 2]), ([2, 2, 1], [5, 3]), ([6, 3], [2, 3, 2]), ([1, 2], [3, 3])]


def _scatter_nd(dtype, k, idx_shape, out_shape):
    rng = _rng("SCATTER_ND", dtype, k)
    q = Q_IN.get(dtype)
    depth = idx_shape[-1]
    idx = np.stack([rng.integers(0, out_shape[j], idx_shape[:-1]) for j in range(depth)], axis=-1).astype(np.int32)
    upd_shape = list(idx_shape[:-1]) + list(out_shape[depth:])
    model = one_op("SCATTER_ND", [(idx_shape, "int32"), _spec(upd_shape, dtype, q), None],
                   [_spec(out_shape, dtype, q)], consts={2: np.array(out_shape, np.int32)})
    return model, [idx, random_values(rng, dtype, upd_shape)]


# SPARSE_TO_DENSE: (output shape, number of indices, scalar value, indices int64); 1-D outputs take 1-D indices.
SPARSE_CASES = [([4, 5], 6, False, False), ([10], 4, True, False),
                ([2, 3, 4], 5, False, True), ([3, 2, 2, 2], 3, True, True)]


def _sparse_to_dense(dtype, k, out_shape, n, scalar, wide):
    rng = _rng("SPARSE_TO_DENSE", dtype, k)
    q = Q_IN.get(dtype)
    idx = np.stack([rng.integers(0, d, n) for d in out_shape], axis=-1).astype(np.int64 if wide else np.int32)
    if len(out_shape) == 1:
        idx = idx[:, 0]
    values = random_values(rng, dtype, [] if scalar else [n])
    default = random_values(rng, dtype, [])
    model = one_op("SPARSE_TO_DENSE", [(list(idx.shape), idx.dtype.name), None, _spec(list(values.shape), dtype, q),
                                       _spec([], dtype, q)], [_spec(out_shape, dtype, q)],
                   consts={1: np.array(out_shape, idx.dtype)})
    return model, [idx, values, default]


# UNSORTED_SEGMENT_*: (data shape, segment_ids shape (a prefix), num_segments); ids drawn in [-1, num_segments): a
# negative id is skipped, and some segments stay empty (their initial value).
SEGMENT_CASES = [([6, 3], [6], 4), ([8], [8], 3), ([4, 3, 2], [4, 3], 5), ([5, 2, 2], [5], 7)]


def _segment(name, dtype, k, shape, ids_shape, n):
    rng = _rng(name, dtype, k)
    ids = rng.integers(-1, n, ids_shape).astype(np.int32)
    x = random_values(rng, dtype, shape, -20, 20) if name != "UNSORTED_SEGMENT_PROD" else \
        random_values(rng, dtype, shape, -4, 4)
    out = [n, *shape[len(ids_shape):]]
    q = Q_IN.get(dtype)
    model = one_op(name, [_spec(shape, dtype, q), (ids_shape, "int32"), None], [_spec(out, dtype, q)],
                   consts={2: np.array(n, np.int32)})
    return model, [x, ids]


# NON_MAX_SUPPRESSION_V4/V5 (float32 only): (boxes, max_output_size, iou_threshold, score_threshold, V5's sigma);
# scores rounded to tenths so that ties occur, boxes clustered so that they overlap.
NMS_CASES = [(12, 5, 0.5, 0.0, 0.5), (20, 10, 0.3, 0.2, 0.0), (6, 8, 0.6, -1.0, 1.0), (16, 16, 0.4, 0.35, 0.3),
             (9, 0, 0.5, 0.0, 0.5)]


def nms_inputs(rng, n):
    centers = rng.uniform(0, 4, (n, 2)).round(1)
    sizes = rng.uniform(0.5, 2.5, (n, 2))
    boxes = np.concatenate([centers - sizes / 2, centers + sizes / 2], axis=1)
    flip = rng.integers(0, 2, n).astype(bool)  # corners in either order
    boxes[flip] = boxes[flip][:, [2, 3, 0, 1]]
    return boxes.astype(np.float32), rng.uniform(0, 1, n).round(1).astype(np.float32)


def _nms(name, dtype, k, n, max_out, iou, score, sigma):
    if dtype != "float32":
        return None
    boxes, scores = nms_inputs(_rng(name, k), n)
    soft = name.endswith("V5")
    consts = {2: np.array(max_out, np.int32), 3: np.array(iou, np.float32), 4: np.array(score, np.float32)}
    if soft:
        consts[5] = np.array(sigma, np.float32)
    outputs = [([max_out], "int32")] + ([([max_out], "float32")] if soft else []) + [([], "int32")]
    model = one_op(name, [([n, 4], "float32"), ([n], "float32")] + [None] * (4 if soft else 3), outputs,
                   consts=consts)
    return model, [boxes, scores]


# STABLEHLO_GATHER: (operand shape, indices shape, index range, options): a tf.gather, a gather_nd, clipped 2-D slices
# (starts drawn past both ends), columns with index_vector_dim 0, and batch dims around the offset dims.
GATHER_CASES = [
    ([5, 3], [4, 1], (0, 4), dict(offset_dims=[1], collapsed_slice_dims=[0], start_index_map=[0], index_vector_dim=1,
                                  slice_sizes=[1, 3])),
    ([4, 5, 3], [2, 2], (0, 3), dict(offset_dims=[1], collapsed_slice_dims=[0, 1], start_index_map=[0, 1],
                                     index_vector_dim=1, slice_sizes=[1, 1, 3])),
    ([6, 7], [3, 2], (-2, 8), dict(offset_dims=[1, 2], collapsed_slice_dims=[], start_index_map=[0, 1],
                                   index_vector_dim=1, slice_sizes=[2, 3])),
    ([5, 4], [1, 3], (0, 3), dict(offset_dims=[0], collapsed_slice_dims=[1], start_index_map=[1], index_vector_dim=0,
                                  slice_sizes=[5, 1])),
    ([3, 4, 2], [2, 2, 1], (0, 3), dict(offset_dims=[0, 3], collapsed_slice_dims=[1], start_index_map=[1],
                                        index_vector_dim=2, slice_sizes=[3, 1, 2])),
]


def gather_shape(operand, idx_shape, o):
    """StableHLO gather's result shape."""
    slices = [s for d, s in enumerate(o["slice_sizes"]) if d not in o["collapsed_slice_dims"]]
    batch = [n for d, n in enumerate(idx_shape) if d != o["index_vector_dim"]]
    rank = len(slices) + len(batch)
    return [slices.pop(0) if d in o["offset_dims"] else batch.pop(0) for d in range(rank)]


def _gather(dtype, k, operand, idx_shape, span, options):
    rng = _rng("STABLEHLO_GATHER", dtype, k)
    q = Q_IN.get(dtype)
    idx = rng.integers(span[0], span[1], idx_shape, endpoint=True).astype(np.int64 if k % 2 else np.int32)
    model = one_op("STABLEHLO_GATHER", [_spec(operand, dtype, q), (idx_shape, idx.dtype.name)],
                   [_spec(gather_shape(operand, idx_shape, options), dtype, q)], **options)
    return model, [random_values(rng, dtype, operand, -50, 50), idx]


# STABLEHLO_SCATTER: (input shape, indices shape, updates shape, index range, update computation, options): rows added
# (repeated rows accumulate), elements replaced (the last write wins), windows maximised (starts past the end:
# those elements are skipped), columns multiplied with index_vector_dim 0, and a minimum over inner rows.
SCATTER_HLO_CASES = [
    ([5, 3], [4, 1], [4, 3], (0, 4), "STABLEHLO_ADD",
     dict(update_window_dims=[1], inserted_window_dims=[0], scatter_dims_to_operand_dims=[0], index_vector_dim=1)),
    ([4, 5], [3, 2], [3], (0, 3), None,
     dict(update_window_dims=[], inserted_window_dims=[0, 1], scatter_dims_to_operand_dims=[0, 1],
          index_vector_dim=1)),
    ([6, 4], [2, 1], [2, 2, 4], (-1, 6), "STABLEHLO_MAXIMUM",
     dict(update_window_dims=[1, 2], inserted_window_dims=[], scatter_dims_to_operand_dims=[0], index_vector_dim=1)),
    ([3, 5], [1, 4], [3, 4], (0, 4), "STABLEHLO_MULTIPLY",
     dict(update_window_dims=[0], inserted_window_dims=[1], scatter_dims_to_operand_dims=[1], index_vector_dim=0)),
    ([2, 3, 4], [2, 2], [2, 3], (0, 1), "STABLEHLO_MINIMUM",
     dict(update_window_dims=[1], inserted_window_dims=[0, 2], scatter_dims_to_operand_dims=[0, 2],
          index_vector_dim=1)),
]


def scatter_model(dtype, shape, idx_shape, idx_dtype, upd_shape, computation, options, q=None) -> bytes:
    """A STABLEHLO_SCATTER model whose update computation (subgraph 1) is one `computation` op, or none (replace)."""
    m = Model()
    g, body = m.subgraph(), m.subgraph()
    spec = (lambda shp: (shp, dtype, q)) if q else (lambda shp: (shp, dtype))
    x, idx, upd = g.input("x", *spec(shape)), g.input("idx", idx_shape, idx_dtype), g.input("upd", *spec(upd_shape))
    y = g.tensor("y", *spec(shape))
    a, b = body.input("a", [], dtype), body.input("b", [], dtype)
    if computation:
        c = body.tensor("c", [], dtype)
        body.op(computation, [a, b], [c])
        body.output(c)
    else:
        body.output(b)
    g.op("STABLEHLO_SCATTER", [x, idx, upd], [y], update_computation_subgraph_index=1, **options)
    g.output(y)
    return m.build()


def _scatter_hlo(dtype, k, shape, idx_shape, upd_shape, span, computation, options):
    rng = _rng("STABLEHLO_SCATTER", dtype, k)
    idx = rng.integers(span[0], span[1], idx_shape, endpoint=True).astype(np.int64 if k % 2 else np.int32)
    small = (-3, 3) if computation == "STABLEHLO_MULTIPLY" else (-50, 50)
    model = scatter_model(dtype, shape, idx_shape, idx.dtype.name, upd_shape, computation, options, Q_IN.get(dtype))
    return model, [random_values(rng, dtype, shape, *small), idx, random_values(rng, dtype, upd_shape, *small)]


# WHERE: condition shapes, about half their elements nonzero (float32: some -0.0, counted as zero).
WHERE_SHAPES = [[3, 4], [7], [2, 3, 4], [1, 5], [2, 2, 2, 3]]


def _where(dtype, k, shape):
    rng = _rng("WHERE", dtype, k)
    cond = random_values(rng, dtype, shape, -1, 1) if dtype != "float32" else \
        np.where(rng.integers(0, 2, shape) == 1, rng.standard_normal(shape), -0.0).astype(np.float32)
    model = one_op("WHERE", [_spec(shape, dtype, Q_IN.get(dtype))], [([int(np.prod(shape)), len(shape)], "int64")])
    return model, [cond]


# UNIQUE: (length, value range, positions int64); small ranges so that values repeat.
UNIQUE_CASES = [(12, (-3, 3), False), (7, (0, 100), True), (20, (-1, 1), False), (1, (0, 5), True)]


def _unique(dtype, k, n, span, wide):
    rng = _rng("UNIQUE", dtype, k)
    x = random_values(rng, dtype, [n], *span) if dtype != "float32" else \
        rng.integers(span[0], span[1], n, endpoint=True).astype(np.float32) / 2
    pos = "int64" if wide else "int32"
    model = one_op("UNIQUE", [_spec([n], dtype, Q_IN.get(dtype))], [_spec([n], dtype, Q_IN.get(dtype)), ([n], pos)],
                   idx_out_type=4 if wide else 2)
    return model, [x]


CASES = {
    "EMBEDDING_LOOKUP": lambda dtype: [_embedding(dtype, k, *c) for k, c in enumerate(EMBEDDING_CASES)],
    "SCATTER_ND": lambda dtype: [_scatter_nd(dtype, k, *c) for k, c in enumerate(SCATTER_CASES)],
    "SPARSE_TO_DENSE": lambda dtype: [_sparse_to_dense(dtype, k, *c) for k, c in enumerate(SPARSE_CASES)],
    **{name: (lambda dtype, name=name: [_segment(name, dtype, k, *c) for k, c in enumerate(SEGMENT_CASES)])
       for name in ("UNSORTED_SEGMENT_SUM", "UNSORTED_SEGMENT_PROD", "UNSORTED_SEGMENT_MAX", "UNSORTED_SEGMENT_MIN")},
    **{name: (lambda dtype, name=name: [c for k, p in enumerate(NMS_CASES) if (c := _nms(name, dtype, k, *p))])
       for name in ("NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5")},
    "STABLEHLO_GATHER": lambda dtype: [_gather(dtype, k, *c) for k, c in enumerate(GATHER_CASES)],
    "STABLEHLO_SCATTER": lambda dtype: [_scatter_hlo(dtype, k, *c) for k, c in enumerate(SCATTER_HLO_CASES)],
    "WHERE": lambda dtype: [_where(dtype, k, s) for k, s in enumerate(WHERE_SHAPES)],
    "UNIQUE": lambda dtype: [_unique(dtype, k, *c) for k, c in enumerate(UNIQUE_CASES)],
    "TOPK_V2": lambda dtype: [_topk(dtype, k, *c) for k, c in enumerate(TOPK_CASES)],
}

"""Indexing, selection and scatter builtins of the C runtime beyond op_coverage.py's cases: runtime-valued
inputs (k, shapes, num_segments), bad indices failing the invoke as LiteRT fails it, resized inputs through the
shape rules, and refusals naming the op. Every value is compared with LiteRT's reference kernels (BUILTIN_REF)."""
from __future__ import annotations

import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter, run

from .tflite_graph import Model, check_against_litert, one_op, refused


def _invoke_fails(model: bytes, feeds, match: str) -> None:
    """Both interpreters fail the invoke of `model` on `feeds`; ours says `match`."""
    with pytest.raises(RuntimeError):
        run(litert_interpreter(model), feeds)
    with pytest.raises((RuntimeError, ValueError), match=match):
        run(tl.lite.Interpreter(model_content=model), feeds)


def _resized_both(model: bytes, shapes, feeds) -> None:
    """Resizes the graph inputs of `model` to `shapes` (strict) in both interpreters; outputs equal."""
    results = []
    for it in (tl.lite.Interpreter(model_content=model), litert_interpreter(model)):
        for d, s in zip(it.get_input_details(), shapes):
            it.resize_tensor_input(d["index"], s, strict=True)
        results.append(run(it, feeds))
    for a, b in zip(*results):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def _batch_model(op, inputs, outputs, consts=(), **options) -> bytes:
    """One `op` whose graph inputs have a -1 batch in their shape signature."""
    m = Model()
    g = m.subgraph()
    consts, ins = dict(consts), []
    for k, spec in enumerate(inputs):
        if k in consts:
            ins.append(g.const(f"c{k}", consts[k]))
        else:
            ins.append(g.input(f"x{k}", *spec))
            g.g.tensors[ins[-1]].shapeSignature = [-1, *spec[0][1:]]
    outs = [g.tensor(f"y{k}", *spec) for k, spec in enumerate(outputs)]
    g.op(op, ins, outs, **options)
    g.output(*outs)
    return m.build()


# TOPK_V2


def test_topk_runtime_k_equal_to_the_outputs():
    """A k fed at run time is read; it must give the outputs' planned last dimension."""
    model = one_op("TOPK_V2", [([3, 8], "float32"), ([], "int32")], [([3, 3], "float32"), ([3, 3], "int32")])
    x = np.random.default_rng(1).standard_normal((3, 8)).astype(np.float32)
    check_against_litert(model, [x, np.array(3, np.int32)])
    with pytest.raises((RuntimeError, ValueError), match="k differs from the outputs' last dimension"):
        run(tl.lite.Interpreter(model_content=model), [x, np.array(2, np.int32)])


def test_topk_ties_and_infinities():
    """Equal values keep their positions' order; infinities sort as numbers."""
    x = np.array([[1, 3, 3, -np.inf, np.inf, 3, 0, np.inf]], np.float32)
    model = one_op("TOPK_V2", [([1, 8], "float32"), None], [([1, 8], "float32"), ([1, 8], "int32")],
                   consts={1: np.array(8, np.int32)})
    check_against_litert(model, [x])


def test_topk_refusals():
    refused(one_op("TOPK_V2", [([2, 4], "float32"), None], [([2, 5], "float32"), ([2, 5], "int32")],
                   consts={1: np.array(5, np.int32)}), "TOPK_V2", "k is higher than the last dimension")
    refused(one_op("TOPK_V2", [([2, 4], "float32"), None], [([2, 3], "float32"), ([2, 3], "int32")],
                   consts={1: np.array(2, np.int32)}), "TOPK_V2", "differs from k")
    refused(one_op("TOPK_V2", [([2, 4], "bool"), None], [([2, 2], "bool"), ([2, 2], "int32")],
                   consts={1: np.array(2, np.int32)}), "TOPK_V2", "input must be float32")
    refused(one_op("TOPK_V2", [([2, 4], "float32"), None], [([2, 2], "float32"), ([2, 2], "int64")],
                   consts={1: np.array(2, np.int32)}), "TOPK_V2", "positions must be int32 or int16")


def test_topk_resized_batch():
    model = _batch_model("TOPK_V2", [([1, 6], "int32"), None], [([1, 2], "int32"), ([1, 2], "int32")],
                         consts={1: np.array(2, np.int32)})
    _resized_both(model, [[4, 6]], [np.random.default_rng(2).integers(-3, 3, (4, 6)).astype(np.int32)])


# EMBEDDING_LOOKUP


@pytest.mark.parametrize("dtype", ["int8", "uint8"])
@pytest.mark.parametrize("per_row", [False, True])
def test_embedding_lookup_hybrid(dtype, per_row):
    """int8/uint8 values with a float32 output: each element times its scale (per tensor or per row); LiteRT reads
    uint8 bytes as int8, so values above 127 are in the data on purpose."""
    rng = np.random.default_rng(3)
    info = np.iinfo(dtype)
    value = rng.integers(info.min, info.max, (6, 5), endpoint=True).astype(dtype)
    scales = [0.02 + 0.01 * r for r in range(6)] if per_row else [0.03]
    q = {"scale": scales, "zero_point": [0] * len(scales), "quantized_dimension": 0}
    model = one_op("EMBEDDING_LOOKUP", [([4], "int32"), ([6, 5], dtype)], [([4, 5], "float32")],
                   consts={1: (value, q)})
    check_against_litert(model, [np.array([5, 0, 3, 5], np.int32)])


@pytest.mark.parametrize("bad", [-1, 6])
def test_embedding_lookup_out_of_range_fails_invoke(bad):
    model = one_op("EMBEDDING_LOOKUP", [([2], "int32"), ([6, 3], "float32")], [([2, 3], "float32")])
    _invoke_fails(model, [np.array([1, bad], np.int32), np.ones((6, 3), np.float32)], "outside the value's rows")


def test_embedding_lookup_refusals():
    refused(one_op("EMBEDDING_LOOKUP", [([2], "int64"), ([6, 3], "float32")], [([2, 3], "float32")]),
            "EMBEDDING_LOOKUP", "lookup must be a 1-D int32")
    refused(one_op("EMBEDDING_LOOKUP", [([2], "int32"), ([6], "float32")], [([2], "float32")]),
            "EMBEDDING_LOOKUP", "at least 2 dimensions")
    refused(one_op("EMBEDDING_LOOKUP", [([2], "int32"), ([6, 3], "int8", {"scale": [0.1], "zero_point": [3]})],
                   [([2, 3], "float32")]), "EMBEDDING_LOOKUP", "zero point 0")
    refused(one_op("EMBEDDING_LOOKUP", [([2], "int32"), ([6, 3], "int16", {"scale": [0.1], "zero_point": [0]})],
                   [([2, 3], "float32")]), "EMBEDDING_LOOKUP", "float32, int8 or uint8 values")


def test_embedding_lookup_resized():
    model = _batch_model("EMBEDDING_LOOKUP", [([1], "int32"), None], [([1, 3], "float32")],
                         consts={1: np.arange(15, dtype=np.float32).reshape(5, 3)})
    _resized_both(model, [[4]], [np.array([4, 0, 2, 2], np.int32)])


# SCATTER_ND


def test_scatter_nd_runtime_shape():
    """A shape fed at run time must equal the planned output shape; then values equal LiteRT's."""
    model = one_op("SCATTER_ND", [([3, 1], "int32"), ([3, 2], "float32"), ([2], "int32")], [([4, 2], "float32")])
    feeds = [np.array([[1], [3], [1]], np.int32), np.arange(6, dtype=np.float32).reshape(3, 2)]
    check_against_litert(model, [*feeds, np.array([4, 2], np.int32)])
    with pytest.raises((RuntimeError, ValueError), match="shape differs from the output's"):
        run(tl.lite.Interpreter(model_content=model), [*feeds, np.array([2, 4], np.int32)])


@pytest.mark.parametrize("bad", [[0, 5], [0, 3], [1, -1], [4, 0], [-1, 0]])
def test_scatter_nd_index_out_of_bounds_fails_invoke(bad):
    """Each coordinate is bounded (also one whose flat position would fall inside the output, [0, 5] in [4, 3])."""
    model = one_op("SCATTER_ND", [([2, 2], "int32"), ([2], "int32"), None], [([4, 3], "int32")],
                   consts={2: np.array([4, 3], np.int32)})
    check_against_litert(model, [np.array([[0, 2], [3, 2]], np.int32), np.array([7, -2], np.int32)])
    _invoke_fails(model, [np.array([[0, 1], bad], np.int32), np.array([7, -2], np.int32)], "out of bounds")


def test_scatter_nd_sums_wrap():
    model = one_op("SCATTER_ND", [([3, 1], "int32"), ([3], "int8"), None], [([2], "int8")],
                   consts={2: np.array([2], np.int32)})
    check_against_litert(model, [np.array([[0], [0], [1]], np.int32), np.array([100, 100, -128], np.int8)])


def test_scatter_nd_refusals():
    refused(one_op("SCATTER_ND", [([3, 1], "int64"), ([3], "float32"), None], [([4], "float32")],
                   consts={2: np.array([4], np.int64)}), "SCATTER_ND", "indices and shape must be int32")
    refused(one_op("SCATTER_ND", [([3, 1], "int32"), ([3], "float32"), None], [([5], "float32")],
                   consts={2: np.array([4], np.int32)}), "SCATTER_ND", "differs from the shape input")
    refused(one_op("SCATTER_ND", [([3, 1], "int32"), ([3, 2], "float32"), None], [([4, 3], "float32")],
                   consts={2: np.array([4, 3], np.int32)}), "SCATTER_ND", "updates must have shape")


# SPARSE_TO_DENSE


def test_sparse_to_dense_runtime_output_shape():
    model = one_op("SPARSE_TO_DENSE", [([3, 2], "int32"), ([2], "int32"), ([3], "float32"), ([], "float32")],
                   [([3, 4], "float32")])
    feeds = [np.array([[0, 1], [2, 3], [0, 1]], np.int32), None, np.array([1, 2, 3], np.float32),
             np.array(-1, np.float32)]
    feeds[1] = np.array([3, 4], np.int32)
    check_against_litert(model, feeds)
    feeds[1] = np.array([4, 3], np.int32)
    with pytest.raises((RuntimeError, ValueError), match="output_shape differs from the output's"):
        run(tl.lite.Interpreter(model_content=model), feeds)


@pytest.mark.parametrize("bad", [[-1, 0], [0, 4], [3, 0]])
def test_sparse_to_dense_index_outside_fails_invoke(bad):
    """LiteRT writes such an index outside the output (no bound check there); this runtime fails the invoke."""
    model = one_op("SPARSE_TO_DENSE", [([2, 2], "int32"), None, ([2], "int32"), ([], "int32")], [([3, 4], "int32")],
                   consts={1: np.array([3, 4], np.int32)})
    with pytest.raises((RuntimeError, ValueError), match="outside the output"):
        run(tl.lite.Interpreter(model_content=model),
            [np.array([[1, 1], bad], np.int32), np.array([5, 6], np.int32), np.array(0, np.int32)])


def test_sparse_to_dense_refusals():
    def model(idx_shape, values_shape, out_shape, dtype="float32"):
        return one_op("SPARSE_TO_DENSE", [(idx_shape, "int32"), None, (values_shape, dtype), ([], dtype)],
                      [(out_shape, dtype)], consts={1: np.array(out_shape, np.int32)})
    refused(model([3, 2], [2], [3, 4]), "SPARSE_TO_DENSE", "a value per index")
    refused(model([3, 3], [3], [3, 4]), "SPARSE_TO_DENSE", "tuples must have the output's rank")
    refused(model([3, 5], [3], [2, 2, 2, 2, 2]), "SPARSE_TO_DENSE", "more than 4 dimensions")
    refused(model([3, 2], [3], [3, 4], "int16"), "SPARSE_TO_DENSE", "values must be float32")


# UNSORTED_SEGMENT_SUM / _PROD / _MAX / _MIN

SEGMENT_OPS = ["UNSORTED_SEGMENT_SUM", "UNSORTED_SEGMENT_PROD", "UNSORTED_SEGMENT_MAX", "UNSORTED_SEGMENT_MIN"]


@pytest.mark.parametrize("op", SEGMENT_OPS)
def test_segment_nan_inf_and_empty_segments(op):
    """NaN and infinities in float32 data (max/min keep the current value against a NaN, as std::max/min); the
    fourth segment is empty and holds the initial value (0, 1, -FLT_MAX, FLT_MAX)."""
    x = np.array([[1, np.nan], [np.inf, -2], [-np.inf, 3], [0.5, -0.0], [np.nan, 7]], np.float32)
    model = one_op(op, [([5, 2], "float32"), ([5], "int32"), None], [([4, 2], "float32")],
                   consts={2: np.array(4, np.int32)})
    check_against_litert(model, [x, np.array([0, 1, 0, 2, 2], np.int32)])


@pytest.mark.parametrize("op", SEGMENT_OPS)
def test_segment_int32_wraps(op):
    x = np.array([2**31 - 1, 5, -2**31, 65536, 65536, -1], np.int32)
    model = one_op(op, [([6], "int32"), ([6], "int32"), None], [([2], "int32")], consts={2: np.array([2], np.int32)})
    check_against_litert(model, [x, np.array([0, 0, 1, 1, 1, -3], np.int32)])


def test_segment_id_not_below_num_segments_fails_invoke():
    model = one_op("UNSORTED_SEGMENT_SUM", [([3], "float32"), ([3], "int32"), None], [([2], "float32")],
                   consts={2: np.array(2, np.int32)})
    _invoke_fails(model, [np.ones(3, np.float32), np.array([0, 2, 1], np.int32)], "not below num_segments")


def test_segment_runtime_num_segments():
    model = one_op("UNSORTED_SEGMENT_MAX", [([4, 2], "int32"), ([4], "int32"), ([], "int32")], [([3, 2], "int32")])
    feeds = [np.arange(8, dtype=np.int32).reshape(4, 2), np.array([2, 0, 2, 1], np.int32)]
    check_against_litert(model, [*feeds, np.array(3, np.int32)])
    with pytest.raises((RuntimeError, ValueError), match="num_segments differs"):
        run(tl.lite.Interpreter(model_content=model), [*feeds, np.array(4, np.int32)])


def test_segment_refusals():
    op = "UNSORTED_SEGMENT_MIN"
    refused(one_op(op, [([4], "int8"), ([4], "int32"), None], [([2], "int8")], consts={2: np.array(2, np.int32)}),
            op, "data must be float32 or int32")
    refused(one_op(op, [([4, 2], "float32"), ([2], "int32"), None], [([2, 2], "float32")],
                   consts={2: np.array(2, np.int32)}), op, "prefix")
    refused(one_op(op, [([4], "float32"), ([4], "int32"), None], [([3], "float32")],
                   consts={2: np.array(2, np.int32)}), op, "differs from num_segments")


def test_segment_resized_data():
    model = _batch_model("UNSORTED_SEGMENT_PROD", [([1, 3], "float32"), ([1], "int32"), None], [([2, 3], "float32")],
                         consts={2: np.array(2, np.int32)})
    rng = np.random.default_rng(4)
    _resized_both(model, [[5, 3], [5]], [rng.standard_normal((5, 3)).astype(np.float32),
                                          np.array([1, 0, 1, -1, 1], np.int32)])


# NON_MAX_SUPPRESSION_V4 / V5


def _nms_model(soft, n, max_out, iou, score, sigma=0.5):
    consts = {2: np.array(max_out, np.int32), 3: np.array(iou, np.float32), 4: np.array(score, np.float32)}
    if soft:
        consts[5] = np.array(sigma, np.float32)
    name = "NON_MAX_SUPPRESSION_V5" if soft else "NON_MAX_SUPPRESSION_V4"
    outputs = [([max_out], "int32")] + ([([max_out], "float32")] if soft else []) + [([], "int32")]
    return one_op(name, [([n, 4], "float32"), ([n], "float32")] + [None] * (4 if soft else 3), outputs, consts=consts)


@pytest.mark.parametrize("soft", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_nms_many_tied_scores(soft, seed):
    """200 overlapping boxes whose scores take 10 values: the order among equal scores is the heap's."""
    from .op_cases_indexing import nms_inputs
    boxes, scores = nms_inputs(np.random.default_rng(seed), 200)
    check_against_litert(_nms_model(soft, 200, 60, 0.45, 0.05, sigma=0.4), [boxes, scores])


@pytest.mark.parametrize("soft", [False, True])
def test_nms_empty_boxes_and_threshold_above_one(soft):
    """An empty box has IoU 0 with everything, itself included, and a threshold above 1 suppresses nothing: LiteRT
    selects such candidates again each time they come back out of its heap; so does this kernel."""
    boxes = np.array([[0, 0, 1, 1], [0, 0, 0, 2], [0.2, 0.1, 1.1, 0.9], [3, 3, 2, 2], [1, 1, 1, 1]], np.float32)
    scores = np.array([0.9, 0.8, 0.7, 0.7, np.nan], np.float32)
    check_against_litert(_nms_model(soft, 5, 7, 0.5, 0.1), [boxes, scores])
    check_against_litert(_nms_model(soft, 5, 7, 1.5, 0.1), [boxes, scores])


def test_nms_negative_sigma_fails_invoke():
    model = _nms_model(True, 3, 2, 0.5, 0.0, sigma=-1.0)
    _invoke_fails(model, [np.zeros((3, 4), np.float32), np.ones(3, np.float32)], "sigma is negative")


def test_nms_refusals():
    op = "NON_MAX_SUPPRESSION_V4"
    runtime_max = one_op(op, [([3, 4], "float32"), ([3], "float32"), ([], "int32"), ([], "float32"), ([], "float32")],
                         [([2], "int32"), ([], "int32")])
    refused(runtime_max, op, "max_output_size must be a constant")
    bad = one_op(op, [([3, 5], "float32"), ([3], "float32"), None, None, None], [([2], "int32"), ([], "int32")],
                 consts={2: np.array(2, np.int32), 3: np.array(0.5, np.float32), 4: np.array(0.0, np.float32)})
    refused(bad, op, r"boxes must be float32 \[num_boxes, 4\]")
    wrong = one_op(op, [([3, 4], "float32"), ([3], "float32"), None, None, None], [([3], "int32"), ([], "int32")],
                   consts={2: np.array(2, np.int32), 3: np.array(0.5, np.float32), 4: np.array(0.0, np.float32)})
    refused(wrong, op, r"selected indices must be int32 \[max_output_size\]")


def test_nms_resized_boxes():
    from .op_cases_indexing import nms_inputs
    model = _batch_model("NON_MAX_SUPPRESSION_V5", [([1, 4], "float32"), ([1], "float32"), None, None, None, None],
                         [([4], "int32"), ([4], "float32"), ([], "int32")],
                         consts={2: np.array(4, np.int32), 3: np.array(0.5, np.float32), 4: np.array(0.1, np.float32),
                                 5: np.array(0.5, np.float32)})
    boxes, scores = nms_inputs(np.random.default_rng(9), 12)
    _resized_both(model, [[12, 4], [12]], [boxes, scores])


# STABLEHLO_GATHER / STABLEHLO_SCATTER

ROWS = dict(update_window_dims=[1], inserted_window_dims=[0], scatter_dims_to_operand_dims=[0], index_vector_dim=1)


@pytest.mark.parametrize("computation", [None, "STABLEHLO_ADD", "STABLEHLO_MULTIPLY", "STABLEHLO_MAXIMUM",
                                         "STABLEHLO_MINIMUM"])
@pytest.mark.parametrize("dtype", ["float32", "int8", "bool"])
def test_stablehlo_scatter_computations(computation, dtype):
    """Every update computation on rows with repeats and rows outside the input (skipped): float32 with NaN and
    infinities, int8 wrapping, bool."""
    from .op_cases_indexing import scatter_model
    model = scatter_model(dtype, [4, 3], [6, 1], "int32", [6, 3], computation, ROWS)
    rng = np.random.default_rng(6)
    if dtype == "float32":
        x = np.array([[1, np.nan, -np.inf], [2, 0, -0.0], [np.inf, 5, 6], [7, 8, np.nan]], np.float32)
        upd = rng.standard_normal((6, 3)).astype(np.float32)
        upd[0, 0], upd[2, 1] = np.nan, np.inf
    elif dtype == "int8":
        x, upd = rng.integers(-128, 128, (4, 3)).astype(np.int8), rng.integers(-128, 128, (6, 3)).astype(np.int8)
    else:
        x, upd = rng.integers(0, 2, (4, 3)).astype(bool), rng.integers(0, 2, (6, 3)).astype(bool)
    check_against_litert(model, [x, np.array([[1], [3], [1], [-1], [4], [0]], np.int32), upd])


def test_stablehlo_scatter_refusals():
    from .op_cases_indexing import scatter_model
    refused(scatter_model("float32", [4, 3], [6, 1], "int32", [6, 3], "ADD", ROWS), "STABLEHLO_SCATTER",
            "update computation must be empty or one STABLEHLO_ADD")
    refused(scatter_model("float32", [4, 3], [6], "int32", [6, 3], "STABLEHLO_ADD", ROWS), "STABLEHLO_SCATTER",
            "index_vector_dim must be below")
    refused(scatter_model("float32", [4, 3], [6, 1], "int32", [6, 4], "STABLEHLO_ADD", ROWS), "STABLEHLO_SCATTER",
            "update window is larger")


def test_stablehlo_gather_clips_every_start():
    """Starts far outside the operand are clipped so that the slice fits, as LiteRT does."""
    options = dict(offset_dims=[1, 2], collapsed_slice_dims=[], start_index_map=[1, 0], index_vector_dim=1,
                   slice_sizes=[2, 3])
    model = one_op("STABLEHLO_GATHER", [([4, 5], "float32"), ([4, 2], "int64")], [([4, 2, 3], "float32")], **options)
    idx = np.array([[-100, 2], [9, 9], [2**40, -(2**40)], [1, 1]], np.int64)
    check_against_litert(model, [np.arange(20, dtype=np.float32).reshape(4, 5), idx])


def test_stablehlo_gather_refusals():
    base = dict(offset_dims=[1], collapsed_slice_dims=[0], start_index_map=[0], index_vector_dim=1,
                slice_sizes=[1, 3])

    def model(**changes):
        return one_op("STABLEHLO_GATHER", [([5, 3], "float32"), ([4, 1], "int32")], [([4, 3], "float32")],
                      **{**base, **changes})
    refused(model(index_vector_dim=2), "STABLEHLO_GATHER", "index_vector_dim must be below")
    refused(model(slice_sizes=[1, 4]), "STABLEHLO_GATHER", "slice size is negative or above")
    refused(model(start_index_map=[0, 1]), "STABLEHLO_GATHER", "one entry per index vector element")
    refused(model(offset_dims=[5]), "STABLEHLO_GATHER", "offset_dims: a dimension is out of range")
    refused(model(slice_sizes=[1, 2]), "STABLEHLO_GATHER", "output shape differs")


# WHERE / UNIQUE: outputs shaped by values


def _invokes_match(model, feed_sets):
    """One interpreter of each, invoked on each feed set in turn: outputs (shapes included) equal every time."""
    ours, ref = tl.lite.Interpreter(model_content=model), litert_interpreter(model)
    ours.allocate_tensors()
    ref.allocate_tensors()
    for feeds in feed_sets:
        got = []
        for it in (ours, ref):
            for d, x in zip(it.get_input_details(), feeds):
                it.set_tensor(d["index"], x)
            it.invoke()
            got.append([it.get_tensor(d["index"]) for d in it.get_output_details()])
        for a, b in zip(*got):
            assert a.shape == b.shape and a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


def test_where_shape_follows_each_invoke():
    model = one_op("WHERE", [([3, 4], "bool")], [([12, 2], "int64")])
    rng = np.random.default_rng(8)
    one = np.arange(12).reshape(3, 4)
    sets = [[(rng.random((3, 4)) < p) | (one == k)] for k, p in enumerate((0.5, 0.05, 0.9, 1, 0.3))]
    _invokes_match(model, sets)  # one element forced true: LiteRT's Python API cannot read an empty tensor


def test_where_nothing_true_is_empty():
    """LiteRT's Python API cannot read a 0-element tensor; NumPy's argwhere is the reference here."""
    model = one_op("WHERE", [([2, 3], "float32")], [([6, 2], "int64")])
    x = np.array([[0, -0.0, 0], [0, 0, 0]], np.float32)
    got = run(tl.lite.Interpreter(model_content=model), [x])[0]
    assert got.shape == (0, 2) and got.dtype == np.int64
    x[1, 2] = np.nan
    np.testing.assert_array_equal(run(tl.lite.Interpreter(model_content=model), [x])[0], np.argwhere(x != 0))


def test_where_constant_condition_feeds_another_op():
    """A constant condition gives a static shape (set in prepare, as LiteRT's), so other ops may read it."""
    m = Model()
    g = m.subgraph()
    cond = g.const("cond", np.array([[True, False, True], [False, True, True]]))
    coords, y = g.tensor("coords", [4, 2], "int64"), g.tensor("y", [4, 2], "int32")
    g.op("WHERE", [cond], [coords])
    g.op("CAST", [coords], [y])
    g.output(y)
    check_against_litert(m.build(), [])


def test_value_shaped_output_read_by_another_op():
    """The reader is re-shaped and prepared again at invoke (test_value_shaped.py has more)."""
    for op, outs in (("WHERE", [([6, 2], "int64")]), ("UNIQUE", [([6], "int32"), ([6], "int32")])):
        m = Model()
        g = m.subgraph()
        x = g.input("x", [6] if op == "UNIQUE" else [2, 3], "int32")
        ys = [g.tensor(f"y{k}", *spec) for k, spec in enumerate(outs)]
        z = g.tensor("z", outs[0][0], "float32")
        g.op(op, [x], ys)
        g.op("CAST", [ys[0]], [z])
        g.output(z)
        feeds = [[np.array(v, np.int32).reshape([6] if op == "UNIQUE" else [2, 3])]
                 for v in ([0, 4, 4, 0, 1, 9], [7] * 6, [0, 0, 0, 0, 0, 3])]
        _invokes_match(m.build(), feeds)


def test_unique_shape_follows_each_invoke():
    model = one_op("UNIQUE", [([10], "float32")], [([10], "float32"), ([10], "int64")], idx_out_type=4)
    rng = np.random.default_rng(10)
    sets = [[rng.integers(-k, k + 1, 10).astype(np.float32)] for k in (1, 4, 0, 9)]
    sets.append([np.array([0.0, -0.0, 1, -0.0, np.inf, -np.inf, np.inf, 0, 1, 2], np.float32)])
    # NaN: LiteRT's std::map finds its smallest key so far; a NaN first is the key every later value finds
    sets.append([np.array([3, 1, np.nan, -2, np.nan, 5, -7, np.nan, 1, 0], np.float32)])
    sets.append([np.array([np.nan, 3, 1, np.nan, -2, 4, 4, 0, -1, 9], np.float32)])
    _invokes_match(model, sets)


def test_where_and_unique_resized():
    _resized_both(_batch_model("WHERE", [([1, 3], "int32")], [([3, 2], "int64")]), [[4, 3]],
                  [np.array([[0, 1, 2], [3, 0, 0], [1, 1, 0], [0, 0, 7]], np.int32)])
    _resized_both(_batch_model("UNIQUE", [([1], "int8")], [([1], "int8"), ([1], "int32")]), [[9]],
                  [np.array([3, -1, 3, 3, 0, -1, 5, 0, 3], np.int8)])


def test_stablehlo_gather_and_scatter_resized():
    gather = dict(offset_dims=[1], collapsed_slice_dims=[0], start_index_map=[0], index_vector_dim=1,
                  slice_sizes=[1, 3])
    model = _batch_model("STABLEHLO_GATHER", [None, ([1, 1], "int32")], [([1, 3], "float32")],
                         consts={0: np.arange(15, dtype=np.float32).reshape(5, 3)}, **gather)
    _resized_both(model, [[4, 1]], [np.array([[4], [0], [2], [2]], np.int32)])
    from .op_cases_indexing import scatter_model
    data = scatter_model("float32", [1, 3], [2, 1], "int32", [2, 3], "STABLEHLO_ADD", ROWS)
    from .tflite_graph import edit_model

    def batch(m):  # a -1 batch on the scatter's input
        m.subgraphs[0].tensors[0].shapeSignature = [-1, 3]
    rng = np.random.default_rng(12)
    _resized_both(edit_model(data, batch), [[5, 3]],
                  [rng.standard_normal((5, 3)).astype(np.float32), np.array([[4], [1]], np.int32),
                   rng.standard_normal((2, 3)).astype(np.float32)])


@pytest.mark.parametrize("n,k", [(10, 3), (10, 10), (40, 40), (40, 7), (64, 63), (200, 200)])
def test_topk_rows_with_nan(n, k):
    """LiteRT 2.3.0 ranks a NaN below every number, -inf included, and NaNs among themselves by position."""
    rng = np.random.default_rng(n * 1000 + k)
    x = rng.standard_normal((6, n)).astype(np.float32)
    x[rng.random((6, n)) < 0.25] = np.nan
    x[0, :] = np.nan
    x[1, ::3] = np.round(x[1, ::3])
    x[2, ::2] = np.array([-np.inf, np.inf, -0.0, 0.0] * n, np.float32)[: len(x[2, ::2])]
    model = one_op("TOPK_V2", [([6, n], "float32"), None], [([6, k], "float32"), ([6, k], "int32")],
                   consts={1: np.array(k, np.int32)})
    check_against_litert(model, [x])


def test_where_uint32():
    """A condition type LiteRT's reference kernel takes beyond the coverage table's columns (its UNIQUE, in 2.3.0,
    refuses uint16, so this one does too)."""
    rng = np.random.default_rng(13)
    x = rng.integers(0, 3, (4, 5)).astype(np.uint32)
    x[0, 0] = 2**32 - 1
    check_against_litert(one_op("WHERE", [([4, 5], "uint32")], [([20, 2], "int64")]), [x])
    refused(one_op("UNIQUE", [([12], "uint16")], [([12], "uint16"), ([12], "int32")]), "UNIQUE", "input must be")

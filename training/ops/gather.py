"""Card: `gather` (TFLite GATHER) and its adjoint `unsorted_segment_sum` (TFLite UNSORTED_SEGMENT_SUM).

gather(params, indices, axis, batch_dims): for each of the leading `batch_dims` dimensions (shared
by params and indices) pick params' slices along `axis` at `indices`. Viewing params as
(B, pre, N, post) and indices as (B, K), the output is (B, pre, K, post) reshaped to
params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:].

The params gradient scatter-adds dy back into those N rows, which is an unsorted_segment_sum over
the (B * N) rows with the batch offset added to each index; the gradient of unsorted_segment_sum
is a gather again, so both nest to any order. Indices have no gradient.
"""
from __future__ import annotations

import math

from ..dispatch import apply
from ..spec import TensorSpec
from .binary import add, greater_equal, maximum
from .creation import range as tl_range
from .creation import zeros_like
from .infer import INDEX, NUMERIC, check_dtype
from .registry import define_op
from .shape_ops import static_int


def _axes(params_rank: int, indices_rank: int, axis: int, batch_dims: int) -> tuple[int, int]:
    """(axis, batch_dims), both made non-negative and checked."""
    bd = batch_dims + indices_rank if batch_dims < 0 else batch_dims
    if not 0 <= bd <= indices_rank:
        raise ValueError(f"gather: batch_dims must be in [{-indices_rank}, {indices_rank}] for indices of "
                         f"rank {indices_rank}, got {batch_dims}")
    a = axis + params_rank if axis < 0 else axis
    if not bd <= a < params_rank:
        raise ValueError(f"gather: axis must be in [batch_dims, rank of params) = [{bd}, {params_rank}), "
                         f"got axis {axis}")
    return a, bd


def _infer(params: TensorSpec, indices: TensorSpec, axis, batch_dims) -> TensorSpec:
    check_dtype("gather", indices, INDEX, "indices")
    a, bd = _axes(params.rank, indices.rank, axis, batch_dims)
    for i in range(bd):
        p, q = params.shape[i], indices.shape[i]
        if p is not None and q is not None and p != q:
            raise ValueError(f"gather: the {bd} batch dimensions of params {list(params.shape)} and indices "
                             f"{list(indices.shape)} must match, but dimension {i} differs")
    return TensorSpec(params.shape[:a] + indices.shape[bd:] + params.shape[a + 1:], params.dtype)


INDEX_CHECK = "its kernel checks the indices in Python"
gather_op = define_op("gather", infer=_infer, attrs={"axis": 0, "batch_dims": 0}, tflite="GATHER",
                      no_xla=INDEX_CHECK)


def _blocks(shape, indices_shape, a: int, bd: int) -> tuple[int, int, int, int, int]:
    """(B, pre, N, post, K) of the (B, pre, N, post) view of params and the (B, K) view of indices."""
    return (math.prod(shape[:bd]), math.prod(shape[bd:a]), shape[a], math.prod(shape[a + 1:]),
            math.prod(indices_shape[bd:]))


@gather_op.kernel("cpu", "cuda")
def _gather(xp, params, indices, axis, batch_dims):
    a, bd = _axes(params.ndim, indices.ndim, axis, batch_dims)
    b, pre, n, post, k = _blocks(params.shape, indices.shape, a, bd)
    if indices.size and (int(indices.min()) < 0 or int(indices.max()) >= n):
        raise ValueError(f"gather: indices must be in [0, {n}) for axis {a} of params {list(params.shape)}, "
                         f"got values in [{int(indices.min())}, {int(indices.max())}]")
    p = params.reshape(b, pre, n, post)
    idx = indices.reshape(b, k)
    out = p[xp.arange(b)[:, None, None], xp.arange(pre)[None, :, None], idx[:, None, :]]
    return out.reshape(params.shape[:a] + indices.shape[bd:] + params.shape[a + 1:])


@gather_op.grad
def _gather_grad(dy, inputs, out, axis, batch_dims):
    params, indices = inputs
    a, bd = _axes(params.ndim, indices.ndim, axis, batch_dims)
    b, pre, n, post, k = _blocks(tuple(params.shape), tuple(indices.shape), a, bd)
    g = apply("transpose", apply("reshape", dy, shape=(b, pre, k, post)), perm=(0, 2, 1, 3))
    ids = apply("reshape", indices, shape=(b, k))
    if b > 1:  # batch row i addresses rows [i * N, (i + 1) * N) of the flattened params
        ids = add(ids, apply("reshape", tl_range(0, b * n, n, dtype=indices.dtype), shape=(b, 1)))
    rows = apply(unsorted_segment_sum_op, g, ids, num_segments=b * n)  # (B * N, pre, post)
    rows = apply("transpose", apply("reshape", rows, shape=(b, n, pre, post)), perm=(0, 2, 1, 3))
    return apply("reshape", rows, shape=tuple(params.shape)), None


def _segment_infer(data: TensorSpec, segment_ids: TensorSpec, num_segments) -> TensorSpec:
    op = "unsorted_segment_sum"
    check_dtype(op, data, NUMERIC, "data")
    check_dtype(op, segment_ids, INDEX, "segment_ids")
    if num_segments < 0:
        raise ValueError(f"{op}: num_segments must be >= 0, got {num_segments}")
    r = segment_ids.rank
    lead = data.shape[:r]
    if r > data.rank or any(p is not None and q is not None and p != q
                            for p, q in zip(lead, segment_ids.shape, strict=True)):
        raise ValueError(f"{op}: the shape of segment_ids {list(segment_ids.shape)} must be a prefix of the "
                         f"shape of data {list(data.shape)}")
    return TensorSpec((num_segments,) + data.shape[r:], data.dtype)


unsorted_segment_sum_op = define_op("unsorted_segment_sum", infer=_segment_infer, attrs={"num_segments": 0},
                                    tflite="UNSORTED_SEGMENT_SUM", no_xla=INDEX_CHECK,
                                    no_tflite="only gather's gradient uses it, in training graphs")


@unsorted_segment_sum_op.kernel("cpu", "cuda")
def _unsorted_segment_sum(xp, data, segment_ids, num_segments):
    ids = segment_ids.reshape(-1)
    rest = data.shape[segment_ids.ndim:]
    if ids.size and int(ids.max()) >= num_segments:
        raise ValueError(f"unsorted_segment_sum: segment_ids must be < num_segments={num_segments}, "
                         f"got {int(ids.max())}")
    rows = data.reshape((ids.size,) + rest)
    keep = ids >= 0  # negative ids drop their rows, as in TensorFlow
    out = xp.zeros((num_segments,) + rest, dtype=data.dtype)
    xp.add.at(out, ids[keep], rows[keep])
    return out


@unsorted_segment_sum_op.grad
def _unsorted_segment_sum_grad(dy, inputs, out, num_segments):
    data, segment_ids = inputs
    g = apply(gather_op, dy, maximum(segment_ids, 0), axis=0, batch_dims=0)
    kept = apply("reshape", greater_equal(segment_ids, 0),
                 shape=tuple(segment_ids.shape) + (1,) * (data.ndim - segment_ids.ndim))
    return apply("where", kept, g, zeros_like(g)), None


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """`tf.gather`; axis defaults to the first non-batch dimension. Indices are always validated."""
    batch_dims = static_int(batch_dims, "batch_dims")
    axis = batch_dims if axis is None else static_int(axis, "axis")
    return apply(gather_op, params, indices, axis=axis, batch_dims=batch_dims)


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """`tf.math.unsorted_segment_sum`: out[j] = sum of data[i...] where segment_ids[i...] == j."""
    n = static_int(num_segments, "num_segments")
    return apply(unsorted_segment_sum_op, data, segment_ids, num_segments=n)


@gather_op.lower
def _lower_gather(ctx, node, axis, batch_dims):
    ctx.emit("GATHER", ctx.inputs(), ctx.outputs(), axis=int(axis), batch_dims=int(batch_dims))

"""References for training/ops/gather.py (naive loops)."""
import numpy as np

from . import BadCase, Case, rng

r = rng(27)
params = r.standard_normal((4, 5, 3)).astype(np.float32)
idx2d = np.array([[3, 0, 3], [1, 1, 2]], np.int32)  # repeats: the gradient must add them up
idx_b = np.array([[4, 0], [2, 2], [1, 3], [0, 0]], np.int64)  # batch_dims=1: 4 rows for params' 4


def gather_ref(p, ind, axis, batch_dims):
    bd = batch_dims + ind.ndim if batch_dims < 0 else batch_dims
    a = axis % p.ndim
    out = np.empty(p.shape[:a] + ind.shape[bd:] + p.shape[a + 1:], p.dtype)
    for o in np.ndindex(*out.shape):
        batch, pre = o[:bd], o[bd:a]
        k = o[a:a + ind.ndim - bd]
        post = o[a + ind.ndim - bd:]
        out[o] = p[batch + pre + (ind[batch + k],) + post]
    return out


def unsorted_segment_sum_ref(data, ids, num_segments):
    out = np.zeros((num_segments,) + data.shape[ids.ndim:], data.dtype)
    for i in np.ndindex(*ids.shape):
        if ids[i] >= 0:
            out[ids[i]] += data[i]
    return out


seg_data = r.standard_normal((2, 3, 2)).astype(np.float32)
seg_ids = np.array([[0, 3, 0], [-1, 2, 3]], np.int32)  # -1 drops its row; segment 1 stays empty

CASES = [
    Case("gather", [params, idx2d], gather_ref, attrs={"axis": 0, "batch_dims": 0}),
    Case("gather", [params, idx2d.astype(np.int64)], gather_ref, attrs={"axis": 1, "batch_dims": 0},
         name="axis1_int64"),
    Case("gather", [params, np.array([2, 0], np.int32)], gather_ref, attrs={"axis": -1, "batch_dims": 0},
         name="last_axis"),
    Case("gather", [params, idx_b], gather_ref, attrs={"axis": 1, "batch_dims": 1}, name="batch_dims"),
    Case("gather", [params, idx_b[:, :, None] % 3], gather_ref, attrs={"axis": 2, "batch_dims": -2},
         name="batch_dims_negative_axis2"),
    Case("gather", [params.astype(np.int32), idx2d], gather_ref, attrs={"axis": 0, "batch_dims": 0},
         name="int32"),
    Case("unsorted_segment_sum", [seg_data, seg_ids], unsorted_segment_sum_ref, attrs={"num_segments": 4}),
    Case("unsorted_segment_sum", [seg_data[0], np.array([1, 1, 0], np.int64)], unsorted_segment_sum_ref,
         attrs={"num_segments": 2}, name="rank1_ids"),
]
BAD = [
    BadCase("gather", [params, idx2d.astype(np.float32)], TypeError, ("indices", "int32, int64", "float32"),
            attrs={"axis": 0, "batch_dims": 0}),
    BadCase("gather", [params, idx_b], ValueError, ("axis must be in", "[1, 3)", "axis 0"),
            attrs={"axis": 0, "batch_dims": 1}),
    BadCase("gather", [params, idx_b[:3]], ValueError, ("batch dimensions", "[4, 5, 3]", "[3, 2]"),
            attrs={"axis": 1, "batch_dims": 1}),
    BadCase("gather", [params, np.array([5], np.int32)], ValueError, ("[0, 4)", "5"),
            attrs={"axis": 0, "batch_dims": 0}),
    BadCase("unsorted_segment_sum", [seg_data, seg_ids[:, :2]], ValueError, ("prefix", "[2, 2]", "[2, 3, 2]"),
            attrs={"num_segments": 4}),
]

"""HASHTABLE_LOOKUP and EMBEDDING_LOOKUP_SPARSE against LiteRT's reference kernels, bit for bit.
HASHTABLE_LOOKUP: every fixed-size value type, value rows of several dims, misses (zero rows, hit 0), keys at
the int32 extremes, unsorted keys (what LiteRT's binary search gives), constant or runtime tables; string
values: test_strings.py and op_cases_text.py. EMBEDDING_LOOKUP_SPARSE: SUM, MEAN and SQRTN over
sparse tensors of rank 2 and 3 with empty rows, negative weights and weights summing to 0 (MEAN gives NaN, as
LiteRT's), params of several dims, runtime dense_shape;
an id outside params fails the invoke; refusals."""
from __future__ import annotations

import numpy as np
import pytest

import tensorlite as tl
from tests.runtime_c.tflite_graph import check_against_litert, one_op, refused

VALUE_TYPES = ["float32", "int8", "uint8", "int16", "int32", "int64", "bool"]


def _table(value_type, keys, values, lookup, const=True):
    n = len(lookup)
    model = one_op("HASHTABLE_LOOKUP", [([n], "int32"), ([len(keys)], "int32"), (list(values.shape), value_type)],
                   [([n, *values.shape[1:]], value_type), ([n], "uint8")], consts={1: keys, 2: values} if const else {})
    return model, [lookup] if const else [lookup, keys, values]


@pytest.mark.parametrize("value_type", VALUE_TYPES)
def test_hashtable_lookup_types(value_type):
    rng = np.random.default_rng(len(value_type))
    keys = np.array([-2 ** 31, -5, 3, 7, 10, 42, 2 ** 31 - 1], np.int32)
    values = rng.integers(0, 100, (7, 2, 3)).astype(value_type)
    lookup = np.array([7, 1, 42, -2 ** 31, 99, 2 ** 31 - 1, 3, 3], np.int32)
    for const in (True, False):
        check_against_litert(*_table(value_type, keys, values, lookup, const))


def test_hashtable_lookup_unsorted_keys():
    keys = np.array([10, 3, 42, 7, -1, 8], np.int32)
    values = np.arange(6, dtype=np.float32)
    check_against_litert(*_table("float32", keys, values, np.array([10, 3, 42, 7, -1, 8, 5], np.int32)))


def test_hashtable_lookup_refusals():
    refused(one_op("HASHTABLE_LOOKUP", [([2], "int32"), ([3], "int32"), ([3], "float32")],
                   [([2], "float32"), ([2], "int32")]), "HASHTABLE_LOOKUP", "hits must be uint8")
    refused(one_op("HASHTABLE_LOOKUP", [([2], "int32"), ([3], "int32"), ([4], "float32")],
                   [([2], "float32"), ([2], "uint8")]), "HASHTABLE_LOOKUP", "one row per key")


def _sparse(combiner, rows_shape, params_shape, ids, indices, weights, const_shape=True):
    n, rank = indices.shape
    out = list(rows_shape[:-1]) + list(params_shape[1:])
    dense = np.array(rows_shape, np.int32)
    model = one_op("EMBEDDING_LOOKUP_SPARSE",
                   [([n], "int32"), ([n, rank], "int32"), ([rank], "int32"), ([n], "float32"),
                    (list(params_shape), "float32")], [(out, "float32")],
                   consts={2: dense} if const_shape else {}, combiner=combiner)
    rng = np.random.default_rng(n)
    params = rng.standard_normal(params_shape).astype(np.float32)
    feeds = [ids, indices] + ([] if const_shape else [dense]) + [weights, params]
    return model, feeds


SPARSE_CASES = [  # (dense_shape, params shape, ids, indices)
    ([3, 4], [10, 5], [1, 3, 0, 9, 2], [[0, 0], [0, 1], [0, 3], [2, 0], [2, 2]]),
    ([2, 3, 4], [6, 2, 3], [5, 0, 1, 4], [[0, 0, 0], [0, 2, 1], [1, 1, 0], [1, 1, 3]]),
    ([4, 2], [7, 3], [6, 6, 2], [[1, 0], [1, 1], [3, 0]]),
]


@pytest.mark.parametrize("combiner", [0, 1, 2])
@pytest.mark.parametrize("case", range(len(SPARSE_CASES)))
def test_embedding_lookup_sparse(combiner, case):
    dense, params_shape, ids, indices = SPARSE_CASES[case]
    rng = np.random.default_rng(case)
    weights = rng.uniform(-1, 2, len(ids)).astype(np.float32)
    if case == 2:  # a row whose weights sum to 0: MEAN divides by it (NaN, as LiteRT's)
        weights[:2] = [1.5, -1.5]
    for const in (True, False):
        check_against_litert(*_sparse(combiner, dense, params_shape, np.array(ids, np.int32),
                                      np.array(indices, np.int32), weights, const))


def test_embedding_lookup_sparse_bad_id_and_refusals():
    model, feeds = _sparse(0, [3, 4], [10, 5], np.array([1, 10], np.int32), np.array([[0, 0], [1, 0]], np.int32),
                           np.ones(2, np.float32))
    it = tl.lite.Interpreter(model_content=model)
    it.allocate_tensors()
    for d, v in zip(it.get_input_details(), feeds):
        it.set_tensor(d["index"], v)
    with pytest.raises(RuntimeError, match="an id is outside params"):
        it.invoke()
    refused(one_op("EMBEDDING_LOOKUP_SPARSE", [([2], "int32"), ([2, 2], "int32"), None, ([2], "float32"),
                                               ([10, 5], "float32")], [([4, 5], "float32")],
                   consts={2: np.array([3, 4], np.int32)}), "EMBEDDING_LOOKUP_SPARSE", "dense_shape does not give")


def test_hashtable_lookup_shape_rule_after_a_resize():
    from tests.runtime_c.test_window_ops import resized_both
    model, _ = _table("int32", np.array([1, 4, 9], np.int32), np.arange(6, dtype=np.int32).reshape(3, 2),
                      np.array([4], np.int32))
    lookup = np.array([9, 2, 1, 4, 4, 0], np.int32)
    ours, ref = resized_both(model, [[6]], [lookup])
    for a, b in zip(ours, ref):
        assert a.shape == b.shape and a.shape[0] == 6
        np.testing.assert_array_equal(a, b)

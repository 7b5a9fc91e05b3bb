"""LSH_PROJECTION beyond the coverage cases (op_cases_text.py): every key length class of Fingerprint64 against
LiteRT's reference kernel (rows of 0 to 80 bytes), 32-bit SPARSE signatures that wrap, and the models prepare
refuses, each named."""
from __future__ import annotations

import numpy as np
import pytest

from tests.runtime_c.tflite_graph import check_against_litert, one_op, refused


@pytest.mark.parametrize("row_bytes", [0, 1, 3, 4, 8, 12, 13, 28, 29, 60, 61, 76, 80])
def test_key_lengths(row_bytes):
    """Keys are 4 seed bytes and one row: 4 to 84 bytes, each of the hash's length classes and its block loop."""
    rng = np.random.default_rng(row_bytes)
    seeds = rng.standard_normal((3, 6)).astype(np.float32)
    x = rng.integers(0, 256, (4, row_bytes)).astype(np.uint8)
    for kind, n in ((1, 3), (2, 18)):
        model = one_op("LSH_PROJECTION", [([3, 6], "float32"), ([4, row_bytes], "uint8"), ([4], "float32")],
                       [([n], "int32")], consts={0: seeds}, type=kind)
        check_against_litert(model, [x, rng.uniform(-1, 1, 4).astype(np.float32)])


def test_sparse_32_bits_wraps():
    """Signatures with the top bit set are negative int32; LiteRT's offset of function i is i at 32 bits."""
    rng = np.random.default_rng(7)
    seeds = rng.standard_normal((6, 32)).astype(np.float32)
    model = one_op("LSH_PROJECTION", [([6, 32], "float32"), ([9, 2], "int32")], [([6], "int32")],
                   consts={0: seeds}, type=1)
    check_against_litert(model, [rng.integers(-1000, 1000, (9, 2)).astype(np.int32)])


def _model(hash_shape=(3, 4), x_shape=(5,), weight=True, out=(3,), kind=1, out_type="int32", hash_type="float32"):
    inputs = [(list(hash_shape), hash_type), (list(x_shape), "int32")] + ([([x_shape[0]], "float32")] if weight else [])
    return one_op("LSH_PROJECTION", inputs, [(list(out), out_type)], type=kind)


@pytest.mark.parametrize("model,match", [
    (_model(kind=0), "projection type must be SPARSE or DENSE"),
    (_model(hash_shape=(3, 33)), "at most 32 bits"),
    (_model(hash_shape=(12,)), r"hash must be \[num_hash, num_bits\]"),
    (_model(out=(12,)), r"output must be \[num_hash \* num_bits\]"),
    (_model(out=(3,), kind=2), r"output must be \[num_hash \* num_bits\]"),
    (_model(out_type="int64"), "the output int32"),
    (_model(hash_type="int32"), "hash and weight must be float32"),
    (_model(x_shape=(0,), weight=False), "at least one row"),
], ids=["unknown type", "33 bits", "1-D hash", "sparse shape", "dense shape", "int64 output", "int32 hash",
        "no rows"])
def test_refused(model, match):
    refused(model, "LSH_PROJECTION", match)


def test_weight_rows_refused():
    model = one_op("LSH_PROJECTION", [([3, 4], "float32"), ([5], "int32"), ([4], "float32")], [([3], "int32")],
                   type=1)
    refused(model, "LSH_PROJECTION", r"weight must be \[rows of input\]")

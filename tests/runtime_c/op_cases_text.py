"""Coverage cases (see op_coverage.py) of the hashing and text builtins: LSH_PROJECTION (every input type, read
as bytes; SPARSE and DENSE; with and without weights; up to 32 bits; rows of 1 to 160 bytes, so the hashed keys
fall in every length class of Fingerprint64) and SKIP_GRAM (STRING sentences with runs of whitespace, a leading
space, UTF-8 and fewer words than ngram_size; n-grams of 1 to 4 words with skips of 0 to 3, include_all_ngrams
both ways; the sentence as an input and as a constant) and HASHTABLE_LOOKUP's STRING column (string values, constant
or an input, hits and misses). op_coverage.cases() dispatches here."""
from __future__ import annotations

import numpy as np

from tests.runtime_c.op_coverage import Q_IN, _rng, _spec
from tests.runtime_c.tflite_graph import Model, one_op, random_values

# (hash [num_hash, num_bits], input shape, weighted, type 1 SPARSE / 2 DENSE, hash as a constant)
LSH_CASES = [([3, 4], [5, 2], True, 1, True), ([2, 5], [4], False, 2, False), ([4, 32], [6, 3], True, 1, True),
             ([3, 31], [2, 3, 2], False, 1, True), ([2, 3], [3, 40], True, 2, True), ([5, 1], [1], True, 1, False)]


def _lsh(dtype):
    out = []
    for k, (hash_shape, shape, weighted, kind, const) in enumerate(LSH_CASES):
        rng = _rng("LSH_PROJECTION", dtype, k)
        seeds = rng.standard_normal(hash_shape).astype(np.float32)
        x = random_values(rng, dtype, shape)
        n_out = hash_shape[0] * hash_shape[1] if kind == 2 else hash_shape[0]
        inputs = [(hash_shape, "float32"), _spec(shape, dtype, Q_IN.get(dtype))] + ([([shape[0]], "float32")]
                                                                                    if weighted else [])
        model = one_op("LSH_PROJECTION", inputs, [([n_out], "int32")], consts={0: seeds} if const else {}, type=kind)
        feeds = ([] if const else [seeds]) + [x]
        if weighted:
            feeds.append(rng.uniform(-1, 2, shape[0]).astype(np.float32))
        out.append((model, feeds))
    return out


# (sentence, ngram_size, max_skip_size, include_all_ngrams, the sentence a constant)
SKIP_GRAM_CASES = [(b"the quick brown fox jumps over the lazy dog", 2, 1, False, False),
                   (b"the quick brown fox jumps over the lazy dog", 3, 2, True, False),
                   (b" leading  and\ttabs\n and   runs ", 2, 0, True, False),
                   ("caf\u00e9 \u4f60\u597d world wide web".encode(), 4, 3, False, True),
                   (b"too short", 3, 1, True, True), (b"one", 1, 0, False, False), (b"", 2, 1, True, False)]


def _skip_gram(dtype):
    if dtype != "string":
        return []
    out = []
    for sentence, n, skip, include_all, const in SKIP_GRAM_CASES:
        m = Model()
        g = m.subgraph()
        x = g.const("sentence", np.array([sentence], dtype=object)) if const else g.input("sentence", [1], "string")
        y = g.tensor("ngrams", [1], "string")
        g.op("SKIP_GRAM", [x], [y], ngram_size=n, max_skip_size=skip, include_all_ngrams=include_all)
        g.output(y)
        out.append((m.build(), [] if const else [np.array([sentence], dtype=object)]))
    return out


# HASHTABLE_LOOKUP with STRING values: (keys, values, lookups, values a constant)
HASHTABLE_STRING_CASES = [([-3, 1, 5, 9], [b"minus three", b"", b"five", "n\u00efne"], [5, 2, -3, 9, 9, 100], True),
                          ([0, 7], [b"zero", b"seven seven seven"], [7, 0, 1], False),
                          ([2, 4, 6], [b"a", b"bb", b"ccc"], [1, 3, 5, 7], True)]


def _hashtable_strings(dtype):
    out = []
    for keys, values, lookups, const in HASHTABLE_STRING_CASES:
        m = Model()
        g = m.subgraph()
        lookup, key = g.input("lookup", [len(lookups)], "int32"), g.const("keys", np.array(keys, np.int32))
        vals = np.array(values, dtype=object)
        v = g.const("values", vals) if const else g.input("values", [len(values)], "string")
        o, hits = g.tensor("out", [len(lookups)], "string"), g.tensor("hits", [len(lookups)], "uint8")
        g.op("HASHTABLE_LOOKUP", [lookup, key, v], [o, hits])
        g.output(o, hits)
        out.append((m.build(), [np.array(lookups, np.int32)] + ([] if const else [vals])))
    return out


CASES = {"LSH_PROJECTION": _lsh, "SKIP_GRAM": _skip_gram}
STRING_CASES = {"SKIP_GRAM": _skip_gram, "HASHTABLE_LOOKUP": _hashtable_strings}  # op_coverage.cases() asks here
# for every STRING cell

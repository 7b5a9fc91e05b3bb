"""Coverage cases (see op_coverage.py) of RANDOM_UNIFORM, RANDOM_STANDARD_NORMAL and MULTINOMIAL (float32 output
or the int32 / int64 sample type), STABLEHLO_RNG_BIT_GENERATOR (int32 / int64 bits), HASHTABLE_LOOKUP (every
value type) and EMBEDDING_LOOKUP_SPARSE (float32). The coverage test runs each once; test_random_ops.py and
test_lookup_ops.py go further (several invokes, edge cases, refusals). op_coverage.cases() dispatches here."""
from __future__ import annotations

import numpy as np

from tests.runtime_c.op_coverage import Q_IN, _rng, _spec
from tests.runtime_c.tflite_graph import Model, one_op, random_values

RANDOM_SHAPES = [([3, 5], 1, 2), ([7], 0, 5), ([2, 2, 3], -3, 12345678901), ([1000], 2 ** 40 + 5, -1)]


def _random(name):
    def make(dtype):
        if dtype != "float32":
            return []
        return [(one_op(name, [([len(s)], "int32")], [(s, "float32")], consts={0: np.array(s, np.int32)}, seed=a,
                        seed2=b), []) for s, a, b in RANDOM_SHAPES]
    return make


def _multinomial(dtype):
    if dtype not in ("int32", "int64"):
        return []
    out = []
    for k, (batch, classes, samples, seed, seed2) in enumerate([(2, 3, 5, 5, 9), (3, 100, 7, 1, 2), (1, 4, 1, -8, 3)]):
        logits = (_rng("MULTINOMIAL", dtype, k).standard_normal((batch, classes)) * 2).astype(np.float32)
        model = one_op("MULTINOMIAL", [([batch, classes], "float32"), ([], "int32")], [([batch, samples], dtype)],
                       consts={1: np.array(samples, np.int32)}, seed=seed, seed2=seed2)
        out.append((model, [logits]))
    return out


def _rng_bits(dtype):
    if dtype not in ("int32", "int64"):
        return []
    out = []
    for algorithm, state, n in [(1, [1, 2, 3], 8), (0, [7, 9], 5), (2, [1, 2], 7), (2, [2 ** 63 + 11, 2 ** 64 - 2], 3)]:
        m = Model()
        g = m.subgraph()
        s = g.input("state", [len(state)], "uint64")
        so, o = g.tensor("new_state", [len(state)], "uint64"), g.tensor("bits", [n], dtype)
        g.op("STABLEHLO_RNG_BIT_GENERATOR", [s], [so, o], algorithm=algorithm)
        g.output(so, o)
        out.append((m.build(), [np.array(state, np.uint64)]))
    return out


def _hashtable(dtype):
    out = []
    for k, (n_keys, row, lookups) in enumerate([(5, [3], 6), (4, [], 4), (7, [2, 2], 9)]):
        rng = _rng("HASHTABLE_LOOKUP", dtype, k)
        keys = np.sort(rng.choice(np.arange(-50, 50), n_keys, replace=False)).astype(np.int32)
        values = random_values(rng, dtype, [n_keys, *row])
        lookup = np.concatenate([rng.choice(keys, lookups - 2), [100, -100]]).astype(np.int32)
        q = Q_IN.get(dtype)
        model = one_op("HASHTABLE_LOOKUP", [([lookups], "int32"), ([n_keys], "int32"), _spec([n_keys, *row], dtype, q)],
                       [_spec([lookups, *row], dtype, q), ([lookups], "uint8")],
                       consts={1: keys, 2: (values, q) if q else values})
        out.append((model, [lookup]))
    return out


def _embedding_sparse(dtype):
    if dtype != "float32":
        return []
    out = []
    cases = [([3, 4], [10, 5], [1, 3, 0, 9, 2], [[0, 0], [0, 1], [0, 3], [2, 0], [2, 2]], 0),
             ([2, 3, 4], [6, 2, 3], [5, 0, 1, 4], [[0, 0, 0], [0, 2, 1], [1, 1, 0], [1, 1, 3]], 1),
             ([4, 2], [7, 3], [6, 6, 2], [[1, 0], [1, 1], [3, 0]], 2)]
    for k, (dense, params_shape, ids, indices, combiner) in enumerate(cases):
        rng = _rng("EMBEDDING_LOOKUP_SPARSE", dtype, k)
        n, rank = len(ids), len(dense)
        model = one_op("EMBEDDING_LOOKUP_SPARSE", [([n], "int32"), ([n, rank], "int32"), ([rank], "int32"),
                                                   ([n], "float32"), (params_shape, "float32")],
                       [(dense[:-1] + params_shape[1:], "float32")], consts={2: np.array(dense, np.int32)},
                       combiner=combiner)
        out.append((model, [np.array(ids, np.int32), np.array(indices, np.int32),
                            rng.uniform(0.1, 2, n).astype(np.float32),
                            rng.standard_normal(params_shape).astype(np.float32)]))
    return out


CASES = {"RANDOM_UNIFORM": _random("RANDOM_UNIFORM"), "RANDOM_STANDARD_NORMAL": _random("RANDOM_STANDARD_NORMAL"),
         "MULTINOMIAL": _multinomial, "STABLEHLO_RNG_BIT_GENERATOR": _rng_bits, "HASHTABLE_LOOKUP": _hashtable,
         "EMBEDDING_LOOKUP_SPARSE": _embedding_sparse}

"""RANDOM_UNIFORM, RANDOM_STANDARD_NORMAL and MULTINOMIAL against LiteRT's reference kernels over several
consecutive invokes of one interpreter (the Philox stream goes on from invoke to invoke): uniform and multinomial
bit for bit, the normal values within 1 float ulp (logf, sinf and cosf may come from two C libraries; here all
200,000 values of a long run are equal). Seeds beyond int32 (LiteRT truncates them), negative seeds, odd sizes
that leave part of a Philox block unused, runtime shapes and num_samples, -inf logits, an allocate_tensors between
invokes (the stream goes on, as LiteRT's) and a resize between them (it starts again, as LiteRT's).
STABLEHLO_RNG_BIT_GENERATOR (PHILOX with a state of 2 or 3, THREEFRY; 32- and 64-bit outputs; counters that wrap)
bit for bit over three invokes fed back their new state.
Philox and Threefry themselves: runtimes/c/tests/test_philox.c and test_threefry.c (their authors' known-answer
vectors)."""
from __future__ import annotations

import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter
from tests.runtime_c.tflite_graph import one_op, refused


def _invokes(it, feeds, n=3, realloc_after=None):
    it.allocate_tensors()
    outs = []
    for k in range(n):
        if k == realloc_after:
            it.allocate_tensors()
        for d, v in zip(it.get_input_details(), feeds):
            it.set_tensor(d["index"], v)
        it.invoke()
        outs.append(it.get_tensor(it.get_output_details()[0]["index"]).copy())
    return outs


def _both(model, feeds=(), **kw):
    return _invokes(tl.lite.Interpreter(model_content=model), feeds, **kw), _invokes(litert_interpreter(model),
                                                                                     feeds, **kw)


def _ulps(a, b):
    return np.abs(a.view(np.int32).astype(np.int64) - b.view(np.int32).astype(np.int64))


# (output shape, seed, seed2, shape type, shape constant?)
RANDOM_CASES = [([3, 5], 1, 2, "int32", True), ([7], 0, 5, "int32", True), ([2, 2, 3], -3, 12345678901, "int32", True),
                ([1000], 2 ** 40 + 5, -1, "int32", True), ([4, 1], 7, 0, "int32", False), ([2], 11, 13, "int32", True)]


@pytest.mark.parametrize("op", ["RANDOM_UNIFORM", "RANDOM_STANDARD_NORMAL"])
@pytest.mark.parametrize("shape,seed,seed2,stype,const", RANDOM_CASES)
def test_random_matches_litert_over_invokes(op, shape, seed, seed2, stype, const):
    s = np.array(shape, stype)
    model = one_op(op, [([len(shape)], stype)], [(shape, "float32")], consts={0: s} if const else {}, seed=seed,
                   seed2=seed2)
    ours, ref = _both(model, [] if const else [s], n=4)
    for a, b in zip(ours, ref):
        assert a.shape == b.shape and a.dtype == b.dtype == np.float32
        if op == "RANDOM_UNIFORM":
            np.testing.assert_array_equal(a, b)
        else:
            assert _ulps(a, b).max() <= 1
    assert not np.array_equal(ours[0], ours[1])


def test_stream_goes_on_through_allocate_tensors():
    model = one_op("RANDOM_UNIFORM", [([1], "int32")], [([6], "float32")], consts={0: np.array([6], np.int32)},
                   seed=3, seed2=4)
    ours, ref = _both(model, n=3, realloc_after=2)
    for a, b in zip(ours, ref):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(ours[2], ours[0])


# (batch, classes, samples, output type, seed, seed2, num_samples constant?)
MULTINOMIAL_CASES = [(2, 3, 5, "int64", 5, 9, True), (3, 1000, 7, "int32", 1, 2, True), (1, 4, 1, "int64", -8, 3, True),
                     (4, 6, 9, "int32", 0, 12, False), (2, 5, 4, "int64", 2 ** 33 + 1, 2 ** 35, True)]


@pytest.mark.parametrize("batch,classes,samples,otype,seed,seed2,const", MULTINOMIAL_CASES)
def test_multinomial_matches_litert_over_invokes(batch, classes, samples, otype, seed, seed2, const):
    rng = np.random.default_rng(classes)
    logits = (rng.standard_normal((batch, classes)) * 2).astype(np.float32)
    logits[0, 0] = -np.inf  # a masked class never drawn, adds nothing
    num = np.array(samples, np.int32)
    model = one_op("MULTINOMIAL", [([batch, classes], "float32"), ([], "int32")], [([batch, samples], otype)],
                   consts={1: num} if const else {}, seed=seed, seed2=seed2)
    ours, ref = _both(model, [logits] if const else [logits, num], n=4)
    for a, b in zip(ours, ref):
        assert a.dtype == b.dtype == np.dtype(otype)
        np.testing.assert_array_equal(a, b)


def test_refusals():
    refused(one_op("RANDOM_UNIFORM", [([2], "int32")], [([3, 5], "float32")], consts={0: np.array([3, 4], np.int32)},
                   seed=1, seed2=1), "RANDOM_UNIFORM", "differs from the output's shape")
    refused(one_op("RANDOM_STANDARD_NORMAL", [([1], "int32")], [([3], "int32")], consts={0: np.array([3], np.int32)}),
            "RANDOM_STANDARD_NORMAL", "output must be float32")
    refused(one_op("RANDOM_UNIFORM", [([1], "int64")], [([3], "float32")], consts={0: np.array([3], np.int64)}),
            "RANDOM_UNIFORM", "shape must be an int32 vector")
    refused(one_op("MULTINOMIAL", [([2, 3], "float32"), ([], "int32")], [([2, 5], "float32")],
                   consts={1: np.array(5, np.int32)}), "MULTINOMIAL", "output must be int32 or int64")
    refused(one_op("MULTINOMIAL", [([2, 3], "float32"), ([], "int32")], [([2, 4], "int32")],
                   consts={1: np.array(5, np.int32)}), "MULTINOMIAL", "num_samples differs")


def _rbg(algorithm, state_size, n, otype):
    from tests.runtime_c.tflite_graph import Model
    m = Model()
    g = m.subgraph()
    s = g.input("state", [state_size], "uint64")
    so, o = g.tensor("new_state", [state_size], "uint64"), g.tensor("bits", [n], otype)
    g.op("STABLEHLO_RNG_BIT_GENERATOR", [s], [so, o], algorithm=algorithm)
    g.output(so, o)
    return m.build()


# (algorithm: 0 DEFAULT, 1 PHILOX, 2 THREEFRY; state; bits count; bits type)
RBG_CASES = [(1, [1, 2, 3], 8, "uint32"), (1, [5, 2 ** 64 - 1, 7], 6, "uint32"), (0, [7, 9], 5, "int32"),
             (1, [2 ** 40 + 3, 2 ** 64 - 1], 3, "uint64"), (1, [1, 2, 3], 4, "int64"), (2, [1, 2], 8, "uint32"),
             (2, [2 ** 63 + 11, 2 ** 64 - 2], 3, "int32"), (2, [123456789012, 5], 3, "uint64"), (2, [0, 0], 1, "int64")]


@pytest.mark.parametrize("algorithm,state,n,otype", RBG_CASES)
def test_rng_bit_generator_matches_litert(algorithm, state, n, otype):
    """Each invoke starts from the state input: fed back the new state, three invokes go on as LiteRT's."""
    model = _rbg(algorithm, len(state), n, otype)
    ours, ref = tl.lite.Interpreter(model_content=model), litert_interpreter(model)
    s_ours = s_ref = np.array(state, np.uint64)
    for _ in range(3):
        outs = []
        for it, s in ((ours, s_ours), (ref, s_ref)):
            it.allocate_tensors()
            it.set_tensor(it.get_input_details()[0]["index"], s)
            it.invoke()
            outs.append([it.get_tensor(d["index"]).copy() for d in it.get_output_details()])
        (so, bo), (sr, br) = outs
        assert bo.dtype == br.dtype == np.dtype(otype)
        np.testing.assert_array_equal(so, sr)
        np.testing.assert_array_equal(bo, br)
        s_ours, s_ref = so, sr


def test_rng_bit_generator_refusals():
    refused(_rbg(2, 3, 4, "uint32"), "STABLEHLO_RNG_BIT_GENERATOR", "THREEFRY's state must hold 2 values")
    refused(_rbg(1, 4, 4, "uint32"), "STABLEHLO_RNG_BIT_GENERATOR", "PHILOX's state must hold 2 or 3 values")
    refused(_rbg(1, 2, 4, "float32"), "STABLEHLO_RNG_BIT_GENERATOR", "must be int32, uint32, int64 or uint64")


def test_multinomial_shape_rule_after_a_resize():
    from tests.runtime_c.test_window_ops import resized_both
    model = one_op("MULTINOMIAL", [([1, 5], "float32"), ([], "int32")], [([1, 6], "int64")],
                   consts={1: np.array(6, np.int32)}, seed=4, seed2=2)
    logits = np.random.default_rng(1).standard_normal((3, 5)).astype(np.float32)
    (ours,), (ref,) = resized_both(model, [[3, 5]], [logits])
    assert ours.shape == (3, 6)
    np.testing.assert_array_equal(ours, ref)


@pytest.mark.parametrize("op", ["MULTINOMIAL", "RANDOM_UNIFORM"])
def test_stream_after_a_resize_as_litert(op):
    """resize_tensor_input + allocate_tensors prepares the node again, and LiteRT 2.3.0's stream then starts again
    from its seeds (seen here: its first draws repeat); ours does the same: MULTINOMIAL over logits resized
    [1, 5] -> [3, 5] -> [2, 5], and RANDOM_UNIFORM beside a resized ADD."""
    if op == "MULTINOMIAL":
        model = one_op("MULTINOMIAL", [([1, 5], "float32"), ([], "int32")], [([1, 6], "int64")],
                       consts={1: np.array(6, np.int32)}, seed=4, seed2=2)
    else:
        from tests.runtime_c.tflite_graph import Model
        m = Model()
        g = m.subgraph()
        x, y, r = g.input("x", [1, 5], "float32"), g.tensor("y", [1, 5], "float32"), g.tensor("r", [7], "float32")
        g.op("RANDOM_UNIFORM", [g.const("s", np.array([7], np.int32))], [r], seed=9, seed2=1)
        g.op("ADD", [x, x], [y])
        g.output(r, y)
        model = m.build()
    runs = []
    for it in (tl.lite.Interpreter(model_content=model), litert_interpreter(model)):
        it.allocate_tensors()
        outs = []
        for batch in (1, 1, 3, 3, 2, 1):
            d = it.get_input_details()[0]
            if list(d["shape"]) != [batch, 5]:
                it.resize_tensor_input(d["index"], [batch, 5])
                it.allocate_tensors()
            it.set_tensor(d["index"], np.random.default_rng(batch).standard_normal((batch, 5)).astype(np.float32))
            it.invoke()
            outs.append(it.get_tensor(it.get_output_details()[0]["index"]).copy())
        runs.append(outs)
    for a, b in zip(*runs):
        assert a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(runs[0][0], runs[0][1])  # the stream goes on between invokes
    if op == "RANDOM_UNIFORM":
        np.testing.assert_array_equal(runs[1][0], runs[1][2])  # and starts again after LiteRT's re-allocation

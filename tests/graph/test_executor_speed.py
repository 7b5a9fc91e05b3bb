"""The graph executor's speed work (issue 14): tl.profiler's per-op table, im2col rows shared between a
convolution and its filter gradient within one run (and never outside one), and small BLAS products on
one thread with the thread count restored."""
import numpy as np
from tensorlite.training import blas
from tensorlite.training.ops import conv

import tensorlite as tl


def _conv_model():
    layers = tl.keras.layers
    return tl.keras.Sequential([layers.Input(shape=(6, 6, 2)), layers.Conv2D(3, 3, padding="same"),
                                layers.ReLU(), layers.Conv2D(4, 3, padding="same"), layers.Flatten(),
                                layers.Dense(2)])


def test_profiler_times_every_node_of_a_traced_step():
    tl.random.set_seed(0)
    model = _conv_model()
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 6, 6, 2), np.float32), np.zeros((4, 2), np.float32)
    model.train_on_batch(x, y)  # traces
    with tl.profiler.profile() as prof:
        model.train_on_batch(x, y)
        model.train_on_batch(x, y)
    graph = next(iter(model._train_function._cache.values())).graph
    counts = {}
    for n in graph.nodes:
        counts[n.op] = counts.get(n.op, 0) + 2
    assert {op: c for op, (c, _) in prof.ops.items()} == counts
    assert prof.runs == 2 and prof.seconds >= sum(s for _, s in prof.ops.values()) > 0
    table = prof.table()
    assert "conv2d_backprop_filter" in table and "executor overhead" in table
    assert tl.profiler.Profile is type(prof)


def test_im2col_rows_shared_within_a_run_only(monkeypatch):
    calls = []
    real = conv._columns_of
    monkeypatch.setattr(conv, "_columns_of", lambda *a: calls.append(1) or real(*a))
    tl.random.set_seed(0)
    models = []
    for eager in (True, False):
        tl.random.set_seed(0)
        m = _conv_model()
        m.compile(optimizer="sgd", loss="mse", run_eagerly=eager)
        models.append(m)
    x = np.random.default_rng(0).standard_normal((4, 6, 6, 2)).astype(np.float32)
    y = np.zeros((4, 2), np.float32)
    models[1].train_on_batch(x, y)  # the trace runs the ops eagerly
    calls.clear()
    models[1].train_on_batch(x, y)
    # forward: 2 convolutions; backward: conv 2's input gradient (its own rows) and both filter
    # gradients, which reuse the forward's rows
    assert len(calls) == 3
    calls.clear()
    models[0].train_on_batch(x, y)
    models[0].train_on_batch(x, y)
    assert len(calls) == 12  # eager ops share nothing (and the tape also differentiates conv 1's input)
    assert conv._memo is None
    for a, b in zip(models[0].weights, models[1].weights):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-5, atol=1e-6)


def test_small_products_on_one_thread_restore_the_count():
    a, b = np.random.default_rng(1).standard_normal((2, 64, 9)), np.ones((9, 16))
    threads = blas._find()
    before = threads[1]() if threads else None
    np.testing.assert_allclose(blas.matmul(np, a, b), a @ b)
    big = np.ones((512, 512), np.float32)
    np.testing.assert_allclose(blas.matmul(np, big, big), big @ big)
    if threads:
        assert threads[1]() == before

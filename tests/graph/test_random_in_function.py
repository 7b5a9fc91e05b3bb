"""Random ops inside tl.function draw anew at every call (the count they hash is a variable the graph reads
and advances, not an attribute fixed at trace time), the gradient of a call uses that call's mask, and
tl.random.set_seed makes the sequence reproducible: on the NumPy executor, eagerly, on the XLA device
(one jitted step, the count an argument) and in Model.fit, traced and eager."""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from tensorlite.training import random as tl_random
from tensorlite.training.devices import xla as xla_device

import tensorlite as tl
from tests.conftest import skip_or_fail
from tests.paths import REPO

RATE = 0.3


@pytest.fixture(params=["cpu", "xla"])
def dev(request):
    if request.param == "xla":
        ok, reason = xla_device.available()
        if not ok:
            skip_or_fail(reason)
    return request.param


def forward_and_grad(x):
    with tl.GradientTape() as tape:
        tape.watch(x)
        y = tl.nn.dropout(x, RATE)
        total = tl.reduce_sum(y)
    return y, tape.gradient(total, x)


def test_each_call_draws_a_new_mask_and_its_gradient_uses_it(dev):
    x = np.ones((100, 200), np.float32)
    f = tl.function(forward_and_grad)
    with tl.device(dev):
        calls = [[t.numpy() for t in f(x)] for _ in range(3)]
    assert f.trace_count == 1
    for y, g in calls:
        kept = y != 0
        assert abs(kept.mean() - (1 - RATE)) < 0.01  # 20,000 draws: 5 standard deviations
        np.testing.assert_array_equal(y[kept], np.float32(1 / (1 - RATE)))
        # the gradient is the forward's mask / (1 - rate): nonzero exactly where the output is
        np.testing.assert_array_equal(g, kept / np.float32(1 - RATE))
    masks = [y != 0 for y, _ in calls]
    for a, b in ((0, 1), (1, 2), (0, 2)):
        both = (masks[a] & masks[b]).mean()  # independent masks: (1 - rate)^2 kept in both
        assert abs(both - (1 - RATE) ** 2) < 0.015, (a, b, both)


def test_same_global_seed_same_sequence_across_devices():
    x = np.ones((30, 40), np.float32)

    def draws(dev):
        tl.random.set_seed(42)
        f = tl.function(lambda t: tl.nn.dropout(t, 0.5) + tl.nn.dropout(t, 0.5))  # two ops in one graph
        with tl.device(dev):
            return [f(x).numpy() for _ in range(3)]

    first = draws("cpu")
    np.testing.assert_array_equal(np.stack(draws("cpu")), np.stack(first))
    assert not np.array_equal(first[0], first[1])
    assert not np.array_equal(first[0] == 2, first[0] == 4)  # the two ops of one call differ too
    ok, reason = xla_device.available()
    if not ok:
        skip_or_fail(reason)
    np.testing.assert_array_equal(np.stack(draws("xla")), np.stack(first))  # the hash is the same in jax.numpy
    tl.random.set_seed(43)
    f = tl.function(lambda t: tl.nn.dropout(t, 0.5))
    assert not np.array_equal(f(x).numpy(), first[0])


def dropped_columns_after_fit(run_eagerly: bool, dev: str) -> int:
    """Columns of the Dense kernel still exactly zero after 12 single-sample steps. The kernel starts at
    zero and a column moves only in a step whose mask keeps its input, so one mask for every step
    leaves about rate * 64 = 32 columns at zero; fresh masks leave about 64 * 0.5^12 = 0.02."""
    tl.random.set_seed(0)
    model = tl.keras.Sequential([tl.keras.Input((64,)), tl.keras.layers.Dropout(0.5),
                                 tl.keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")])
    model.compile(optimizer=tl.keras.optimizers.SGD(0.01), loss="mse", run_eagerly=run_eagerly)
    counts = tl_random.seed_generator().state
    before = int(counts.numpy())
    with tl.device(dev):
        model.fit(np.ones((12, 64), np.float32), np.ones((12, 1), np.float32), batch_size=1, epochs=1,
                  shuffle=False, verbose=0)
    assert int(counts.numpy()) - before == 12  # one count per step's dropout
    return int((model.weights[0].numpy() == 0).sum())


@pytest.mark.parametrize("run_eagerly, dev", [(False, "cpu"), (True, "cpu"), (False, "xla")],
                         ids=["traced", "eager", "xla-step"])
def test_fit_sees_a_new_mask_every_step(run_eagerly, dev):
    if dev == "xla":
        ok, reason = xla_device.available()
        if not ok:
            skip_or_fail(reason)
    assert dropped_columns_after_fit(run_eagerly, dev) <= 2


@pytest.mark.parametrize("run_eagerly", [False, True], ids=["traced", "eager"])
def test_fit_with_dropout_trains(run_eagerly):
    tl.random.set_seed(1)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 8)).astype(np.float32)
    y = (x[:, :4].sum(1) > 0).astype(np.int64)
    model = tl.keras.Sequential([tl.keras.Input((8,)), tl.keras.layers.Dense(32, activation="relu"),
                                 tl.keras.layers.Dropout(0.3), tl.keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=tl.keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], run_eagerly=run_eagerly)
    hist = model.fit(x, y, batch_size=32, epochs=6, verbose=0)
    losses = hist.history["loss"]
    assert losses[-1] < 0.6 * losses[0], losses
    assert hist.history["accuracy"][-1] > 0.85


def test_dropout_in_a_cond_branch_draws_per_call():
    """A branch cannot assign variables: the count is read and advanced in the enclosing function."""
    f = tl.function(lambda x, p: tl.cond(p, lambda: tl.nn.dropout(x, 0.5), lambda: x))
    x = np.ones((20, 20), np.float32)
    a, b = f(x, tl.constant(True)).numpy(), f(x, tl.constant(True)).numpy()
    assert f.trace_count == 1 and 0.35 < (a == 0).mean() < 0.65
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(f(x, tl.constant(False)).numpy(), x)


def test_noise_ops_draw_per_call(dev):
    """tl.random.normal / uniform and the Gaussian noise layers inside tl.function: the random_like op, so
    each call draws anew; the moments are those asked for."""
    noise, drop = tl.keras.layers.GaussianNoise(0.5, seed=3), tl.keras.layers.GaussianDropout(0.2)
    zeros, ones = np.zeros((200, 100), np.float32), np.ones((200, 100), np.float32)
    f = tl.function(lambda: (tl.random.normal([200, 100], mean=1.0, stddev=2.0),
                             tl.random.uniform([200, 100], minval=-1.0, maxval=3.0),
                             noise(zeros, training=True), drop(ones, training=True)))
    with tl.device(dev):
        first, second = [[t.numpy() for t in f()] for _ in range(2)]
    for (mean, std), a, b in zip([(1.0, 2.0), (1.0, 4 / 12 ** 0.5), (0.0, 0.5), (1.0, 0.5)], first, second):
        assert abs(a.mean() - mean) < 0.03 and abs(a.std() - std) < 0.03, (mean, std, a.mean(), a.std())
        assert abs(np.corrcoef(a.ravel(), b.ravel())[0, 1]) < 0.03  # a new draw, not the same one
    assert -1 <= first[1].min() and first[1].max() < 3
    with pytest.raises(NotImplementedError, match="truncated_normal inside tl.function"):
        tl.function(lambda: tl.random.truncated_normal([3]))()


XLA_STRATEGY = textwrap.dedent("""
    import json
    import numpy as np
    import tensorlite as tl
    from tensorlite.training import random as tl_random

    tl.random.set_seed(0)
    strategy = tl.distribute.XLAStrategy()
    assert strategy.num_replicas_in_sync == 2
    with strategy.scope():
        model = tl.keras.Sequential([tl.keras.Input((64,)), tl.keras.layers.Dropout(0.5),
                                     tl.keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")])
        model.compile(optimizer=tl.keras.optimizers.SGD(0.01), loss="mse")
    x, y = np.ones((2, 64), np.float32), np.ones((2, 1), np.float32)
    zeros = []
    for steps in (1, 6):  # a batch of 2: one row per replica
        model.fit(np.concatenate([x] * steps), np.concatenate([y] * steps), batch_size=2, shuffle=False, verbose=0)
        zeros.append(int((model.weights[0].numpy() == 0).sum()))
    print(json.dumps({"zeros": zeros, "count": int(tl_random.seed_generator().state.numpy())}))
""")


def test_xla_strategy_replicas_draw_their_own_masks_every_step():
    """Under XLAStrategy (2 host devices) the count is a capture of the pmapped step: each replica draws
    from its own stream (one step leaves the columns both replicas dropped at zero, about 64 / 4 = 16;
    replicas sharing a mask would leave 32) and each step anew (7 steps leave about 0); the count written
    back advances one per step."""
    ok, reason = xla_device.available()
    if not ok:
        skip_or_fail(reason)
    env = dict(os.environ, PYTHONPATH=str(REPO), XLA_FLAGS="--xla_force_host_platform_device_count=2")
    r = subprocess.run([sys.executable, "-c", XLA_STRATEGY], capture_output=True, text=True, timeout=300, env=env,
                       cwd=REPO)
    assert r.returncode == 0, r.stderr[-3000:]
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert 6 <= got["zeros"][0] <= 26 and got["zeros"][1] <= 2 and got["count"] == 7, got


def test_seeded_dropout_fit_traces_and_equals_eager():
    """A Dropout layer with a seed no longer sends fit to eager mode: the traced step draws from the layer's
    own seed generator, so graph-mode fit makes the eager run's masks and ends with its weights."""
    x = np.random.default_rng(3).standard_normal((48, 6)).astype(np.float32)
    y = (x.sum(axis=1, keepdims=True) > 0).astype(np.float32)
    weights, traces = [], []
    for eager in (True, False):
        tl.random.set_seed(5)
        m = tl.keras.Sequential([tl.keras.layers.Input(shape=(6,)), tl.keras.layers.Dense(16, activation="relu"),
                                 tl.keras.layers.Dropout(0.5, seed=11), tl.keras.layers.Dense(1)])
        m.compile(optimizer="adam", loss="mse", run_eagerly=eager)
        m.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
        weights.append(m.get_weights())
        traces.append(m._train_function.trace_count)
    assert traces == [0, 1]
    for a, b in zip(*weights, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)

"""Each optimizer's updates against a NumPy re-implementation of Keras's equations, 4 steps."""
import numpy as np
import pytest

import tensorlite as tl
from tensorlite.keras import optimizers

W0 = np.array([0.5, -1.0, 2.0])
GRADS = [np.array([0.1, -0.2, 0.3]), np.array([-0.4, 0.1, 0.0]), np.array([0.2, 0.2, -0.5]),
         np.array([0.05, -0.3, 0.1])]


def run(opt):
    v = tl.Variable(W0.copy())
    for g in GRADS:
        opt.apply_gradients([(tl.constant(g), v)])
    return v.numpy()


def np_sgd(lr, momentum=0.0, nesterov=False):
    w, m = W0.copy(), np.zeros(3)
    for g in GRADS:
        if not momentum:
            w = w - lr * g
            continue
        m = momentum * m - lr * g
        w = w + (momentum * m - lr * g if nesterov else m)
    return w


def np_adam(lr, b1=0.9, b2=0.999, eps=1e-7, wd=0.0):
    w, m, v = W0.copy(), np.zeros(3), np.zeros(3)
    for t, g in enumerate(GRADS, 1):
        w = w - w * wd * lr
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        w = w - lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * m / (np.sqrt(v) + eps)
    return w


def np_rmsprop(lr, rho=0.9, momentum=0.0, eps=1e-7, centered=False):
    w, vel, avg, mom = W0.copy(), np.zeros(3), np.zeros(3), np.zeros(3)
    for g in GRADS:
        vel = rho * vel + (1 - rho) * g * g
        denom = vel
        if centered:
            avg = rho * avg + (1 - rho) * g
            denom = vel - avg * avg
        inc = lr * g / np.sqrt(denom + eps)
        if momentum:
            mom = momentum * mom + inc
            w = w - mom
        else:
            w = w - inc
    return w


@pytest.mark.parametrize("opt,ref", [
    (lambda: optimizers.SGD(0.1), lambda: np_sgd(0.1)),
    (lambda: optimizers.SGD(0.1, momentum=0.9), lambda: np_sgd(0.1, 0.9)),
    (lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True), lambda: np_sgd(0.1, 0.9, True)),
    (lambda: optimizers.Adam(0.01), lambda: np_adam(0.01)),
    (lambda: optimizers.AdamW(0.01, weight_decay=0.1), lambda: np_adam(0.01, wd=0.1)),
    (lambda: optimizers.RMSprop(0.01), lambda: np_rmsprop(0.01)),
    (lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True), lambda: np_rmsprop(0.01, 0.9, 0.5, centered=True)),
], ids=["sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "rmsprop_centered_momentum"])
def test_update_rules(opt, ref):
    np.testing.assert_allclose(run(opt()), ref(), rtol=1e-10, atol=1e-12)


def test_schedules():
    s = optimizers.schedules
    assert s.ExponentialDecay(1.0, 10, 0.5)(20) == pytest.approx(0.25)
    assert s.ExponentialDecay(1.0, 10, 0.5, staircase=True)(15) == pytest.approx(0.5)
    assert s.PiecewiseConstantDecay([5, 10], [1.0, 0.5, 0.1])(7) == 0.5
    assert s.CosineDecay(1.0, 10)(5) == pytest.approx(0.5)
    assert s.InverseTimeDecay(1.0, 1, 1.0)(1) == pytest.approx(0.5)
    opt = optimizers.SGD(s.ExponentialDecay(1.0, 1, 0.5))
    v = tl.Variable(np.array([0.0]))
    opt.apply_gradients([(tl.constant([1.0], dtype=tl.float64), v)])  # step 0: lr 1
    opt.apply_gradients([(tl.constant([1.0], dtype=tl.float64), v)])  # step 1: lr 0.5
    np.testing.assert_allclose(v.numpy(), [-1.5])
    assert opt.iterations == 2


def test_unknown_optimizer_name():
    with pytest.raises(ValueError, match="unknown optimizer"):
        optimizers.get("adagradx")


def _fit_linear(optimizer, eager, callbacks=(), epochs=4):
    x = np.random.default_rng(0).standard_normal((32, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    tl.random.set_seed(1)
    m = tl.keras.Sequential([tl.keras.layers.Input(shape=(3,)), tl.keras.layers.Dense(1)])
    m.compile(optimizer=optimizer, loss="mse", run_eagerly=eager)
    m.fit(x, y, batch_size=8, epochs=epochs, shuffle=False, verbose=0, callbacks=list(callbacks))
    return m.get_weights(), m._train_function.trace_count


SCHEDULES = {
    "exponential": lambda s: s.ExponentialDecay(0.1, 3, 0.5),
    "exponential_staircase": lambda s: s.ExponentialDecay(0.1, 3, 0.5, staircase=True),
    "inverse_time": lambda s: s.InverseTimeDecay(0.1, 2, 1.0, staircase=True),
    "piecewise": lambda s: s.PiecewiseConstantDecay([4, 9], [0.1, 0.03, 0.001]),
    "cosine": lambda s: s.CosineDecay(0.1, 10, alpha=0.1),
}


@pytest.mark.parametrize("name", SCHEDULES)
def test_schedule_traces_and_equals_eager(name):
    """A built-in schedule runs in the traced step (one trace, no eager fallback) on the step count read at
    each call, and fit ends with the eager run's weights."""
    runs = [_fit_linear(tl.keras.optimizers.SGD(SCHEDULES[name](optimizers.schedules)), eager)
            for eager in (True, False)]
    assert [r[1] for r in runs] == [0, 1]
    for a, b in zip(runs[0][0], runs[1][0], strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)


def test_learning_rate_set_between_steps_applies_in_graph_mode():
    """LearningRateScheduler sets the rate each epoch; the traced step reads it (it was frozen at trace)."""
    def schedule(epoch, lr):
        return 0.05 if epoch < 2 else 0.0  # from epoch 2 on nothing moves
    runs = []
    for eager in (True, False):
        cb = tl.keras.callbacks.LearningRateScheduler(schedule)
        runs.append(_fit_linear(tl.keras.optimizers.Adam(0.05), eager, [cb], epochs=2)[0])
        runs.append(_fit_linear(tl.keras.optimizers.Adam(0.05), eager, [cb], epochs=5)[0])
    eager2, eager5, graph2, graph5 = runs
    for a, b, c, d in zip(eager2, eager5, graph2, graph5, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-7)       # rate 0 after epoch 2: weights stay
        np.testing.assert_allclose(d, c, rtol=1e-7)
        np.testing.assert_allclose(c, a, rtol=1e-5, atol=1e-7)


def test_schedule_not_marked_traceable_runs_eagerly():
    class Halving(optimizers.schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.1 * 0.5 ** (step // 4)
    weights, traces = _fit_linear(tl.keras.optimizers.SGD(Halving()), eager=False)
    assert traces == 0 and np.all(np.isfinite(weights[0]))

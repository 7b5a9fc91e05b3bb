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

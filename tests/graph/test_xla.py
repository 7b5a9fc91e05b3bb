"""The XLA device (JAX, on the CPU here): over the whole op table, eager ops placed on "xla" and a
traced function compiled with jax.jit equal the CPU (rtol 1e-5), forward and gradient; ops whose
card says `no_xla` fall back to the CPU and say so; "tpu" without a TPU is a clear error."""
import logging

import numpy as np
import pytest
from tensorlite.training.devices import xla as xla_device
from tensorlite.training.dispatch import apply
from tensorlite.training.ops.registry import OPS

import tensorlite as tl
from tests.conftest import skip_or_fail
from tests.reference import all_cases

CASES, _ = all_cases()


@pytest.fixture(autouse=True)
def _jax():
    ok, reason = xla_device.available()
    if not ok:
        skip_or_fail(reason)


def _tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _close(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype
    if want.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want)
    else:
        # rtol 1e-5, plus an absolute floor at 1e-6 of the largest magnitude (sums that cancel)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6 * max(1.0, float(np.max(np.abs(want), initial=0.0))))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_xla_equals_cpu_forward(case):
    want = _tuple(apply(case.op, *case.inputs, **case.attrs))
    f = tl.function(lambda *xs: apply(case.op, *xs, **case.attrs))
    f(*case.inputs)  # traced on the CPU
    with tl.device("xla"):
        eager = _tuple(apply(case.op, *case.inputs, **case.attrs))
        compiled = _tuple(f(*case.inputs))
    for w, e, c in zip(want, eager, compiled):
        assert e.device == ("cpu" if OPS[case.op].no_xla else "xla")
        _close(e.numpy(), w.numpy())
        _close(c.numpy(), w.numpy())


def _grad_cases():
    return [c for c in CASES if c.grad and not OPS[c.op].nondifferentiable
            and any(x.dtype.kind == "f" for x in c.inputs)]


@pytest.mark.parametrize("case", _grad_cases(), ids=lambda c: c.id)
def test_xla_equals_cpu_gradient(case):
    fl = [i for i, x in enumerate(case.inputs) if x.dtype.kind == "f"]

    def grads():
        xs = [tl.constant(x) for x in case.inputs]
        with tl.GradientTape() as tape:
            for i in fl:
                tape.watch(xs[i])
            total = None
            for o in _tuple(apply(case.op, *xs, **case.attrs)):
                if o.dtype.is_floating:
                    t = tl.reduce_sum(o * o)
                    total = t if total is None else total + t
        return tape.gradient(total, [xs[i] for i in fl])

    want = grads()
    with tl.device("xla"):
        got = grads()
    for w, g in zip(want, got):
        if w is not None:
            _close(g.numpy(), w.numpy())


def test_fallback_is_logged_and_tpu_is_refused(caplog):
    with caplog.at_level(logging.INFO, logger="tensorlite.placement"), tl.device("xla"):
        y = tl.gather(tl.constant(np.arange(6.0, dtype=np.float32)), [1, 3])
    assert y.device == "cpu" and "gather has no xla kernel: running on cpu" in caplog.text
    np.testing.assert_array_equal(y.numpy(), [1.0, 3.0])
    assert "xla" in tl.config.list_physical_devices()
    with pytest.raises(RuntimeError, match="device 'tpu' is not available: no TPU"):
        with tl.device("tpu"):
            pass


def test_digits_train_step_compiled_by_xla_equals_cpu():
    from tensorlite.tools import pipeline
    (x, y), _ = pipeline.digits_arrays()
    models = []
    for dev in ("cpu", "xla"):
        tl.random.set_seed(0)
        m = pipeline.build_digits_cnn()
        m.compile(optimizer=tl.keras.optimizers.Adam(learning_rate=pipeline.LEARNING_RATE),
                  loss="sparse_categorical_crossentropy")
        with tl.device(dev):
            for i in range(3):  # the first call traces (on the CPU), the next ones run the graph
                m.train_step((x[32 * i:32 * i + 32], y[32 * i:32 * i + 32]))
        models.append(m)
    cf = next(iter(models[1]._train_function._cache.values()))
    assert cf._device_executors["xla"] is not None  # compiled whole: every op has an XLA kernel
    for a, b in zip(models[0].weights, models[1].weights, strict=True):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-4, atol=1e-5, err_msg=a.name)

"""The XLA device (JAX, on the CPU here): ops whose card says `no_xla` fall back to the CPU and say so; "tpu"
without a TPU is a clear error; a digits CNN's train step compiled whole equals the CPU's. Over the whole op
table, eager and traced on "xla" equal the CPU, forward and gradient, in tests/graph/test_op_table_modes.py."""
import logging

import numpy as np
import pytest
from tensorlite.training.devices import xla as xla_device

import tensorlite as tl
from tests.conftest import skip_or_fail


@pytest.fixture(autouse=True)
def _jax():
    ok, reason = xla_device.available()
    if not ok:
        skip_or_fail(reason)


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


def test_fit_on_xla_is_one_donated_compiled_call_per_batch():
    """fit under tl.device("xla"): the traced train step (forward, backward, Adam, metrics) is one jitted
    call per batch, compiled once for the batch shape; the variables it updates stay on the device and
    their buffers are donated (the array read before a step is deleted after it); weights equal fit on
    the CPU."""
    from tensorlite.tools import pipeline
    (x, y), _ = pipeline.digits_arrays()
    x, y = x[:96], y[:96]
    models = []
    for dev in ("cpu", "xla"):
        tl.random.set_seed(0)
        m = pipeline.build_digits_cnn()
        m.compile(optimizer=tl.keras.optimizers.Adam(learning_rate=pipeline.LEARNING_RATE),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        with tl.device(dev):
            m.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
        models.append(m)
    m = models[1]
    cf = next(iter(m._train_function._cache.values()))
    executor = cf._device_executors["xla"]
    assert executor._step._cache_size() == 1  # 5 compiled calls, one compilation
    kernel = m.trainable_variables[0]
    assert kernel.device == "xla"
    before = kernel._value
    with tl.device("xla"):
        m.train_on_batch(x[:32], y[:32])
    assert before.is_deleted() and not kernel._value.is_deleted()  # donated, updated in place
    with tl.device("cpu"):
        models[0].train_on_batch(x[:32], y[:32])
    for a, b in zip(models[0].weights, m.weights, strict=True):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-4, atol=1e-5, err_msg=a.name)


def test_partial_batch_compiles_each_shape_once():
    """A last, smaller batch is traced on the CPU kernels, whose assigns must not turn the XLA-resident
    variables back into NumPy arrays: the next full batch would then be a new argument kind for the
    compiled step and compile again (it did: 4 compilations for 2 batch shapes)."""
    from tensorlite.tools import pipeline
    (x, y), _ = pipeline.digits_arrays()
    tl.random.set_seed(0)
    m = pipeline.build_digits_cnn()
    m.compile(optimizer=tl.keras.optimizers.Adam(learning_rate=pipeline.LEARNING_RATE),
              loss="sparse_categorical_crossentropy")
    with tl.device("xla"):
        m.fit(x[:80], y[:80], batch_size=32, epochs=3, shuffle=False, verbose=0)  # batches 32, 32, 16
    executors = [cf._device_executors["xla"] for cf in m._train_function._cache.values()]
    assert len(executors) == 2 and [e._step._cache_size() for e in executors] == [1, 1]
    assert all(v.device == "xla" and not isinstance(v._value, np.ndarray) for v in m.variables)


_FIT = """
import numpy as np, tensorlite as tl
from tensorlite.training.devices import xla
tl.random.set_seed(0)
m = tl.keras.Sequential([tl.keras.layers.Input(shape=(4,)), tl.keras.layers.Dense(3)])
m.compile(optimizer="adam", loss="mse")
with tl.device("xla"):
    m.fit(np.ones((16, 4), np.float32), np.zeros((16, 3), np.float32), batch_size=8, epochs=2, verbose=0)
print("cache:", xla._load().config.jax_compilation_cache_dir)
"""


def test_compiled_programs_persist_between_processes(tmp_path):
    """The second process loads the train step XLA compiled in the first from the persistent cache
    ($TENSORLITE_XLA_CACHE); an empty TENSORLITE_XLA_CACHE turns the cache off."""
    import os
    import subprocess
    import sys
    cache = tmp_path / "xla"
    env = {**os.environ, "TENSORLITE_XLA_CACHE": str(cache), "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
           "JAX_LOG_COMPILES": "1"}
    runs = [subprocess.run([sys.executable, "-c", _FIT], env=env, capture_output=True, text=True, timeout=300)
            for _ in range(2)]
    for r in runs:
        assert r.returncode == 0, r.stderr[-3000:]
        assert f"cache: {cache}" in r.stdout
    assert any(cache.iterdir())
    assert "Persistent compilation cache hit for 'jit_step'" not in runs[0].stderr
    assert "Persistent compilation cache hit for 'jit_step'" in runs[1].stderr
    off = subprocess.run([sys.executable, "-c", _FIT], env={**env, "TENSORLITE_XLA_CACHE": ""},
                         capture_output=True, text=True, timeout=300)
    assert off.returncode == 0 and "cache: None" in off.stdout, off.stderr[-3000:]

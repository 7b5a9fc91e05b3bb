"""Keras behaviours TFX Trainer modules rely on: a functional model called with a dict keyed by its inputs'
names, fit(validation_steps=) on a repeated dataset, evaluate(steps=), and model.save(dir, save_format='tf')."""
import numpy as np
import pytest

import tensorlite as tl
from tensorlite import keras


def _model():
    inputs = [keras.layers.Input(shape=(1,), name=n) for n in ("a", "b")]
    out = keras.layers.Dense(2)(keras.layers.concatenate(inputs))
    model = keras.Model(inputs=inputs, outputs=out)
    model.compile(optimizer=keras.optimizers.SGD(0.1),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def _data(n=12):
    rng = np.random.default_rng(1)
    x = {k: rng.random((n, 1)).astype(np.float32) for k in ("a", "b")}
    return x, rng.integers(0, 2, (n, 1)).astype(np.int64)


def test_dict_inputs_by_name():
    model = _model()
    x, _ = _data()
    w, b = (v.numpy() for v in model.layers[-1].weights)
    want = np.concatenate([x["a"], x["b"]], axis=1) @ w + b
    got = model({"b": x["b"], "a": x["a"]}).numpy()  # order of the dict does not matter
    np.testing.assert_allclose(got, want, rtol=1e-6)
    with pytest.raises(ValueError, match="lacks \\['b'\\]"):
        model({"a": x["a"]})


def test_fit_and_evaluate_steps_on_repeated_dataset():
    model = _model()
    x, y = _data()
    ds = tl.data.Dataset.from_tensor_slices((x, y)).batch(4).repeat()  # endless: steps must end each loop
    hist = model.fit(ds, steps_per_epoch=3, validation_data=ds, validation_steps=2, epochs=2, verbose=0)
    assert len(hist.history["val_loss"]) == 2
    assert int(model.optimizer.iterations) == 6
    loss = model.evaluate(ds, steps=3, verbose=0)
    first3 = model.evaluate(tl.data.Dataset.from_tensor_slices((x, y)).batch(4), verbose=0)
    np.testing.assert_allclose(loss, first3, rtol=1e-6)


def test_save_format_tf_writes_saved_model(tmp_path):
    model = _model()
    x, _ = _data(3)
    model.save(str(tmp_path / "sm"), save_format="tf")
    loaded = tl.saved_model.load(str(tmp_path / "sm"))
    out = loaded.signatures["serving_default"](**{k: tl.constant(v) for k, v in x.items()})
    np.testing.assert_allclose(list(out.values())[0].numpy(), model(x).numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="save_format='h5'"):
        model.save(str(tmp_path / "m"), save_format="h5")


def test_io_feature_specs():
    spec = tl.io.FixedLenFeature(shape=[1], dtype=tl.float32)
    assert (spec.shape, spec.dtype, spec.default_value) == ([1], tl.float32, None)
    assert tl.io.VarLenFeature(tl.int64).dtype == tl.int64

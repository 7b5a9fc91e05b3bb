"""Sequential, functional (multiple inputs/outputs) and subclassed models; summary."""
import numpy as np
import pytest

import tensorlite as tl
from tensorlite.keras import layers


def test_sequential_deferred_build_and_summary():
    tl.random.set_seed(0)
    model = tl.keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(2)])
    assert not model.weights
    model(np.zeros((1, 3), np.float32))
    assert [tuple(w.shape) for w in model.weights] == [(3, 4), (4,), (4, 2), (2,)]
    text = model.summary(print_fn=lambda s: None)
    assert "dense" in text and "(None, 4)" in text and "Total params: 26" in text


def test_sequential_with_input_builds_immediately():
    model = tl.keras.Sequential([tl.keras.Input((8, 8, 1)), layers.Conv2D(2, 3), layers.Flatten()])
    assert len(model.weights) == 2
    assert model.layers[-1].output_shape == (None, 72)
    model.pop()
    assert len(model.layers) == 1


def test_functional_two_inputs_two_outputs():
    tl.random.set_seed(1)
    a, b = tl.keras.Input((4,), name="a"), tl.keras.Input((3,), name="b")
    h = layers.Concatenate()([layers.Dense(5)(a), layers.Dense(5)(b)])
    out1, out2 = layers.Dense(1, name="score")(h), layers.Dense(2, activation="softmax", name="cls")(h)
    model = tl.keras.Model([a, b], [out1, out2])
    xa, xb = np.ones((6, 4), np.float32), np.ones((6, 3), np.float32)
    y1, y2 = model([xa, xb])
    assert y1.shape == (6, 1) and y2.shape == (6, 2)
    assert len(model.layers) == 7 and len(model.weights) == 8  # 2 InputLayers, as in Keras
    # the same computation by hand from the layers' weights
    ka, ba, kb, bb = (w.numpy() for w in model.layers[2].weights + model.layers[3].weights)
    h_np = np.concatenate([xa @ ka + ba, xb @ kb + bb], -1)
    k1, b1 = (w.numpy() for w in model.get_layer("score").weights)
    np.testing.assert_allclose(y1.numpy(), h_np @ k1 + b1, rtol=1e-5)
    model.compile("adam", ["mse", "sparse_categorical_crossentropy"])
    hist = model.fit([xa, xb], [np.zeros((6, 1)), np.zeros(6)], epochs=2, verbose=0)
    assert len(hist.history["loss"]) == 2


def test_functional_output_must_depend_on_inputs():
    a, other = tl.keras.Input((2,)), tl.keras.Input((2,))
    with pytest.raises(ValueError, match="not among the model inputs"):
        tl.keras.Model(a, layers.Dense(1)(other))


def test_subclassed_model_trains():
    class Tiny(tl.keras.Model):
        def __init__(self):
            super().__init__()
            self.d1 = layers.Dense(8, activation="tanh")
            self.d2 = layers.Dense(1)

        def call(self, x, training=None):
            return self.d2(self.d1(x))

    tl.random.set_seed(2)
    x = np.random.default_rng(0).standard_normal((64, 2)).astype(np.float32)
    y = (x[:, :1] * 2 - x[:, 1:]).astype(np.float32)
    m = Tiny()
    m.compile(tl.keras.optimizers.Adam(0.05), "mse")
    hist = m.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert len(m.trainable_variables) == 4
    assert hist.history["loss"][-1] < 0.1 * hist.history["loss"][0]

"""The Layer base: naming, weights and their tracking, trainable propagation, autocasting,
shape inference; initializers (Keras formulas, seeding)."""
import math

import numpy as np
import pytest

import tensorlite as tl
from tensorlite.keras import initializers, layers

from .helpers import check_layer


class Scale(layers.Layer):
    """A custom layer as users write them: add_weight in build, tl ops in call."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")  # Keras 3 style
        self.b = self.add_weight("b", (1,), "zeros", trainable=False)  # Keras 2 style, positional

    def call(self, x):
        return x * self.w + self.b


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = layers.Dense(3)
        self.stack = []  # filled after assignment: still tracked
        self.heads = {"a": layers.Dense(2), "b": layers.Dense(1)}
        self.extra = tl.Variable(np.ones(2, np.float32), name="extra")

    def call(self, x):
        if not self.stack:
            self.stack.append(layers.Dense(3))
        h = self.stack[0](self.inner(x))
        return tl.concat([self.heads["a"](h), self.heads["b"](h)], axis=-1) * self.extra[0]


def test_custom_layer_and_add_weight_orders():
    check_layer(Scale(), np.ones((2, 3), np.float32), (2, 3), 2, n_trainable=1, reference=lambda x, w, b: x * w + b)
    with pytest.raises(ValueError, match="shape. is required"):
        Scale().add_weight("w")


def test_nested_tracking_in_assignment_order():
    block = Block()
    check_layer(block, np.ones((2, 4), np.float32), (2, 3), 9)
    names = [v.name.split("/")[-1] for v in block.weights]
    assert names == ["extra", "kernel", "bias", "kernel", "bias", "kernel", "bias", "kernel", "bias"]
    block.trainable = False
    assert block.trainable_weights == [] and not block.heads["a"].trainable
    block.heads["a"].trainable = True
    block.trainable = True
    assert len(block.trainable_weights) == 9


def test_names_are_unique_keras_style():
    tl.keras.backend.clear_session()
    assert [layers.Dense(1).name, layers.Dense(1).name, layers.Conv2D(1, 1).name] == ["dense", "dense_1", "conv2d"]
    assert layers.BatchNormalization().name == "batch_normalization"
    assert layers.Dense(1, name="head").name == "head"
    d = layers.Dense(2, name="d")
    d(np.ones((1, 3), np.float32))
    assert [v.name for v in d.weights] == ["d/kernel", "d/bias"]


def test_set_weights_errors_name_layer_and_shapes():
    d = layers.Dense(2, name="probe")
    d(np.ones((1, 3), np.float32))
    with pytest.raises(ValueError, match="probe.set_weights: expected 2 arrays, got 1"):
        d.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"probe/kernel has shape \[3, 2\], got an array of shape \[2, 3\]"):
        d.set_weights([np.zeros((2, 3)), np.zeros(2)])


def test_unknown_argument_and_autocast():
    with pytest.raises(TypeError, match=r"Dense: unknown arguments \['bogus'\]"):
        layers.Dense(2, bogus=1)
    d = layers.Dense(2)
    y = d(np.ones((2, 3), np.float64))  # Keras casts floating inputs to the layer's dtype
    assert y.dtype == tl.float32
    d64 = layers.Dense(2, dtype="float64")
    assert d64(np.ones((1, 3), np.float32)).dtype == tl.float64 and d64.kernel.dtype == tl.float64


def test_compute_output_shape():
    assert layers.Conv2D(4, 3, strides=2).compute_output_shape((None, 9, 9, 2)) == (None, 4, 4, 4)
    assert layers.LSTM(5, return_sequences=True).compute_output_shape((None, None, 3)) == (None, None, 5)
    assert layers.Concatenate().compute_output_shape([(None, 2), (None, 3)]) == (None, 5)


def fan_std(init, shape):
    return tl.keras.initializers.get(init)(shape).numpy().std()


def test_initializer_formulas():
    tl.random.set_seed(0)
    shape = (3, 3, 16, 32)  # conv kernel: fans count the receptive field
    fan_in, fan_out = 9 * 16, 9 * 32
    g = initializers.get("glorot_uniform")(shape).numpy()
    assert g.dtype == np.float32 and np.abs(g).max() <= math.sqrt(6 / (fan_in + fan_out))
    for name, std in (("glorot_normal", math.sqrt(2 / (fan_in + fan_out))), ("he_normal", math.sqrt(2 / fan_in)),
                      ("he_uniform", math.sqrt(2 / fan_in)), ("lecun_normal", math.sqrt(1 / fan_in)),
                      ("random_normal", 0.05), ("random_uniform", 0.1 / math.sqrt(12))):
        assert abs(fan_std(name, shape) / std - 1) < 0.05, name
    t = initializers.TruncatedNormal(stddev=2.0)((1000,)).numpy()
    assert np.abs(t).max() <= 4.0
    np.testing.assert_array_equal(initializers.get("zeros")((2, 2)).numpy(), 0)
    np.testing.assert_array_equal(initializers.get("ones")((2,)).numpy(), 1)
    np.testing.assert_array_equal(initializers.Constant(3.5)((2,), "float64").numpy(), [3.5, 3.5])
    q = initializers.Orthogonal(gain=2.0)((6, 4)).numpy()
    np.testing.assert_allclose(q.T @ q, 4 * np.eye(4), atol=1e-5)
    with pytest.raises(ValueError, match="unknown initializer 'glorot'"):
        initializers.get("glorot")


def test_initializers_are_seeded():
    assert isinstance(initializers.get("HeNormal"), initializers.VarianceScaling)
    a = initializers.GlorotUniform(seed=3)((4, 4)).numpy()
    np.testing.assert_array_equal(a, initializers.GlorotUniform(seed=3)((4, 4)).numpy())

    def weights():
        tl.random.set_seed(11)
        model = tl.keras.Sequential([tl.keras.Input((5,)), layers.Dense(4), layers.Dense(2)])
        return model.get_weights()

    for x, y in zip(weights(), weights(), strict=True):
        np.testing.assert_array_equal(x, y)

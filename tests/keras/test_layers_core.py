"""Core, activation, reshaping and merge layers through check_layer, against NumPy."""
import numpy as np
import pytest
from scipy.special import expit

import tensorlite as tl
from tensorlite.keras import layers

from .helpers import check_layer

r = np.random.default_rng(3)


def f32(*shape):
    return r.standard_normal(shape).astype(np.float32)


@pytest.fixture(autouse=True)
def seed():
    tl.random.set_seed(0)


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def test_dense():
    check_layer(layers.Dense(3), f32(4, 5), (4, 3), 2, reference=lambda x, k, b: x @ k + b)


def test_dense_activation_rank3_and_no_bias():
    check_layer(layers.Dense(3, activation="sigmoid"), f32(2, 4, 5), (2, 4, 3), 2,
                reference=lambda x, k, b: expit(x @ k + b))
    check_layer(layers.Dense(2, use_bias=False, kernel_initializer="ones"), f32(3, 4), (3, 2), 1,
                reference=lambda x, k: x @ k)


def test_dense_rejects_rank1_input():
    with pytest.raises(ValueError, match=r"dense.*rank >= 2.*\[5\]"):
        layers.Dense(3)(np.ones(5, np.float32))


@pytest.mark.parametrize("name, ref", [
    ("relu", lambda x: np.maximum(x, 0)),
    ("sigmoid", expit),
    ("tanh", np.tanh),
    ("softmax", np_softmax),
    ("elu", lambda x: np.where(x > 0, x, np.expm1(x))),
    ("softplus", lambda x: np.log1p(np.exp(x))),
    ("softsign", lambda x: x / (1 + np.abs(x))),
    ("swish", lambda x: x * expit(x)),
    ("hard_sigmoid", lambda x: np.clip(x + 3, 0, 6) / 6),
    ("linear", lambda x: x),
])
def test_activation_layer_by_name(name, ref):
    x = f32(3, 4) + 0.05  # keeps inputs off the kinks at 0
    check_layer(layers.Activation(name), x, (3, 4), 0, reference=lambda x: ref(x), rtol=1e-5, atol=1e-6)


def test_unknown_activation_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown activation 'nope'.*relu"):
        layers.Dense(2, activation="nope")


@pytest.mark.parametrize("kwargs, ref", [
    ({}, lambda x: np.maximum(x, 0)),
    ({"max_value": 6.0}, lambda x: np.clip(x, 0, 6)),
    ({"max_value": 2.0}, lambda x: np.clip(x, 0, 2)),
    ({"negative_slope": 0.1}, lambda x: np.where(x > 0, x, 0.1 * x)),
    ({"threshold": 0.5, "negative_slope": 0.2, "max_value": 3.0},
     lambda x: np.where(x >= 0.5, np.minimum(x, 3.0), 0.2 * (x - 0.5))),
])
def test_relu_layer(kwargs, ref):
    x = np.array([[-3.3, -0.7, 0.2, 0.9, 2.4, 7.1]], np.float32)
    check_layer(layers.ReLU(**kwargs), x, (1, 6), 0, reference=lambda x: ref(x))


def test_softmax_layer_axis():
    check_layer(layers.Softmax(axis=1), f32(2, 3, 4), (2, 3, 4), 0, reference=lambda x: np_softmax(x, 1))


def test_dropout_is_identity_at_inference_and_scales_in_training():
    x = np.ones((100, 10), np.float32)
    layer = layers.Dropout(0.5)
    check_layer(layer, x, (100, 10), 0, reference=lambda x: x)
    y = layer(x, training=True).numpy()
    assert set(np.unique(y)) <= {0.0, 2.0} and 0.3 < (y == 0).mean() < 0.7


def test_dropout_noise_shape_and_seed():
    x = np.ones((4, 6, 5), np.float32)
    y = layers.Dropout(0.5, noise_shape=(None, 1, 5))(x, training=True).numpy()
    assert np.all(y == y[:, :1, :])  # one mask shared along the time axis
    a, b = layers.Dropout(0.5, seed=7), layers.Dropout(0.5, seed=7)
    first = a(x, training=True).numpy()
    np.testing.assert_array_equal(first, b(x, training=True).numpy())  # same seed, same masks
    assert not np.array_equal(first, a(x, training=True).numpy())  # a new mask per call
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\), got 1.5"):
        layers.Dropout(1.5)


def test_flatten_and_reshape():
    x = f32(2, 4, 4, 3)
    check_layer(layers.Flatten(), x, (2, 48), 0, reference=lambda x: x.reshape(2, -1))
    check_layer(layers.Reshape((16, 3)), x, (2, 16, 3), 0, reference=lambda x: x.reshape(2, 16, 3))
    check_layer(layers.Reshape((-1, 6)), x, (2, 8, 6), 0, reference=lambda x: x.reshape(2, 8, 6))
    with pytest.raises(ValueError, match=r"reshape.*\(4, 4, 3\).*48.*\(5, -1\)"):
        layers.Reshape((5, -1))(x)


def test_embedding():
    ids = np.array([[0, 3], [2, 2]], np.int32)
    layer = layers.Embedding(5, 4)
    y = check_layer(layer, ids, (2, 2, 4), 1, reference=lambda ids, table: table[ids])
    assert np.abs(layer.get_weights()[0]).max() <= 0.05 and y.dtype == np.float32  # Keras's uniform(-0.05, 0.05)


def test_lambda_layer():
    check_layer(layers.Lambda(lambda t, k: t * k, arguments={"k": 3.0}), f32(2, 3), (2, 3), 0,
                reference=lambda x: 3 * x)


@pytest.mark.parametrize("cls, ref", [
    (layers.Add, lambda a, b: a + b),
    (layers.Subtract, lambda a, b: a - b),
    (layers.Multiply, lambda a, b: a * b),
    (layers.Average, lambda a, b: (a + b) / 2),
    (layers.Maximum, np.maximum),
    (layers.Minimum, np.minimum),
    (layers.Concatenate, lambda a, b: np.concatenate([a, b], -1)),
])
def test_merge_layers(cls, ref):
    a, b = f32(2, 3), f32(2, 3)
    shape = (2, 6) if cls is layers.Concatenate else (2, 3)
    check_layer(cls(), [a, b], shape, 0, reference=lambda xs: ref(*xs))


def test_merge_errors_and_function_forms():
    a, b, c = f32(2, 3), f32(2, 3), f32(2, 3)
    with pytest.raises(ValueError, match="at least 2 inputs"):
        layers.Add()([a])
    with pytest.raises(ValueError, match="exactly 2 inputs, got 3"):
        layers.Subtract()([a, b, c])
    np.testing.assert_allclose(layers.add([a, b, c]).numpy(), a + b + c, rtol=1e-6)
    np.testing.assert_array_equal(layers.concatenate([a, b], axis=0).numpy(), np.concatenate([a, b], 0))

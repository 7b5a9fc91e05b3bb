"""Every layer against a NumPy reference of the Keras definition, through check_layer."""
import numpy as np
import pytest
from scipy.special import expit

import tensorlite as tl
from tensorlite.keras import layers

from .helpers import check_layer

r = np.random.default_rng(3)


def f32(*shape):
    return r.standard_normal(shape).astype(np.float32)


def np_conv(x, k, stride=1):
    n, h, w, c = x.shape
    kh, kw, _, o = k.shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    out = np.zeros((n, oh, ow, o))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.tensordot(patch, k, axes=([1, 2, 3], [0, 1, 2]))
    return out


@pytest.fixture(autouse=True)
def seed():
    tl.random.set_seed(0)


def test_dense():
    check_layer(layers.Dense(3), f32(4, 5), (4, 3), 2, reference=lambda x, k, b: x @ k + b)


def test_dense_activation_and_rank3():
    check_layer(layers.Dense(3, activation="sigmoid"), f32(2, 4, 5), (2, 4, 3), 2,
                reference=lambda x, k, b: expit(x @ k + b))


def test_conv2d():
    check_layer(layers.Conv2D(4, 3, use_bias=True), f32(2, 6, 6, 2), (2, 4, 4, 4), 2,
                reference=lambda x, k, b: np_conv(x, k) + b, rtol=1e-4)


def test_conv2d_same_stride():
    check_layer(layers.Conv2D(2, 3, strides=2, padding="same"), f32(1, 6, 6, 1), (1, 3, 3, 2), 2)


def test_depthwise_separable_transpose():
    check_layer(layers.DepthwiseConv2D(3, depth_multiplier=2), f32(1, 5, 5, 3), (1, 3, 3, 6), 2)
    check_layer(layers.SeparableConv2D(4, 3, padding="same"), f32(1, 5, 5, 3), (1, 5, 5, 4), 3)
    check_layer(layers.Conv2DTranspose(2, 3, strides=2, padding="same"), f32(1, 3, 3, 4), (1, 6, 6, 2), 2)
    check_layer(layers.Conv2DTranspose(2, 3, strides=1, padding="valid"), f32(1, 3, 3, 4), (1, 5, 5, 2), 2)


def test_batch_normalization_training_and_inference():
    layer = layers.BatchNormalization(momentum=0.5, epsilon=1e-3)
    x = f32(8, 3) * 2 + 1
    y = layer(x, training=True).numpy()
    mean, var = x.mean(0), x.var(0)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.5 * mean, rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.5 + 0.5 * var, rtol=1e-5)
    y_inf = layer(x, training=False).numpy()
    mm, mv = layer.moving_mean.numpy(), layer.moving_variance.numpy()
    np.testing.assert_allclose(y_inf, (x - mm) / np.sqrt(mv + 1e-3), rtol=1e-5)
    assert len(layer.trainable_weights) == 2 and len(layer.non_trainable_weights) == 2


def test_layer_normalization():
    x = f32(3, 4, 5)
    mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    check_layer(layers.LayerNormalization(), x, (3, 4, 5), 2,
                reference=lambda x, g, b: (x - mean) / np.sqrt(var + 1e-3) * g + b, rtol=1e-4, atol=1e-5)


def test_activation_layers():
    x = f32(3, 4)
    np.testing.assert_allclose(layers.Activation("relu")(x).numpy(), np.maximum(x, 0))
    np.testing.assert_allclose(layers.ReLU(max_value=6.0)(x * 10).numpy(), np.clip(x * 10, 0, 6))
    np.testing.assert_allclose(layers.ReLU(negative_slope=0.1)(x).numpy(), np.where(x > 0, x, 0.1 * x), rtol=1e-6)
    e = np.exp(x - x.max(-1, keepdims=True))
    np.testing.assert_allclose(layers.Softmax()(x).numpy(), e / e.sum(-1, keepdims=True), rtol=1e-5)


def test_pooling_flatten_reshape():
    x = f32(2, 4, 4, 3)
    np.testing.assert_allclose(layers.MaxPooling2D()(x).numpy(), x.reshape(2, 2, 2, 2, 2, 3).max((2, 4)))
    np.testing.assert_allclose(layers.AveragePooling2D()(x).numpy(), x.reshape(2, 2, 2, 2, 2, 3).mean((2, 4)),
                               rtol=1e-5)
    np.testing.assert_allclose(layers.GlobalAveragePooling2D()(x).numpy(), x.mean((1, 2)), rtol=1e-5)
    assert layers.GlobalAveragePooling2D(keepdims=True)(x).shape == (2, 1, 1, 3)
    np.testing.assert_array_equal(layers.Flatten()(x).numpy(), x.reshape(2, -1))
    np.testing.assert_array_equal(layers.Reshape((16, 3))(x).numpy(), x.reshape(2, 16, 3))


def test_dropout_is_identity_at_inference_and_scales_in_training():
    x = np.ones((100, 10), np.float32)
    layer = layers.Dropout(0.5)
    np.testing.assert_array_equal(layer(x).numpy(), x)
    y = layer(x, training=True).numpy()
    assert set(np.unique(y)) <= {0.0, 2.0} and 0.3 < (y == 0).mean() < 0.7


def test_padding_upsampling():
    x = f32(1, 2, 3, 2)
    np.testing.assert_array_equal(layers.ZeroPadding2D(((1, 0), (2, 1)))(x).numpy(),
                                  np.pad(x, ((0, 0), (1, 0), (2, 1), (0, 0))))
    np.testing.assert_array_equal(layers.UpSampling2D(2)(x).numpy(), x.repeat(2, 1).repeat(2, 2))


def test_merge_layers():
    a, b = f32(2, 3), f32(2, 3)
    np.testing.assert_allclose(layers.Add()([a, b]).numpy(), a + b)
    np.testing.assert_allclose(layers.Multiply()([a, b]).numpy(), a * b)
    np.testing.assert_array_equal(layers.Concatenate()([a, b]).numpy(), np.concatenate([a, b], -1))
    with pytest.raises(ValueError, match="at least 2"):
        layers.Add()([a])


def test_embedding():
    ids = np.array([[0, 3], [2, 2]], np.int32)
    layer = layers.Embedding(5, 4)
    y = layer(ids).numpy()
    np.testing.assert_array_equal(y, layer.get_weights()[0][ids])


def np_lstm(x, k, rk, b, units):
    h = np.zeros((x.shape[0], units))
    c = np.zeros_like(h)
    outs = []
    for t in range(x.shape[1]):
        z = x[:, t] @ k + h @ rk + b
        i, f, g, o = np.split(z, 4, -1)
        c = expit(f) * c + expit(i) * np.tanh(g)
        h = expit(o) * np.tanh(c)
        outs.append(h)
    return np.stack(outs, 1), h, c


def np_gru(x, k, rk, b, units):
    h = np.zeros((x.shape[0], units))
    outs = []
    for t in range(x.shape[1]):
        xz, xr, xh = np.split(x[:, t] @ k + b[0], 3, -1)
        hz, hr, hh = np.split(h @ rk + b[1], 3, -1)
        z, rr = expit(xz + hz), expit(xr + hr)
        n = np.tanh(xh + rr * hh)
        h = z * h + (1 - z) * n
        outs.append(h)
    return np.stack(outs, 1), h


def test_lstm_matches_keras_equations():
    x = f32(2, 5, 3)
    layer = layers.LSTM(4, return_sequences=True, return_state=True)
    seq, h, c = layer(x)
    k, rk, b = layer.get_weights()
    assert np.all(b[4:8] == 1.0)  # unit_forget_bias
    ref_seq, ref_h, ref_c = np_lstm(x, k, rk, b, 4)
    np.testing.assert_allclose(seq.numpy(), ref_seq, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h.numpy(), ref_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c.numpy(), ref_c, rtol=1e-5, atol=1e-6)
    check_layer(layers.LSTM(4), x, (2, 4), 3, reference=lambda x, k, rk, b: np_lstm(x, k, rk, b, 4)[1])


def test_gru_matches_keras_equations():
    x = f32(2, 5, 3)
    check_layer(layers.GRU(4), x, (2, 4), 3, reference=lambda x, k, rk, b: np_gru(x, k, rk, b, 4)[1])
    seq = layers.GRU(4, return_sequences=True)(x)
    assert seq.shape == (2, 5, 4)


def test_trainable_flag_moves_weights_to_non_trainable():
    layer = layers.Dense(2)
    layer(f32(1, 3))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


def test_unknown_layer_argument_is_an_error():
    with pytest.raises(TypeError, match="unknown arguments"):
        layers.Dense(2, bogus=1)


def test_upsampling_bilinear_uses_half_pixel_resize():
    x = f32(1, 2, 3, 1)
    y = layers.UpSampling2D(2, interpolation="bilinear")(x).numpy()
    assert y.shape == (1, 4, 6, 1)
    # half-pixel centers: output row 0 sits at input row -0.25, clamped to row 0 (TF2 semantics)
    np.testing.assert_allclose(y[0, 0, 0, 0], x[0, 0, 0, 0], rtol=1e-6)
    np.testing.assert_allclose(y[0, 1, 1, 0], 0.75 * (0.75 * x[0, 0, 0, 0] + 0.25 * x[0, 0, 1, 0]) +
                               0.25 * (0.75 * x[0, 1, 0, 0] + 0.25 * x[0, 1, 1, 0]), rtol=1e-5)

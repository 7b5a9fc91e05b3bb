"""Convolution, pooling, padding/upsampling and normalization layers through check_layer, against
naive NumPy loops written from the definitions (TF's SAME padding: the odd pixel at the end)."""
import math

import numpy as np
import pytest

import tensorlite as tl
from tensorlite.keras import layers

from .helpers import check_layer

r = np.random.default_rng(5)


def f32(*shape):
    return r.standard_normal(shape).astype(np.float32)


@pytest.fixture(autouse=True)
def seed():
    tl.random.set_seed(0)


def same_pads(size, window, stride):
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + window - size, 0)
    return out, total // 2, total - total // 2


def np_conv(x, k, stride=1, padding="valid", dilation=1, groups=1):
    kh, kw, cin, o = k.shape
    ekh, ekw = (kh - 1) * dilation + 1, (kw - 1) * dilation + 1
    if padding == "same":
        _, t, b = same_pads(x.shape[1], ekh, stride)
        _, left, right = same_pads(x.shape[2], ekw, stride)
        x = np.pad(x, ((0, 0), (t, b), (left, right), (0, 0)))
    oh, ow = (x.shape[1] - ekh) // stride + 1, (x.shape[2] - ekw) // stride + 1
    out, og = np.zeros((x.shape[0], oh, ow, o)), o // groups
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + ekh:dilation, j * stride:j * stride + ekw:dilation, :]
            for g in range(groups):
                out[:, i, j, g * og:(g + 1) * og] = np.tensordot(
                    patch[..., g * cin:(g + 1) * cin], k[..., g * og:(g + 1) * og], axes=([1, 2, 3], [0, 1, 2]))
    return out


def np_depthwise(x, k, stride=1, padding="valid"):
    kh, kw, c, m = k.shape  # output channel ci * m + j reads input channel ci with k[..., ci, j]
    return np_conv(x, k.reshape(kh, kw, 1, c * m), stride, padding, groups=c)


def np_conv_transpose(x, k, out_hw, stride, padding):
    """Scatter every input pixel through the kernel, then crop as the forward conv would pad."""
    n, h, w, _ = x.shape
    kh, kw, f, _ = k.shape
    full = np.zeros((n, (h - 1) * stride + kh, (w - 1) * stride + kw, f))
    for i in range(h):
        for j in range(w):
            full[:, i * stride:i * stride + kh, j * stride:j * stride + kw] += np.einsum("nc,abfc->nabf", x[:, i, j], k)
    out = np.zeros((n, *out_hw, f))
    tops = [max((s - 1) * stride + kk - o, 0) // 2 if padding == "same" else 0
            for s, kk, o in zip((h, w), (kh, kw), out_hw)]
    part = full[:, tops[0]:tops[0] + out_hw[0], tops[1]:tops[1] + out_hw[1]]
    out[:, :part.shape[1], :part.shape[2]] = part
    return out


def np_pool(x, size, stride, padding, fn):
    """Windows clipped to the input: padding never enters a max or an average (TF's rule)."""
    n, h, w, c = x.shape
    if padding == "same":
        (oh, top, _), (ow, left, _) = same_pads(h, size, stride), same_pads(w, size, stride)
    else:
        oh, ow, top, left = (h - size) // stride + 1, (w - size) // stride + 1, 0, 0
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * stride - top, j * stride - left
            out[:, i, j] = fn(x[:, max(r0, 0):r0 + size, max(c0, 0):c0 + size], axis=(1, 2))
    return out


def test_conv2d_valid_with_bias():
    check_layer(layers.Conv2D(4, 3, bias_initializer="random_normal"), f32(2, 6, 6, 2), (2, 4, 4, 4), 2,
                reference=lambda x, k, b: np_conv(x, k) + b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kwargs, shape", [
    ({"strides": 2, "padding": "same"}, (1, 3, 3, 4)),
    ({"dilation_rate": 2}, (1, 2, 2, 4)),
    ({"groups": 2, "padding": "same"}, (1, 6, 6, 4)),
])
def test_conv2d_strides_dilation_groups(kwargs, shape):
    stride, pad = kwargs.get("strides", 1), kwargs.get("padding", "valid")
    dil, groups = kwargs.get("dilation_rate", 1), kwargs.get("groups", 1)
    layer = layers.Conv2D(4, 3, activation="tanh", **kwargs)
    check_layer(layer, f32(1, 6, 6, 2), shape, 2, rtol=1e-4, atol=1e-5,
                reference=lambda x, k, b: np.tanh(np_conv(x, k, stride, pad, dil, groups) + b))
    assert layer.kernel.shape == (3, 3, 2 // groups, 4)


def test_conv2d_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"conv2d.*rank 4.*\[2, 5\]"):
        layers.Conv2D(2, 3)(f32(2, 5))
    with pytest.raises(ValueError, match="divisible by groups=2"):
        layers.Conv2D(3, 3, groups=2)(f32(1, 4, 4, 2))
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same', got 'full'"):
        layers.Conv2D(3, 3, padding="full")


def test_depthwise_conv2d():
    check_layer(layers.DepthwiseConv2D(3, depth_multiplier=2), f32(1, 5, 5, 3), (1, 3, 3, 6), 2,
                reference=lambda x, k, b: np_depthwise(x, k) + b, rtol=1e-4, atol=1e-5)
    check_layer(layers.DepthwiseConv2D(3, strides=2, padding="same", use_bias=False), f32(1, 5, 5, 2),
                (1, 3, 3, 2), 1, reference=lambda x, k: np_depthwise(x, k, 2, "same"), rtol=1e-4, atol=1e-5)


def test_separable_conv2d():
    check_layer(layers.SeparableConv2D(4, 3, padding="same"), f32(1, 5, 5, 3), (1, 5, 5, 4), 3,
                reference=lambda x, dk, pk, b: np_conv(np_depthwise(x, dk, 1, "same"), pk) + b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kwargs, out_hw", [
    ({"strides": 2, "padding": "same"}, (6, 6)),
    ({"strides": 1, "padding": "valid"}, (5, 5)),
    ({"strides": 2, "padding": "valid", "output_padding": 1}, (8, 8)),
    ({"strides": 2, "padding": "same", "output_padding": 0}, (5, 5)),
])
def test_conv2d_transpose(kwargs, out_hw):
    stride, pad = kwargs["strides"], kwargs["padding"]
    check_layer(layers.Conv2DTranspose(2, 3, **kwargs), f32(1, 3, 3, 4), (1, *out_hw, 2), 2, rtol=1e-4, atol=1e-5,
                reference=lambda x, k, b: np_conv_transpose(x, k, out_hw, stride, pad) + b)


def test_conv2d_transpose_stride_larger_than_kernel():
    # Keras: size * stride + max(kernel - stride, 0); the last rows see no input, only the bias
    check_layer(layers.Conv2DTranspose(2, 2, strides=3), f32(1, 3, 3, 1), (1, 9, 9, 2), 2, rtol=1e-4, atol=1e-5,
                reference=lambda x, k, b: np_conv_transpose(x, k, (9, 9), 3, "valid") + b)


@pytest.mark.parametrize("cls, fn", [(layers.MaxPooling2D, np.max), (layers.AveragePooling2D, np.mean)])
@pytest.mark.parametrize("size, stride, padding", [(2, None, "valid"), (3, 2, "same"), (3, 1, "valid")])
def test_pooling(cls, fn, size, stride, padding):
    x = f32(2, 5, 5, 3)
    s = stride or size
    expected = np_pool(x, size, s, padding, fn)
    check_layer(cls(size, stride, padding), x, expected.shape, 0, reference=lambda x: expected, rtol=1e-5)


def test_global_pooling():
    x = f32(2, 4, 3, 5)
    check_layer(layers.GlobalAveragePooling2D(), x, (2, 5), 0, reference=lambda x: x.mean((1, 2)))
    check_layer(layers.GlobalAveragePooling2D(keepdims=True), x, (2, 1, 1, 5), 0,
                reference=lambda x: x.mean((1, 2), keepdims=True))
    check_layer(layers.GlobalMaxPooling2D(), x, (2, 5), 0, reference=lambda x: x.max((1, 2)))


def test_zero_padding2d():
    x = f32(1, 2, 3, 2)
    check_layer(layers.ZeroPadding2D(((1, 0), (2, 1))), x, (1, 3, 6, 2), 0,
                reference=lambda x: np.pad(x, ((0, 0), (1, 0), (2, 1), (0, 0))))
    check_layer(layers.ZeroPadding2D(1), x, (1, 4, 5, 2), 0,
                reference=lambda x: np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))))


def np_bilinear(x, out_h, out_w):
    """TF2 resize (half-pixel centres): source = (dst + 0.5) * in / out - 0.5, clamped."""
    def weights(n_in, n_out):
        src = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
        lo = np.floor(src)
        frac = src - lo
        return np.clip(lo, 0, n_in - 1).astype(int), np.clip(lo + 1, 0, n_in - 1).astype(int), frac
    r0, r1, fr = weights(x.shape[1], out_h)
    c0, c1, fc = weights(x.shape[2], out_w)
    rows = x[:, r0] * (1 - fr)[None, :, None, None] + x[:, r1] * fr[None, :, None, None]
    return rows[:, :, c0] * (1 - fc)[None, None, :, None] + rows[:, :, c1] * fc[None, None, :, None]


def test_upsampling2d():
    x = f32(1, 2, 3, 2)
    check_layer(layers.UpSampling2D(2), x, (1, 4, 6, 2), 0, reference=lambda x: x.repeat(2, 1).repeat(2, 2))
    check_layer(layers.UpSampling2D((2, 3), interpolation="bilinear"), x, (1, 4, 9, 2), 0,
                reference=lambda x: np_bilinear(x, 4, 9), rtol=1e-5, atol=1e-6)


def test_batch_normalization_training_and_inference():
    layer = layers.BatchNormalization(momentum=0.5, epsilon=1e-3, beta_initializer="random_normal")
    x = f32(8, 3) * 2 + 1
    y = layer(x, training=True).numpy()
    gamma, beta = layer.gamma.numpy(), layer.beta.numpy()
    mean, var = x.mean(0), x.var(0)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3) * gamma + beta, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.5 * mean, rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.5 + 0.5 * var, rtol=1e-5)
    mm, mv = layer.moving_mean.numpy(), layer.moving_variance.numpy()
    check_layer(layer, x, (8, 3), 4, n_trainable=2, rtol=1e-5, atol=1e-6,
                reference=lambda x, g, b, m, v: (x - m) / np.sqrt(v + 1e-3) * g + b)
    assert not np.array_equal(layer.moving_mean.numpy(), mm) and not np.array_equal(layer.moving_variance.numpy(), mv)


def test_batch_normalization_frozen_uses_moving_statistics():
    layer = layers.BatchNormalization()
    x = f32(6, 2, 2, 3) + 3
    layer(x)
    layer.trainable = False
    before = layer.moving_mean.numpy()
    y = layer(x, training=True).numpy()  # Keras: a frozen BN runs in inference mode
    np.testing.assert_array_equal(layer.moving_mean.numpy(), before)
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-3), rtol=1e-5)
    assert len(layer.trainable_weights) == 0 and len(layer.non_trainable_weights) == 4


def test_batch_normalization_channels_first_axis():
    x = f32(4, 3, 2, 2)
    layer = layers.BatchNormalization(axis=1, center=False)
    y = layer(x, training=True).numpy()
    mean, var = x.mean((0, 2, 3), keepdims=True), x.var((0, 2, 3), keepdims=True)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    assert [tuple(w.shape) for w in layer.weights] == [(3,), (3,), (3,)]
    check_layer(layer, x, (4, 3, 2, 2), 3, n_trainable=1)


def test_layer_normalization():
    def ref(x, g, b, axes):
        mean, var = x.mean(axes, keepdims=True), x.var(axes, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-3) * g + b
    x = f32(3, 4, 5)
    check_layer(layers.LayerNormalization(beta_initializer="random_normal"), x, (3, 4, 5), 2,
                reference=lambda x, g, b: ref(x, g, b, -1), rtol=1e-4, atol=1e-5)
    check_layer(layers.LayerNormalization(axis=[1, 2]), x, (3, 4, 5), 2,
                reference=lambda x, g, b: ref(x, g, b, (1, 2)), rtol=1e-4, atol=1e-5)

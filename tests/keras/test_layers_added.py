"""The layers added for Keras 3 parity through check_layer (shapes, symbolic shape inference,
weights round trip, gradients, a training step), with NumPy references where the layer is a
formula; tests/keras/test_keras3_layers.py compares their numbers with real Keras 3."""
import numpy as np
import pytest

import tensorlite as tl
from tensorlite.keras import layers as L

from .helpers import check_layer

r = np.random.default_rng(7)


def f32(*shape):
    return r.standard_normal(shape).astype(np.float32)


@pytest.fixture(autouse=True)
def seed():
    tl.random.set_seed(0)


def test_activation_layers():
    x = f32(3, 4, 5)
    check_layer(L.LeakyReLU(), x, (3, 4, 5), 0, reference=lambda v: np.where(v >= 0, v, 0.3 * v))
    check_layer(L.LeakyReLU(alpha=0.05), x, (3, 4, 5), 0, reference=lambda v: np.where(v >= 0, v, 0.05 * v))
    check_layer(L.ELU(0.5), x, (3, 4, 5), 0, reference=lambda v: np.where(v > 0, v, 0.5 * np.expm1(v)))
    prelu = L.PReLU(alpha_initializer="ones", shared_axes=1)
    check_layer(prelu, x, (3, 4, 5), 1, reference=lambda v, a: np.maximum(v, 0) + a * np.minimum(v, 0))
    assert prelu.alpha.shape == (1, 5)
    with pytest.raises(ValueError, match="negative_slope"):
        L.LeakyReLU(-1)


def test_preprocessing_layers():
    img = f32(2, 6, 8, 3)
    check_layer(L.Rescaling(0.5, offset=1.0), img, (2, 6, 8, 3), 0, reference=lambda v: v * 0.5 + 1)
    check_layer(L.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.25]), img, (2, 6, 8, 3), 0,
                reference=lambda v: (v - [1, 2, 3]) / [2, 1, 0.5], rtol=1e-5, atol=1e-6)
    norm = L.Normalization(axis=-1)
    norm.adapt(img * 3 + 2)
    assert len(norm.weights) == 3 and not norm.trainable_weights  # mean, variance, count: Keras 3's
    np.testing.assert_allclose(norm.get_weights()[0], (img * 3 + 2).mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(norm(img * 3 + 2).numpy(), (img - img.mean((0, 1, 2))) / img.std((0, 1, 2)),
                               rtol=1e-4, atol=1e-4)
    check_layer(L.Resizing(3, 4), img, (2, 3, 4, 3), 0)
    single = L.Resizing(5, 5, interpolation="nearest")(img[0])
    assert single.shape == (5, 5, 3)
    with pytest.raises(ValueError, match="both"):
        L.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="adapt"):
        L.Normalization(mean=0.0, variance=1.0).adapt(img)


def test_rescaling_takes_uint8_images():
    img = np.arange(12, dtype=np.uint8).reshape(1, 2, 2, 3)
    y = L.Rescaling(1 / 255.0)(img)
    assert y.dtype == tl.float32
    np.testing.assert_allclose(y.numpy(), img / 255.0, rtol=1e-6)


def test_padding_cropping_upsampling():
    seq, img = f32(2, 7, 3), f32(2, 6, 5, 3)
    check_layer(L.ZeroPadding1D(2), seq, (2, 11, 3), 0, reference=lambda v: np.pad(v, ((0, 0), (2, 2), (0, 0))))
    check_layer(L.Cropping1D((2, 1)), seq, (2, 4, 3), 0, reference=lambda v: v[:, 2:-1])
    check_layer(L.Cropping2D(1), img, (2, 4, 3, 3), 0, reference=lambda v: v[:, 1:-1, 1:-1])
    check_layer(L.Cropping2D(((0, 2), (1, 0))), img, (2, 4, 4, 3), 0, reference=lambda v: v[:, :-2, 1:])
    check_layer(L.UpSampling1D(2), seq, (2, 14, 3), 0, reference=lambda v: v.repeat(2, axis=1))
    with pytest.raises(ValueError, match="leaves nothing"):
        L.Cropping1D((4, 3))(seq)


def test_pooling_1d():
    seq = f32(2, 7, 3)
    check_layer(L.GlobalMaxPooling1D(), seq, (2, 3), 0, reference=lambda v: v.max(axis=1))
    check_layer(L.GlobalAveragePooling1D(keepdims=True), seq, (2, 1, 3), 0,
                reference=lambda v: v.mean(axis=1, keepdims=True))
    check_layer(L.GlobalMaxPooling2D(), f32(2, 3, 4, 5), (2, 5), 0, reference=lambda v: v.max(axis=(1, 2)))
    check_layer(L.MaxPooling1D(2), seq, (2, 3, 3), 0,
                reference=lambda v: v[:, :6].reshape(2, 3, 2, 3).max(axis=2))
    check_layer(L.AveragePooling1D(3, strides=2), seq, (2, 3, 3), 0,
                reference=lambda v: np.stack([v[:, i:i + 3].mean(axis=1) for i in (0, 2, 4)], 1))


def np_conv1d(x, k, stride=1, dilation=1, causal=False):
    n, steps, c = x.shape
    ks, cin, f = k.shape
    if causal:
        x = np.pad(x, ((0, 0), ((ks - 1) * dilation, 0), (0, 0)))
    span = (ks - 1) * dilation + 1
    out = [np.einsum("nkc,kcf->nf", x[:, t:t + span:dilation], k) for t in range(0, x.shape[1] - span + 1, stride)]
    return np.stack(out, 1)


def test_conv1d_family():
    seq = f32(2, 9, 4)
    check_layer(L.Conv1D(3, 3, strides=2), seq, (2, 4, 3), 2, reference=lambda v, k, b: np_conv1d(v, k, 2) + b,
                rtol=1e-4, atol=1e-5)
    check_layer(L.Conv1D(2, 2, padding="causal", dilation_rate=3, use_bias=False), seq, (2, 9, 2), 1,
                reference=lambda v, k: np_conv1d(v, k, dilation=3, causal=True), rtol=1e-4, atol=1e-5)
    check_layer(L.SeparableConv1D(5, 3, padding="same"), seq, (2, 9, 5), 3)
    check_layer(L.Conv1DTranspose(3, 3, strides=2), seq, (2, 19, 3), 2)
    with pytest.raises(ValueError, match="causal"):
        L.Conv2D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="padding"):
        L.Conv1DTranspose(2, 3, padding="causal")


def test_noise_layers_are_identity_at_inference_and_noisy_in_training():
    x = f32(4, 6, 8)
    for layer in (L.SpatialDropout1D(0.5, seed=1), L.GaussianNoise(0.3, seed=1)):
        np.testing.assert_array_equal(layer(x).numpy(), x)
    y = L.SpatialDropout1D(0.5, seed=3)(x, training=True).numpy()
    dropped = (y == 0).all(axis=1)  # whole channels of a sample, across all steps
    assert dropped.any() and not dropped.all()
    kept = ~dropped
    np.testing.assert_allclose(y.transpose(0, 2, 1)[kept], (x * 2).transpose(0, 2, 1)[kept], rtol=1e-6)
    img = f32(2, 5, 5, 6)
    y2 = L.SpatialDropout2D(0.5, seed=4)(img, training=True).numpy()
    assert np.all((y2 == 0).all(axis=(1, 2)) | np.isclose(y2, img * 2).all(axis=(1, 2)))
    noise = L.GaussianNoise(0.3, seed=2)(np.zeros((200, 50), np.float32), training=True).numpy()
    assert abs(noise.std() - 0.3) < 0.01 and abs(noise.mean()) < 0.01


def test_wrappers():
    check_layer(L.TimeDistributed(L.Dense(4)), f32(2, 5, 3), (2, 5, 4), 2,
                reference=lambda v, k, b: v @ k + b, rtol=1e-5, atol=1e-5)
    inner = L.LSTM(3, return_sequences=True)
    bi = L.Bidirectional(inner)
    check_layer(bi, f32(2, 5, 4), (2, 5, 6), 6, rtol=1e-4, atol=1e-5)
    assert [v.name.split("/")[0] for v in bi.weights] == [f"forward_{inner.name}"] * 3 + [f"backward_{inner.name}"] * 3
    seq = f32(2, 5, 4)
    both = L.Bidirectional(L.GRU(2, return_state=True), merge_mode=None)(seq)
    assert len(both) == 4 and [tuple(t.shape) for t in both] == [(2, 2)] * 4
    with pytest.raises(ValueError, match="merge_mode"):
        L.Bidirectional(L.LSTM(2), merge_mode="max")


def np_softmax(s):
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_attention_layers():
    q, v = f32(2, 4, 6), f32(2, 5, 6)
    check_layer(L.Attention(), [q, v], (2, 4, 6), 0,
                reference=lambda xs: np_softmax(xs[0] @ xs[1].transpose(0, 2, 1)) @ xs[1], rtol=1e-5, atol=1e-5)
    check_layer(L.Attention(use_scale=True, score_mode="concat"), [q, v], (2, 4, 6), 2)
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3)

    def reference(query, value, wq, bq, wk, bk, wv, bv, wo, bo):
        qh = np.einsum("btd,dhk->bthk", query, wq) + bq
        kh = np.einsum("bsd,dhk->bshk", value, wk) + bk
        vh = np.einsum("bsd,dhk->bshk", value, wv) + bv
        w = np_softmax(np.einsum("bthk,bshk->bhts", qh / np.sqrt(3), kh))
        return np.einsum("bthk,hkd->btd", np.einsum("bhts,bshk->bthk", w, vh), wo) + bo

    y = mha(q, v).numpy()
    assert y.shape == (2, 4, 6) and len(mha.weights) == 8
    np.testing.assert_allclose(y, reference(q, v, *mha.get_weights()), rtol=1e-4, atol=1e-5)
    qin, vin = tl.keras.Input((4, 6)), tl.keras.Input((5, 6))
    model = tl.keras.Model([qin, vin], L.MultiHeadAttention(2, 3)(qin, vin))
    assert model.output_shape == (None, 4, 6)
    with tl.GradientTape() as tape:
        loss = tl.reduce_sum(tl.square(mha(q, v)))
    grads = tape.gradient(loss, mha.trainable_weights)
    assert all(g is not None for g in grads)


def test_einsum_dense():
    check_layer(L.EinsumDense("abc,cd->abd", output_shape=(None, 3), bias_axes="d"), f32(2, 4, 5), (2, 4, 3), 2,
                reference=lambda v, k, b: v @ k + b, rtol=1e-5, atol=1e-5)


def test_more_layers_through_check_layer():
    seq, img, vol = f32(2, 5, 4), f32(2, 6, 7, 6), f32(2, 3, 4, 5, 2)
    check_layer(L.Identity(), seq, (2, 5, 4), 0, reference=lambda v: v)
    check_layer(L.Permute((2, 1)), seq, (2, 4, 5), 0, reference=lambda v: v.transpose(0, 2, 1))
    check_layer(L.RepeatVector(3), f32(2, 4), (2, 3, 4), 0, reference=lambda v: np.repeat(v[:, None], 3, 1))
    check_layer(L.UnitNormalization(), seq, (2, 5, 4), 0,
                reference=lambda v: v / np.linalg.norm(v, axis=-1, keepdims=True), rtol=1e-5, atol=1e-6)
    check_layer(L.GroupNormalization(groups=2), img, (2, 6, 7, 6), 2, rtol=1e-4, atol=1e-5)
    check_layer(L.RMSNormalization(), seq, (2, 5, 4), 1,
                reference=lambda v, s: v / np.sqrt((v ** 2).mean(-1, keepdims=True) + 1e-6) * s, rtol=1e-5,
                atol=1e-6)
    check_layer(L.CenterCrop(4, 3), img, (2, 4, 3, 6), 0, reference=lambda v: v[:, 1:5, 2:5])
    check_layer(L.GlobalMaxPooling3D(), vol, (2, 2), 0, reference=lambda v: v.max(axis=(1, 2, 3)))
    check_layer(L.ZeroPadding3D(1), vol, (2, 5, 6, 7, 2), 0)
    check_layer(L.Cropping3D(((1, 0), (0, 1), (2, 2))), vol, (2, 2, 3, 1, 2), 0,
                reference=lambda v: v[:, 1:, :-1, 2:-2])
    check_layer(L.UpSampling3D(2), vol, (2, 6, 8, 10, 2), 0,
                reference=lambda v: v.repeat(2, 1).repeat(2, 2).repeat(2, 3))
    check_layer(L.DepthwiseConv1D(3, depth_multiplier=2), seq, (2, 3, 8), 2)
    check_layer(L.Dot(axes=(2, 2)), [seq, f32(2, 3, 4)], (2, 5, 3), 0,
                reference=lambda xs: np.einsum("btd,bsd->bts", *xs), rtol=1e-5, atol=1e-6)
    check_layer(L.AdditiveAttention(), [seq, f32(2, 3, 4)], (2, 5, 4), 1)
    check_layer(L.SimpleRNN(3), seq, (2, 3), 3)
    x = np.ones((100, 100), np.float32)
    noisy = L.GaussianDropout(0.2, seed=1)(x, training=True).numpy()
    assert abs(noisy.mean() - 1) < 0.02 and abs(noisy.std() - 0.5) < 0.02  # sqrt(0.2 / 0.8)
    np.testing.assert_array_equal(L.GaussianDropout(0.2)(x).numpy(), x)

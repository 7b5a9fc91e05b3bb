"""LSTM and GRU against a NumPy re-implementation of Keras's equations (gate order i, f, c, o for
LSTM; z, r, h with reset_after=True for GRU), through check_layer."""
import numpy as np
import pytest
from scipy.special import expit

import tensorlite as tl
from tensorlite.keras import layers

from .helpers import check_layer

r = np.random.default_rng(7)


def f32(*shape):
    return r.standard_normal(shape).astype(np.float32)


@pytest.fixture(autouse=True)
def seed():
    tl.random.set_seed(0)


def np_lstm(x, k, rk, b, units, h=None, c=None, backwards=False):
    h = np.zeros((x.shape[0], units)) if h is None else h
    c = np.zeros_like(h) if c is None else c
    outs = []
    for t in (range(x.shape[1] - 1, -1, -1) if backwards else range(x.shape[1])):
        z = x[:, t] @ k + h @ rk + b
        i, f, g, o = np.split(z, 4, -1)
        c = expit(f) * c + expit(i) * np.tanh(g)
        h = expit(o) * np.tanh(c)
        outs.append(h)
    return np.stack(outs, 1), h, c


def np_gru(x, k, rk, b, units, h=None):
    h = np.zeros((x.shape[0], units)) if h is None else h
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
    layer = layers.LSTM(4, return_sequences=True, return_state=True, bias_initializer="random_normal")
    seq, h, c = layer(x)
    k, rk, b = layer.get_weights()
    assert k.shape == (3, 16) and rk.shape == (4, 16) and b.shape == (16,)
    assert np.all(b[4:8] == 1.0)  # unit_forget_bias: the forget gate's slice starts at one
    np.testing.assert_allclose(rk @ rk.T, np.eye(4), atol=1e-5)  # orthogonal recurrent kernel
    ref_seq, ref_h, ref_c = np_lstm(x, k, rk, b, 4)
    for got, want in ((seq, ref_seq), (h, ref_h), (c, ref_c)):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-6)
    check_layer(layers.LSTM(4), x, (2, 4), 3, reference=lambda x, k, rk, b: np_lstm(x, k, rk, b, 4)[1])


def test_lstm_sequences_backwards_and_initial_state():
    x = f32(3, 4, 2)
    layer = layers.LSTM(3, return_sequences=True, go_backwards=True)
    check_layer(layer, x, (3, 4, 3), 3, reference=lambda x, k, rk, b: np_lstm(x, k, rk, b, 3, backwards=True)[0])
    h0, c0 = f32(3, 3), f32(3, 3)
    layer = layers.LSTM(3)
    got = layer(x, initial_state=[h0, c0]).numpy()
    np.testing.assert_allclose(got, np_lstm(x, *layer.get_weights(), 3, h0, c0)[1], rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"initial_state must be 2 tensor\(s\) of shape \(3, 3\)"):
        layer(x, initial_state=[h0])


def test_gru_matches_keras_equations():
    x = f32(2, 5, 3)
    check_layer(layers.GRU(4, bias_initializer="random_normal"), x, (2, 4), 3,
                reference=lambda x, k, rk, b: np_gru(x, k, rk, b, 4)[1])
    layer = layers.GRU(4, return_sequences=True, return_state=True)
    seq, h = layer(x)
    k, rk, b = layer.get_weights()
    assert k.shape == (3, 12) and rk.shape == (4, 12) and b.shape == (2, 12)
    ref_seq, ref_h = np_gru(x, k, rk, b, 4)
    np.testing.assert_allclose(seq.numpy(), ref_seq, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h.numpy(), ref_h, rtol=1e-5, atol=1e-6)
    with pytest.raises(NotImplementedError, match="reset_after=False"):
        layers.GRU(4, reset_after=False)


def test_recurrent_dropout_only_in_training():
    x = f32(4, 3, 2)
    layer = layers.LSTM(3, dropout=0.5, recurrent_dropout=0.5)
    y = layer(x).numpy()
    np.testing.assert_allclose(y, np_lstm(x, *layer.get_weights(), 3)[1], rtol=1e-5, atol=1e-6)
    assert not np.allclose(layer(x, training=True).numpy(), y)
    check_layer(layers.GRU(2, dropout=0.3), x, (4, 2), 3)
    with pytest.raises(ValueError, match=r"recurrent_dropout must be in \[0, 1\), got 1"):
        layers.GRU(2, recurrent_dropout=1)


def test_recurrent_rejects_rank2_input():
    with pytest.raises(ValueError, match=r"lstm.*\(batch, timesteps, features\).*\[2, 3\]"):
        layers.LSTM(2)(f32(2, 3))

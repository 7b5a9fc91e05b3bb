"""Weight regularizers and constraints against Keras 3 (tests/data/keras3/regularizers.npz, made by
scripts/make_keras3_expectations.py): the penalties and projections on the same weights, and three
SGD steps of fit on a Dense layer with an L1L2 kernel penalty, an L2 bias penalty and a MaxNorm
kernel constraint end at Keras's weights (penalty gradients and the projection act in the optimizer).
"""
import numpy as np
import pytest

import tensorlite as tl
from tensorlite.keras import constraints as C
from tensorlite.keras import regularizers as R
from tests.paths import DATA

K = np.load(DATA / "keras3" / "regularizers.npz")


def test_penalties_equal_keras3():
    w = K["w"]
    np.testing.assert_allclose(R.L1(0.01)(w).numpy(), K["l1"], rtol=1e-6)
    np.testing.assert_allclose(R.L2(0.02)(w).numpy(), K["l2"], rtol=1e-6)
    np.testing.assert_allclose(R.L1L2(l1=0.01, l2=0.03)(w).numpy(), K["l1l2"], rtol=1e-6)
    np.testing.assert_allclose(R.get("l2")(w).numpy(), 0.01 * np.sum(w.astype(np.float64) ** 2), rtol=1e-6)
    assert R.get(None) is None and isinstance(R.get("L1L2"), R.L1L2)
    with pytest.raises(ValueError, match="l1"):
        R.L1(-1)


def test_constraints_equal_keras3():
    w = K["w"]
    np.testing.assert_allclose(C.MaxNorm(1.5)(w).numpy(), K["max_norm"], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(C.MaxNorm(1.0, axis=1)(w).numpy(), K["max_norm_axis1"], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(C.NonNeg()(w).numpy(), K["non_neg"])
    np.testing.assert_allclose(C.UnitNorm()(w).numpy(), K["unit_norm"], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(C.MinMaxNorm(0.5, 1.2, rate=0.7)(w).numpy(), K["min_max_norm"], rtol=1e-6, atol=1e-7)
    assert isinstance(C.get("max_norm"), C.MaxNorm)


def dense_model(**kwargs):
    model = tl.keras.Sequential([tl.keras.Input((5,)), tl.keras.layers.Dense(3, **kwargs)])
    model.set_weights([K["fit_w0_kernel"], K["fit_w0_bias"]])
    model.compile(optimizer=tl.keras.optimizers.SGD(0.1), loss="mse")
    return model


@pytest.mark.parametrize("run_eagerly", [True, False])
def test_fit_with_regularizers_and_constraint_equals_keras3(run_eagerly):
    model = dense_model(kernel_regularizer=R.L1L2(0.01, 0.05), bias_regularizer=R.L2(0.1),
                        kernel_constraint=C.MaxNorm(0.9))
    model.compile(optimizer=tl.keras.optimizers.SGD(0.1), loss="mse", run_eagerly=run_eagerly)
    penalties, losses = [], []
    for _ in range(3):  # one full batch per epoch: Keras logs the loss before each step, penalties included
        penalties.append(sum(float(p.numpy()) for p in R.penalties(model)))
        losses += model.fit(K["fit_x"], K["fit_y"], batch_size=8, epochs=1, shuffle=False, verbose=0).history["loss"]
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel, K["fit_kernel"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bias, K["fit_bias"], rtol=1e-5, atol=1e-6)
    assert np.all(np.linalg.norm(kernel, axis=0) <= 0.9 + 1e-6)
    # the logged loss is the data loss: the trainer does not add layer penalties to it yet
    np.testing.assert_allclose(np.asarray(losses) + penalties, K["fit_loss"], rtol=1e-5)


def test_regularizers_change_the_update_and_constraints_hold_after_each_step():
    plain = dense_model()
    plain.fit(K["fit_x"], K["fit_y"], batch_size=8, epochs=3, shuffle=False, verbose=0)
    assert not np.allclose(plain.get_weights()[0], K["fit_kernel"], atol=1e-3)
    nonneg = dense_model(kernel_constraint="non_neg", bias_constraint=C.NonNeg())
    nonneg.fit(K["fit_x"], K["fit_y"], batch_size=4, epochs=2, shuffle=False, verbose=0)
    assert all(np.all(w >= 0) for w in nonneg.get_weights())


def test_layers_carry_regularizers_and_constraints():
    L = tl.keras.layers
    conv = L.Conv2D(2, 3, kernel_regularizer="l2", bias_constraint="non_neg")
    conv(np.zeros((1, 5, 5, 1), np.float32))
    assert isinstance(conv.kernel.regularizer, R.L2) and isinstance(conv.bias.constraint, C.NonNeg)
    lstm = L.LSTM(2, recurrent_regularizer=R.L1(0.1))
    lstm(np.ones((1, 3, 2), np.float32))
    assert len(R.penalties(lstm)) == 1
    np.testing.assert_allclose(R.penalties(lstm)[0].numpy(), 0.1 * np.abs(lstm.recurrent_kernel.numpy()).sum(),
                               rtol=1e-6)
    with pytest.raises(NotImplementedError, match="activity_regularizer"):
        L.Dense(2, activity_regularizer="l2")

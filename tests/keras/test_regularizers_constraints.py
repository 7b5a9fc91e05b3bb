"""Weight regularizers, constraints and layer losses against Keras 3 (tests/data/keras3/regularizers.npz and
layer_losses.npz, made by scripts/make_keras3_expectations.py): the penalties and projections on the same
weights; three SGD steps of fit on a Dense layer with an L1L2 kernel penalty, an L2 bias penalty and a MaxNorm
kernel constraint end at Keras's weights and log Keras's losses (penalties are loss terms, the projection acts
in the optimizer); a model with a weight penalty, an activity penalty, an ActivityRegularization layer and a
layer's add_loss has Keras's `losses`, evaluate loss, fit losses and weights, eagerly and traced.
"""
import numpy as np
import pytest

import tensorlite as tl
from tensorlite.keras import constraints as C
from tensorlite.keras import regularizers as R
from tests.paths import DATA

K = np.load(DATA / "keras3" / "regularizers.npz")
LL = np.load(DATA / "keras3" / "layer_losses.npz")


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
    # the logged loss is Keras's: the data loss plus the penalties (the weights' before each step)
    np.testing.assert_allclose(losses, K["fit_loss"], rtol=1e-5)
    w0k, w0b = K["fit_w0_kernel"].astype(np.float64), K["fit_w0_bias"].astype(np.float64)
    data_loss = np.mean((K["fit_x"] @ w0k + w0b - K["fit_y"]) ** 2)
    np.testing.assert_allclose(penalties[0], 0.01 * np.abs(w0k).sum() + 0.05 * (w0k ** 2).sum()
                               + 0.1 * (w0b ** 2).sum(), rtol=1e-5)
    np.testing.assert_allclose(losses[0], data_loss + penalties[0], rtol=1e-5)


def test_optimizer_leaves_penalties_to_the_loss():
    """apply_gradients applies the gradients it is given: a regularizer counts once, through the loss."""
    var = tl.Variable(np.array([1.0, -2.0], np.float32))
    var.regularizer = R.L2(0.5)
    tl.keras.optimizers.SGD(0.1).apply_gradients([(tl.constant([1.0, 1.0]), var)])
    np.testing.assert_allclose(var.numpy(), [0.9, -2.1], rtol=1e-6)


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


class MeanSquarePenalty(tl.keras.layers.Layer):
    """The identity, adding rate * mean(x^2) with add_loss (the layer make_keras3_expectations.py defines)."""

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, x):
        self.add_loss(self.rate * tl.reduce_mean(tl.square(x)))
        return x


def layer_losses_model(run_eagerly):
    L = tl.keras.layers
    model = tl.keras.Sequential([tl.keras.Input((5,)),
                                 L.Dense(4, activation="tanh", kernel_regularizer=R.L2(0.01),
                                         activity_regularizer=R.L2(0.05)),
                                 MeanSquarePenalty(0.3), L.ActivityRegularization(l1=0.02),
                                 L.Dense(3, bias_regularizer=R.L1(0.1))])
    model.set_weights([LL[f"w0_{i}"] for i in range(4)])
    model.compile(optimizer=tl.keras.optimizers.SGD(0.1), loss="mse", run_eagerly=run_eagerly)
    return model


@pytest.mark.parametrize("run_eagerly", [True, False])
def test_layer_losses_equal_keras3(run_eagerly):
    model = layer_losses_model(run_eagerly)
    model(LL["x"][:5], training=False)
    # Keras's order: activity and add_loss terms layer by layer, then the trainable weights' penalties
    np.testing.assert_allclose([float(v) for v in model.losses], LL["losses_after_call"], rtol=1e-5)
    model(LL["x"][:3], training=False)  # each outermost call replaces the terms of the last
    assert len(model.losses) == 5
    assert model.evaluate(LL["x"], LL["y"], batch_size=8, verbose=0) == pytest.approx(float(LL["evaluate_before"]),
                                                                                      rel=1e-5)
    hist = model.fit(LL["x"], LL["y"], batch_size=4, epochs=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(hist.history["loss"], LL["fit_loss"], rtol=1e-5)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, LL[f"fit_w_{i}"], rtol=1e-5, atol=1e-6)
    assert model.evaluate(LL["x"], LL["y"], batch_size=8, verbose=0) == pytest.approx(float(LL["evaluate_after"]),
                                                                                      rel=1e-5)


def test_activity_penalty_follows_a_symbolic_batch():
    """Traced with a None batch, the activity penalty divides by the batch the graph runs with (NumPy)."""
    dense = tl.keras.layers.Dense(2, activity_regularizer=R.L1L2(l1=0.1, l2=0.2))
    dense(np.zeros((1, 3), np.float32))

    @tl.function(input_signature=[tl.TensorSpec([None, 3], tl.float32)])
    def penalty(x):
        dense(x)
        (activity,) = dense.losses
        return activity

    k, b = (w.astype(np.float64) for w in dense.get_weights())
    for n in (2, 5):
        x = np.random.default_rng(n).standard_normal((n, 3)).astype(np.float32)
        y = x @ k + b
        want = (0.1 * np.abs(y).sum() + 0.2 * (y ** 2).sum()) / n
        assert float(penalty(x)) == pytest.approx(want, rel=1e-5)
    assert penalty.trace_count == 1


def test_activity_regularizer_configs_and_add_loss_checks():
    L = tl.keras.layers
    dense = L.Dense(2, activity_regularizer="l2")
    config = dense.get_config()
    again = L.Dense.from_config(config)
    assert isinstance(again.activity_regularizer, R.L2)
    relu = L.ReLU(activity_regularizer=R.L1(0.5))  # any layer takes one, as in Keras
    assert relu.get_config()["activity_regularizer"]["config"] == {"l1": 0.5}
    relu(np.array([[1.0, -2.0], [3.0, 4.0]], np.float32))
    assert float(relu.losses[0]) == pytest.approx(0.5 * 8.0 / 2)
    act = L.ActivityRegularization(l1=0.1, l2=0.2)
    config = act.get_config()
    assert config["l1"] == 0.1 and config["l2"] == 0.2 and "activity_regularizer" not in config
    with pytest.raises(ValueError, match="add_loss: expected tensors"):
        act.add_loss("a lot")

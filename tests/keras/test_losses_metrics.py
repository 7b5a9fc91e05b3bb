"""Losses and metrics against NumPy."""
import numpy as np
import pytest

import tensorlite as tl
from tensorlite.keras import losses, metrics

r = np.random.default_rng(5)
logits = r.standard_normal((6, 4)).astype(np.float32)
labels = r.integers(0, 4, 6)
onehot = np.eye(4, dtype=np.float32)[labels]


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_regression_losses():
    a, b = r.standard_normal((5, 3)), r.standard_normal((5, 3))
    assert float(losses.MeanSquaredError()(a, b)) == pytest.approx(np.mean((a - b) ** 2))
    assert float(losses.MeanAbsoluteError()(a, b)) == pytest.approx(np.mean(np.abs(a - b)))
    w = np.array([1.0, 0.0, 2.0, 1.0, 0.5])
    per = np.mean((a - b) ** 2, -1)
    assert float(losses.MeanSquaredError()(a, b, sample_weight=w)) == pytest.approx(np.sum(per * w) / 5)
    assert float(losses.MeanSquaredError(reduction="sum")(a, b)) == pytest.approx(per.sum())


def test_crossentropies():
    ref = -np.mean(np.log(softmax(logits.astype(np.float64))[np.arange(6), labels]))
    assert float(losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)) == pytest.approx(ref, rel=1e-5)
    assert float(losses.SparseCategoricalCrossentropy()(labels, softmax(logits))) == pytest.approx(ref, rel=1e-5)
    assert float(losses.CategoricalCrossentropy(from_logits=True)(onehot, logits)) == pytest.approx(ref, rel=1e-5)
    assert float(losses.get("sparse_categorical_crossentropy")(labels[:, None], softmax(logits))) == \
        pytest.approx(ref, rel=1e-5)
    x = r.standard_normal((6, 1)) * 3
    y = (r.random((6, 1)) > 0.5).astype(np.float64)
    p = 1 / (1 + np.exp(-x))
    bce = np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert float(losses.BinaryCrossentropy(from_logits=True)(y, x)) == pytest.approx(bce, rel=1e-6)
    assert float(losses.BinaryCrossentropy()(y, p)) == pytest.approx(bce, rel=1e-5)


def test_from_logits_is_stable_for_huge_logits():
    big = tl.constant([[1000.0, -1000.0]])
    assert float(losses.SparseCategoricalCrossentropy(from_logits=True)([0], big)) == pytest.approx(0.0, abs=1e-6)
    assert np.isfinite(float(losses.BinaryCrossentropy(from_logits=True)([[0.0]], [[1000.0]])))


def test_loss_gradient_is_softmax_minus_onehot():
    z = tl.constant(logits.astype(np.float64))
    with tl.GradientTape() as tape:
        tape.watch(z)
        loss = losses.SparseCategoricalCrossentropy(from_logits=True)(labels, z)
    np.testing.assert_allclose(tape.gradient(loss, z).numpy(), (softmax(logits.astype(np.float64)) - onehot) / 6,
                               rtol=1e-6, atol=1e-9)


def test_metrics():
    """result() is a scalar tensor, as in Keras 3."""
    m = metrics.get("accuracy", losses.SparseCategoricalCrossentropy())
    m.update_state(labels[:3], logits[:3])
    m.update_state(labels[3:], logits[3:])
    assert float(m.result()) == pytest.approx(np.mean(logits.argmax(-1) == labels))
    c = metrics.CategoricalAccuracy()
    c.update_state(onehot, logits, sample_weight=np.array([1, 1, 0, 0, 0, 0]))
    assert float(c.result()) == pytest.approx(np.mean((logits.argmax(-1) == labels)[:2]))
    b = metrics.BinaryAccuracy()
    b.update_state(np.array([[1], [0]]), np.array([[0.7], [0.6]]))
    assert float(b.result()) == 0.5
    mean = metrics.Mean()
    mean.update_state([1.0, 2.0, 6.0])
    assert float(mean.result()) == 3.0 and isinstance(mean.result(), tl.Tensor)
    assert [v.name for v in mean.variables] == ["mean/total", "mean/count"]
    assert not any(v.trainable for v in mean.variables)
    mean.reset_state()
    assert float(mean.result()) == 0.0

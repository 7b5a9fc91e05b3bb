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


def test_metrics_update_inside_tl_function():
    """A metric's update_state inside tl.function: traced once, its variables read and assigned by the graph
    at every call, so results accumulate across calls (also across a retrace, under a tape, and through a
    nested function), equal to NumPy over all the batches."""
    acc, mean = metrics.SparseCategoricalAccuracy(), metrics.Mean()
    calls = tl.Variable(np.int64(0), trainable=False)

    @tl.function
    def step(y, scores, weights):
        acc.update_state(y, scores)
        mean.update_state(tl.reduce_max(scores, -1), sample_weight=weights)
        calls.assign_add(np.int64(1))
        return acc.result(), mean.result()

    rng = np.random.default_rng(7)
    ys, ss, ws = [], [], []
    for n in (5, 5, 5, 3):  # the last batch is smaller: a second trace, same variables
        ys.append(rng.integers(0, 4, n))
        ss.append(rng.standard_normal((n, 4)).astype(np.float32))
        ws.append(rng.random(n).astype(np.float32))
        a, m = step(ys[-1], ss[-1], ws[-1])
        y, s, w = np.concatenate(ys), np.concatenate(ss), np.concatenate(ws)
        assert float(a) == pytest.approx(np.mean(s.argmax(-1) == y), rel=1e-6)
        assert float(m) == pytest.approx(np.sum(s.max(-1) * w) / np.sum(w), rel=1e-5)
    assert step.trace_count == 2 and int(calls.numpy()) == 4
    assert float(acc.count.numpy()) == 18

    acc.reset_state()  # eager reset, seen by the graph's next read
    step(ys[0], ss[0], ws[0])
    assert float(acc.result()) == pytest.approx(np.mean(ss[0].argmax(-1) == ys[0]))

    total = metrics.Mean()
    w = tl.Variable(np.float32(2.0))

    @tl.function
    def inner(x):
        total.update_state(x * w)
        return tl.reduce_sum(x * w)

    @tl.function
    def outer(x):
        return inner(x) + inner(x + 1.0)

    for _ in range(2):
        with tl.GradientTape() as tape:
            loss = outer(tl.constant([1.0, 2.0]))
        assert float(tape.gradient(loss, w)) == pytest.approx(8.0)  # replayed under the tape
    assert float(total.count.numpy()) == 8 and float(total.result()) == pytest.approx(4.0)  # mean of 2, 4, 4, 6


def test_keras_style_custom_metric_in_tl_function():
    class MaxSeen(metrics.Metric):
        def __init__(self, name="max_seen", **kwargs):
            super().__init__(name=name, **kwargs)
            self.best = self.add_variable((), initializer="zeros", name="best")

        def update_state(self, values):
            self.best.assign(tl.maximum(self.best.read_value(), tl.reduce_max(values)))

        def result(self):
            return self.best.read_value()

    m = MaxSeen()
    update = tl.function(lambda x: m.update_state(x) or m.result())
    for batch, want in (([1.0, 3.0], 3.0), ([2.0], 3.0), ([5.0, 0.0], 5.0)):
        assert float(update(tl.constant(batch))) == want
    m.reset_state()
    assert float(m.result()) == 0.0 and [v.name for v in m.variables][-1] == "max_seen/best"

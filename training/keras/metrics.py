"""Metrics: stateful accumulators over batches (NumPy state; metrics are never differentiated)."""
from __future__ import annotations

import numpy as np


def _np(x):
    return np.asarray(x)


class Metric:
    def __init__(self, name=None):
        self.name = name or type(self).__name__.lower()
        self.reset_state()

    def reset_state(self) -> None:
        self._total, self._count = 0.0, 0.0

    def _add(self, values, sample_weight=None) -> None:
        values = _np(values).astype(np.float64)
        if sample_weight is None:
            self._total += float(values.sum())
            self._count += values.size
        else:
            w = np.broadcast_to(_np(sample_weight).astype(np.float64).reshape(
                _np(sample_weight).shape + (1,) * (values.ndim - _np(sample_weight).ndim)), values.shape)
            self._total += float((values * w).sum())
            self._count += float(w.sum())

    def result(self) -> float:
        return self._total / self._count if self._count else 0.0


class Mean(Metric):
    def update_state(self, values, sample_weight=None) -> None:
        self._add(values, sample_weight)


class Accuracy(Metric):
    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        self._add(_np(y_true) == _np(y_pred), sample_weight)


class BinaryAccuracy(Metric):
    def __init__(self, name="binary_accuracy", threshold=0.5):
        self.threshold = threshold
        super().__init__(name)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        self._add(np.mean(_np(y_true) == (_np(y_pred) > self.threshold), axis=-1), sample_weight)


class CategoricalAccuracy(Metric):
    def __init__(self, name="categorical_accuracy"):
        super().__init__(name)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        self._add(np.argmax(_np(y_true), -1) == np.argmax(_np(y_pred), -1), sample_weight)


class SparseCategoricalAccuracy(Metric):
    def __init__(self, name="sparse_categorical_accuracy"):
        super().__init__(name)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true = _np(y_true)
        y_pred = _np(y_pred)
        if y_true.ndim == y_pred.ndim:
            y_true = y_true[..., 0]
        self._add(y_true.astype(np.int64) == np.argmax(y_pred, -1), sample_weight)


class MeanMetricWrapper(Metric):
    """The batch mean of a per-sample function (a loss used as a metric: "mae", "mse", ...)."""

    def __init__(self, fn, name=None):
        self.fn = fn
        super().__init__(name or fn.__name__)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        import tensorlite as tl
        y_pred = tl.convert_to_tensor(np.asarray(y_pred))
        self._add(np.asarray(self.fn(tl.convert_to_tensor(np.asarray(y_true)), y_pred)), sample_weight)


def _loss_metric(name):
    from . import losses
    fn = {"mae": losses.mean_absolute_error, "mean_absolute_error": losses.mean_absolute_error,
          "mse": losses.mean_squared_error, "mean_squared_error": losses.mean_squared_error}[name]
    return lambda: MeanMetricWrapper(fn, name)


_BY_NAME = {
    "mae": _loss_metric("mae"), "mse": _loss_metric("mse"),
    "mean_absolute_error": _loss_metric("mean_absolute_error"),
    "mean_squared_error": _loss_metric("mean_squared_error"),
    "accuracy": Accuracy, "acc": Accuracy, "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy, "sparse_categorical_accuracy": SparseCategoricalAccuracy,
}


def get(identifier, loss=None) -> Metric:
    """A metric from a name or instance; "accuracy" picks the variant that fits `loss`, as Keras does."""
    if isinstance(identifier, Metric):
        return identifier
    if not isinstance(identifier, str) or identifier.lower() not in _BY_NAME:
        raise ValueError(f"unknown metric {identifier!r}; known: {', '.join(sorted(_BY_NAME))}")
    key = identifier.lower()
    if key in ("accuracy", "acc"):
        kind = type(loss).__name__
        cls = {"SparseCategoricalCrossentropy": SparseCategoricalAccuracy,
               "CategoricalCrossentropy": CategoricalAccuracy,
               "BinaryCrossentropy": BinaryAccuracy}.get(kind, Accuracy)
        m = cls()
        m.name = identifier
        return m
    return _BY_NAME[key]()

"""Metrics: stateful accumulators over batches, as Keras 3 has them. The state lives in tl.Variables
(float32, not trainable: `variables`), and `update_state` is written in tl ops, so a metric updates
inside a traced `tl.function` too: the graph reads and assigns its variables at every call, so
results accumulate across calls. `result()` returns a scalar tensor (0 before any update);
`reset_state()` zeroes the variables."""
from __future__ import annotations

import tensorlite as tl

from ..dtypes import as_dtype, float32


def _tensor(x):
    return x.read_value() if isinstance(x, tl.Variable) else tl.convert_to_tensor(x)


class Metric:
    def __init__(self, name=None, dtype=None):
        self.name = name or type(self).__name__.lower()
        self.dtype = as_dtype(dtype or float32)
        self._variables: list = []
        self.total = self.add_variable((), name="total")
        self.count = self.add_variable((), name="count")

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum", name=None):
        """A state variable of this metric (Keras 3's signature; `aggregation` is how replicas would
        combine it, which a single device does not need)."""
        from . import initializers
        dtype = as_dtype(dtype or self.dtype)
        value = initializers.get(initializer)(tuple(int(d) for d in shape), dtype=dtype)
        v = tl.Variable(value, trainable=False, name=f"{self.name}/{name or f'variable_{len(self._variables)}'}",
                        dtype=dtype)
        v._initializer = initializer
        self._variables.append(v)
        return v

    add_weight = add_variable

    @property
    def variables(self) -> list:
        return list(self._variables)

    def reset_state(self) -> None:
        from . import initializers
        for v in self._variables:
            v.assign(initializers.get(v._initializer)(tuple(v.shape), dtype=v.dtype))

    def update_state(self, *args, **kwargs) -> None:
        raise NotImplementedError(f"{type(self).__name__}.update_state")

    def _add(self, values, sample_weight=None) -> None:
        """total += sum(values * w), count += sum(w) (w = 1 without sample weights; per-sample weights
        broadcast over the values' trailing axes)."""
        values = tl.cast(_tensor(values), self.dtype)
        if sample_weight is None:
            self.total.assign_add(tl.reduce_sum(values))
            self.count.assign_add(tl.constant(float(values.size), self.dtype))
            return
        w = tl.cast(_tensor(sample_weight), self.dtype)
        if w.ndim < values.ndim:
            w = tl.reshape(w, list(w.shape) + [1] * (values.ndim - w.ndim))
        w = tl.broadcast_to(w, values.shape)
        self.total.assign_add(tl.reduce_sum(values * w))
        self.count.assign_add(tl.reduce_sum(w))

    def result(self):
        return self.total.read_value() / tl.maximum(self.count.read_value(), tl.constant(1e-30, self.dtype))

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype.name}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class Mean(Metric):
    def update_state(self, values, sample_weight=None) -> None:
        self._add(values, sample_weight)


class Accuracy(Metric):
    def __init__(self, name="accuracy", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = _tensor(y_pred)
        self._add(tl.equal(tl.cast(_tensor(y_true), y_pred.dtype), y_pred), sample_weight)


class BinaryAccuracy(Metric):
    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        self.threshold = threshold
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        above = tl.cast(tl.greater(tl.cast(_tensor(y_pred), float32), float(self.threshold)), float32)
        hits = tl.cast(tl.equal(tl.cast(_tensor(y_true), float32), above), float32)
        self._add(tl.reduce_mean(hits, axis=-1), sample_weight)


class CategoricalAccuracy(Metric):
    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        self._add(tl.equal(tl.argmax(_tensor(y_true), -1), tl.argmax(_tensor(y_pred), -1)), sample_weight)


class SparseCategoricalAccuracy(Metric):
    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = _tensor(y_true), _tensor(y_pred)
        if y_true.ndim == y_pred.ndim:
            y_true = tl.squeeze(y_true, -1)
        labels = tl.cast(y_true, tl.int64)
        self._add(tl.equal(labels, tl.cast(tl.argmax(y_pred, -1), tl.int64)), sample_weight)


class MeanMetricWrapper(Metric):
    """The batch mean of a per-sample function (a loss used as a metric: "mae", "mse", ...)."""

    def __init__(self, fn, name=None, dtype=None):
        self.fn = fn
        super().__init__(name or fn.__name__, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = _tensor(y_pred)
        self._add(self.fn(_tensor(y_true), y_pred), sample_weight)


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

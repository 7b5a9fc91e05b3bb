"""Losses (Keras names and defaults), written in tl ops so the tape differentiates them.
Reduction: "sum_over_batch_size" (default), "sum" or "none"; sample weights scale per-sample losses."""
from __future__ import annotations

import tensorlite as tl

EPSILON = 1e-7  # Keras's backend epsilon: probabilities are clipped to [eps, 1 - eps]


def _log_softmax(logits, axis=-1):
    z = logits - tl.stop_gradient(tl.reduce_max(logits, axis=axis, keepdims=True))
    return z - tl.math.log(tl.reduce_sum(tl.exp(z), axis=axis, keepdims=True))


def mean_squared_error(y_true, y_pred):
    return tl.reduce_mean(tl.square(y_pred - tl.cast(y_true, y_pred.dtype)), axis=-1)


def mean_absolute_error(y_true, y_pred):
    return tl.reduce_mean(tl.abs(y_pred - tl.cast(y_true, y_pred.dtype)), axis=-1)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_true = tl.cast(y_true, y_pred.dtype)
    if label_smoothing:
        n = y_pred.shape[axis]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / n
    if from_logits:
        logp = _log_softmax(y_pred, axis)
    else:
        p = y_pred / tl.reduce_sum(y_pred, axis=axis, keepdims=True)
        logp = tl.math.log(tl.clip_by_value(p, EPSILON, 1.0 - EPSILON))
    return -tl.reduce_sum(y_true * logp, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    if len(y_true.shape) == len(y_pred.shape):  # labels shaped (..., 1)
        y_true = tl.squeeze(y_true, -1)
    onehot = tl.one_hot(tl.cast(y_true, tl.int32), y_pred.shape[axis], dtype=y_pred.dtype)
    return categorical_crossentropy(onehot, y_pred, from_logits=from_logits, axis=axis)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    y_true = tl.cast(y_true, y_pred.dtype)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:  # max(x, 0) - x*y + log(1 + exp(-|x|)), stable for large |x|
        x = y_pred
        per = tl.maximum(x, 0.0) - x * y_true + tl.math.log(1.0 + tl.exp(-tl.abs(x)))
    else:
        p = tl.clip_by_value(y_pred, EPSILON, 1.0 - EPSILON)
        per = -(y_true * tl.math.log(p) + (1.0 - y_true) * tl.math.log(1.0 - p))
    return tl.reduce_mean(per, axis=-1)


class Loss:
    fn = None

    def __init__(self, reduction="sum_over_batch_size", name=None, **kwargs):
        if reduction not in ("sum_over_batch_size", "sum", "none"):
            raise ValueError(f"{type(self).__name__}: unknown reduction {reduction!r}")
        self.reduction = reduction
        self.name = name or type(self).__name__
        self.kwargs = kwargs

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = tl.convert_to_tensor(y_pred)
        y_true = tl.convert_to_tensor(y_true)
        per = type(self).fn(y_true, y_pred, **self.kwargs)
        if sample_weight is not None:
            sw = tl.cast(tl.convert_to_tensor(sample_weight), per.dtype)
            per = per * tl.reshape(sw, list(sw.shape) + [1] * (len(per.shape) - len(sw.shape)))
        if self.reduction == "none":
            return per
        total = tl.reduce_sum(per)
        if self.reduction == "sum":
            return total
        return total / float(max(per.size, 1))


class MeanSquaredError(Loss):
    fn = staticmethod(mean_squared_error)


class MeanAbsoluteError(Loss):
    fn = staticmethod(mean_absolute_error)


class CategoricalCrossentropy(Loss):
    fn = staticmethod(categorical_crossentropy)

    def __init__(self, from_logits=False, label_smoothing=0.0, **kw):
        super().__init__(**kw, from_logits=from_logits, label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(Loss):
    fn = staticmethod(sparse_categorical_crossentropy)

    def __init__(self, from_logits=False, **kw):
        super().__init__(**kw, from_logits=from_logits)


class BinaryCrossentropy(Loss):
    fn = staticmethod(binary_crossentropy)

    def __init__(self, from_logits=False, label_smoothing=0.0, **kw):
        super().__init__(**kw, from_logits=from_logits, label_smoothing=label_smoothing)


_BY_NAME = {
    "mse": MeanSquaredError, "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError, "mean_absolute_error": MeanAbsoluteError,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "binary_crossentropy": BinaryCrossentropy,
}


def get(identifier):
    if isinstance(identifier, Loss) or identifier is None:
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in _BY_NAME:
            raise ValueError(f"unknown loss {identifier!r}; known: {', '.join(sorted(_BY_NAME))}")
        return _BY_NAME[key]()
    if callable(identifier):
        wrapped = Loss(name=getattr(identifier, "__name__", "loss"))
        wrapped.__class__ = type("FunctionLoss", (Loss,), {"fn": staticmethod(identifier)})
        return wrapped
    raise TypeError(f"cannot interpret {identifier!r} as a loss")

"""Activation functions by Keras name (strings in `Dense(activation="relu")`)."""
from __future__ import annotations

import tensorlite as tl


def linear(x):
    return x


def relu(x):
    return tl.nn.relu(x)


def relu6(x):
    return tl.nn.relu6(x)


def sigmoid(x):
    return tl.nn.sigmoid(x)


def tanh(x):
    return tl.nn.tanh(x)


def softmax(x, axis=-1):
    return tl.nn.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    return tl.nn.log_softmax(x, axis=axis)


def gelu(x, approximate=False):
    return tl.nn.gelu(x, approximate=approximate)


def hard_swish(x):
    return tl.nn.hard_swish(x)


def leaky_relu(x, negative_slope=0.2):
    return tl.nn.leaky_relu(x, alpha=negative_slope)


def swish(x):
    return x * tl.nn.sigmoid(x)


silu = swish

_BY_NAME = {f.__name__: f for f in (linear, relu, relu6, sigmoid, tanh, softmax, log_softmax, gelu,
                                    hard_swish, leaky_relu, swish)}
_BY_NAME["silu"] = swish


def get(identifier):
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]
    raise ValueError(f"unknown activation {identifier!r}; known: {', '.join(sorted(_BY_NAME))}")

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


def elu(x, alpha=1.0):
    # exp of min(x, 0): the branch where() drops must stay finite, or its gradient turns into nan
    return tl.where(x > 0, x, (tl.exp(tl.minimum(x, 0.0)) - 1.0) * alpha)


def selu(x):
    return elu(x, 1.6732632423543772) * 1.0507009873554805


def softplus(x):
    return tl.nn.relu(x) + tl.math.log(1.0 + tl.exp(-tl.abs(x)))  # log(1 + e^x) without overflow


def softsign(x):
    return x / (1.0 + tl.abs(x))


def exponential(x):
    return tl.exp(x)


def hard_sigmoid(x):
    return tl.nn.relu6(x + 3.0) * (1.0 / 6.0)


def mish(x):
    return x * tl.tanh(softplus(x))


silu, hard_silu = swish, hard_swish

_BY_NAME = {f.__name__: f for f in (linear, relu, relu6, sigmoid, tanh, softmax, log_softmax, gelu, hard_swish,
                                    leaky_relu, swish, elu, selu, softplus, softsign, exponential, hard_sigmoid,
                                    mish)}
_BY_NAME.update(silu=swish, hard_silu=hard_swish)


def get(identifier):
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]
    raise ValueError(f"unknown activation {identifier!r}; known: {', '.join(sorted(_BY_NAME))}")

"""Card: dropout. The mask is a pure function of (seed, noise shape), so the gradient is the
same dropout applied to dy, and the op is reproducible after tl.random.set_seed."""
from __future__ import annotations

import numpy as np

from ..dispatch import apply
from ..spec import TensorSpec
from .infer import FLOATS, broadcast_shape, check_dtype, same_as
from .registry import define_op


def _infer(x: TensorSpec, rate, seed, noise_shape) -> TensorSpec:
    check_dtype("dropout", x, FLOATS)
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate must be in [0, 1), got {rate}")
    if noise_shape is not None and broadcast_shape("dropout", x.shape, noise_shape) != tuple(x.shape):
        raise ValueError(f"dropout: noise_shape {list(noise_shape)} must broadcast to {list(x.shape)}")
    return same_as(x)


dropout_op = define_op("dropout", infer=_infer, attrs={"rate": 0.5, "seed": 0, "noise_shape": None}, tflite=None)


def keep_mask(seed: int, shape, rate: float) -> np.ndarray:
    """The kept positions: uniform draws >= rate from a generator seeded by `seed`."""
    return np.random.default_rng(seed).random(shape) >= rate


@dropout_op.kernel("cpu", "cuda")
def _dropout(xp, x, rate, seed, noise_shape):
    mask = keep_mask(seed, x.shape if noise_shape is None else noise_shape, rate)
    return x * xp.asarray(mask, x.dtype) * xp.asarray(1 / (1 - rate), x.dtype)


@dropout_op.grad
def _dropout_grad(dy, inputs, out, **attrs):
    return (apply(dropout_op, dy, **attrs),)


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    from .. import random as tl_random
    from ..tensor import convert_to_tensor
    x = convert_to_tensor(x)
    if seed is None:
        seed = int(tl_random.generator().integers(0, 2 ** 31 - 1))
    ns = None
    if noise_shape is not None:  # TF: a None entry takes x's size in that dim
        shape = tuple(x.shape)
        if len(noise_shape) != len(shape):
            raise ValueError(f"dropout: noise_shape must have rank {len(shape)} (x's), got {list(noise_shape)}")
        ns = tuple(int(shape[i] if d is None else d) for i, d in enumerate(noise_shape))
    return apply(dropout_op, x, rate=float(rate), seed=int(seed), noise_shape=ns)

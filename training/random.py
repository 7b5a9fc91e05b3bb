"""`tl.random`: one seeded generator for initializers, shuffling and dropout.

`set_seed(s)` makes every later draw reproducible bit for bit, as `tf.random.set_seed` does.
"""
from __future__ import annotations

import numpy as np

from .dtypes import as_dtype, float32
from .tensor import convert_to_tensor

_rng = np.random.default_rng()


def set_seed(seed: int) -> None:
    global _rng
    _rng = np.random.default_rng(seed)


def generator(seed: int | None = None) -> np.random.Generator:
    """The global generator, or a fresh one when an op-level `seed` is given."""
    return _rng if seed is None else np.random.default_rng(seed)


def _shape(shape):
    return tuple(int(d) for d in (shape.numpy().tolist() if hasattr(shape, "numpy") else shape))


def normal(shape, mean=0.0, stddev=1.0, dtype=float32, seed=None, name=None):
    a = generator(seed).normal(mean, stddev, _shape(shape))
    return convert_to_tensor(a.astype(as_dtype(dtype).as_numpy_dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=float32, seed=None, name=None):
    """Normal draws re-drawn until within two standard deviations (TensorFlow's definition)."""
    g = generator(seed)
    a = g.standard_normal(_shape(shape))
    bad = np.abs(a) > 2
    while bad.any():
        a[bad] = g.standard_normal(int(bad.sum()))
        bad = np.abs(a) > 2
    return convert_to_tensor((mean + stddev * a).astype(as_dtype(dtype).as_numpy_dtype))


def uniform(shape, minval=0.0, maxval=None, dtype=float32, seed=None, name=None):
    dtype = as_dtype(dtype)
    g = generator(seed)
    if dtype.is_integer:
        if maxval is None:
            raise ValueError("uniform: maxval is required for integer dtypes")
        a = g.integers(minval, maxval, _shape(shape))
    else:
        a = g.uniform(minval, 1.0 if maxval is None else maxval, _shape(shape))
    return convert_to_tensor(a.astype(dtype.as_numpy_dtype))


def shuffle(value, seed=None, name=None):
    a = np.asarray(value)
    return convert_to_tensor(a[generator(seed).permutation(len(a))])

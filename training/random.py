"""`tl.random`: one seeded generator for initializers, shuffling and op seeds, and the counts that
random ops (dropout) read when they run.

A random op inside tl.function must draw anew at every call, so what varies between draws cannot be
an attribute fixed when the op was traced: it is a count held in a `SeedGenerator`'s int64 variable,
which the op reads and advances as it runs (a traced function captures the variable and writes it
back at each call, as it does an optimizer's step counter). Inside a tl.cond branch or tl.while_loop
body the count is taken in the enclosing function, so the iterations of one call share it.
`set_seed(s)` reseeds the generator and resets tl.random's count, so every later draw is reproducible
bit for bit, as `tf.random.set_seed` makes it.
"""
from __future__ import annotations

import numpy as np

from .dtypes import as_dtype, float32
from .tensor import Variable, convert_to_tensor

_rng = np.random.default_rng()


class Count(Variable):
    """A SeedGenerator's state: an int64 count, told apart from model state by its type (tl.distribute's
    XLAStrategy gives each replica its own stream of it and writes the advanced count back)."""


class SeedGenerator:
    """A stream of counts for random ops (Keras 3's keras.random.SeedGenerator): `seed` is the op seed of
    what draws from it (None: drawn from tl.random's generator), `state` an int64 variable that each
    `next()` reads and advances. A Keras layer with a seed owns one, so two layers built alike draw alike."""

    def __init__(self, seed: int | None = None, name: str = "seed_generator"):
        self.seed = seed
        self.state = Count(np.asarray(0, np.int64), trainable=False, name=name)

    def next(self):
        """The count to draw with now (an int64 scalar tensor); the state moves one on."""
        from .graph.trace import outside_branches
        with outside_branches():  # in a tl.cond branch or loop body: counted per call of the function
            count = self.state.read_value()
            self.state.assign_add(np.asarray(1, np.int64))
        return count

    def reset(self, count: int = 0) -> None:
        self.state._value, self.state.device = np.asarray(count, np.int64), "cpu"


_counts = SeedGenerator(name="tl.random/state")


def seed_generator() -> SeedGenerator:
    """tl.random's own counts, drawn by random ops not given a generator."""
    return _counts


def set_seed(seed: int) -> None:
    global _rng
    _rng = np.random.default_rng(seed)
    _counts.reset()


def generator(seed: int | None = None) -> np.random.Generator:
    """The global generator, or a fresh one when an op-level `seed` is given."""
    return _rng if seed is None else np.random.default_rng(seed)


def _shape(shape):
    return tuple(int(d) for d in (shape.numpy().tolist() if hasattr(shape, "numpy") else shape))


def _traced_draw(shape, dtype, seed, distribution: str):
    """Inside tl.function: the random_like op on zeros of `shape`, so each call of the graph draws anew
    (an eager draw would be a constant of the trace); None outside."""
    from .graph.trace import active
    if active() is None:
        return None
    from .ops.creation import zeros
    from .ops.dropout import random_like
    return random_like(zeros(_shape(shape), as_dtype(dtype)), distribution, seed=seed)


def _untraceable(what: str) -> None:
    from .graph.trace import active
    if active() is not None:
        raise NotImplementedError(f"tl.random.{what} inside tl.function: its draw would be fixed when the function "
                                  "is traced, and no graph op draws it yet (normal and float uniform have one); "
                                  "draw it outside the function and pass it in")


def normal(shape, mean=0.0, stddev=1.0, dtype=float32, seed=None, name=None):
    z = _traced_draw(shape, dtype, seed, "normal")
    if z is not None:
        return z * stddev + mean if (mean, stddev) != (0.0, 1.0) else z
    a = generator(seed).normal(mean, stddev, _shape(shape))
    return convert_to_tensor(a.astype(as_dtype(dtype).as_numpy_dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=float32, seed=None, name=None):
    """Normal draws re-drawn until within two standard deviations (TensorFlow's definition)."""
    _untraceable("truncated_normal")
    g = generator(seed)
    a = g.standard_normal(_shape(shape))
    bad = np.abs(a) > 2
    while bad.any():
        a[bad] = g.standard_normal(int(bad.sum()))
        bad = np.abs(a) > 2
    return convert_to_tensor((mean + stddev * a).astype(as_dtype(dtype).as_numpy_dtype))


def uniform(shape, minval=0.0, maxval=None, dtype=float32, seed=None, name=None):
    dtype = as_dtype(dtype)
    if dtype.is_floating:
        u = _traced_draw(shape, dtype, seed, "uniform")
        if u is not None:
            hi = 1.0 if maxval is None else maxval
            return u * (hi - minval) + minval if (minval, hi) != (0.0, 1.0) else u
    else:
        _untraceable("uniform of an integer dtype")
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

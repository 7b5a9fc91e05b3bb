"""Card: the random ops, dropout and random_like. Their draws are a counter-based hash of (seed, count,
element index): `seed` is an attribute fixed when the op is built, `count` an int64 scalar input read at
run time from a seed generator's variable (training/random.py), which each draw advances. So a traced
function draws anew at every call, dropout's gradient (the same op on dy, with the same count) uses the
forward's mask, and tl.random.set_seed makes the sequence reproducible. The hash is plain uint32
arithmetic in `xp`, so NumPy, CuPy and jax.numpy (inside one jax.jit train step, the count an
argument) draw the same bits."""
from __future__ import annotations

import numpy as np

from ..dispatch import apply
from ..dtypes import int64
from ..spec import TensorSpec
from .infer import FLOATS, broadcast_shape, check_dtype, same_as
from .registry import define_op


def _infer(x: TensorSpec, count: TensorSpec, rate, seed, noise_shape) -> TensorSpec:
    check_dtype("dropout", x, FLOATS)
    if count.dtype != int64 or count.shape != ():
        raise TypeError(f"dropout: `count` must be an int64 scalar, got {count.dtype.name}{list(count.shape)}")
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate must be in [0, 1), got {rate}")
    if noise_shape is not None and broadcast_shape("dropout", x.shape, noise_shape) != tuple(x.shape):
        raise ValueError(f"dropout: noise_shape {list(noise_shape)} must broadcast to {list(x.shape)}")
    return same_as(x)


dropout_op = define_op("dropout", infer=_infer, attrs={"rate": 0.5, "seed": 0, "noise_shape": None}, tflite=None)

_GOLDEN = 0x9E3779B9  # odd: index * _GOLDEN spreads neighbouring elements over the 32-bit range


def _mix32(xp, h):
    """A bijective avalanche on uint32 arrays (xor-shift, multiply by odd constants); wraps modulo 2**32."""
    h = h ^ (h >> 16)
    h = h * xp.asarray(0x7FEB352D, xp.uint32)
    h = h ^ (h >> 15)
    h = h * xp.asarray(0x846CA68B, xp.uint32)
    return h ^ (h >> 16)


def hash_bits(xp, seed: int, count, shape):
    """uint32 hashes of (seed, count, flat index), in `shape`. The key is mixed on a one-element array
    (NumPy warns on wrapping scalars, never on arrays)."""
    count = xp.reshape(xp.asarray(count, xp.int64), (1,))
    lo, hi = (count & 0xFFFFFFFF).astype(xp.uint32), (count >> 32).astype(xp.uint32)
    key = _mix32(xp, _mix32(xp, xp.asarray([seed & 0xFFFFFFFF], xp.uint32) ^ lo) ^ hi)
    n = 1
    for d in shape:
        n *= int(d)
    h = _mix32(xp, xp.arange(n, dtype=xp.uint32) * xp.asarray(_GOLDEN, xp.uint32) + key)
    return xp.reshape(h, tuple(shape))


def keep_mask(xp, seed: int, count, shape, rate: float):
    """The kept positions: hashes at or above rate * 2**32."""
    threshold = min(round(rate * 2 ** 32), 2 ** 32 - 1)
    return hash_bits(xp, seed, count, shape) >= xp.asarray(threshold, xp.uint32)


@dropout_op.kernel("cpu", "cuda")
def _dropout(xp, x, count, rate, seed, noise_shape):
    mask = keep_mask(xp, seed, count, x.shape if noise_shape is None else noise_shape, rate)
    return x * mask.astype(x.dtype) * xp.asarray(1 / (1 - rate), x.dtype)


@dropout_op.grad
def _dropout_grad(dy, inputs, out, **attrs):
    return (apply(dropout_op, dy, inputs[1], **attrs), None)


def dropout(x, rate, noise_shape=None, seed=None, name=None, generator=None):
    """tf.nn.dropout. The count comes from `generator` (a tl.random.SeedGenerator: a Keras layer with a seed
    passes its own), tl.random's by default; the op seed is `seed`, else the generator's, else a draw from
    tl.random's generator."""
    from .. import random as tl_random
    from ..tensor import convert_to_tensor
    x = convert_to_tensor(x)
    generator = generator or tl_random.seed_generator()
    if seed is None:
        seed = generator.seed
    if seed is None:
        seed = int(tl_random.generator().integers(0, 2 ** 31 - 1))
    ns = None
    if noise_shape is not None:  # TF: a None entry takes x's size in that dim
        shape = tuple(x.shape)
        if len(noise_shape) != len(shape):
            raise ValueError(f"dropout: noise_shape must have rank {len(shape)} (x's), got {list(noise_shape)}")
        ns = tuple(int(shape[i] if d is None else d) for i, d in enumerate(noise_shape))
    count = generator.next()
    return apply(dropout_op, x, count, rate=float(rate), seed=int(seed), noise_shape=ns)


# --- random_like: noise of x's shape and dtype ---------------------------------------------------

def _random_like_infer(x: TensorSpec, count: TensorSpec, distribution, seed) -> TensorSpec:
    check_dtype("random_like", x, FLOATS)
    if count.dtype != int64 or count.shape != ():
        raise TypeError(f"random_like: `count` must be an int64 scalar, got {count.dtype.name}{list(count.shape)}")
    if distribution not in ("uniform", "normal"):
        raise ValueError(f"random_like: distribution must be 'uniform' or 'normal', got {distribution!r}")
    return same_as(x)


random_like_op = define_op(
    "random_like", infer=_random_like_infer, attrs={"distribution": "normal", "seed": 0}, nondifferentiable=True,
    no_tflite="training-time noise (GaussianNoise, GaussianDropout, tl.random inside tl.function); an inference "
              "graph has none, and TFLite's RANDOM_STANDARD_NORMAL draws from its own generator")


@random_like_op.kernel("cpu", "cuda")
def _random_like(xp, x, count, distribution, seed):
    """uniform: [0, 1) in steps of 2**-24 from a hash's top 24 bits; normal: Box-Muller on two such
    uniforms (the first moved to (0, 1) for its logarithm), from the hashes of 2 * size indices."""
    size = x.size
    scale = xp.asarray(2.0 ** -24, x.dtype)
    if distribution == "uniform":
        return xp.reshape((hash_bits(xp, seed, count, (size,)) >> 8).astype(x.dtype) * scale, x.shape)
    bits = (hash_bits(xp, seed, count, (2, size)) >> 8).astype(x.dtype)
    u1, u2 = (bits[0] + xp.asarray(0.5, x.dtype)) * scale, bits[1] * scale
    z = xp.sqrt(xp.asarray(-2.0, x.dtype) * xp.log(u1)) * xp.cos(xp.asarray(2 * np.pi, x.dtype) * u2)
    return xp.reshape(z, x.shape)


def random_like(x, distribution: str = "normal", generator=None, seed=None):
    """Standard normal (or uniform [0, 1)) noise of x's shape and dtype, drawn anew at each call, also
    inside tl.function. Seeds as `dropout`: `seed`, else the generator's, else tl.random's draw."""
    from .. import random as tl_random
    from ..tensor import convert_to_tensor
    x = convert_to_tensor(x)
    generator = generator or tl_random.seed_generator()
    seed = generator.seed if seed is None else seed
    if seed is None:
        seed = int(tl_random.generator().integers(0, 2 ** 31 - 1))
    return apply(random_like_op, x, generator.next(), distribution=distribution, seed=int(seed))

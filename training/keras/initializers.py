"""Weight initializers (Keras names and formulas). Each draws from the seeded tl.random generator,
or, given `seed=`, from its own generator (the same values on every call, as Keras's seeded ones).
Calling one returns a tl Tensor: `GlorotUniform()((3, 4))`."""
from __future__ import annotations

import math
import re

import numpy as np

from .. import random as tl_random
from ..dtypes import as_dtype, float32
from ..tensor import convert_to_tensor


def _fans(shape) -> tuple[float, float]:
    if len(shape) < 1:
        return 1.0, 1.0
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])  # conv kernels: [..., in, out]
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    seed = None

    def __call__(self, shape, dtype=None):
        dtype = as_dtype(dtype or float32)
        return convert_to_tensor(np.asarray(self.sample(tuple(int(d) for d in shape))).astype(dtype.as_numpy_dtype))

    def _rng(self) -> np.random.Generator:
        return tl_random.generator(self.seed)

    def get_config(self) -> dict:
        return dict(vars(self))


class Zeros(Initializer):
    def sample(self, shape):
        return np.zeros(shape)


class Ones(Initializer):
    def sample(self, shape):
        return np.ones(shape)


class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = value

    def sample(self, shape):
        return np.full(shape, self.value, np.float64)


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def sample(self, shape):
        return self._rng().normal(self.mean, self.stddev, shape)


class RandomUniform(Initializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def sample(self, shape):
        return self._rng().uniform(self.minval, self.maxval, shape)


def _truncated(g, shape, stddev):
    """Normal draws re-drawn until within two standard deviations (TensorFlow's definition)."""
    a = g.standard_normal(shape)
    bad = np.abs(a) > 2
    while bad.any():
        a[bad] = g.standard_normal(int(bad.sum()))
        bad = np.abs(a) > 2
    return a * stddev


class TruncatedNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def sample(self, shape):
        return self.mean + _truncated(self._rng(), shape, self.stddev)


class VarianceScaling(Initializer):
    """Draws with variance scale / n, n the fan in, out or their mean (conv kernels count the
    receptive field); truncated normals are widened so the kept draws have that variance."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        if scale <= 0:
            raise ValueError(f"VarianceScaling: scale must be > 0, got {scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: mode must be fan_in, fan_out or fan_avg, got {mode!r}")
        distribution = "truncated_normal" if distribution == "normal" else distribution
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError("VarianceScaling: distribution must be truncated_normal, untruncated_normal or "
                             f"uniform, got {distribution!r}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def sample(self, shape):
        fan_in, fan_out = _fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        var = self.scale / max(1.0, n)
        if self.distribution == "uniform":
            lim = math.sqrt(3 * var)
            return self._rng().uniform(-lim, lim, shape)
        if self.distribution == "untruncated_normal":
            return self._rng().normal(0, math.sqrt(var), shape)
        return _truncated(self._rng(), shape, math.sqrt(var) / 0.87962566103423978)  # std of N(0,1) cut at 2


class Orthogonal(Initializer):
    """Q of a QR decomposition of a normal draw (sign-fixed so Q is uniformly distributed);
    shapes of rank > 2 are flattened to (prod(shape[:-1]), shape[-1])."""

    def __init__(self, gain=1.0, seed=None):
        self.gain, self.seed = gain, seed

    def sample(self, shape):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: the shape must have rank >= 2, got {list(shape)}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = self._rng().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        q = q if rows >= cols else q.T
        return self.gain * q[:rows, :cols].reshape(shape)


def GlorotUniform(seed=None):  # noqa: N802  (Keras's class names)
    return VarianceScaling(1.0, "fan_avg", "uniform", seed)


def GlorotNormal(seed=None):  # noqa: N802
    return VarianceScaling(1.0, "fan_avg", "truncated_normal", seed)


def HeNormal(seed=None):  # noqa: N802
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


def HeUniform(seed=None):  # noqa: N802
    return VarianceScaling(2.0, "fan_in", "uniform", seed)


def LecunNormal(seed=None):  # noqa: N802
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed)


def LecunUniform(seed=None):  # noqa: N802
    return VarianceScaling(1.0, "fan_in", "uniform", seed)


_BY_NAME = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal, "orthogonal": Orthogonal,
    "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal,
    "he_normal": HeNormal, "he_uniform": HeUniform, "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform,
}


def get(identifier):
    """An initializer from a name ("he_normal" or "HeNormal"), an instance, or any callable
    `fn(shape, dtype=None)`."""
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, Initializer) or callable(identifier) and not isinstance(identifier, str):
        return identifier
    if isinstance(identifier, str):
        key = re.sub(r"(?<!^)(?=[A-Z])", "_", identifier).lower()  # GlorotUniform -> glorot_uniform
        if key in _BY_NAME:
            return _BY_NAME[key]()
    raise ValueError(f"unknown initializer {identifier!r}; known: {', '.join(sorted(_BY_NAME))}")

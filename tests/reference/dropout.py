"""References for training/ops/dropout.py: the 32-bit hash of (seed, count, flat index) computed element by
element with Python integers; dropout keeps the values whose hash is at least rate * 2**32, scaled by
1 / (1 - rate); random_like takes uniforms from the hashes' top 24 bits, and normals from two of them by
Box-Muller, in float64."""
import numpy as np

from . import BadCase, Case, rng

M32 = 0xFFFFFFFF


def mix32(h: int) -> int:
    h ^= h >> 16
    h = (h * 0x7FEB352D) & M32
    h ^= h >> 15
    h = (h * 0x846CA68B) & M32
    return h ^ (h >> 16)


def hash_bits(seed: int, count: int, n: int) -> list[int]:
    key = mix32(mix32((seed & M32) ^ (count & M32)) ^ (count >> 32))
    return [mix32((i * 0x9E3779B9 + key) & M32) for i in range(n)]


def keep(seed: int, count: int, shape, rate: float) -> np.ndarray:
    threshold = min(round(rate * 2 ** 32), M32)
    return np.array([h >= threshold for h in hash_bits(seed, count, int(np.prod(shape)))]).reshape(shape)


def dropout(v, count, rate, seed, noise_shape):
    return v * keep(seed, int(count), v.shape if noise_shape is None else noise_shape, rate) / (1 - rate)


x = rng(33).standard_normal((4, 6)).astype(np.float32)
count = np.asarray(3, np.int64)
big_count = np.asarray(2 ** 40 + 5, np.int64)  # the count's high word enters the key too

def random_like(v, count, distribution, seed):
    bits = np.array(hash_bits(seed, int(count), 2 * v.size if distribution == "normal" else v.size)) >> 8
    if distribution == "uniform":
        return (bits * 2.0 ** -24).reshape(v.shape)
    u1, u2 = (bits[:v.size] + 0.5) * 2.0 ** -24, bits[v.size:] * 2.0 ** -24
    return (np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)).reshape(v.shape)


CASES = [
    Case("random_like", [x, count], random_like, attrs={"distribution": "normal", "seed": 9}, atol=1e-5),
    Case("random_like", [x.astype(np.float64), big_count], random_like, attrs={"distribution": "uniform", "seed": 2},
         name="uniform"),
    Case("dropout", [x, count], dropout, attrs={"rate": 0.3, "seed": 7, "noise_shape": None}),
    Case("dropout", [x, big_count], dropout, attrs={"rate": 0.5, "seed": 1, "noise_shape": (1, 6)},
         name="noise_shape"),
]
BAD = [
    BadCase("dropout", [x, count], ValueError, ("rate", "1.5"), attrs={"rate": 1.5, "seed": 0, "noise_shape": None}),
    BadCase("dropout", [x, count], ValueError, ("[4, 6]", "[3, 6]"),
            attrs={"rate": 0.5, "seed": 0, "noise_shape": (3, 6)}),
    BadCase("dropout", [x.astype(np.int32), count], TypeError, ("int32", "float32"),
            attrs={"rate": 0.5, "seed": 0, "noise_shape": None}),
    BadCase("dropout", [x, count.astype(np.int32)], TypeError, ("count", "int64 scalar", "int32"),
            attrs={"rate": 0.5, "seed": 0, "noise_shape": None}),
    BadCase("random_like", [x, count], ValueError, ("distribution", "'gamma'"),
            attrs={"distribution": "gamma", "seed": 0}),
    BadCase("random_like", [x, count.reshape(1)], TypeError, ("count", "int64[1]"),
            attrs={"distribution": "normal", "seed": 0}),
]

"""References for training/ops/dropout.py: the mask regenerated from the seed with NumPy."""
import numpy as np

from . import BadCase, Case, rng

x = rng(33).standard_normal((4, 6)).astype(np.float32)


def dropout(v, rate, seed, noise_shape):
    keep = np.random.default_rng(seed).random(v.shape if noise_shape is None else noise_shape) >= rate
    return v * keep / (1 - rate)


CASES = [
    Case("dropout", [x], dropout, attrs={"rate": 0.3, "seed": 7, "noise_shape": None}),
    Case("dropout", [x], dropout, attrs={"rate": 0.5, "seed": 1, "noise_shape": (1, 6)}, name="noise_shape"),
]
BAD = [
    BadCase("dropout", [x], ValueError, ("rate", "1.5"), attrs={"rate": 1.5, "seed": 0, "noise_shape": None}),
    BadCase("dropout", [x], ValueError, ("[4, 6]", "[3, 6]"), attrs={"rate": 0.5, "seed": 0, "noise_shape": (3, 6)}),
    BadCase("dropout", [x.astype(np.int32)], TypeError, ("int32", "float32"),
            attrs={"rate": 0.5, "seed": 0, "noise_shape": None}),
]

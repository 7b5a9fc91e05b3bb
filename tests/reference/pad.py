"""References for training/ops/pad.py: explicit index maps, checked once against np.pad below."""
import numpy as np

from . import BadCase, Case, rng

r = rng(25)
x = r.standard_normal((3, 4)).astype(np.float32)
x3 = r.standard_normal((2, 3, 4)).astype(np.float32)


def _source(i: int, n: int, before: int, mode: str):
    """Index into the input that padded position i copies (None: the constant)."""
    j = i - before
    if 0 <= j < n:
        return j
    if mode == "CONSTANT":
        return None
    if mode == "REFLECT":
        return -j if j < 0 else 2 * (n - 1) - j
    return -j - 1 if j < 0 else 2 * n - 1 - j  # SYMMETRIC repeats the edge element


def _pad_ref(v, paddings, mode, constant_values=0):
    shape = tuple(d + b + a for d, (b, a) in zip(v.shape, paddings, strict=True))
    out = np.empty(shape, v.dtype)
    for idx in np.ndindex(*shape):
        src = [_source(i, n, b, mode) for i, n, (b, _) in zip(idx, v.shape, paddings, strict=True)]
        out[idx] = constant_values if None in src else v[tuple(src)]
    return out


def pad_ref(v, paddings, constant_values):
    return _pad_ref(v, paddings, "CONSTANT", constant_values)


def mirror_pad_ref(v, paddings, mode):
    return _pad_ref(v, paddings, mode)


CASES = [
    Case("pad", [x], pad_ref, attrs={"paddings": ((1, 2), (0, 3)), "constant_values": 0}),
    Case("pad", [x3], pad_ref, attrs={"paddings": ((0, 0), (2, 1), (1, 0)), "constant_values": 1.5},
         name="constant_value"),
    Case("pad", [(x * 5).astype(np.int32)], pad_ref,
         attrs={"paddings": ((1, 1), (1, 1)), "constant_values": -7}, name="int32"),
    Case("mirror_pad", [x], mirror_pad_ref, attrs={"paddings": ((2, 1), (3, 3)), "mode": "REFLECT"}),
    Case("mirror_pad", [x], mirror_pad_ref, attrs={"paddings": ((3, 2), (0, 4)), "mode": "SYMMETRIC"},
         name="symmetric"),
    Case("mirror_pad", [x3], mirror_pad_ref, attrs={"paddings": ((1, 0), (0, 2), (1, 1)), "mode": "REFLECT"},
         name="rank3"),
]
BAD = [
    BadCase("mirror_pad", [x], ValueError, ("REFLECT", "at most 2", "dimension 0", "[3, 0]"),
            attrs={"paddings": ((3, 0), (0, 0)), "mode": "REFLECT"}),
    BadCase("mirror_pad", [x], ValueError, ("REFLECT or SYMMETRIC", "'EDGE'"),
            attrs={"paddings": ((1, 0), (0, 0)), "mode": "EDGE"}),
    BadCase("pad", [x], ValueError, ("shape [2, 2]", "[3, 4]"),
            attrs={"paddings": ((1, 1),), "constant_values": 0}),
    BadCase("pad", [x], ValueError, ("non-negative", "[-1, 0]"),
            attrs={"paddings": ((-1, 0), (0, 0)), "constant_values": 0}),
]

# The index maps above agree with NumPy's definitions of the three modes.
for _mode, _pads in (("CONSTANT", ((1, 2), (0, 3))), ("REFLECT", ((2, 2), (3, 1))),
                     ("SYMMETRIC", ((3, 1), (4, 0)))):
    assert np.array_equal(_pad_ref(x, _pads, _mode), np.pad(x, _pads, mode=_mode.lower()))

"""References for training/ops/resize.py: per-pixel loops over TFLite's coordinate rules
(written out here independently of the card's matrices)."""
import math

import numpy as np

from . import BadCase, Case, rng


def _scale(i, o, align):
    """TFLite's float (float32) scale; positions are float32 products too."""
    return np.float32(i - 1) / np.float32(o - 1) if align and o > 1 else np.float32(i) / np.float32(o)


def _round_half_up(v):
    """C roundf for v >= 0 (Python's round() would round half to even)."""
    return int(math.floor(v + 0.5))


def bilinear(x, size, align_corners, half_pixel_centers):
    n, h, w, c = x.shape
    sy, sx = _scale(h, size[0], align_corners), _scale(w, size[1], align_corners)
    out = np.zeros((n, size[0], size[1], c))
    for i in range(size[0]):
        for j in range(size[1]):
            h5 = np.float32(0.5)
            py = float((np.float32(i) + h5) * sy - h5 if half_pixel_centers else np.float32(i) * sy)
            px = float((np.float32(j) + h5) * sx - h5 if half_pixel_centers else np.float32(j) * sx)
            y0, x0 = max(math.floor(py), 0), max(math.floor(px), 0)
            y1, x1 = min(math.ceil(py), h - 1), min(math.ceil(px), w - 1)
            fy, fx = py - y0, px - x0
            out[:, i, j] = (x[:, y0, x0] * (1 - fy) * (1 - fx) + x[:, y1, x0] * fy * (1 - fx) +
                            x[:, y0, x1] * (1 - fy) * fx + x[:, y1, x1] * fy * fx)
    return out


def nearest(x, size, align_corners, half_pixel_centers):
    n, h, w, c = x.shape
    sy, sx = _scale(h, size[0], align_corners), _scale(w, size[1], align_corners)
    off = np.float32(0.5 if half_pixel_centers else 0.0)
    rnd = _round_half_up if align_corners else math.floor
    out = np.zeros((n, size[0], size[1], c))
    for i in range(size[0]):
        for j in range(size[1]):
            a = max(min(int(rnd(float((np.float32(i) + off) * sy))), h - 1), 0)
            b = max(min(int(rnd(float((np.float32(j) + off) * sx))), w - 1), 0)
            out[:, i, j] = x[:, a, b]
    return out


def adjoint(fwd):
    """The gradient op's reference: the transpose of the forward map, built column by column."""
    def ref(dy, input_shape, **attrs):
        basis_out = []
        size = int(np.prod(input_shape))
        for k in range(size):
            e = np.zeros(size)
            e[k] = 1
            basis_out.append(fwd(e.reshape(input_shape), **attrs).ravel())
        return (np.array(basis_out) @ dy.ravel()).reshape(input_shape)
    return ref


r = rng(40)
x = r.standard_normal((1, 3, 4, 2)).astype(np.float32)
FLAGS = [("default", False, False), ("align", True, False), ("half_pixel", False, True)]
CASES = []
for tag, align, half in FLAGS:
    for size in [(5, 7), (2, 3)]:
        a = {"size": size, "align_corners": align, "half_pixel_centers": half}
        dy = r.standard_normal((1,) + size + (2,)).astype(np.float32)
        name = f"{tag}_{size[0]}x{size[1]}"
        CASES += [
            Case("resize_bilinear", [x], bilinear, attrs=a, name=name),
            Case("resize_nearest", [x], nearest, attrs=a, name=name),
            Case("resize_bilinear_grad", [dy], adjoint(bilinear), attrs={**a, "input_shape": x.shape}, name=name),
            Case("resize_nearest_grad", [dy], adjoint(nearest), attrs={**a, "input_shape": x.shape}, name=name),
        ]

# Sizes where float32 and float64 coordinates floor/round differently (14 -> 23: output row 11
# sits at 6.4999995 with align_corners and 6.9999995 with half-pixel centers; 26 -> 22: 12.999999),
# and 3 -> 5 with align_corners (row 1 at 0.5 exactly: rounds up, to row 1).
for in_h, out_h, tag, align, half in [(14, 23, "align_f32", True, False), (14, 23, "half_pixel_f32", False, True),
                                      (26, 22, "default_f32", False, False), (3, 5, "align_tie", True, False)]:
    tall = r.standard_normal((1, in_h, 1, 1)).astype(np.float32)
    a = {"size": (out_h, 2), "align_corners": align, "half_pixel_centers": half}
    CASES.append(Case("resize_nearest", [tall], nearest, attrs=a, name=tag))

both = {"align_corners": True, "half_pixel_centers": True}
BAD = [
    BadCase("resize_bilinear", [x], ValueError, ("align_corners", "half_pixel_centers"),
            attrs={"size": (2, 2), **both}),
    BadCase("resize_nearest", [x[0]], ValueError, ("rank 4", "[3, 4, 2]"),
            attrs={"size": (2, 2), "align_corners": False, "half_pixel_centers": False}),
    BadCase("resize_nearest", [x.astype(np.int32)], TypeError, ("int32", "float32"),
            attrs={"size": (2, 2), "align_corners": False, "half_pixel_centers": False}),
    BadCase("resize_bilinear", [x], ValueError, ("size", "[0, 2]"),
            attrs={"size": (0, 2), "align_corners": False, "half_pixel_centers": False}),
    BadCase("resize_bilinear_grad", [x], ValueError, ("align_corners", "half_pixel_centers"),
            attrs={"size": (3, 4), "input_shape": (1, 2, 2, 2), **both}),
    BadCase("resize_nearest_grad", [x.astype(np.int32)], TypeError, ("int32", "float32"),
            attrs={"size": (3, 4), "input_shape": (1, 2, 2, 2), "align_corners": False, "half_pixel_centers": False}),
    BadCase("resize_bilinear_grad", [x], ValueError, ("[1, 3, 5, 2]", "[1, 3, 4, 2]"),
            attrs={"size": (3, 5), "input_shape": (1, 2, 2, 2), "align_corners": False, "half_pixel_centers": False}),
]

"""References for training/ops/resize.py: per-pixel loops over TFLite's coordinate rules
(written out here independently of the card's matrices)."""
import math

import numpy as np

from . import BadCase, Case, rng


def _scale(i, o, align):
    return (i - 1) / (o - 1) if align and o > 1 else i / o


def bilinear(x, size, align_corners, half_pixel_centers):
    n, h, w, c = x.shape
    sy, sx = _scale(h, size[0], align_corners), _scale(w, size[1], align_corners)
    out = np.zeros((n, size[0], size[1], c))
    for i in range(size[0]):
        for j in range(size[1]):
            py = (i + 0.5) * sy - 0.5 if half_pixel_centers else i * sy
            px = (j + 0.5) * sx - 0.5 if half_pixel_centers else j * sx
            y0, x0 = max(math.floor(py), 0), max(math.floor(px), 0)
            y1, x1 = min(math.ceil(py), h - 1), min(math.ceil(px), w - 1)
            fy, fx = py - y0, px - x0
            out[:, i, j] = (x[:, y0, x0] * (1 - fy) * (1 - fx) + x[:, y1, x0] * fy * (1 - fx) +
                            x[:, y0, x1] * (1 - fy) * fx + x[:, y1, x1] * fy * fx)
    return out


def nearest(x, size, align_corners, half_pixel_centers):
    n, h, w, c = x.shape
    sy, sx = _scale(h, size[0], align_corners), _scale(w, size[1], align_corners)
    off = 0.5 if half_pixel_centers else 0.0
    rnd = round if align_corners else math.floor
    out = np.zeros((n, size[0], size[1], c))
    for i in range(size[0]):
        for j in range(size[1]):
            a = max(min(int(rnd((i + off) * sy)), h - 1), 0)
            b = max(min(int(rnd((j + off) * sx)), w - 1), 0)
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

BAD = [BadCase("resize_bilinear", [x], ValueError, ("align_corners", "half_pixel_centers"),
               attrs={"size": (2, 2), "align_corners": True, "half_pixel_centers": True})]

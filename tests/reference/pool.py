"""References for training/ops/pool.py: naive loops over windows."""
import numpy as np

from . import BadCase, Case, rng
from .conv import _geom


def _windows(shape, ksize, strides, padding):
    """Yields (n, oy, ox, c, [(iy, ix) valid positions in window order])."""
    n_, h, w, c_ = shape
    oh, pt = _geom(h, ksize[0], strides[0], 1, padding)
    ow, pl = _geom(w, ksize[1], strides[1], 1, padding)
    for n in range(n_):
        for oy in range(oh):
            for ox in range(ow):
                for c in range(c_):
                    pos = [(oy * strides[0] + i - pt, ox * strides[1] + j - pl)
                           for i in range(ksize[0]) for j in range(ksize[1])]
                    yield n, oy, ox, c, [(a, b) for a, b in pos if 0 <= a < h and 0 <= b < w]


def _out(shape, ksize, strides, padding):
    return (shape[0], _geom(shape[1], ksize[0], strides[0], 1, padding)[0],
            _geom(shape[2], ksize[1], strides[1], 1, padding)[0], shape[3])


def max_pool(x, ksize, strides, padding):
    y = np.zeros(_out(x.shape, ksize, strides, padding))
    for n, oy, ox, c, pos in _windows(x.shape, ksize, strides, padding):
        y[n, oy, ox, c] = max(float(x[n, a, b, c]) for a, b in pos)
    return y


def _argmax_pos(x, n, c, pos):
    vals = [float(x[n, a, b, c]) for a, b in pos]
    return pos[vals.index(max(vals))]  # first maximum


def max_pool_grad(x, dy, ksize, strides, padding):
    dx = np.zeros(x.shape)
    for n, oy, ox, c, pos in _windows(x.shape, ksize, strides, padding):
        a, b = _argmax_pos(x, n, c, pos)
        dx[n, a, b, c] += dy[n, oy, ox, c]
    return dx


def max_pool_grad_grad(x, g, ksize, strides, padding):
    y = np.zeros(_out(x.shape, ksize, strides, padding))
    for n, oy, ox, c, pos in _windows(x.shape, ksize, strides, padding):
        a, b = _argmax_pos(x, n, c, pos)
        y[n, oy, ox, c] = g[n, a, b, c]
    return y


def avg_pool(x, ksize, strides, padding):
    y = np.zeros(_out(x.shape, ksize, strides, padding))
    for n, oy, ox, c, pos in _windows(x.shape, ksize, strides, padding):
        y[n, oy, ox, c] = sum(float(x[n, a, b, c]) for a, b in pos) / len(pos)
    return y


def avg_pool_grad(dy, input_shape, ksize, strides, padding):
    dx = np.zeros(input_shape)
    for n, oy, ox, c, pos in _windows(input_shape, ksize, strides, padding):
        for a, b in pos:
            dx[n, a, b, c] += dy[n, oy, ox, c] / len(pos)
    return dx


r = rng(21)
CONFIGS = [
    ("valid2x2", (1, 4, 4, 2), {"ksize": (2, 2), "strides": (2, 2), "padding": "VALID"}),
    ("same3x3s2", (2, 5, 5, 1), {"ksize": (3, 3), "strides": (2, 2), "padding": "SAME"}),
    ("overlap", (1, 5, 4, 2), {"ksize": (3, 2), "strides": (1, 1), "padding": "VALID"}),
    # non-overlapping windows (the kernels' reshape path): a cropped edge, a padded edge, 3x2 tiles
    ("valid2x2_crop", (2, 5, 7, 3), {"ksize": (2, 2), "strides": (2, 2), "padding": "VALID"}),
    ("same2x2_pad", (1, 5, 3, 2), {"ksize": (2, 2), "strides": (2, 2), "padding": "SAME"}),
    ("same3x2_tiles", (1, 7, 5, 1), {"ksize": (3, 2), "strides": (3, 2), "padding": "SAME"}),
]
CASES = []
for name, shape, a in CONFIGS:
    # distinct values, spaced apart, so window maxima have no ties and finite differences
    # never cross from one maximum to another
    x = (r.permutation(int(np.prod(shape))).reshape(shape) * 0.1).astype(np.float32)
    y_shape = _out(shape, a["ksize"], a["strides"], a["padding"])
    dy = r.standard_normal(y_shape).astype(np.float32)
    g = r.standard_normal(shape).astype(np.float32)
    CASES += [
        Case("max_pool2d", [x], max_pool, attrs=a, name=name),
        Case("max_pool2d_grad", [x, dy], max_pool_grad, attrs=a, name=name),
        Case("max_pool2d_grad_grad", [x, g], max_pool_grad_grad, attrs=a, name=name),
        Case("avg_pool2d", [x], avg_pool, attrs=a, name=name),
        Case("avg_pool2d_grad", [dy], avg_pool_grad, attrs={**a, "input_shape": shape}, name=name),
    ]

BAD = [BadCase("max_pool2d", [r.standard_normal((4, 4)).astype(np.float32)], ValueError, ("rank 4", "[4, 4]"))]

# ties (as after a ReLU: windows of zeros): dy goes to the first maximum in row-major order, as in TF;
# finite differences are undefined at ties, so only the forward values are compared
x_ties = np.maximum(r.standard_normal((2, 4, 6, 3)), 0).astype(np.float32)
x_ties[0, :2, :2, 0] = 0.0  # one window all zero
dy_ties = r.standard_normal((2, 2, 3, 3)).astype(np.float32)
CASES.append(Case("max_pool2d_grad", [x_ties, dy_ties], max_pool_grad, attrs=CONFIGS[0][2], name="ties",
                  grad=False))

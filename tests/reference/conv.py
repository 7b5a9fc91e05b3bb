"""References for training/ops/conv.py: naive loops over every output pixel and filter tap."""
import numpy as np

from . import BadCase, Case, rng


def _geom(size, k, s, d, padding):
    eff = (k - 1) * d + 1
    if padding == "SAME":
        out = -(-size // s)
        return out, max((out - 1) * s + eff - size, 0) // 2
    return (size - eff) // s + 1, 0


def _taps(x_shape, w_shape, strides, padding, dilations, groups):
    """Yields (n, oy, ox, iy, ix, ci, i, j, cg, o) for every in-bounds multiply of the convolution."""
    n_, h, w, c = x_shape
    kh, kw, cg, o_ = w_shape
    oh, pt = _geom(h, kh, strides[0], dilations[0], padding)
    ow, pl = _geom(w, kw, strides[1], dilations[1], padding)
    og = o_ // groups
    for n in range(n_):
        for oy in range(oh):
            for ox in range(ow):
                for o in range(o_):
                    g = o // og
                    for i in range(kh):
                        for j in range(kw):
                            iy = oy * strides[0] + i * dilations[0] - pt
                            ix = ox * strides[1] + j * dilations[1] - pl
                            if 0 <= iy < h and 0 <= ix < w:
                                for k in range(cg):
                                    yield n, oy, ox, iy, ix, g * cg + k, i, j, k, o
    return oh, ow


def conv2d(x, w, strides, padding, dilations, groups):
    oh = _geom(x.shape[1], w.shape[0], strides[0], dilations[0], padding)[0]
    ow = _geom(x.shape[2], w.shape[1], strides[1], dilations[1], padding)[0]
    y = np.zeros((x.shape[0], oh, ow, w.shape[3]))
    for n, oy, ox, iy, ix, ci, i, j, k, o in _taps(x.shape, w.shape, strides, padding, dilations, groups):
        y[n, oy, ox, o] += float(x[n, iy, ix, ci]) * float(w[i, j, k, o])
    return y


def backprop_input(dy, w, input_shape, strides, padding, dilations, groups):
    dx = np.zeros(input_shape)
    for n, oy, ox, iy, ix, ci, i, j, k, o in _taps(input_shape, w.shape, strides, padding, dilations, groups):
        dx[n, iy, ix, ci] += float(dy[n, oy, ox, o]) * float(w[i, j, k, o])
    return dx


def backprop_filter(x, dy, filter_shape, strides, padding, dilations, groups):
    dw = np.zeros(filter_shape)
    for n, oy, ox, iy, ix, ci, i, j, k, o in _taps(x.shape, filter_shape, strides, padding, dilations, groups):
        dw[i, j, k, o] += float(x[n, iy, ix, ci]) * float(dy[n, oy, ox, o])
    return dw


r = rng(20)


def f32(*shape):
    return r.standard_normal(shape).astype(np.float32)


def attrs(strides=(1, 1), padding="VALID", dilations=(1, 1), groups=1):
    return {"strides": strides, "padding": padding, "dilations": dilations, "groups": groups}


CONFIGS = [
    ("valid", (1, 5, 5, 2), (3, 3, 2, 3), attrs()),
    ("same_stride2", (2, 5, 6, 2), (3, 3, 2, 2), attrs((2, 2), "SAME")),
    ("same_even_kernel", (1, 4, 5, 1), (2, 2, 1, 2), attrs((1, 1), "SAME")),
    ("dilation2", (1, 6, 6, 1), (2, 2, 1, 2), attrs(dilations=(2, 2), padding="SAME")),
    ("groups2", (1, 4, 4, 4), (2, 2, 2, 4), attrs(groups=2)),
]

CASES = []
for name, xs, ws, a in CONFIGS:
    x, w = f32(*xs), f32(*ws)
    y = conv2d(x, w, **a)
    dy = f32(*y.shape)
    CASES += [
        Case("conv2d", [x, w], conv2d, attrs=a, name=name),
        Case("conv2d_backprop_input", [dy, w], backprop_input, attrs={**a, "input_shape": xs}, name=name),
        Case("conv2d_backprop_filter", [x, dy], backprop_filter, attrs={**a, "filter_shape": ws}, name=name),
    ]

BAD = [
    BadCase("conv2d", [f32(1, 4, 4, 3), f32(3, 3, 2, 4)], ValueError, ("3 channels", "expect 2")),
    BadCase("conv2d", [f32(4, 4, 3), f32(3, 3, 3, 4)], ValueError, ("rank 4", "[4, 4, 3]"), attrs=attrs()),
]


def depthwise(x, w, strides, padding, dilations):
    kh, kw, c, m = w.shape
    return conv2d(x, w.reshape(kh, kw, 1, c * m), strides, padding, dilations, c)


DW_CONFIGS = [
    ("mult2", (1, 5, 5, 2), (3, 3, 2, 2), {"strides": (1, 1), "padding": "SAME", "dilations": (1, 1)}),
    ("stride2_dil", (1, 6, 6, 3), (2, 2, 3, 1), {"strides": (2, 2), "padding": "VALID", "dilations": (2, 2)}),
]
for name, xs, ws, a in DW_CONFIGS:
    CASES.append(Case("depthwise_conv2d", [f32(*xs), f32(*ws)], depthwise, attrs=a, name=name))
BAD.append(BadCase("depthwise_conv2d", [f32(1, 4, 4, 3), f32(3, 3, 2, 1)], ValueError, ("3 channels", "expects 2"),
                   attrs={"strides": (1, 1), "padding": "VALID", "dilations": (1, 1)}))

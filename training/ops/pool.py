"""Card: max and average pooling (NHWC, SAME/VALID) and their gradient ops.

max_pool2d_grad(x, dy) routes each dy to the first maximum of its window (TF's tie rule); it is
linear in dy, and its own gradient wrt dy is max_pool2d_grad_grad(x, g): g read back at the
same positions. The pair closes under differentiation. Non-overlapping windows (strides equal to
ksize, the usual 2x2/2) are reshapes of the input, so forward and gradients are one reduction or
one mask multiply each; overlapping ones gather windows and scatter taps back. avg_pool2d averages over the valid
(unpadded) elements only, as TF does; avg_pool2d_grad spreads dy back and is linear, so its
gradient is avg_pool2d again.
"""
from __future__ import annotations

import numpy as np

from ..dispatch import apply
from ..spec import TensorSpec
from . import lower_util as lu
from .conv import conv_geometry, hw, nhwc_only, patches
from .infer import FLOATS, check_dtype, check_rank
from .registry import GRADIENT_OP, define_op

ATTRS = {"ksize": (2, 2), "strides": (2, 2), "padding": "VALID"}
ONE = (1, 1)


def _geometry(op, shape, ksize, strides, padding):
    return conv_geometry(op, shape, ksize, strides, ONE, padding)


def _pool_infer(op: str):
    def infer(x: TensorSpec, ksize, strides, padding) -> TensorSpec:
        check_dtype(op, x, FLOATS, "input")
        check_rank(op, x, 4, "input")
        (oh, ow), _ = _geometry(op, x.shape, ksize, strides, padding)
        return TensorSpec((x.shape[0], oh, ow, x.shape[3]), x.dtype)
    return infer


def _same_as_x(x: TensorSpec, dy: TensorSpec, **_) -> TensorSpec:
    return x


def _grad_grad_infer(x: TensorSpec, g: TensorSpec, ksize, strides, padding) -> TensorSpec:
    return _pool_infer("max_pool2d_grad_grad")(x, ksize, strides, padding)


def _avg_grad_infer(dy: TensorSpec, input_shape, ksize, strides, padding) -> TensorSpec:
    return TensorSpec(input_shape, dy.dtype)


max_pool2d_op = define_op("max_pool2d", infer=_pool_infer("max_pool2d"), attrs=ATTRS, tflite="MAX_POOL_2D")
max_pool2d_grad_op = define_op("max_pool2d_grad", infer=_same_as_x, attrs=ATTRS, no_tflite=GRADIENT_OP,
                               vjp_of=("max_pool2d", None))
max_pool2d_grad_grad_op = define_op("max_pool2d_grad_grad", infer=_grad_grad_infer, attrs=ATTRS,
                                    no_tflite=GRADIENT_OP)
avg_pool2d_op = define_op("avg_pool2d", infer=_pool_infer("avg_pool2d"), attrs=ATTRS, tflite="AVERAGE_POOL_2D")
avg_pool2d_grad_op = define_op("avg_pool2d_grad", infer=_avg_grad_infer, attrs={**ATTRS, "input_shape": ()},
                               no_tflite=GRADIENT_OP, vjp_of=("avg_pool2d", "input_shape"))


def _windows(xp, x, ksize, strides, padding, pad_value):
    (oh, ow), pads = _geometry("pool", x.shape, ksize, strides, padding)
    p = patches(xp, x, ksize, strides, ONE, pads, pad_value)   # n h w c k l
    return p.reshape(*p.shape[:4], ksize[0] * ksize[1]), pads


def _scatter(xp, shape, pads, ksize, strides, taps):
    """Sums taps[..., t] (t = window position i*kw+j) back onto an NHWC array of `shape`."""
    n, h, w, c = shape
    oh, ow = taps.shape[1:3]
    out = xp.zeros((n, h + sum(pads[0]), w + sum(pads[1]), c), taps.dtype)
    for i in range(ksize[0]):
        for j in range(ksize[1]):
            out[:, i:i + (oh - 1) * strides[0] + 1:strides[0], j:j + (ow - 1) * strides[1] + 1:strides[1]] += \
                taps[..., i * ksize[1] + j]
    return out[:, pads[0][0]:pads[0][0] + h, pads[1][0]:pads[1][0] + w]


def _argmax_onehot(xp, x, ksize, strides, padding):
    p, pads = _windows(xp, x, ksize, strides, padding, -np.inf)
    first = xp.argmax(p, axis=-1)
    onehot = (xp.arange(p.shape[-1]) == first[..., None]).astype(x.dtype)
    return onehot, pads


def _tiles(xp, x, ksize, strides, padding, pad_value):
    """Non-overlapping windows (strides == ksize) as [N, OH, KH, OW, KW, C]: the (padded, cropped)
    input reshaped, no gather; None when windows overlap or skip pixels."""
    if tuple(ksize) != tuple(strides):
        return None, None
    (oh, ow), pads = _geometry("pool", x.shape, ksize, strides, padding)
    n, h, w, c = x.shape
    (pt, pb), (pl, pr) = pads
    if pt or pb or pl or pr:
        x = _pad(xp, x, pads, pad_value)
    x = x[:, :oh * ksize[0], :ow * ksize[1]]
    return x.reshape(n, oh, ksize[0], ow, ksize[1], c), pads


def _untile(xp, t, shape, pads):
    """[N, OH, KH, OW, KW, C] back to an NHWC array of `shape` (zeros where no window reached)."""
    n, oh, kh, ow, kw, c = t.shape
    (pt, _), (pl, _) = pads
    full = t.reshape(n, oh * kh, ow * kw, c)
    h, w = shape[1], shape[2]
    if pt == 0 and pl == 0 and oh * kh == h and ow * kw == w:
        return full
    extra = ((0, h + sum(pads[0]) - oh * kh), (0, w + sum(pads[1]) - ow * kw))
    return _pad(xp, full, extra, 0.0)[:, pt:pt + h, pl:pl + w]


def _pad(xp, x, pads, value):
    """x padded on H and W; NumPy/CuPy fill a new array and copy in (np.pad's overhead is large at
    these sizes), jax.numpy pads (its arrays are immutable)."""
    if not (hasattr(xp, "lib") and hasattr(xp.lib, "stride_tricks")):
        return xp.pad(x, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=value)
    n, h, w, c = x.shape
    out = xp.full((n, h + sum(pads[0]), w + sum(pads[1]), c), value, x.dtype)
    out[:, pads[0][0]:pads[0][0] + h, pads[1][0]:pads[1][0] + w] = x
    return out


def _first_max_mask(xp, t):
    """1.0 at the first maximum (row-major within the window, TF's tie rule) of each tile, else 0."""
    n, oh, kh, ow, kw, c = t.shape
    flat = t.transpose(0, 1, 3, 5, 2, 4).reshape(n, oh, ow, c, kh * kw)
    first = flat.argmax(axis=-1)
    mask = (xp.arange(kh * kw) == first[..., None]).astype(t.dtype)
    return mask.reshape(n, oh, ow, c, kh, kw).transpose(0, 1, 4, 2, 5, 3)  # n oh kh ow kw c


def _tile_max(xp, t):
    """Each [N, OH, KH, OW, KW, C] tile's maximum as a running elementwise maximum of its taps: NumPy's
    max over axes (2, 4) loops over KW elements at a time (measured: [32, 8, 8, 16] pooled 2x2, 10x
    slower than the 3 maximums of whole [N, OH, OW, C] views)."""
    kh, kw = t.shape[2], t.shape[4]
    top = t[:, :, 0, :, 0, :]
    for i in range(kh):
        for j in range(kw):
            if i or j:
                top = xp.maximum(top, t[:, :, i, :, j, :])
    return top if kh * kw > 1 else top.copy()


def _first_max_routed(xp, t, dy):
    """[N, OH, KH, OW, KW, C] holding dy at each window's first maximum (taps visited in row-major
    order, each claiming the windows whose maximum it is and no earlier tap has claimed), else 0: one
    vectorised pass per tap (4 for 2x2), no gather or transposed copies."""
    n, oh, kh, ow, kw, c = t.shape
    top = _tile_max(xp, t)
    out = xp.empty(t.shape, dy.dtype)
    taken = xp.zeros(top.shape, bool)
    for i in range(kh):
        for j in range(kw):
            hit = t[:, :, i, :, j, :] == top
            hit &= ~taken
            taken |= hit
            xp.multiply(hit, dy, out=out[:, :, i, :, j, :])
    return out


@max_pool2d_op.kernel("cpu", "cuda")
def _max_pool2d(xp, x, ksize, strides, padding):
    t, _ = _tiles(xp, x, ksize, strides, padding, -np.inf)
    if t is not None:
        return _tile_max(xp, t)
    return _windows(xp, x, ksize, strides, padding, -np.inf)[0].max(axis=-1)


@max_pool2d_op.grad
def _max_pool2d_grad_rule(dy, inputs, out, **attrs):
    return (apply(max_pool2d_grad_op, inputs[0], dy, **attrs),)


@max_pool2d_grad_op.kernel("cpu", "cuda")
def _max_pool2d_grad(xp, x, dy, ksize, strides, padding):
    t, pads = _tiles(xp, x, ksize, strides, padding, -np.inf)
    if t is not None:  # each pixel in at most one window: dy where the first maximum is, reshaped back
        if not (hasattr(xp, "lib") and hasattr(xp.lib, "stride_tricks")):  # jax.numpy: no writes
            return _untile(xp, _first_max_mask(xp, t) * dy[:, :, None, :, None, :], x.shape, pads)
        return _untile(xp, _first_max_routed(xp, t, dy), x.shape, pads)
    onehot, pads = _argmax_onehot(xp, x, ksize, strides, padding)
    return _scatter(xp, x.shape, pads, ksize, strides, onehot * dy[..., None])


@max_pool2d_grad_op.kernel("xla")
def _xla_max_pool2d_grad(xp, x, dy, ksize, strides, padding):
    """The CPU kernel's rule (all of dy to the first maximum of its window; JAX's own vjp of max would
    split ties): the one-hot taps times dy, scattered back by the vjp of the window gather."""
    import jax
    onehot, _ = _argmax_onehot(xp, x, ksize, strides, padding)
    _, pullback = jax.vjp(lambda a: _windows(xp, a, ksize, strides, padding, -np.inf)[0], x)
    return pullback(onehot * dy[..., None])[0]


@max_pool2d_grad_op.grad
def _max_pool2d_grad_grad_rule(g, inputs, out, **attrs):
    return None, apply(max_pool2d_grad_grad_op, inputs[0], g, **attrs)


@max_pool2d_grad_grad_op.kernel("cpu", "cuda")
def _max_pool2d_grad_grad(xp, x, g, ksize, strides, padding):
    t, _ = _tiles(xp, x, ksize, strides, padding, -np.inf)
    if t is not None:
        gt, _ = _tiles(xp, g, ksize, strides, padding, 0.0)
        return (gt * _first_max_mask(xp, t)).sum(axis=(2, 4))
    onehot, pads = _argmax_onehot(xp, x, ksize, strides, padding)
    gp = patches(xp, g, ksize, strides, ONE, pads)
    return (gp.reshape(*gp.shape[:4], -1) * onehot).sum(axis=-1)


@max_pool2d_grad_grad_op.grad
def _max_pool2d_grad_grad_grad(h, inputs, out, **attrs):
    return None, apply(max_pool2d_grad_op, inputs[0], h, **attrs)


def _counts(xp, shape, ksize, strides, padding, dtype):
    ones = xp.ones((1,) + tuple(shape[1:3]) + (1,), dtype)
    p, _ = _windows(xp, ones, ksize, strides, padding, 0.0)
    return p.sum(axis=-1)  # [1, OH, OW, 1]: valid elements per window


@avg_pool2d_op.kernel("cpu", "cuda")
def _avg_pool2d(xp, x, ksize, strides, padding):
    t, _ = _tiles(xp, x, ksize, strides, padding, 0.0)
    if t is not None:
        return t.sum(axis=(2, 4)) / _counts(xp, x.shape, ksize, strides, padding, x.dtype)
    p, _ = _windows(xp, x, ksize, strides, padding, 0.0)
    return p.sum(axis=-1) / _counts(xp, x.shape, ksize, strides, padding, x.dtype)


@avg_pool2d_op.grad
def _avg_pool2d_grad_rule(dy, inputs, out, **attrs):
    return (apply(avg_pool2d_grad_op, dy, input_shape=tuple(inputs[0].shape), **attrs),)


@avg_pool2d_grad_op.kernel("cpu", "cuda")
def _avg_pool2d_grad(xp, dy, input_shape, ksize, strides, padding):
    (oh, ow), pads = _geometry("avg_pool2d_grad", input_shape, ksize, strides, padding)
    share = dy / _counts(xp, input_shape, ksize, strides, padding, dy.dtype)
    if tuple(ksize) == tuple(strides):  # non-overlapping: every tap of a window gets its share
        n, _, _, c = share.shape
        t = xp.broadcast_to(share[:, :, None, :, None, :], (n, oh, ksize[0], ow, ksize[1], c))
        return _untile(xp, t, (dy.shape[0],) + tuple(input_shape[1:]), pads)
    taps = xp.broadcast_to(share[..., None], share.shape + (ksize[0] * ksize[1],))
    return _scatter(xp, input_shape, pads, ksize, strides, taps)


@avg_pool2d_grad_op.grad
def _avg_pool2d_grad_grad(g, inputs, out, input_shape, **attrs):
    return (apply(avg_pool2d_op, g, **attrs),)


def _pool(op, name, input, ksize, strides, padding, data_format):  # noqa: A002
    nhwc_only(name, data_format)
    return apply(op, input, ksize=hw(ksize, "ksize", name), strides=hw(strides, "strides", name),
                 padding=padding.upper())


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    return _pool(max_pool2d_op, "max_pool2d", input, ksize, strides, padding, data_format)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    return _pool(avg_pool2d_op, "avg_pool2d", input, ksize, strides, padding, data_format)


def _lower_pool(builtin):
    def rule(ctx, node, ksize, strides, padding):
        ctx.emit(builtin, ctx.inputs(), ctx.outputs(), padding=lu.padding(ctx, padding), stride_h=strides[0],
                 stride_w=strides[1], filter_height=ksize[0], filter_width=ksize[1], fused_activation_function=0)
    return rule


max_pool2d_op.lower(_lower_pool("MAX_POOL_2D"))
avg_pool2d_op.lower(_lower_pool("AVERAGE_POOL_2D"))

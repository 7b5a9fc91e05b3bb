"""Card: resize_bilinear and resize_nearest (NHWC), with TFLite's coordinate rules for the
align_corners and half_pixel_centers flags, and their gradient ops.

Both resizes are separable and linear in the image: out = Wy . x . Wx^T per channel, with
interpolation matrices Wy [OH, H] and Wx [OW, W]. The gradient is the transposed product
(`resize_*_grad`), and the gradient of that is the resize again, so every order works.
"""
from __future__ import annotations

import math

import numpy as np

from ..dispatch import apply
from ..spec import TensorSpec
from . import lower_util as lu  # noqa: F401
from .infer import FLOATS, check_dtype, check_rank
from .registry import GRADIENT_OP, define_op

ATTRS = {"size": (1, 1), "align_corners": False, "half_pixel_centers": False}


def _scale(in_size: int, out_size: int, align_corners: bool) -> np.float32:
    # float32 as in TFLite's kernels: nearest's floor/round flips on the last bit at exact ties
    if align_corners and out_size > 1:
        return np.float32(in_size - 1) / np.float32(out_size - 1)
    return np.float32(in_size) / np.float32(out_size)


def bilinear_matrix(in_size: int, out_size: int, align_corners: bool, half_pixel_centers: bool) -> np.ndarray:
    """W[o, i]: the weight of input row i in output row o (TFLite reference ResizeBilinear)."""
    scale = _scale(in_size, out_size, align_corners)
    w = np.zeros((out_size, in_size))
    half = np.float32(0.5)
    for o in range(out_size):
        pos = (np.float32(o) + half) * scale - half if half_pixel_centers else np.float32(o) * scale
        lo = max(math.floor(pos), 0)
        hi = min(math.ceil(pos), in_size - 1)
        frac = float(pos) - lo
        w[o, lo] += 1 - frac
        w[o, hi] += frac
    return w


def nearest_matrix(in_size: int, out_size: int, align_corners: bool, half_pixel_centers: bool) -> np.ndarray:
    """One-hot W[o, i] (TFLite reference ResizeNearestNeighbor)."""
    scale = _scale(in_size, out_size, align_corners)
    offset = np.float32(0.5 if half_pixel_centers else 0.0)
    w = np.zeros((out_size, in_size))
    for o in range(out_size):
        pos = float((np.float32(o) + offset) * scale)  # >= 0
        # align_corners rounds half away from zero (C roundf), not Python's round-half-to-even
        i = min(math.floor(pos + 0.5) if align_corners else math.floor(pos), in_size - 1)
        w[o, max(i, 0)] = 1.0
    return w


def _check_flags(op, align_corners, half_pixel_centers):
    if align_corners and half_pixel_centers:
        raise ValueError(f"{op}: align_corners and half_pixel_centers cannot both be True")


def _infer(op):
    def infer(x: TensorSpec, size, align_corners, half_pixel_centers) -> TensorSpec:
        check_dtype(op, x, FLOATS, "images")
        check_rank(op, x, 4, "images")
        _check_flags(op, align_corners, half_pixel_centers)
        if len(size) != 2 or min(size) < 1:
            raise ValueError(f"{op}: size must be two positive ints (height, width), got {list(size)}")
        return TensorSpec((x.shape[0], size[0], size[1], x.shape[3]), x.dtype)
    return infer


def _grad_infer(op):
    def infer(dy: TensorSpec, input_shape, size, align_corners, half_pixel_centers) -> TensorSpec:
        check_dtype(op, dy, FLOATS, "grads")
        _check_flags(op, align_corners, half_pixel_centers)
        if len(input_shape) != 4:
            raise ValueError(f"{op}: input_shape must have 4 dims (NHWC), got {list(input_shape)}")
        want = (input_shape[0], size[0], size[1], input_shape[3])
        if tuple(dy.shape) != want:
            raise ValueError(f"{op}: grads must have shape {list(want)}, got {list(dy.shape)}")
        return TensorSpec(input_shape, dy.dtype)
    return infer


def _define(kind: str, matrix, tflite: str):
    fwd = define_op(f"resize_{kind}", infer=_infer(f"resize_{kind}"), attrs=ATTRS, tflite=tflite)
    back = define_op(f"resize_{kind}_grad", infer=_grad_infer(f"resize_{kind}_grad"),
                     attrs={**ATTRS, "input_shape": ()}, no_tflite=GRADIENT_OP)

    def mats(xp, in_hw, size, align_corners, half_pixel_centers, dtype):
        wy = matrix(in_hw[0], size[0], align_corners, half_pixel_centers)
        wx = matrix(in_hw[1], size[1], align_corners, half_pixel_centers)
        return xp.asarray(wy, dtype), xp.asarray(wx, dtype)

    @fwd.lower
    def _lower(ctx, node, size, align_corners, half_pixel_centers):
        ctx.emit(tflite, [ctx.tensor(node.inputs[0]), ctx.const([int(size[0]), int(size[1])])], ctx.outputs(),
                 align_corners=bool(align_corners), half_pixel_centers=bool(half_pixel_centers))

    @fwd.kernel("cpu", "cuda")
    def _resize(xp, x, size, align_corners, half_pixel_centers):
        wy, wx = mats(xp, x.shape[1:3], size, align_corners, half_pixel_centers, x.dtype)
        return xp.einsum("ia,jb,nabc->nijc", wy, wx, x, optimize=True)

    @fwd.grad
    def _resize_grad_rule(dy, inputs, out, **attrs):
        return (apply(back, dy, input_shape=tuple(inputs[0].shape), **attrs),)

    @back.kernel("cpu", "cuda")
    def _resize_grad(xp, dy, input_shape, size, align_corners, half_pixel_centers):
        wy, wx = mats(xp, input_shape[1:3], size, align_corners, half_pixel_centers, dy.dtype)
        return xp.einsum("ia,jb,nijc->nabc", wy, wx, dy, optimize=True)

    @back.grad
    def _resize_grad_grad(g, inputs, out, input_shape, **attrs):
        return (apply(fwd, g, **attrs),)

    return fwd


resize_bilinear_op = _define("bilinear", bilinear_matrix, "RESIZE_BILINEAR")
resize_nearest_op = _define("nearest", nearest_matrix, "RESIZE_NEAREST_NEIGHBOR")


def _size(size) -> tuple[int, int]:
    s = tuple(int(v) for v in (size.numpy() if hasattr(size, "numpy") else size))
    if len(s) != 2:
        raise ValueError(f"resize: size must be (height, width), got {list(s)}")
    return s


def resize_bilinear(images, size, align_corners=False, half_pixel_centers=False, name=None):
    """TF1's tf.compat.v1.image.resize_bilinear (the TFLite builtin's semantics)."""
    return apply(resize_bilinear_op, images, size=_size(size), align_corners=bool(align_corners),
                 half_pixel_centers=bool(half_pixel_centers))


def resize_nearest_neighbor(images, size, align_corners=False, half_pixel_centers=False, name=None):
    return apply(resize_nearest_op, images, size=_size(size), align_corners=bool(align_corners),
                 half_pixel_centers=bool(half_pixel_centers))


def resize(images, size, method="bilinear", name=None):
    """TF2's tf.image.resize: half-pixel centers; "bilinear" or "nearest". Accepts 3-D or 4-D images."""
    from .shape_ops import expand_dims, squeeze
    single = len(images.shape) == 3
    x = expand_dims(images, 0) if single else images
    if method == "bilinear":
        y = resize_bilinear(x, size, half_pixel_centers=True)
    elif method == "nearest":
        y = resize_nearest_neighbor(x, size, half_pixel_centers=True)
    else:
        raise NotImplementedError(f"tl.image.resize(method={method!r}): only 'bilinear' and 'nearest'")
    return squeeze(y, 0) if single else y

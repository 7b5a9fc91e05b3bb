"""Card: `matmul`, batched over leading dims that broadcast, with optional transposes."""
from __future__ import annotations

import numpy as np

from .. import blas
from ..dispatch import apply
from ..spec import TensorSpec
from . import fusion
from .common import operands
from .infer import FLOATS, INTS, broadcast_shape, check_dtype, same_dtype
from .registry import define_op


def _infer(a: TensorSpec, b: TensorSpec, transpose_a: bool, transpose_b: bool, activation=None) -> TensorSpec:
    fusion.check("matmul", activation)
    check_dtype("matmul", a, FLOATS + INTS, "a")
    same_dtype("matmul", a, b)
    if a.rank < 2 or b.rank < 2:
        raise ValueError(f"matmul: inputs must have rank >= 2, got shapes {list(a.shape)} and {list(b.shape)}")
    m, ka = (a.shape[-1], a.shape[-2]) if transpose_a else (a.shape[-2], a.shape[-1])
    kb, n = (b.shape[-1], b.shape[-2]) if transpose_b else (b.shape[-2], b.shape[-1])
    if ka is not None and kb is not None and ka != kb:
        raise ValueError(f"matmul: inner dimensions differ: a {list(a.shape)} gives {ka}, b {list(b.shape)} "
                         f"gives {kb} (transpose_a={transpose_a}, transpose_b={transpose_b})")
    batch = broadcast_shape("matmul", a.shape[:-2], b.shape[:-2])
    return TensorSpec(batch + (m, n), a.dtype)


matmul_op = define_op("matmul", infer=_infer, attrs={"transpose_a": False, "transpose_b": False, "activation": None},
                      tflite="BATCH_MATMUL")


@matmul_op.kernel("cpu", "cuda")
def _matmul(xp, a, b, transpose_a, transpose_b, activation=None):
    if transpose_a:
        a = xp.swapaxes(a, -1, -2)
    if transpose_b:
        b = xp.swapaxes(b, -1, -2)
    return fusion.apply_activation(xp, blas.matmul(xp, a, b), activation)


@matmul_op.grad
def _matmul_grad(dy, inputs, out, transpose_a, transpose_b, activation=None):
    a, b = inputs
    dy = fusion.mask_gradient(dy, out, activation)

    def mm(x, y, ta=False, tb=False):
        return apply(matmul_op, x, y, transpose_a=ta, transpose_b=tb)

    if not transpose_a and not transpose_b:
        return mm(dy, b, tb=True), mm(a, dy, ta=True)
    if transpose_a and not transpose_b:
        return mm(b, dy, tb=True), mm(a, dy)
    if not transpose_a and transpose_b:
        return mm(dy, b), mm(dy, a, ta=True)
    return mm(b, dy, ta=True, tb=True), mm(dy, a, ta=True, tb=True)


def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    return apply(matmul_op, *operands(a, b), transpose_a=bool(transpose_a), transpose_b=bool(transpose_b))


@matmul_op.lower
def _lower_matmul(ctx, node, transpose_a, transpose_b, activation):
    """x @ W with a constant 2-D W is FULLY_CONNECTED (weights [out, in], no bias until one is fused);
    anything else is BATCH_MATMUL."""
    a, b = node.inputs
    wa = ctx.constant(b)
    if wa is not None and wa.ndim == 2 and not transpose_a and len(a.shape) >= 2 and a.dtype == "float32":
        weights = wa if transpose_b else wa.T
        ctx.emit("FULLY_CONNECTED", [ctx.tensor(a), ctx.const(np.ascontiguousarray(weights)), -1], ctx.outputs(),
                 fused_activation_function=fusion.TFLITE_CODE[activation], keep_num_dims=len(a.shape) > 2)
    elif activation is None:
        ctx.emit("BATCH_MATMUL", ctx.inputs(), ctx.outputs(), adj_x=bool(transpose_a), adj_y=bool(transpose_b))
    else:  # BATCH_MATMUL has no fused activation
        out = node.outputs[0]
        pre = ctx.temp(out.dtype, out.shape)
        ctx.emit("BATCH_MATMUL", ctx.inputs(), [pre], adj_x=bool(transpose_a), adj_y=bool(transpose_b))
        ctx.emit(activation.upper(), [pre], ctx.outputs())

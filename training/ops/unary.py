"""Card: elementwise math on one tensor (neg, square, sqrt, rsqrt, exp, log, abs, sign)."""
from __future__ import annotations

from ..dispatch import apply
from .binary import divide, multiply, negative
from .infer import NUMERIC, unary
from .registry import define_op

neg_op = define_op("neg", infer=unary("neg", NUMERIC), tflite="NEG")
square_op = define_op("square", infer=unary("square", NUMERIC), tflite="SQUARE")
sqrt_op = define_op("sqrt", infer=unary("sqrt"), tflite="SQRT")
rsqrt_op = define_op("rsqrt", infer=unary("rsqrt"), tflite="RSQRT")
exp_op = define_op("exp", infer=unary("exp"), tflite="EXP")
log_op = define_op("log", infer=unary("log"), tflite="LOG")
abs_op = define_op("abs", infer=unary("abs", NUMERIC), tflite="ABS")
sign_op = define_op("sign", infer=unary("sign", NUMERIC), nondifferentiable=True, tflite="SIGN")
floor_op = define_op("floor", infer=unary("floor"), nondifferentiable=True, tflite="FLOOR")
sin_op = define_op("sin", infer=unary("sin"), tflite="SIN")
cos_op = define_op("cos", infer=unary("cos"), tflite="COS")

neg_op.kernel("cpu", "cuda")(lambda xp, x: xp.negative(x))
square_op.kernel("cpu", "cuda")(lambda xp, x: x * x)
sqrt_op.kernel("cpu", "cuda")(lambda xp, x: xp.sqrt(x))
rsqrt_op.kernel("cpu", "cuda")(lambda xp, x: 1 / xp.sqrt(x))
exp_op.kernel("cpu", "cuda")(lambda xp, x: xp.exp(x))
log_op.kernel("cpu", "cuda")(lambda xp, x: xp.log(x))
abs_op.kernel("cpu", "cuda")(lambda xp, x: xp.abs(x))
sign_op.kernel("cpu", "cuda")(lambda xp, x: xp.sign(x))
floor_op.kernel("cpu", "cuda")(lambda xp, x: xp.floor(x))
sin_op.kernel("cpu", "cuda")(lambda xp, x: xp.sin(x))
cos_op.kernel("cpu", "cuda")(lambda xp, x: xp.cos(x))


@neg_op.grad
def _neg_grad(dy, inputs, out):
    return (negative(dy),)


@square_op.grad
def _square_grad(dy, inputs, out):
    return (multiply(dy, multiply(inputs[0], 2)),)


@sqrt_op.grad
def _sqrt_grad(dy, inputs, out):
    return (divide(dy, multiply(out, 2)),)


@rsqrt_op.grad
def _rsqrt_grad(dy, inputs, out):  # d/dx x^-1/2 = -1/2 x^-3/2 = -1/2 out^3
    return (multiply(dy, multiply(multiply(out, multiply(out, out)), -0.5)),)


@exp_op.grad
def _exp_grad(dy, inputs, out):
    return (multiply(dy, out),)


@log_op.grad
def _log_grad(dy, inputs, out):
    return (divide(dy, inputs[0]),)


@abs_op.grad
def _abs_grad(dy, inputs, out):
    return (multiply(dy, apply(sign_op, inputs[0])),)


@sin_op.grad
def _sin_grad(dy, inputs, out):
    return (multiply(dy, apply(cos_op, inputs[0])),)


@cos_op.grad
def _cos_grad(dy, inputs, out):
    return (negative(multiply(dy, apply(sin_op, inputs[0]))),)


def square(x, name=None):
    return apply(square_op, x)


def sqrt(x, name=None):
    return apply(sqrt_op, x)


def rsqrt(x, name=None):
    return apply(rsqrt_op, x)


def exp(x, name=None):
    return apply(exp_op, x)


def log(x, name=None):
    return apply(log_op, x)


def abs(x, name=None):  # noqa: A001  (tf.abs)
    return apply(abs_op, x)


def sign(x, name=None):
    return apply(sign_op, x)


def floor(x, name=None):
    return apply(floor_op, x)


def sin(x, name=None):
    return apply(sin_op, x)


def cos(x, name=None):
    return apply(cos_op, x)


@square_op.lower
def _lower_square(ctx, node):
    """x * x as MUL: bit-identical to SQUARE and runs on every TFLite runtime (TFLite Micro has no SQUARE)."""
    x = ctx.tensor(node.inputs[0])
    ctx.emit("MUL", [x, x], ctx.outputs(), fused_activation_function=0)

"""Card: elementwise activations (relu, relu6, leaky_relu, sigmoid, tanh, gelu, hard_swish, erf).

Gradients are written in tl ops. Piecewise activations (relu, relu6, leaky_relu, hard_swish)
use `where` masks, whose own gradient is zero: second order is exact away from the kinks.
"""
from __future__ import annotations

import math

from ..dispatch import apply
from ..spec import TensorSpec
from .binary import add, greater, less, logical_and, multiply, subtract
from .creation import cast, zeros_like
from .infer import FLOATS, check_dtype, same_dtype, unary
from .registry import GRADIENT_OP, define_op
from .unary import exp, square
from .where import where

relu_op = define_op("relu", infer=unary("relu"), tflite="RELU")


def _relu_grad_infer(dy, x):
    check_dtype("relu_grad", dy, FLOATS, "dy")
    same_dtype("relu_grad", dy, x)
    if dy.shape != x.shape:
        raise ValueError(f"relu_grad: `dy` {list(dy.shape)} and `x` {list(x.shape)} must have one shape")
    return TensorSpec(dy.shape, dy.dtype)


# TensorFlow's ReluGrad: dy where x > 0, else 0; one op where `where(x > 0, dy, zeros_like(dy))` was three
relu_grad_op = define_op("relu_grad", infer=_relu_grad_infer, no_tflite=GRADIENT_OP)
relu6_op = define_op("relu6", infer=unary("relu6"), tflite="RELU6")
leaky_relu_op = define_op("leaky_relu", infer=unary("leaky_relu"), attrs={"alpha": 0.2}, tflite="LEAKY_RELU")
sigmoid_op = define_op("sigmoid", infer=unary("sigmoid"), tflite="LOGISTIC")
tanh_op = define_op("tanh", infer=unary("tanh"), tflite="TANH")
erf_op = define_op("erf", infer=unary("erf"), tflite=None,
                   no_tflite="TFLite has no ERF builtin; models use erf inside gelu, which lowers to GELU")
gelu_op = define_op("gelu", infer=unary("gelu"), attrs={"approximate": False}, tflite="GELU")
hard_swish_op = define_op("hard_swish", infer=unary("hard_swish", FLOATS), tflite="HARD_SWISH")


@relu_op.kernel("cpu", "cuda")
def _relu(xp, x):
    return xp.maximum(x, 0)


@relu_op.grad
def _relu_grad_rule(dy, inputs, out):
    return (apply(relu_grad_op, dy, inputs[0]),)


@relu_grad_op.kernel("cpu", "cuda")
def _relu_grad(xp, dy, x):
    return xp.where(x > 0, dy, xp.zeros((), dy.dtype))


@relu_grad_op.grad
def _relu_grad_grad(g, inputs, out):
    """Linear in dy with the mask of x; zero almost everywhere in x."""
    return apply(relu_grad_op, g, inputs[1]), None


@relu6_op.kernel("cpu", "cuda")
def _relu6(xp, x):
    return xp.clip(x, 0, 6)


@relu6_op.grad
def _relu6_grad(dy, inputs, out):
    x = inputs[0]
    return (where(logical_and(greater(x, 0), less(x, 6)), dy, zeros_like(dy)),)


@leaky_relu_op.kernel("cpu", "cuda")
def _leaky_relu(xp, x, alpha):
    return xp.where(x > 0, x, x * xp.asarray(alpha, x.dtype))


@leaky_relu_op.grad
def _leaky_relu_grad(dy, inputs, out, alpha):
    return (where(greater(inputs[0], 0), dy, multiply(dy, alpha)),)


@sigmoid_op.kernel("cpu", "cuda")
def _sigmoid(xp, x):
    # exp of a non-positive argument only, so large |x| neither overflows nor loses precision
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


@sigmoid_op.grad
def _sigmoid_grad(dy, inputs, out):
    return (multiply(dy, multiply(out, subtract(1.0, out))),)


@tanh_op.kernel("cpu", "cuda")
def _tanh(xp, x):
    return xp.tanh(x)


@tanh_op.grad
def _tanh_grad(dy, inputs, out):
    return (multiply(dy, subtract(1.0, square(out))),)


def erf_pure(xp, x):
    """erf with no SciPy (a test-only dependency): math.erf per element on the host, exact in double."""
    import numpy as np
    host = np.asarray(x.get() if hasattr(x, "get") else x, np.float64)
    return xp.asarray(np.frompyfunc(math.erf, 1, 1)(host).astype(x.dtype))


def _erf_np(xp, x):
    # SciPy's / CuPy's / JAX's vectorized erf when installed (about 10x faster), else the pure fallback
    if xp.__name__.startswith("jax"):
        from jax.scipy.special import erf as jax_erf
        return jax_erf(x)
    try:
        if xp.__name__ == "cupy":
            from cupyx.scipy.special import erf as fast
        else:
            from scipy.special import erf as fast
    except ImportError:
        return erf_pure(xp, x)
    return fast(x).astype(x.dtype, copy=False)


@erf_op.kernel("cpu", "cuda")
def _erf(xp, x):
    return _erf_np(xp, x)


@erf_op.grad
def _erf_grad(dy, inputs, out):
    x = inputs[0]
    return (multiply(dy, multiply(exp(multiply(square(x), -1.0)), 2.0 / math.sqrt(math.pi))),)


@gelu_op.kernel("cpu", "cuda")
def _gelu(xp, x, approximate):
    if approximate:
        c = math.sqrt(2 / math.pi)
        return 0.5 * x * (1 + xp.tanh(c * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + _erf_np(xp, x / math.sqrt(2)))


@gelu_op.grad
def _gelu_grad(dy, inputs, out, approximate):
    x = inputs[0]
    if approximate:
        c = math.sqrt(2 / math.pi)
        inner = multiply(add(x, multiply(multiply(x, square(x)), 0.044715)), c)
        t = apply(tanh_op, inner)
        dinner = multiply(add(multiply(square(x), 3 * 0.044715), 1.0), c)
        d = add(multiply(add(t, 1.0), 0.5), multiply(multiply(multiply(x, 0.5), subtract(1.0, square(t))), dinner))
        return (multiply(dy, d),)
    cdf = multiply(add(apply(erf_op, multiply(x, 1 / math.sqrt(2))), 1.0), 0.5)
    pdf = multiply(exp(multiply(square(x), -0.5)), 1 / math.sqrt(2 * math.pi))
    return (multiply(dy, add(cdf, multiply(x, pdf))),)


@hard_swish_op.kernel("cpu", "cuda")
def _hard_swish(xp, x):
    return x * xp.clip(x + 3, 0, 6) / 6


@hard_swish_op.grad
def _hard_swish_grad(dy, inputs, out):
    x = inputs[0]
    # d/dx = 0 for x < -3, (2x + 3)/6 in between, 1 for x > 3
    mid = add(multiply(x, 1 / 3), 0.5)
    inner = cast(logical_and(greater(x, -3.0), less(x, 3.0)), x.dtype)
    above = cast(greater(x, 3.0), x.dtype)
    return (multiply(dy, add(multiply(mid, inner), above)),)


def relu(features, name=None):
    return apply(relu_op, features)


def relu6(features, name=None):
    return apply(relu6_op, features)


def leaky_relu(features, alpha=0.2, name=None):
    return apply(leaky_relu_op, features, alpha=float(alpha))


def sigmoid(x, name=None):
    return apply(sigmoid_op, x)


def tanh(x, name=None):
    return apply(tanh_op, x)


def erf(x, name=None):
    return apply(erf_op, x)


def gelu(features, approximate=False, name=None):
    return apply(gelu_op, features, approximate=bool(approximate))


def hard_swish(features, name=None):
    return apply(hard_swish_op, features)


def silu(features, beta=1.0, name=None):
    return multiply(features, sigmoid(multiply(features, beta)))


swish = silu


@leaky_relu_op.lower
def _lower_leaky_relu(ctx, node, alpha):
    ctx.emit("LEAKY_RELU", ctx.inputs(), ctx.outputs(), alpha=float(alpha))


@gelu_op.lower
def _lower_gelu(ctx, node, approximate):
    ctx.emit("GELU", ctx.inputs(), ctx.outputs(), approximate=bool(approximate))

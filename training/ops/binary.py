"""Card: broadcasting elementwise ops on two tensors (arithmetic, comparisons, logic)."""
from __future__ import annotations

from ..dispatch import apply
from ..dtypes import bool_
from . import fusion
from .common import operands
from .infer import ALL, FLOATS, NUMERIC, binary
from .registry import define_op

add_op = define_op("add", infer=binary("add"), attrs={"activation": None}, tflite="ADD")
sub_op = define_op("sub", infer=binary("sub"), tflite="SUB")
mul_op = define_op("mul", infer=binary("mul"), tflite="MUL")
div_op = define_op("div", infer=binary("div"), tflite="DIV")
pow_op = define_op("pow", infer=binary("pow", FLOATS), tflite="POW")
maximum_op = define_op("maximum", infer=binary("maximum"), tflite="MAXIMUM")
minimum_op = define_op("minimum", infer=binary("minimum"), tflite="MINIMUM")
floor_mod_op = define_op("floor_mod", infer=binary("floor_mod", NUMERIC), tflite="FLOOR_MOD")
squared_difference_op = define_op("squared_difference", infer=binary("squared_difference", FLOATS),
                                tflite="SQUARED_DIFFERENCE")


@add_op.kernel("cpu", "cuda")
def _add(xp, x, y, activation=None):
    fusion.check("add", activation)
    return fusion.apply_activation(xp, xp.add(x, y), activation)


@add_op.grad
def _add_grad(dy, inputs, out, activation=None):
    dy = fusion.mask_gradient(dy, out, activation)
    return dy, dy


@add_op.lower
def _lower_add(ctx, node, activation):
    ctx.emit("ADD", ctx.inputs(), ctx.outputs(), fused_activation_function=fusion.TFLITE_CODE[activation])


@sub_op.kernel("cpu", "cuda")
def _sub(xp, x, y):
    return xp.subtract(x, y)


@sub_op.grad
def _sub_grad(dy, inputs, out):
    return dy, negative(dy)


@mul_op.kernel("cpu", "cuda")
def _mul(xp, x, y):
    return xp.multiply(x, y)


@mul_op.grad
def _mul_grad(dy, inputs, out):
    x, y = inputs
    return multiply(dy, y), multiply(dy, x)


@div_op.kernel("cpu", "cuda")
def _div(xp, x, y):
    if xp.issubdtype(x.dtype, xp.integer):  # TensorFlow's integer `/` truncates toward zero
        return xp.trunc(xp.true_divide(x, y)).astype(x.dtype)
    return xp.true_divide(x, y)


@div_op.grad
def _div_grad(dy, inputs, out):
    x, y = inputs
    return divide(dy, y), negative(divide(multiply(dy, out), y))


@pow_op.kernel("cpu", "cuda")
def _pow(xp, x, y):
    return xp.power(x, y)


@pow_op.grad
def _pow_grad(dy, inputs, out):
    x, y = inputs
    dx = multiply(dy, multiply(y, pow(x, subtract(y, 1))))
    positive = greater(x, 0)  # log(x) is undefined for x <= 0: TensorFlow uses 0 there
    safe_x = apply("where", positive, x, apply("ones_like", x))
    log_x = apply("where", positive, apply("log", safe_x), apply("zeros_like", x))
    return dx, multiply(dy, multiply(out, log_x))


@maximum_op.kernel("cpu", "cuda")
def _maximum(xp, x, y):
    return xp.maximum(x, y)


@maximum_op.grad
def _maximum_grad(dy, inputs, out):
    x, y = inputs
    take_x = greater_equal(x, y)
    zeros = apply("zeros_like", dy)
    return apply("where", take_x, dy, zeros), apply("where", take_x, zeros, dy)


@minimum_op.kernel("cpu", "cuda")
def _minimum(xp, x, y):
    return xp.minimum(x, y)


@minimum_op.grad
def _minimum_grad(dy, inputs, out):
    x, y = inputs
    take_x = less_equal(x, y)
    zeros = apply("zeros_like", dy)
    return apply("where", take_x, dy, zeros), apply("where", take_x, zeros, dy)


@floor_mod_op.kernel("cpu", "cuda")
def _floor_mod(xp, x, y):
    """x - floor(x / y) * y: the remainder takes the divisor's sign (Python's %); an integer
    divisor of 0 gives 0, as the C runtime does."""
    if xp.issubdtype(x.dtype, xp.integer):
        safe = xp.where(y == 0, 1, y)
        return xp.where(y == 0, 0, xp.mod(x, safe)).astype(x.dtype)
    return xp.mod(x, y)


@floor_mod_op.grad
def _floor_mod_grad(dy, inputs, out):
    """d/dx = 1, d/dy = -floor(x / y), with floor(x / y) = (x - out) / y."""
    x, y = inputs
    return dy, negative(multiply(dy, divide(subtract(x, out), y)))


@squared_difference_op.kernel("cpu", "cuda")
def _squared_difference(xp, x, y):
    d = x - y
    return d * d


@squared_difference_op.grad
def _squared_difference_grad(dy, inputs, out):
    x, y = inputs
    g = multiply(dy, multiply(subtract(x, y), 2))
    return g, negative(g)


# Comparisons and logic: boolean results, no gradient.
def _comparison(name: str, fn: str, tflite: str, allowed=NUMERIC):
    op = define_op(name, infer=binary(name, allowed, out_dtype=bool_), nondifferentiable=True, tflite=tflite)
    op.kernel("cpu", "cuda")(lambda xp, x, y: getattr(xp, fn)(x, y))
    return op


equal_op = _comparison("equal", "equal", "EQUAL", ALL)
not_equal_op = _comparison("not_equal", "not_equal", "NOT_EQUAL", ALL)
less_op = _comparison("less", "less", "LESS")
less_equal_op = _comparison("less_equal", "less_equal", "LESS_EQUAL")
greater_op = _comparison("greater", "greater", "GREATER")
greater_equal_op = _comparison("greater_equal", "greater_equal", "GREATER_EQUAL")
logical_and_op = _comparison("logical_and", "logical_and", "LOGICAL_AND", (bool_,))
logical_or_op = _comparison("logical_or", "logical_or", "LOGICAL_OR", (bool_,))


# Public functions (TensorFlow names). Scalars take the other operand's dtype.
def add(x, y, name=None):
    return apply(add_op, *operands(x, y))


def subtract(x, y, name=None):
    return apply(sub_op, *operands(x, y))


def multiply(x, y, name=None):
    return apply(mul_op, *operands(x, y))


def divide(x, y, name=None):
    return apply(div_op, *operands(x, y))


def pow(x, y, name=None):  # noqa: A001  (tf.pow)
    return apply(pow_op, *operands(x, y))


def maximum(x, y, name=None):
    return apply(maximum_op, *operands(x, y))


def minimum(x, y, name=None):
    return apply(minimum_op, *operands(x, y))


def floormod(x, y, name=None):
    """x % y with the divisor's sign (TensorFlow's tf.math.floormod, and `x % y` on tensors)."""
    return apply(floor_mod_op, *operands(x, y))


def squared_difference(x, y, name=None):
    return apply(squared_difference_op, *operands(x, y))


def negative(x, name=None):
    return apply("neg", x)


def equal(x, y, name=None):
    return apply(equal_op, *operands(x, y))


def not_equal(x, y, name=None):
    return apply(not_equal_op, *operands(x, y))


def less(x, y, name=None):
    return apply(less_op, *operands(x, y))


def less_equal(x, y, name=None):
    return apply(less_equal_op, *operands(x, y))


def greater(x, y, name=None):
    return apply(greater_op, *operands(x, y))


def greater_equal(x, y, name=None):
    return apply(greater_equal_op, *operands(x, y))


def logical_and(x, y, name=None):
    return apply(logical_and_op, *operands(x, y))


def logical_or(x, y, name=None):
    return apply(logical_or_op, *operands(x, y))

"""Card: apply_adam, one Adam step of one variable as a single op (TensorFlow's ApplyAdam; PyTorch's
fused Adam). Keras 3's update, in its order of operations, so results equal the unfused ops bit for bit:

    m' = m + (g - m) (1 - beta_1)
    v' = v + (g g - v) (1 - beta_2)
    var' = var - m' alpha / (sqrt(v') + epsilon)       alpha = lr sqrt(1 - beta_2^t) / (1 - beta_1^t)

The optimizer assigns the three outputs. One node instead of about a dozen per variable: a traced
train step's executor spent most of its node count on Adam's small elementwise ops."""
from __future__ import annotations

from ..spec import TensorSpec
from .infer import FLOATS, check_dtype, same_dtype
from .registry import define_op

OPTIMIZER_ONLY = "an optimizer's update: only training graphs hold it"


def _infer(var, m, v, grad, alpha, beta_1, beta_2, epsilon):
    check_dtype("apply_adam", var, FLOATS, "var")
    same_dtype("apply_adam", var, m, v, grad, alpha)
    for name, s in (("m", m), ("v", v), ("grad", grad)):
        if s.shape != var.shape:
            raise ValueError(f"apply_adam: `{name}` must have var's shape {list(var.shape)}, got {list(s.shape)}")
    if alpha.rank != 0:
        raise ValueError(f"apply_adam: `alpha` must be a scalar, got shape {list(alpha.shape)}")
    spec = TensorSpec(var.shape, var.dtype)
    return spec, spec, spec


apply_adam_op = define_op("apply_adam", infer=_infer, attrs={"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
                          nondifferentiable=True, no_tflite=OPTIMIZER_ONLY)


@apply_adam_op.kernel("cpu", "cuda", "xla")
def _apply_adam(xp, var, m, v, grad, alpha, beta_1, beta_2, epsilon):
    m = m + (grad - m) * (1 - beta_1)
    v = v + (xp.square(grad) - v) * (1 - beta_2)
    return var - m * alpha / (xp.sqrt(v) + epsilon), m, v

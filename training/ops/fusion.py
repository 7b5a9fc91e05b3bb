"""Fused activations: conv2d, depthwise_conv2d, matmul and add take an `activation` attribute (None,
"relu" or "relu6") that the graph optimizer's remapping pass sets when a ReLU/ReLU6 is the only
reader of their output (training/graph/passes/activation_fusion.py), as TFLite's
fused_activation_function does. Kernels apply it after computing; gradients first mask dy by it."""
from __future__ import annotations

FUSABLE = ("relu", "relu6")
TFLITE_CODE = {None: 0, "relu": 1, "relu6": 3}   # ActivationFunctionType


def check(op: str, activation) -> None:
    if activation is not None and activation not in FUSABLE:
        raise ValueError(f"{op}: activation must be None, 'relu' or 'relu6', got {activation!r}")


def apply_activation(xp, y, activation):
    if activation == "relu":
        return xp.maximum(y, 0)
    if activation == "relu6":
        return xp.clip(y, 0, 6)
    return y


def mask_gradient(dy, out, activation):
    """dy through the activation, from the fused output (out > 0 exactly where the input was)."""
    if activation is None:
        return dy
    from .activations import relu6_op, relu_op
    return (relu_op if activation == "relu" else relu6_op).grad_rule(dy, (out,), out)[0]

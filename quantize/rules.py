"""What the quantizer may do with each TFLite builtin: the quantizer works on lowered models, so its
rules are keyed by builtin, as the runtimes' kernels are.

A rule says which activation types have an integer kernel (in LiteRT and in tensorlite's C runtime,
checked op by op by tests/quantize/test_single_ops.py), which inputs are weights (symmetric int8, per
channel along `weight_axis`) and biases, and how the output's parameters are chosen:

- "free": from the output's calibrated range;
- "same": equal to input 0's (the kernel moves values without rescaling: pooling, reshapes, padding);
- "shared": all activation inputs and the output share one set (CONCATENATION, PACK, MAXIMUM ...:
  LiteRT's int8 kernels require it);
- a fixed (scale, zero_point) per type, where the spec fixes the output range (SOFTMAX, LOGISTIC, TANH).
"""
from __future__ import annotations

from dataclasses import dataclass, field

BOTH = frozenset({"int8", "int16"})
# int8 only (such an operator stays float in int16x8 mode): LiteRT has no int16 kernel for SQUARED_DIFFERENCE,
# LOG_SOFTMAX, RELU_N1_TO_1 and HARD_SWISH; UNIDIRECTIONAL_SEQUENCE_LSTM is not done in int16x8 here.
INT8 = frozenset({"int8"})


@dataclass(frozen=True)
class Rule:
    types: frozenset = BOTH                  # activation types with an integer kernel
    output: str = "free"                     # "free" | "same" | "shared" | "fixed" | "lstm" (lstm.py)
    fixed: dict = field(default_factory=dict)  # type -> (scale, zero_point) when output == "fixed"
    activations: tuple = (0,)                # input slots holding activations (None: every float input)
    weight: int | None = None                # input slot of the weights
    weight_axis: int | None = None           # their per-channel axis (None: one scale)
    bias: int | None = None                  # input slot of the bias
    hybrid: bool = False                     # has a dynamic-range (float in, int8 weights) kernel


def _fixed(int8: tuple, int16: tuple | None = None) -> Rule:
    types = BOTH if int16 else INT8
    fixed = {"int8": int8} if int16 is None else {"int8": int8, "int16": int16}
    return Rule(types=types, output="fixed", fixed=fixed)


_Q15 = (1.0 / 32768.0, 0)

RULES: dict[str, Rule] = {
    # weights and biases
    "CONV_2D": Rule(weight=1, weight_axis=0, bias=2, hybrid=True),
    "DEPTHWISE_CONV_2D": Rule(weight=1, weight_axis=3, bias=2, hybrid=True),
    "FULLY_CONNECTED": Rule(weight=1, weight_axis=None, bias=2, hybrid=True),
    "TRANSPOSE_CONV": Rule(activations=(2,), weight=1, weight_axis=0, bias=3),
    # arithmetic: each input and the output keep their own parameters
    "ADD": Rule(activations=(0, 1)),
    "SUB": Rule(activations=(0, 1)),
    "MUL": Rule(activations=(0, 1)),
    "SQUARED_DIFFERENCE": Rule(types=INT8, activations=(0, 1)),   # LiteRT has no int16 kernel
    "MEAN": Rule(),
    "SUM": Rule(),
    "RELU": Rule(),
    "RELU6": Rule(output="same"),   # TFLite Micro's int8 RELU6 clamps without rescaling
    "RELU_N1_TO_1": Rule(types=INT8),
    "LEAKY_RELU": Rule(),
    "HARD_SWISH": Rule(types=INT8),
    "BATCH_MATMUL": Rule(activations=(0, 1)),
    "UNIDIRECTIONAL_SEQUENCE_LSTM": Rule(types=INT8, output="lstm"),   # symmetric output, see lstm.py
    # fixed output ranges (the spec's)
    "SOFTMAX": _fixed((1.0 / 256.0, -128), _Q15),
    "LOGISTIC": _fixed((1.0 / 256.0, -128), _Q15),
    "TANH": _fixed((1.0 / 128.0, 0), _Q15),
    "LOG_SOFTMAX": Rule(types=INT8, output="fixed", fixed={"int8": (16.0 / 256.0, 127)}),   # LiteRT: no int16
    # data movement: the output keeps the input's parameters
    "MAX_POOL_2D": Rule(output="same"),
    "AVERAGE_POOL_2D": Rule(output="same"),
    "RESHAPE": Rule(output="same"),
    "SQUEEZE": Rule(output="same"),
    "EXPAND_DIMS": Rule(output="same"),
    "TRANSPOSE": Rule(output="same"),
    "STRIDED_SLICE": Rule(output="same"),
    "SLICE": Rule(output="same"),
    "GATHER": Rule(output="same"),
    "SPLIT": Rule(output="same", activations=(1,)),
    "SPLIT_V": Rule(output="same"),
    "UNPACK": Rule(output="same"),
    "PAD": Rule(output="same"),
    "PADV2": Rule(output="shared", activations=(0, 2)),
    "MIRROR_PAD": Rule(output="same"),
    "TILE": Rule(output="same"),
    "BROADCAST_TO": Rule(output="same"),
    "RESIZE_NEAREST_NEIGHBOR": Rule(output="same"),
    "RESIZE_BILINEAR": Rule(output="same"),
    "REDUCE_MAX": Rule(output="same"),
    "REDUCE_MIN": Rule(output="same"),
    # several activations, one set of parameters
    "CONCATENATION": Rule(output="shared", activations=None),
    "PACK": Rule(output="shared", activations=None),
    "MAXIMUM": Rule(output="shared", activations=(0, 1)),
    "MINIMUM": Rule(output="shared", activations=(0, 1)),
}


def rule_for(opcode: str, custom: bool) -> Rule | None:
    return None if custom else RULES.get(opcode)

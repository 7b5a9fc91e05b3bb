"""One-operator float models (written as converter.model.Model data) for the quantizer's op-by-op tests:
each case is a builtin with its options, its activation inputs (shapes and value ranges) and its
constant inputs, covering every builtin in quantize/rules.py."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from tensorlite.converter.model import Model, Operator, Signature, Subgraph, Tensor

RNG = np.random.default_rng(7)


@dataclass
class Case:
    id: str
    opcode: str
    inputs: list            # per input slot: ("x", shape, (lo, hi)) activation, ("c", array) constant, None omitted
    outputs: list           # output shapes
    options: dict = field(default_factory=dict)

    def model(self) -> Model:
        sg = Subgraph("main")
        slots, feeds = [], []
        for k, spec in enumerate(self.inputs):
            if spec is None:
                slots.append(-1)
            elif spec[0] == "x":
                slots.append(sg.add_tensor(Tensor(f"x{k}", "float32", tuple(spec[1]))))
                feeds.append(slots[-1])
            elif spec[0] == "v":
                slots.append(sg.add_tensor(Tensor(f"v{k}", "float32", tuple(spec[1]), is_variable=True)))
            else:
                a = np.asarray(spec[1])
                slots.append(sg.add_tensor(Tensor(f"c{k}", a.dtype.name, a.shape, a)))
        outs = [sg.add_tensor(Tensor(f"y{k}", "float32", tuple(s))) for k, s in enumerate(self.outputs)]
        sg.operators.append(Operator(self.opcode, slots, outs, dict(self.options)))
        sg.inputs, sg.outputs = feeds, outs
        sig = Signature("serving_default", {sg.tensors[i].name: i for i in feeds},
                        {sg.tensors[i].name: i for i in outs})
        return Model([sg], [sig])

    def samples(self, n: int, seed: int) -> list[list[np.ndarray]]:
        rng = np.random.default_rng(seed)
        xs = [s for s in self.inputs if s is not None and s[0] == "x"]
        return [[rng.uniform(lo, hi, shape).astype(np.float32) for _, shape, (lo, hi) in xs] for _ in range(n)]


def x(shape, lo=-1.0, hi=1.0):
    return ("x", tuple(shape), (lo, hi))


def c(array):
    return ("c", array)


def w(*shape, scale=0.5):
    return c(RNG.normal(0, scale, shape).astype(np.float32))


def variable(*shape):
    """A state variable (an LSTM's output or cell state): float32, zero at the start."""
    return ("v", tuple(shape))


def lstm_inputs(n_input: int, n_cell: int, batch: int, steps: int) -> list:
    """UNIDIRECTIONAL_SEQUENCE_LSTM's 24 inputs: input, 8 weight matrices, 4 biases, 2 state variables."""
    weights = [w(n_cell, n_input) for _ in range(4)] + [w(n_cell, n_cell) for _ in range(4)]
    return ([x([batch, steps, n_input])] + weights
            + [None] * 3 + [w(n_cell, scale=0.3) for _ in range(4)] + [None] * 2
            + [variable(batch, n_cell), variable(batch, n_cell)] + [None] * 4)


def i32(values):
    return c(np.asarray(values, np.int32))


CASES = [
    Case("conv_same_relu6", "CONV_2D", [x([1, 6, 6, 3]), w(4, 3, 3, 3), w(4)], [[1, 6, 6, 4]],
         dict(padding=0, stride_w=1, stride_h=1, fused_activation_function=3)),
    Case("conv_valid_stride2", "CONV_2D", [x([1, 7, 7, 2]), w(5, 3, 3, 2), w(5, scale=2.0)], [[1, 3, 3, 5]],
         dict(padding=1, stride_w=2, stride_h=2)),
    Case("depthwise", "DEPTHWISE_CONV_2D", [x([1, 5, 5, 4]), w(1, 3, 3, 4), w(4)], [[1, 5, 5, 4]],
         dict(padding=0, stride_w=1, stride_h=1, depth_multiplier=1, fused_activation_function=1)),
    Case("depthwise_multiplier2", "DEPTHWISE_CONV_2D", [x([1, 4, 4, 2]), w(1, 3, 3, 4), w(4)], [[1, 2, 2, 4]],
         dict(padding=1, stride_w=1, stride_h=1, depth_multiplier=2)),
    Case("fully_connected", "FULLY_CONNECTED", [x([2, 12]), w(7, 12), w(7)], [[2, 7]]),
    Case("fully_connected_no_bias", "FULLY_CONNECTED", [x([1, 12]), w(5, 12), None], [[1, 5]],
         dict(fused_activation_function=1)),
    Case("transpose_conv", "TRANSPOSE_CONV", [i32([1, 8, 8, 3]), w(3, 3, 3, 2), x([1, 4, 4, 2]), w(3)],
         [[1, 8, 8, 3]], dict(padding=0, stride_w=2, stride_h=2)),
    Case("add", "ADD", [x([1, 4, 4, 3]), x([1, 4, 4, 3], -3, 2)], [[1, 4, 4, 3]]),
    Case("add_broadcast_const", "ADD", [x([1, 4, 4, 3]), w(3)], [[1, 4, 4, 3]], dict(fused_activation_function=1)),
    Case("sub", "SUB", [x([2, 5]), x([2, 5], 0, 4)], [[2, 5]]),
    Case("mul", "MUL", [x([1, 3, 3, 4]), x([1, 3, 3, 4], -2, 2)], [[1, 3, 3, 4]]),
    Case("mul_const", "MUL", [x([2, 6]), w(6)], [[2, 6]]),
    Case("squared_difference", "SQUARED_DIFFERENCE", [x([2, 6]), x([2, 6])], [[2, 6]]),
    Case("mean", "MEAN", [x([1, 4, 4, 5], 0, 3), i32([1, 2])], [[1, 5]], dict(keep_dims=False)),
    Case("sum", "SUM", [x([2, 3, 4]), i32([1])], [[2, 1, 4]], dict(keep_dims=True)),
    Case("relu", "RELU", [x([2, 8], -2, 2)], [[2, 8]]),
    Case("relu6", "RELU6", [x([2, 8], -3, 9)], [[2, 8]]),
    Case("relu_n1_to_1", "RELU_N1_TO_1", [x([2, 8], -2, 2)], [[2, 8]]),
    Case("leaky_relu", "LEAKY_RELU", [x([2, 8], -2, 2)], [[2, 8]], dict(alpha=0.2)),
    Case("hard_swish", "HARD_SWISH", [x([2, 8], -4, 4)], [[2, 8]]),
    Case("batch_matmul", "BATCH_MATMUL", [x([2, 3, 4]), x([2, 4, 5])], [[2, 3, 5]]),
    Case("softmax", "SOFTMAX", [x([2, 10], -4, 4)], [[2, 10]], dict(beta=1.0)),
    Case("logistic", "LOGISTIC", [x([2, 8], -6, 6)], [[2, 8]]),
    Case("tanh", "TANH", [x([2, 8], -3, 3)], [[2, 8]]),
    Case("log_softmax", "LOG_SOFTMAX", [x([2, 10], -4, 4)], [[2, 10]]),
    Case("max_pool", "MAX_POOL_2D", [x([1, 6, 6, 3])], [[1, 3, 3, 3]],
         dict(padding=1, stride_w=2, stride_h=2, filter_width=2, filter_height=2)),
    Case("average_pool", "AVERAGE_POOL_2D", [x([1, 6, 6, 3])], [[1, 3, 3, 3]],
         dict(padding=1, stride_w=2, stride_h=2, filter_width=2, filter_height=2)),
    Case("reshape", "RESHAPE", [x([1, 2, 3, 4]), i32([1, 24])], [[1, 24]]),
    Case("squeeze", "SQUEEZE", [x([1, 6, 1])], [[6]], dict(squeeze_dims=[0, 2])),
    Case("expand_dims", "EXPAND_DIMS", [x([2, 6]), i32(1)], [[2, 1, 6]]),
    Case("transpose", "TRANSPOSE", [x([2, 3, 4]), i32([2, 0, 1])], [[4, 2, 3]]),
    Case("strided_slice", "STRIDED_SLICE", [x([4, 6]), i32([1, 0]), i32([3, 6]), i32([1, 2])], [[2, 3]]),
    Case("slice", "SLICE", [x([4, 6]), i32([1, 2]), i32([2, 3])], [[2, 3]]),
    Case("gather", "GATHER", [x([5, 3]), i32([4, 0, 2])], [[3, 3]], dict(axis=0)),
    Case("split", "SPLIT", [i32(1), x([2, 6])], [[2, 3], [2, 3]], dict(num_splits=2)),
    Case("split_v", "SPLIT_V", [x([2, 6]), i32([2, 4]), i32(1)], [[2, 2], [2, 4]], dict(num_splits=2)),
    Case("unpack", "UNPACK", [x([3, 4])], [[4], [4], [4]], dict(num=3, axis=0)),
    Case("pad", "PAD", [x([1, 3, 3, 2], 0.5, 2), i32([[0, 0], [1, 1], [2, 0], [0, 0]])], [[1, 5, 5, 2]]),
    Case("padv2", "PADV2", [x([2, 3]), i32([[1, 0], [0, 2]]), c(np.array(0.25, np.float32))], [[3, 5]]),
    Case("mirror_pad", "MIRROR_PAD", [x([3, 4]), i32([[1, 1], [2, 0]])], [[5, 6]], dict(mode=0)),
    Case("tile", "TILE", [x([2, 3]), i32([2, 2])], [[4, 6]]),
    Case("broadcast_to", "BROADCAST_TO", [x([1, 3]), i32([4, 3])], [[4, 3]]),
    Case("resize_nearest", "RESIZE_NEAREST_NEIGHBOR", [x([1, 3, 3, 2]), i32([6, 6])], [[1, 6, 6, 2]]),
    Case("resize_bilinear", "RESIZE_BILINEAR", [x([1, 3, 3, 2]), i32([5, 5])], [[1, 5, 5, 2]]),
    Case("reduce_max", "REDUCE_MAX", [x([2, 5, 3]), i32([1])], [[2, 3]], dict(keep_dims=False)),
    Case("reduce_min", "REDUCE_MIN", [x([2, 5, 3]), i32([1])], [[2, 3]], dict(keep_dims=False)),
    Case("concatenation", "CONCATENATION", [x([1, 3, 2]), x([1, 3, 4], -4, 1)], [[1, 3, 6]], dict(axis=2)),
    Case("concatenation_const", "CONCATENATION", [x([2, 3]), w(2, 2)], [[2, 5]], dict(axis=1)),
    Case("pack", "PACK", [x([3]), x([3], 0, 2)], [[2, 3]], dict(values_count=2, axis=0)),
    Case("lstm", "UNIDIRECTIONAL_SEQUENCE_LSTM", lstm_inputs(5, 6, 2, 7), [[2, 7, 6]],
         dict(fused_activation_function=4, cell_clip=10.0, time_major=False)),
    Case("maximum", "MAXIMUM", [x([2, 4]), x([2, 4], 0, 2)], [[2, 4]]),
    Case("minimum", "MINIMUM", [x([2, 4]), x([2, 4], -2, 0.5)], [[2, 4]]),
]

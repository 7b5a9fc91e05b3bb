"""Operator-code versions of quantized operators, from TFLite's versioning rules (the version says
which kernel features a reader needs: int8 inputs, int16 activations, hybrid weights...). Readers
pick the kernel by tensor types, so the version matters for the min_runtime_version metadata and for
older runtimes that refuse versions they do not know."""
from __future__ import annotations

from tensorlite.converter.model import Operator, Subgraph

# builtin -> version for int8 and for int16 activations, where the rule is just the input type. TILE stays
# at 1: TFLite's rules say 3 for int8, but LiteRT 2.3 registers TILE 1-2 only, and its kernel runs int8 anyway.
_BY_TYPE = {
    "ADD": (2, 3), "SUB": (2, 5), "MUL": (2, 4), "AVERAGE_POOL_2D": (2, 3), "MAX_POOL_2D": (2, 3),
    "CONCATENATION": (2, 3), "SOFTMAX": (2, 3), "MEAN": (2, 3), "REDUCE_MAX": (2, 3), "REDUCE_MIN": (2, 3),
    "RELU6": (2, 3), "RELU": (2, 3), "LOGISTIC": (2, 3), "TANH": (2, 3), "LEAKY_RELU": (1, 2),
    "PAD": (2, 3), "PADV2": (2, 3), "MIRROR_PAD": (2, 2), "TRANSPOSE": (2, 5), "GATHER": (2, 4),
    "STRIDED_SLICE": (2, 2), "SLICE": (2, 4), "SPLIT": (2, 4), "SPLIT_V": (2, 2), "PACK": (2, 3),
    "UNPACK": (2, 4), "MAXIMUM": (2, 4), "MINIMUM": (2, 4), "RESIZE_BILINEAR": (2, 4),
    "RESIZE_NEAREST_NEIGHBOR": (2, 4), "BATCH_MATMUL": (2, 3), "TILE": (1, 1), "BROADCAST_TO": (3, 3),
    "SUM": (2, 2), "LOG_SOFTMAX": (2, 2), "SQUARED_DIFFERENCE": (2, 2), "HARD_SWISH": (1, 1),
}


def operator_version(op: Operator, sg: Subgraph) -> int:
    """The version TFLite's rules give `op` once its tensors carry their final types."""
    def dtype(slot: int) -> str | None:
        i = op.inputs[slot] if slot < len(op.inputs) else -1
        return sg.tensors[i].dtype if i >= 0 else None

    def per_channel(slot: int) -> bool:
        i = op.inputs[slot] if slot < len(op.inputs) else -1
        q = sg.tensors[i].quantization if i >= 0 else None
        return q is not None and len(q.scale) > 1

    out = sg.tensors[op.outputs[0]].dtype if op.outputs else None
    code = op.opcode
    if code == "CONV_2D":
        if dtype(0) == "float32" and dtype(1) == "int8":
            return 5 if per_channel(1) else 2
        return 3 if dtype(0) in ("int8", "int16") else 1
    if code == "DEPTHWISE_CONV_2D":
        if dtype(0) == "float32" and dtype(1) == "int8":
            return 6 if per_channel(1) else 4
        if dtype(0) in ("int8", "int16"):
            return 3
        return 2 if op.options.get("dilation_w_factor", 1) != 1 or op.options.get("dilation_h_factor", 1) != 1 else 1
    if code == "FULLY_CONNECTED":
        if dtype(0) == "float32" and dtype(1) == "int8":
            if per_channel(1):
                return 12
            return 9 if op.options.get("asymmetric_quantize_inputs") else 3
        if len([i for i in op.inputs if i >= 0]) == 2:
            return 6
        if op.options.get("keep_num_dims"):
            return 5
        return 7 if dtype(0) == "int16" and dtype(1) == "int16" else 4 if dtype(0) in ("int8", "int16") else 1
    if code == "TRANSPOSE_CONV":
        if len(op.inputs) > 3 and op.inputs[3] >= 0:
            return 3
        return 2 if dtype(1) == "int8" else 1
    if code == "QUANTIZE":
        return 2 if out == "int16" else 1
    if code == "DEQUANTIZE":
        return 3 if dtype(0) in ("int16", "float16") else 2 if dtype(0) == "int8" else 1
    if code in _BY_TYPE:
        first = next((sg.tensors[i].dtype for i in op.inputs if i >= 0 and sg.tensors[i].data is None),
                     dtype(0))
        if code == "SPLIT":
            first = dtype(1)
        int8_v, int16_v = _BY_TYPE[code]
        return int8_v if first == "int8" else int16_v if first == "int16" else op.version
    return op.version

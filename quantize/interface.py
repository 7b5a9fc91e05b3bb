"""uint8 inputs and outputs for a full int8 model, as TensorFlow's converter makes them with
`inference_input_type = tf.uint8`: the int8 model is made first, then each int8 model input becomes a
uint8 tensor with the same scale and zero point + 128, read by a QUANTIZE (uint8 -> int8, an exact
shift by 128) at the start; each int8 output is re-quantized to uint8 by a QUANTIZE at the end. The
uint8 tensors take the model's input and output names (signatures follow); the int8 ones get `_int8`.
"""
from __future__ import annotations

import copy

import numpy as np
from tensorlite.converter.model import Model, Operator, Quantization, Tensor

from .integer import QuantizationError


def _uint8_twin(like: Tensor) -> Tensor:
    q = like.quantization
    zero = np.asarray(q.zero_point, np.int64) + 128
    return Tensor(like.name, "uint8", tuple(like.shape), None, shape_signature=like.shape_signature,
                  quantization=Quantization(np.asarray(q.scale, np.float32), zero, q.dimension))


def uint8_interface(model: Model, inputs: bool, outputs: bool) -> Model:
    """The model with uint8 inputs (when `inputs`) and outputs (when `outputs`) around its int8 ones."""
    model = copy.deepcopy(model)
    sg = model.subgraphs[0]
    swap: dict[int, int] = {}
    first, last = [], []
    for wanted, edge in ((inputs, sg.inputs), (outputs, sg.outputs)):
        if not wanted:
            continue
        for t in edge:
            tensor = sg.tensors[t]
            if tensor.dtype != "int8":
                raise QuantizationError(f"uint8 {'input' if edge is sg.inputs else 'output'} {tensor.name!r}: the "
                                        f"tensor is {tensor.dtype}; uint8 I/O wraps int8 ones")
            u = sg.add_tensor(_uint8_twin(tensor))
            tensor.name = f"{tensor.name}_int8"
            swap[t] = u
            if edge is sg.inputs:
                first.append(Operator("QUANTIZE", [u], [t]))
            else:
                last.append(Operator("QUANTIZE", [t], [u]))
    sg.inputs = [swap.get(t, t) if inputs else t for t in sg.inputs]
    sg.outputs = [swap.get(t, t) if outputs else t for t in sg.outputs]
    sg.operators = first + sg.operators + last
    for sig in model.signatures:
        if sig.subgraph == 0:
            sig.inputs = {k: swap.get(v, v) if inputs else v for k, v in sig.inputs.items()}
            sig.outputs = {k: swap.get(v, v) if outputs else v for k, v in sig.outputs.items()}
    return model

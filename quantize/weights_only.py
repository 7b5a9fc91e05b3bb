"""The two modes that change only constants, no calibration needed:

- float16: every float32 constant is stored as float16 and turned back into float32 by a DEQUANTIZE
  at the start of the graph (half the size; runtimes may also run the whole model in float16 where
  the model says so, with the `reduced_precision_support` metadata TensorFlow writes);
- dynamic range: the weights of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with at least
  `min_elements` values (1,024, TensorFlow's threshold: smaller ones save little) become symmetric
  int8, per output channel; activations stay float and the kernels quantize them on the fly (the
  "hybrid" kernels). FULLY_CONNECTED asks for asymmetric input quantization, as TensorFlow's
  converter does, which tracks the float model more closely.
"""
from __future__ import annotations

import copy

import numpy as np
from tensorlite.converter.fuse import compact_model_subgraph
from tensorlite.converter.model import Model, Operator, Quantization, Tensor

from .params import quantize_values, weight_scales
from .rules import rule_for
from .versions import operator_version

MIN_ELEMENTS = 1024


def quantize_float16(model: Model, keep_float: frozenset = frozenset()) -> Model:
    model = copy.deepcopy(model)
    for g, sg in enumerate(model.subgraphs):
        keep = {i for k, op in enumerate(sg.operators) if g == 0 and k in keep_float for i in op.inputs}
        readers = {i for op in sg.operators for i in op.inputs if i >= 0}
        start = []
        converted: dict[int, int] = {}
        for i in sorted(readers):
            t = sg.tensors[i]
            if t.dtype != "float32" or t.data is None or i in keep:
                continue
            half = sg.add_tensor(Tensor(t.name, "float16", t.shape, np.asarray(t.data, np.float16)))
            out = sg.add_tensor(Tensor(f"{t.name}_dequantized", "float32", t.shape))
            start.append(Operator("DEQUANTIZE", [half], [out], version=3))
            converted[i] = out
        for op in sg.operators:
            op.inputs = [converted.get(i, i) for i in op.inputs]
        sg.operators = start + sg.operators
        compact_model_subgraph(model, g)
    model.metadata["reduced_precision_support"] = b"fp16accfp32"
    return model


def quantize_dynamic(model: Model, keep_float: frozenset = frozenset(), min_elements: int = MIN_ELEMENTS) -> Model:
    model = copy.deepcopy(model)
    sg = model.subgraphs[0]
    for k, op in enumerate(sg.operators):
        rule = rule_for(op.opcode, op.custom)
        if rule is None or not rule.hybrid or k in keep_float or op.inputs[0] < 0 \
                or sg.tensors[op.inputs[0]].dtype != "float32":
            continue
        w = sg.tensors[op.inputs[rule.weight]] if op.inputs[rule.weight] >= 0 else None
        if w is None or w.dtype != "float32" or w.data is None or w.data.size < min_elements:
            continue
        axis = 0 if op.opcode != "DEPTHWISE_CONV_2D" else 3
        scales = weight_scales(w.data, axis)
        zeros = np.zeros(len(scales), np.int64)
        qw = sg.add_tensor(Tensor(w.name, "int8", w.shape, quantize_values(w.data, scales, zeros, "int8", axis,
                                                                           narrow=True),
                                  quantization=Quantization(scales.astype(np.float32), zeros, axis)))
        op.inputs[rule.weight] = qw
        if op.opcode == "FULLY_CONNECTED":
            op.options["asymmetric_quantize_inputs"] = True
        op.version = operator_version(op, sg)
    compact_model_subgraph(model, 0)
    return model

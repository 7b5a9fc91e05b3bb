"""Deployment rewrites on lowered TFLite subgraphs, as TensorFlow's converter makes them:

- bias fusion: CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED / TRANSPOSE_CONV followed by an ADD of
  a constant per-channel vector take the vector as their bias (and the ADD's fused activation);
- activation fusion: an op with a fused_activation_function field followed by RELU, RELU6,
  RELU_N1_TO_1 (float32) takes it as its fused activation;
- unused tensors are dropped and indices compacted.

A rewrite applies only when the intermediate tensor has no other reader and is not a subgraph
output, so every output keeps its value.
"""
from __future__ import annotations

import numpy as np

from .model import Operator, Subgraph

_BIAS_INPUT = {"CONV_2D": 2, "DEPTHWISE_CONV_2D": 2, "FULLY_CONNECTED": 2, "TRANSPOSE_CONV": 3}
_ACTIVATIONS = {"RELU": 1, "RELU_N1_TO_1": 2, "RELU6": 3}  # TANH: LiteRT kernels ignore it
_FUSABLE = {"ADD", "SUB", "MUL", "DIV", "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "TRANSPOSE_CONV",
            "CONCATENATION", "AVERAGE_POOL_2D", "MAX_POOL_2D"}


def _readers(sg: Subgraph) -> dict[int, list[Operator]]:
    readers: dict[int, list[Operator]] = {}
    for op in sg.operators:
        for t in op.inputs:
            if t >= 0:
                readers.setdefault(t, []).append(op)
    return readers


def _sole_reader(sg: Subgraph, readers, t: int) -> Operator | None:
    r = readers.get(t, [])
    return r[0] if len(r) == 1 and t not in sg.outputs else None


def fuse_bias(sg: Subgraph) -> int:
    done = 0
    readers = _readers(sg)
    for op in list(sg.operators):
        slot = _BIAS_INPUT.get(op.opcode)
        if slot is None or op.options.get("fused_activation_function", 0) != 0:
            continue
        out = op.outputs[0]
        add = _sole_reader(sg, readers, out)
        act = add.options.get("fused_activation_function", 0) if add is not None else 0
        if add is None or add.opcode != "ADD" or (act and op.opcode == "TRANSPOSE_CONV"):
            continue
        other = add.inputs[1] if add.inputs[0] == out else add.inputs[0]
        t, channels = sg.tensors[other], sg.tensors[out].shape[-1]
        if t.data is None or t.dtype != "float32" or t.data.size != channels or \
                any(d != 1 for d in t.data.shape[:-1]) or tuple(sg.tensors[add.outputs[0]].shape) != \
                tuple(sg.tensors[out].shape):
            continue
        old = op.inputs[slot] if len(op.inputs) > slot else -1
        bias = t.data.reshape(channels).astype(np.float32)
        if old >= 0:
            bias = bias + sg.tensors[old].data
        if old >= 0 and len(readers.get(old, [])) == 1:
            sg.tensors[old].data = bias            # this op's own zero bias: update in place
        else:
            sg.tensors.append(type(t)(f"{sg.tensors[out].name}/bias", "float32", (channels,), bias))
            old = len(sg.tensors) - 1
        while len(op.inputs) <= slot:
            op.inputs.append(-1)
        op.inputs[slot] = old
        op.outputs[0] = add.outputs[0]
        if act:   # the add's fused activation moves with it
            op.options["fused_activation_function"] = act
        sg.operators.remove(add)
        readers = _readers(sg)
        done += 1
    return done


def fuse_activations(sg: Subgraph) -> int:
    done = 0
    readers = _readers(sg)
    for op in list(sg.operators):
        if op.opcode not in _FUSABLE or op.options.get("fused_activation_function", 0) != 0 or len(op.outputs) != 1:
            continue
        act = _sole_reader(sg, readers, op.outputs[0])
        if act is None or act.opcode not in _ACTIVATIONS or sg.tensors[op.outputs[0]].dtype != "float32":
            continue
        op.options["fused_activation_function"] = _ACTIVATIONS[act.opcode]
        op.outputs[0] = act.outputs[0]
        sg.operators.remove(act)
        readers = _readers(sg)
        done += 1
    return done


def compact_tensors(sg: Subgraph) -> dict[int, int]:
    """Drops the tensors no operator, input or output uses and renumbers the rest; {old index: new}."""
    used = set(sg.inputs) | set(sg.outputs)
    for op in sg.operators:
        used.update(t for t in op.inputs + op.outputs + op.intermediates if t >= 0)
    keep = [i for i in range(len(sg.tensors)) if i in used]
    new = {old: i for i, old in enumerate(keep)}
    if len(keep) == len(sg.tensors):
        return new
    sg.tensors = [sg.tensors[i] for i in keep]
    sg.inputs = [new[i] for i in sg.inputs]
    sg.outputs = [new[i] for i in sg.outputs]
    for op in sg.operators:
        op.inputs = [new[i] if i >= 0 else -1 for i in op.inputs]
        op.outputs = [new[i] for i in op.outputs]
        op.intermediates = [new[i] for i in op.intermediates]
    return new


def compact_model_subgraph(model, index: int) -> dict[int, int]:
    """compact_tensors on one subgraph of a Model, with its SignatureDefs following the new indices."""
    new = compact_tensors(model.subgraphs[index])
    for sig in model.signatures:
        if sig.subgraph == index:
            sig.inputs = {name: new[i] for name, i in sig.inputs.items()}
            sig.outputs = {name: new[i] for name, i in sig.outputs.items()}
    return new


def drop_unused_tensors(sg: Subgraph) -> int:
    before = len(sg.tensors)
    compact_tensors(sg)
    return before - len(sg.tensors)


def optimize(sg: Subgraph) -> Subgraph:
    fuse_bias(sg)
    fuse_activations(sg)
    drop_unused_tensors(sg)
    return sg

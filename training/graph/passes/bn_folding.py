"""Batch-norm folding for inference: batch_norm(conv2d(x, w) [+ b], mean, var, offset, scale) with
constant statistics becomes conv2d(x, w * k) + (b - mean) * k + offset, k = scale / sqrt(var + eps),
per output channel (the last axis); the same for matmul (dense) and depthwise_conv2d (filter
[KH, KW, C, M], output channel c*M + m). It fires only when the statistics
and weights are constants: in a frozen inference graph (freeze.py), never in a training step whose
parameters are variables."""
from __future__ import annotations

import itertools

import numpy as np

from ..ir import Graph, Node, Value
from .util import replace_uses

LINEAR = {"conv2d", "matmul", "depthwise_conv2d"}


def _out_channels(op: str, w: np.ndarray) -> int:
    return w.shape[2] * w.shape[3] if op == "depthwise_conv2d" else w.shape[-1]
_ids = itertools.count(10_000_000)


def _per_channel(a: np.ndarray, channels: int):
    """a as a [channels] vector if it broadcasts only along the last axis, else None."""
    if a.size == 1:
        return np.full(channels, a.reshape(()), a.dtype)
    if a.shape[-1] == channels and a.size == channels:
        return a.reshape(channels)
    return None


def _uses(graph: Graph, v: Value) -> int:
    return sum(u is v for n in graph.nodes for u in n.inputs) + sum(u is v for u in graph.outputs) + \
        sum(u is v for _, u in graph.assigns)


def run(graph: Graph) -> int:
    producer = {v.id: n for n in graph.nodes for v in n.outputs}
    folded = 0
    for bn in list(graph.nodes):
        if bn.op != "batch_norm" or any(v.id not in graph.constants for v in bn.inputs[1:]):
            continue
        x = bn.inputs[0]
        channels = x.shape[-1]
        stats = [_per_channel(graph.constants[v.id], channels) for v in bn.inputs[1:]]
        if any(s is None for s in stats):
            continue
        mean, var, offset, scale = (s.astype(np.float64) for s in stats)
        k = scale / np.sqrt(var + bn.attrs.get("variance_epsilon", 1e-3))
        bias_node, lin = None, producer.get(x.id)
        if lin is not None and lin.op == "add" and _uses(graph, x) == 1 and lin.attrs.get("activation") is None:
            c = [v for v in lin.inputs if v.id in graph.constants]
            other = [v for v in lin.inputs if v.id not in graph.constants]
            if len(c) == 1 and len(other) == 1 and _per_channel(graph.constants[c[0].id], channels) is not None:
                bias_node, lin = lin, producer.get(other[0].id)
        if lin is None or lin.op not in LINEAR or lin.inputs[1].id not in graph.constants \
                or lin.attrs.get("activation") is not None:   # a fused activation sits between
            continue
        if lin.op == "matmul" and (lin.attrs.get("transpose_b") or len(lin.inputs[1].shape) != 2):
            continue
        w = graph.constants[lin.inputs[1].id]
        if _uses(graph, lin.outputs[0]) != 1 or _out_channels(lin.op, w) != channels:
            continue
        b = np.zeros(channels) if bias_node is None else \
            _per_channel(graph.constants[[v for v in bias_node.inputs if v.id in graph.constants][0].id],
                         channels).astype(np.float64)
        new_w = Value(next(_ids), lin.inputs[1].dtype, lin.inputs[1].shape)
        scale_w = k.reshape(w.shape[2], w.shape[3]) if lin.op == "depthwise_conv2d" else k
        graph.constants[new_w.id] = (w.astype(np.float64) * scale_w).astype(w.dtype)
        new_b = Value(next(_ids), bn.outputs[0].dtype, (channels,))
        graph.constants[new_b.id] = ((b - mean) * k + offset).astype(w.dtype)
        lin.inputs = [lin.inputs[0], new_w]
        out = Value(next(_ids), bn.outputs[0].dtype, bn.outputs[0].shape)
        graph.nodes.insert(graph.nodes.index(bn), Node("add", [lin.outputs[0], new_b], [out]))
        replace_uses(graph, bn.outputs[0], out)
        graph.nodes.remove(bn)
        if bias_node is not None:
            graph.nodes.remove(bias_node)
            replace_uses(graph, bias_node.outputs[0], lin.outputs[0])
        folded += 1
    return folded

"""Constant folding: a node whose inputs are all constants is computed now, with its CPU kernel,
and its outputs become constants (up to MAX_ELEMENTS each, so folding never blows up the graph).
A `shape` node whose input's shape is fully known folds too (to that shape); one whose input has
a symbolic dimension (None: known only when the graph runs) never does, nor does any node whose
output shape has one. The node itself is left for dead-code elimination."""
from __future__ import annotations

import numpy as np

from ...dtypes import as_dtype
from ...ops.registry import OPS
from ..ir import Graph

MAX_ELEMENTS = 1 << 20


def run(graph: Graph) -> int:
    folded = 0
    for n in graph.nodes:
        if any(v.id in graph.constants for v in n.outputs):
            continue  # folded in an earlier round
        if any(None in v.shape or np.prod(v.shape, dtype=np.int64) > MAX_ELEMENTS for v in n.outputs):
            continue
        if n.op == "shape" and n.inputs and None not in n.inputs[0].shape:
            out_type = as_dtype(n.attrs.get("out_type", OPS["shape"].attrs["out_type"]))
            graph.constants[n.outputs[0].id] = np.asarray(n.inputs[0].shape, out_type.as_numpy_dtype)
            n.inputs, n.outputs = [], []
            folded += 1
            continue
        if not n.inputs or any(v.id not in graph.constants for v in n.inputs):
            continue
        op = OPS[n.op]
        kernel = op.kernels.get("cpu")
        if kernel is None:
            continue
        result = kernel(np, *[graph.constants[v.id] for v in n.inputs], **{**op.attrs, **n.attrs})
        results = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        for v, r in zip(n.outputs, results):
            graph.constants[v.id] = np.asarray(r).astype(v.dtype if v.dtype != "bool" else np.bool_)
        n.inputs, n.outputs = [], []  # the node now computes nothing; its outputs are constants
        folded += 1
    graph.nodes = [n for n in graph.nodes if n.outputs]
    return folded

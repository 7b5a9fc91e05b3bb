"""The shapes a graph with symbolic dimensions has at one size: every value's static shape when each
symbolic (None) dimension of the inputs is `size`, by shape inference alone (nothing runs on data).

Shape arithmetic is evaluated on the way (a `shape` node gives its input's shape; nodes computing
only from such values and small constants run their CPU kernels), so a reshape whose sizes the
graph computes (`tl.reshape(x, [tl.shape(x)[0], -1])`) gets its static shape too. The converter
writes these as the tensors' `shape`, beside a `shape_signature` with -1 where the graph's shape is
symbolic: what a runtime that plans static shapes (tensorlite's C runtime, the quantizer's
calibration) allocates, and what LiteRT starts from before `resize_tensor_input`.
"""
from __future__ import annotations

import numpy as np

from ..dtypes import as_dtype
from ..ops.registry import OPS
from ..spec import TensorSpec
from .ir import Graph

MAX_KNOWN = 64  # elements of a value evaluated on the way (shapes and their arithmetic are small)


def concrete_shapes(graph: Graph, size: int = 1) -> dict[int, tuple]:
    """value id -> static shape, for the graph's inputs and node outputs (constants are static)."""
    shapes = {v.id: tuple(size if d is None else d for d in v.shape) for v in graph.inputs}
    known = {vid: a for vid, a in graph.constants.items() if a.size <= MAX_KNOWN}
    for n in graph.nodes:
        ins = [shapes.get(v.id, tuple(v.shape)) for v in n.inputs]
        op = OPS[n.op]
        attrs = {**op.attrs, **n.attrs}
        outs = None
        if n.op == "shape":
            value = np.asarray(ins[0], as_dtype(attrs["out_type"]).as_numpy_dtype)
            known[n.outputs[0].id] = value
            outs = [value.shape]
        elif n.inputs and all(v.id in known for v in n.inputs) and "cpu" in op.kernels:
            result = op.kernels["cpu"](np, *[known[v.id] for v in n.inputs], **attrs)
            results = [np.asarray(r) for r in (result if isinstance(result, (tuple, list)) else (result,))]
            for v, r in zip(n.outputs, results):
                if r.size <= MAX_KNOWN:
                    known[v.id] = r
            outs = [r.shape for r in results]
        else:
            inputs = list(n.inputs)
            for name in op.symbolic_attrs:  # sizes a shape tensor input gives (reshape's), now known
                sizes = attrs.get(name)
                last = inputs[-1] if len(inputs) > 1 else None
                if sizes is not None and None in sizes and last is not None and last.id in known \
                        and last.dtype.startswith("int") and known[last.id].shape == (len(sizes),):
                    attrs[name] = tuple(int(d) for d in known[last.id])
                    inputs, ins = inputs[:-1], ins[:-1]
            try:
                specs = op.infer(*[TensorSpec(s, as_dtype(v.dtype)) for s, v in zip(ins, inputs)], **attrs)
            except (TypeError, ValueError):
                specs = None  # leave this node's values at their graph shapes (symbolic dims as `size`)
            if specs is not None:
                outs = [s.shape for s in (specs if isinstance(specs, (tuple, list)) else (specs,))]
        for i, v in enumerate(n.outputs):
            shape = outs[i] if outs is not None and i < len(outs) else v.shape
            # a dimension inference cannot give here keeps the graph's, a symbolic one as `size`
            shapes[v.id] = tuple(g if d is None else int(d) for d, g in
                                 zip(shape, (size if g is None else g for g in v.shape)))
    return shapes

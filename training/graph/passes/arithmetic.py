"""Arithmetic simplification: x * 1, 1 * x, x + 0, 0 + x, x - 0 and x / 1 become x, and a transpose
of a transpose whose permutations compose to the identity becomes the original tensor, whenever
the result keeps x's shape and dtype (so broadcasting is never lost)."""
from __future__ import annotations

import numpy as np

from ..ir import Graph, Value
from .util import replace_uses

# op -> (positions of the neutral operand allowed, neutral value)
NEUTRAL = {"mul": ((0, 1), 1), "add": ((0, 1), 0), "sub": ((1,), 0), "div": ((1,), 1)}


def _same(a: Value, b: Value) -> bool:
    return a.dtype == b.dtype and tuple(a.shape) == tuple(b.shape)


def run(graph: Graph) -> int:
    rewrites = 0
    producer = {v.id: n for n in graph.nodes for v in n.outputs}
    for n in graph.nodes:
        out = n.outputs[0] if len(n.outputs) == 1 else None
        if out is None:
            continue
        if n.op in NEUTRAL and len(n.inputs) == 2 and n.attrs.get("activation") is None:
            positions, neutral = NEUTRAL[n.op]
            for p in positions:
                c, x = n.inputs[p], n.inputs[1 - p]
                a = graph.constants.get(c.id)
                if a is not None and np.all(a == neutral) and _same(x, out):
                    replace_uses(graph, out, x)
                    rewrites += 1
                    break
        elif n.op == "transpose":
            inner = producer.get(n.inputs[0].id)
            if inner is not None and inner.op == "transpose":
                p1, p2 = inner.attrs.get("perm"), n.attrs.get("perm")
                x = inner.inputs[0]
                if p1 is not None and p2 is not None and [p1[i] for i in p2] == list(range(len(p2))) \
                        and _same(x, out):
                    replace_uses(graph, out, x)
                    rewrites += 1
    return rewrites

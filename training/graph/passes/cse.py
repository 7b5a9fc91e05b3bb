"""Common-subexpression elimination: a node with the same op, inputs and attributes as an earlier
one reuses that node's outputs (every op in the table is a pure function of them; dropout's mask
is a function of its seed attribute and its count input, which differs between the ops of one
call). Equal constants are merged first, so x*2 and x*2 written twice become one node."""
from __future__ import annotations

import numpy as np

from ..ir import Graph
from .util import replace_uses


def _const_key(a: np.ndarray):
    return (a.dtype.str, a.shape, a.tobytes())


def run(graph: Graph) -> int:
    rewrites = 0
    values = {v.id: v for n in graph.nodes for v in n.inputs}
    values.update({v.id: v for v in graph.outputs})
    values.update({v.id: v for _, v in graph.assigns})
    first: dict = {}
    for vid in list(graph.constants):
        if vid not in values:
            continue
        key = _const_key(graph.constants[vid])
        if key in first:
            replace_uses(graph, values[vid], values[first[key]])
            rewrites += 1
        else:
            first[key] = vid
    seen: dict = {}
    for n in graph.nodes:
        key = (n.op, tuple(v.id for v in n.inputs), repr(sorted(n.attrs.items())))
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = n
            continue
        for old, new in zip(n.outputs, earlier.outputs):
            replace_uses(graph, old, new)
        rewrites += 1
    return rewrites

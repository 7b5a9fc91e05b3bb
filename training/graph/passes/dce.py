"""Dead-code elimination: drops nodes none of whose outputs reach a graph output or an assignment,
then constants and captured variables nothing reads."""
from __future__ import annotations

from ..ir import Graph


def run(graph: Graph) -> int:
    live = {v.id for v in graph.outputs} | {v.id for _, v in graph.assigns}
    kept = []
    for n in reversed(graph.nodes):
        if any(v.id in live for v in n.outputs):
            kept.append(n)
            live |= {v.id for v in n.inputs}
    removed = len(graph.nodes) - len(kept)
    graph.nodes = kept[::-1]
    for vid in [k for k in graph.constants if k not in live]:
        del graph.constants[vid]
    for vid in [k for k in graph.captures if k not in live]:
        del graph.captures[vid]
    return removed

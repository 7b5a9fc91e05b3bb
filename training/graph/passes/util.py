"""Helpers the passes share: who uses a value, and redirecting uses from one value to another."""
from __future__ import annotations

from ..ir import Graph, Value


def replace_uses(graph: Graph, old: Value, new: Value) -> None:
    """Every use of `old` (node inputs, graph outputs, assignments) reads `new` instead."""
    for n in graph.nodes:
        n.inputs = [new if v is old else v for v in n.inputs]
    graph.outputs = [new if v is old else v for v in graph.outputs]
    graph.assigns = [(name, new if v is old else v) for name, v in graph.assigns]


def used_ids(graph: Graph) -> set[int]:
    ids = {v.id for n in graph.nodes for v in n.inputs}
    return ids | {v.id for v in graph.outputs} | {v.id for _, v in graph.assigns}

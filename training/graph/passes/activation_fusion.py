"""Activation fusion (TF's "remapping"): a relu or relu6 whose input is made by conv2d,
depthwise_conv2d, matmul or add, and read by nothing else, becomes that op's `activation`
attribute (training/ops/fusion.py): one node and one buffer fewer, and the converter writes it as
TFLite's fused_activation_function. Float tensors only."""
from __future__ import annotations

from ..ir import Graph

FUSE_INTO = {"conv2d", "depthwise_conv2d", "matmul", "add"}
ACTIVATIONS = {"relu", "relu6"}


def run(graph: Graph) -> int:
    producer = {v.id: n for n in graph.nodes for v in n.outputs}
    readers: dict[int, int] = {}
    for n in graph.nodes:
        for v in n.inputs:
            readers[v.id] = readers.get(v.id, 0) + 1
    kept = {v.id for v in graph.outputs} | {v.id for _, v in graph.assigns}
    fused = 0
    for act in list(graph.nodes):
        if act.op not in ACTIVATIONS or not act.inputs[0].dtype.startswith("float"):
            continue
        v = act.inputs[0]
        p = producer.get(v.id)
        if p is None or p.op not in FUSE_INTO or p.attrs.get("activation") is not None \
                or readers.get(v.id) != 1 or v.id in kept or len(p.outputs) != 1:
            continue
        p.attrs = {**p.attrs, "activation": act.op}
        p.outputs = list(act.outputs)
        producer[act.outputs[0].id] = p
        graph.nodes.remove(act)
        fused += 1
    return fused

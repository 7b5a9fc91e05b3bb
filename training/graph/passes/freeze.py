"""Freezing for inference export: captured variables become constants holding their current values,
and assignments are dropped (an inference graph does not update state). Constant folding and
batch-norm folding then see the weights. Not a default pass: training graphs keep variables."""
from __future__ import annotations

import numpy as np

from ..ir import Graph


def freeze(graph: Graph, values: dict[int, np.ndarray]) -> Graph:
    """values: capture value id -> array (e.g. {vid: var.numpy() for vid, var in cf._variables.items()})."""
    missing = sorted(set(graph.captures) - set(values))
    if missing:
        raise ValueError(f"freeze {graph.name!r}: no value for captured variables "
                         f"{[graph.captures[m] for m in missing]}")
    for vid in list(graph.captures):
        graph.constants[vid] = np.array(values[vid], copy=True)
        del graph.captures[vid]
    graph.assigns = []
    return graph
